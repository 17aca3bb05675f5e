package io.dicomgate.audit;

import java.util.List;

/**
 * All audit events of one request (one per patient, or per patient and study), fired once the
 * request's status is known and written by {@link AuditWriter} in one transaction.
 */
public record AuditBatch(List<AuditEvent> events) {
}
