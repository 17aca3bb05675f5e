package io.dicomgate.index;

import jakarta.persistence.Basic;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.FetchType;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.JoinColumn;
import jakarta.persistence.ManyToOne;
import jakarta.persistence.Table;

/** Instance level of the index: where the object is stored and what retrieval needs to serve it. */
@Entity
@Table(name = "instance")
public class Instance {
    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long pk;
    @ManyToOne(fetch = FetchType.LAZY, optional = false)
    @JoinColumn(name = "series_fk")
    public Series series;
    @Column(name = "sop_instance_uid")
    public String sopInstanceUid;
    @Column(name = "sop_class_uid")
    public String sopClassUid;
    @Column(name = "instance_number")
    public Integer instanceNumber;
    @Column(name = "pixel_rows")
    public Integer rows;
    @Column(name = "pixel_columns")
    public Integer columns;
    @Column(name = "bits_allocated")
    public Integer bitsAllocated;
    @Column(name = "samples_per_pixel")
    public Integer samplesPerPixel;
    @Column(name = "number_of_frames")
    public Integer numberOfFrames;
    @Column(name = "transfer_syntax_uid")
    public String transferSyntaxUid;
    @Column(name = "size_bytes")
    public long sizeBytes;
    public String sha256;
    @Column(name = "blob_key")
    public String blobKey;
    @Column(name = "pixel_vr")
    public String pixelVr;
    @Column(name = "pixel_offset")
    public Long pixelOffset;
    @Column(name = "pixel_length")
    public Long pixelLength;
    @Basic(fetch = FetchType.LAZY)
    @Column(name = "metadata_json")
    public String metadataJson;
}
