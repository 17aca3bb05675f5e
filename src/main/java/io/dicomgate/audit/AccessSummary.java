package io.dicomgate.audit;

/**
 * Accesses to a patient's data grouped for the patient's eyes ({@code GET /api/me/access-log/summary}):
 * one row per who, application, study and action, instead of one per request (a week of viewing is
 * hundreds of requests). The raw rows stay in {@code /api/me/access-log} and, for auditors, {@code /api/audit}.
 *
 * @param username who: the user, or the client id of a service account
 * @param studyUid the study, or null for accesses not about one study (searches over the patient)
 * @param action {@link AuditAction} name
 * @param first earliest access of the group (ISO-8601 instant)
 * @param last latest access of the group (ISO-8601 instant)
 * @param count requests in the group
 * @param breakGlass whether any of them was an emergency (break-the-glass) access
 * @param refused how many were refused or failed (not SUCCESS)
 * @param breakGlassReason a reason given for an emergency access in the group (the latest), else null
 */
public record AccessSummary(String username, String clientId, String studyUid, String action, String first,
        String last, long count, boolean breakGlass, long refused, String breakGlassReason) {
}
