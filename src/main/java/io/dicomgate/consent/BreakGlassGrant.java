package io.dicomgate.consent;

import java.time.Instant;
import java.util.UUID;

import io.dicomgate.access.PatientRef;

/**
 * A break-the-glass grant as the review API answers it and {@link BreakGlassService#open} returns it.
 *
 * @param expiresAt end of the time box (exclusive)
 * @param reviewedAt null while the grant waits for review
 */
public record BreakGlassGrant(UUID id, String username, String clientId, String patientId, String issuer,
        String reason, String purposeOfUse, Instant createdAt, Instant expiresAt, Instant reviewedAt,
        String reviewedBy, String reviewComment) {

    static BreakGlassGrant of(BreakGlass b) {
        return new BreakGlassGrant(b.id, b.username, b.clientId, b.patientId, b.issuer, b.reason, b.purposeOfUse,
                b.createdAt, b.expiresAt, b.reviewedAt, b.reviewedBy, b.reviewComment);
    }

    public PatientRef patient() {
        return new PatientRef(patientId, issuer);
    }

    /** Whether the time box still runs at {@code now}. */
    public boolean isOpenAt(Instant now) {
        return now.isBefore(expiresAt);
    }
}
