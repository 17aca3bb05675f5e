package io.dicomgate.share;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * A share link as stored ({@code share_link}, {@code share_link_study}).
 *
 * @param studies the studies shared; empty when {@code allStudies}
 * @param devices access tokens exchanged for it so far (one per device that entered the PIN)
 */
record ShareLink(UUID id, String patientId, String issuer, boolean allStudies, List<String> studies, String label,
        String reason, boolean allowDownload, String creatorKind, String createdBySub, String createdBy,
        Instant createdAt, Instant expiresAt, Instant revokedAt, int failedPins, Instant lockedAt, Instant lastUsedAt,
        byte[] pinSalt, byte[] pinHash, int devices) {

    /** "active", "revoked", "locked" or "expired", in that order of precedence after active. */
    String status(Instant now) {
        if (revokedAt != null) {
            return "revoked";
        }
        if (lockedAt != null) {
            return "locked";
        }
        return expiresAt.isAfter(now) ? "active" : "expired";
    }
}
