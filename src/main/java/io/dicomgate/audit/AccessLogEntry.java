package io.dicomgate.audit;

/**
 * One access to a patient's data as the patient sees it in {@code GET /api/me/access-log}.
 *
 * @param time when (ISO-8601 instant)
 * @param username who: the user, or the client id of a service account
 * @param clientId the application used
 * @param action {@link AuditAction} name
 * @param outcome {@link AuditOutcome} name
 * @param breakGlass whether it was an emergency (break-the-glass) access
 * @param breakGlassReason the reason the user gave for it, else null
 */
public record AccessLogEntry(long seq, String time, String username, String clientId, String action,
        String studyUid, String seriesUid, String instanceUid, String outcome, int httpStatus, boolean breakGlass,
        String breakGlassReason, String purposeOfUse) {

    static AccessLogEntry of(AuditEntry entry) {
        AuditEvent e = entry.event();
        return new AccessLogEntry(entry.seq(), e.time().toString(), e.username(), e.clientId(),
                e.action() == null ? null : e.action().name(), e.studyUid(), e.seriesUid(), e.instanceUid(),
                e.outcome() == null ? null : e.outcome().name(), e.httpStatus(),
                e.breakGlassReason() != null || "BTG".equals(e.purposeOfUse()), e.breakGlassReason(), e.purposeOfUse());
    }
}
