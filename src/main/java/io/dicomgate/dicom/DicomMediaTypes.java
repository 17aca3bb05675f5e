package io.dicomgate.dicom;

/** Media types of DICOMweb (PS3.18 §8.7.3). */
public final class DicomMediaTypes {
    public static final String DICOM = "application/dicom";
    public static final String DICOM_JSON = "application/dicom+json";
    public static final String DICOM_XML = "application/dicom+xml";
    public static final String OCTET_STREAM = "application/octet-stream";
    public static final String MULTIPART_RELATED = "multipart/related";

    private DicomMediaTypes() {
    }
}
