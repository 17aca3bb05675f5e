package io.dicomgate.access;

/**
 * The caller may not see this patient's data. Mapped to exactly the response of a resource that does
 * not exist, so that refusals do not reveal that the data is there.
 */
public class AccessDeniedException extends RuntimeException {
    public AccessDeniedException() {
        super(null, null, false, false);
    }
}
