package io.dicomgate.audit;

/** What an audited request did (the IHE BALP / FHIR AuditEvent "action" a reader looks for). */
public enum AuditAction {
    /** QIDO-RS search (PS3.18 §10.6). */
    SEARCH,
    /** WADO-RS retrieve of instances, metadata, bulk data or frames (PS3.18 §10.4). */
    RETRIEVE,
    /** STOW-RS store (PS3.18 §10.5). */
    STORE,
    CONSENT_CREATE,
    CONSENT_REVOKE,
    CONSENT_READ,
    /** A break-the-glass grant opened. */
    BREAK_GLASS,
    BREAK_GLASS_REVIEW,
    BREAK_GLASS_READ,
    /** Reading or verifying the audit trail itself. */
    AUDIT_READ,
    /** A patient reading who accessed their images. */
    ACCESS_LOG_READ,
    /** An auditor reading the exfiltration guard's alerts. */
    ALERT_READ,
    /** An auditor closing an alert with a finding. */
    ALERT_ACKNOWLEDGE,
    /** A share link created (README "Share links"). */
    SHARE_CREATE,
    /** A share link revoked. */
    SHARE_REVOKE,
    /** Listing one's share links. */
    SHARE_READ,
    /** A share link and its PIN exchanged for an access token (success), or refused (wrong PIN, locked, revoked...). */
    SHARE_EXCHANGE,
    /** An imaging administrator listing or downloading quarantined objects. */
    QUARANTINE_READ,
    /** A bulk import started, cancelled or finished (its objects are STORE events of their own). */
    IMPORT,
    /** Reading the state or report of imports. */
    IMPORT_READ
}
