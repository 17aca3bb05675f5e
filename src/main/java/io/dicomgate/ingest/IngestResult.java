package io.dicomgate.ingest;

import java.util.List;

/**
 * What became of one object offered to {@link IngestSession}.
 *
 * @param sopClassUid SOP Class UID, null when the object could not be read far enough
 * @param sopInstanceUid SOP Instance UID, null when the object could not be read far enough
 * @param studyUid Study Instance UID of a stored (or already present) object, else null
 * @param seriesUid Series Instance UID of a stored (or already present) object, else null
 * @param reason why it was not stored (PS3.18 §10.5.3 Failure Reason), null when stored
 * @param detail a short, PHI-free explanation for reports
 * @param fixes the repairs applied before storing ({@link io.dicomgate.dicom.Part10Repair}), empty when none
 */
public record IngestResult(Status status, String sopClassUid, String sopInstanceUid, String studyUid,
        String seriesUid, FailureReason reason, String detail, List<String> fixes) {

    public enum Status {
        /** Stored now (with {@code fixes} when it was repaired first). */
        STORED,
        /** The same SOP Instance UID is stored with identical bytes: nothing to do. */
        ALREADY_PRESENT,
        /** Not stored, kept in the quarantine with its reason for a human decision. */
        QUARANTINED,
        /** Not stored and not kept. */
        REFUSED
    }

    /** Stored, or present already with the same bytes. */
    public boolean isStored() {
        return status == Status.STORED || status == Status.ALREADY_PRESENT;
    }

    /** REFUSED for a transient reason (storage or index failing): offering it again later may succeed. */
    public boolean retriable() {
        return status == Status.REFUSED
                && (reason == FailureReason.OUT_OF_RESOURCES || reason == FailureReason.PROCESSING_FAILURE);
    }

    static IngestResult failed(Status status, String sopClassUid, String sopInstanceUid, FailureReason reason,
            String detail) {
        return new IngestResult(status, sopClassUid, sopInstanceUid, null, null, reason, detail, List.of());
    }
}
