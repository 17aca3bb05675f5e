package io.dicomgate.web;

/**
 * The caller's role allows the endpoint but not this use of it, e.g. a patient writing another
 * patient's consent (403 Forbidden). Message goes to the client: no PHI, and it must not reveal
 * whether any other patient or record exists.
 */
public class OperationForbiddenException extends RuntimeException {
    public OperationForbiddenException(String message) {
        super(message, null, false, false);
    }
}
