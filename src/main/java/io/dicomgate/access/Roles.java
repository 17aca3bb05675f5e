package io.dicomgate.access;

/** Realm roles of the {@code dicomgate} Keycloak realm (see keycloak-realm/). */
public final class Roles {
    public static final String IMAGING_ADMIN = "imaging-admin";
    public static final String CLINICIAN = "clinician";
    public static final String PATIENT = "patient";
    public static final String INGEST = "ingest";
    public static final String AUDITOR = "auditor";
    public static final String CONSENT_ADMIN = "consent-admin";
    public static final String EMERGENCY_ACCESS = "emergency-access";
    /** System clients (EHR integrations) that read by policy: everything, or what consents grant them. */
    public static final String INTEGRATION = "integration";
    /** System clients (EHRs) that may create share links for studies they may read (README "Share links"). */
    public static final String SHARE_ISSUER = "share-issuer";
    /**
     * Not a realm role: the role of a share link's recipient, whose access token dicomgate minted when
     * the link and its PIN were exchanged. Reads only what the share names.
     */
    public static final String SHARE_RECIPIENT = "share-recipient";

    private Roles() {
    }
}
