package io.dicomgate.audit;

/** How the audited request ended. */
public enum AuditOutcome {
    SUCCESS,
    /**
     * Refused: no token role or scope for it (403), a patient the caller may not see (answered 404), or
     * a limit of the exfiltration guard (429).
     */
    DENIED,
    /** Nothing there (404). */
    NOT_FOUND,
    /** The client's request was wrong (4xx other than the above). */
    INVALID_REQUEST,
    /** The server failed (5xx). */
    FAILURE
}
