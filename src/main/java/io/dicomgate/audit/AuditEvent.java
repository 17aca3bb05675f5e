package io.dicomgate.audit;

import java.time.Instant;
import java.util.Set;

/**
 * One audit record: who did what to which patient's data, and how it ended. Fired as a CDI event
 * and persisted by {@link AuditObserver} in a transaction of its own, so denials are kept even when
 * the request's own work rolls back. One event per patient touched (IHE BALP does so for searches).
 *
 * @param patientId Patient ID of the patient touched, or null when none is known
 * @param issuer Issuer of Patient ID ('' when absent), null with patientId
 * @param purposeOfUse purpose of use code, e.g. from break-the-glass
 * @param breakGlassReason the reason a break-the-glass access gave, or null
 * @param detail short PHI-free text (e.g. the failure reason), or null
 */
public record AuditEvent(Instant time, String requestId, String subject, String username, String clientId,
        Set<String> roles, String sourceAddress, AuditAction action, String patientId, String issuer,
        String studyUid, String seriesUid, String instanceUid, AuditOutcome outcome, int httpStatus,
        String purposeOfUse, String breakGlassReason, String detail) {
}
