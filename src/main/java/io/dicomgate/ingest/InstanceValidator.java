package io.dicomgate.ingest;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.AttributeTag;
import com.pixelmed.dicom.DicomException;
import com.pixelmed.dicom.DicomInputStream;
import com.pixelmed.dicom.TagFromName;

import io.dicomgate.dicom.NativePixelDataLength;
import io.dicomgate.dicom.Part10Structure;
import io.dicomgate.dicom.PixelDataLocation;
import io.dicomgate.dicom.TransferSyntaxes;
import io.dicomgate.dicom.Uid;

/**
 * What every stored object must be, whichever road it came in by: a storable transfer syntax, the
 * UIDs PS3.18 §10.5.1 requires, File Meta Information describing the same instance (PS3.10 §7.1),
 * the addressed study, and complete Pixel Data.
 */
final class InstanceValidator {

    private InstanceValidator() {
    }

    /**
     * Required attributes of every stored object (PS3.18 §10.5.1: SOP Class, SOP Instance, Study and
     * Series Instance UIDs; the File Meta Information must describe the same instance, PS3.10 §7.1),
     * and the Study Instance UID of the target resource when one is addressed.
     */
    static Optional<FailureReason> validate(AttributeList list, Part10Structure structure, String studyUid) {
        if (!TransferSyntaxes.isSupported(structure.transferSyntaxUid())) {
            return Optional.of(FailureReason.TRANSFER_SYNTAX_NOT_SUPPORTED);
        }
        String sopClass = string(list, TagFromName.SOPClassUID);
        String sopInstance = string(list, TagFromName.SOPInstanceUID);
        String study = string(list, TagFromName.StudyInstanceUID);
        String series = string(list, TagFromName.SeriesInstanceUID);
        if (!Uid.isValid(sopClass) || !Uid.isValid(sopInstance) || !Uid.isValid(study) || !Uid.isValid(series)) {
            return Optional.of(FailureReason.DATASET_MISMATCH);
        }
        if (metaDisagrees(list)) {
            return Optional.of(FailureReason.DATASET_MISMATCH);
        }
        if (studyUid != null && !studyUid.equals(study)) {
            return Optional.of(FailureReason.DATASET_MISMATCH);
        }
        return pixelDataComplete(list, structure) ? Optional.empty() : Optional.of(FailureReason.CANNOT_UNDERSTAND);
    }

    /** The File Meta's Media Storage SOP Class/Instance UIDs differ from the data set's (PS3.10 §7.1). */
    static boolean metaDisagrees(AttributeList list) {
        String sopClass = string(list, TagFromName.SOPClassUID);
        String sopInstance = string(list, TagFromName.SOPInstanceUID);
        return sopClass != null && sopInstance != null
                && (!sopClass.equals(string(list, TagFromName.MediaStorageSOPClassUID))
                        || !sopInstance.equals(string(list, TagFromName.MediaStorageSOPInstanceUID)));
    }

    /**
     * A file cut right after a complete element is structurally valid, so check what the Image Pixel
     * module (PS3.3 C.7.6.3) promises: an image has Pixel Data, and native Pixel Data holds every
     * frame (PS3.5 §8.1.1).
     */
    private static boolean pixelDataComplete(AttributeList list, Part10Structure structure) {
        Integer rows = IndexRecordBuilder.integer(list, TagFromName.Rows);
        Integer columns = IndexRecordBuilder.integer(list, TagFromName.Columns);
        Integer bits = IndexRecordBuilder.integer(list, TagFromName.BitsAllocated);
        if (rows == null || columns == null || bits == null
                || TransferSyntaxes.DEFLATED_EXPLICIT_VR_LITTLE_ENDIAN.equals(structure.transferSyntaxUid())) {
            return true;
        }
        PixelDataLocation pixels = structure.pixelData();
        if (pixels == null) {
            return list.get(TagFromName.FloatPixelData) != null || list.get(TagFromName.DoubleFloatPixelData) != null;
        }
        if (pixels.encapsulated()) {
            return true;
        }
        Integer samples = IndexRecordBuilder.integer(list, TagFromName.SamplesPerPixel);
        Integer frames = IndexRecordBuilder.integer(list, TagFromName.NumberOfFrames);
        return pixels.valueLength() >= NativePixelDataLength.expectedBytes(rows, columns, samples == null ? 1 : samples,
                bits, frames == null ? 1 : frames, string(list, TagFromName.PhotometricInterpretation));
    }

    /** A short, PHI-free explanation of a refusal, for the quarantine and reports. */
    static String describe(FailureReason reason) {
        return switch (reason) {
            case TRANSFER_SYNTAX_NOT_SUPPORTED -> "transfer syntax not supported";
            case DATASET_MISMATCH -> "missing or invalid UIDs, or File Meta Information that disagrees with the data set";
            case CANNOT_UNDERSTAND -> "incomplete: Pixel Data missing or shorter than its frames";
            case DUPLICATE_SOP_INSTANCE -> "conflict: this SOP Instance UID is stored with other bytes";
            default -> reason.name().toLowerCase(java.util.Locale.ROOT);
        };
    }

    /** Everything before Pixel Data: the pixel values never enter the heap. */
    static AttributeList readUpToPixelData(Path file) throws IOException, DicomException {
        AttributeList list = new AttributeList();
        try (DicomInputStream in = new DicomInputStream(new BufferedInputStream(Files.newInputStream(file), 65536))) {
            list.read(in, TagFromName.PixelData);
        }
        return list;
    }

    static String string(AttributeList list, AttributeTag tag) {
        return IndexRecordBuilder.string(list, tag);
    }
}
