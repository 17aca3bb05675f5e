package io.dicomgate.stow;

import java.util.List;

import io.dicomgate.ingest.FailureReason;

/** Outcome of one STOW-RS request, instance by instance (PS3.18 §10.5.3). */
public record StowResult(String studyRetrieveUrl, List<Stored> stored, List<Failed> failed) {

    /** @param coerced stored after a repair ({@code io.dicomgate.dicom.Part10Repair}): Warning Reason B000 */
    public record Stored(String sopClassUid, String sopInstanceUid, String retrieveUrl, boolean coerced) {
    }

    /** UIDs are null when the part could not be read far enough to know them. */
    public record Failed(String sopClassUid, String sopInstanceUid, FailureReason reason) {
    }

    /**
     * 200 when every instance was stored as received, 409 when none was stored, 202 otherwise — some
     * failed, or were stored with a warning (Table 10.5.3-1).
     */
    public int httpStatus() {
        if (failed.isEmpty()) {
            return stored.stream().anyMatch(Stored::coerced) ? 202 : 200;
        }
        return stored.isEmpty() ? 409 : 202;
    }
}
