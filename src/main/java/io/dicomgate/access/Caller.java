package io.dicomgate.access;

import java.util.Set;

/**
 * Who is calling, taken from the verified access token. Never logged: it carries the patient ID of
 * patient users.
 *
 * @param subject token {@code sub}
 * @param username {@code preferred_username}, or the client id for service accounts
 * @param clientId {@code azp}, the client the token was issued to
 * @param roles realm roles
 * @param scopes the token's {@code scope} values
 * @param patientId the {@code patient_id} claim of patient users, else null
 * @param patientIssuer the {@code patient_id_issuer} claim, '' when absent (Issuer of Patient ID)
 * @param share for the recipient of a share link, what the link grants; null for everyone else
 */
public record Caller(String subject, String username, String clientId, Set<String> roles, Set<String> scopes,
        String patientId, String patientIssuer, ShareGrant share) {

    public Caller(String subject, String username, String clientId, Set<String> roles, Set<String> scopes,
            String patientId, String patientIssuer) {
        this(subject, username, clientId, roles, scopes, patientId, patientIssuer, null);
    }

    /** The patient this caller is, for patient users; null otherwise. */
    public PatientRef patient() {
        return patientId == null || patientId.isBlank() ? null : new PatientRef(patientId, patientIssuer);
    }

    /** The same caller with only some of its roles, e.g. as far as a patient-compartment scope lets it act. */
    public Caller withRoles(Set<String> kept) {
        return new Caller(subject, username, clientId, Set.copyOf(kept), scopes, patientId, patientIssuer, share);
    }

    public boolean hasRole(String role) {
        return roles.contains(role);
    }
}
