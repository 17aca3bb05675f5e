package io.dicomgate.index;

/** A stored instance would contradict the index; the transaction is rolled back. */
public class IndexConflictException extends RuntimeException {

    /** Why, in words fit for a client (no PHI). */
    public enum Kind {
        /** Same SOP Instance UID, different bytes (PS3.7 C.4.2 status 0111H). */
        DUPLICATE_SOP_INSTANCE,
        /** The study already belongs to another patient, or the series to another study. */
        HIERARCHY_MISMATCH
    }

    private final Kind kind;

    public IndexConflictException(Kind kind, String message) {
        super(message, null, false, false);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }
}
