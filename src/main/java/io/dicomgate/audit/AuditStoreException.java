package io.dicomgate.audit;

/** The audit log could not be read. No message: driver messages can quote patient data. */
public class AuditStoreException extends RuntimeException {
    public AuditStoreException(Throwable cause) {
        super(null, cause, false, false);
    }
}
