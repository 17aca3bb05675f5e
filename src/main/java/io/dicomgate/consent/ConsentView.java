package io.dicomgate.consent;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * A consent as the API answers it.
 *
 * @param studies sorted; empty when the consent covers all of the patient's studies
 * @param end exclusive; null for open-ended
 * @param active computed when answered: status active and {@code start <= now < end}
 */
public record ConsentView(UUID id, String patientId, String issuer, Grantee grantee, String decision,
        List<String> studies, Instant start, Instant end, String status, String reason, String createdBy,
        Instant createdAt, String revokedBy, Instant revokedAt, String revokeReason, boolean active) {

    /**
     * FHIR Consent.provision.actor: a user by username (with the display name the directory had for the
     * account when the consent was made), or a client by client id.
     */
    public record Grantee(String type, String id, String name) {
    }

    /** @param withReasons false for a grantee: the patient's free-text reasons are theirs, not the grantee's */
    static ConsentView of(Consent c, Instant now, boolean withReasons) {
        return new ConsentView(c.id, c.patientId, c.issuer, new Grantee(c.granteeType, c.grantee, c.granteeName), c.decision,
                c.studies.stream().sorted().toList(), c.periodStart, c.periodEnd, c.status,
                withReasons ? c.reason : null, c.createdBy, c.createdAt, c.revokedBy, c.revokedAt,
                withReasons ? c.revokeReason : null, c.isActiveAt(now));
    }
}
