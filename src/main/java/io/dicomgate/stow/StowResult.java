package io.dicomgate.stow;

import java.util.List;

/** Outcome of one STOW-RS request, instance by instance (PS3.18 §10.5.3). */
public record StowResult(String studyRetrieveUrl, List<Stored> stored, List<Failed> failed) {

    public record Stored(String sopClassUid, String sopInstanceUid, String retrieveUrl) {
    }

    /** UIDs are null when the part could not be read far enough to know them. */
    public record Failed(String sopClassUid, String sopInstanceUid, FailureReason reason) {
    }

    /** 200 when every instance was stored, 409 when none was, 202 otherwise (Table 10.5.3-1). */
    public int httpStatus() {
        if (failed.isEmpty()) {
            return 200;
        }
        return stored.isEmpty() ? 409 : 202;
    }
}
