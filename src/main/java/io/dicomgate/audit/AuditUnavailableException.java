package io.dicomgate.audit;

/**
 * A request's audit record could not be written and the trail fails closed: the request is answered
 * {@code 503} instead of with its data. No message: it would only restate the driver's.
 */
public class AuditUnavailableException extends RuntimeException {
    public AuditUnavailableException() {
        super(null, null, false, false);
    }
}
