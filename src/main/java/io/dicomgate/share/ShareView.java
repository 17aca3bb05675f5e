package io.dicomgate.share;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * A share as its creator (or its patient) sees it: never its secret, PIN or their hashes. The link
 * and PIN are in the creation response only ({@link Created}).
 *
 * @param status {@code active}, {@code revoked}, {@code locked} (too many wrong PINs) or {@code expired}
 * @param devices how many devices have opened it (PIN exchanges)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ShareView(UUID id, String label, String reason, String patientId, boolean allStudies,
        List<String> studies, boolean download, String createdBy, String creatorKind, Instant createdAt,
        Instant expiresAt, String status, Instant lastUsedAt, int devices, int failedPins) {

    static ShareView of(ShareLink l, Instant now) {
        return new ShareView(l.id(), l.label(), l.reason(), l.patientId(), l.allStudies(), l.studies(),
                l.allowDownload(), l.createdBy(), l.creatorKind(), l.createdAt(), l.expiresAt(), l.status(now),
                l.lastUsedAt(), l.devices(), l.failedPins());
    }

    /**
     * The answer to a creation: the share, the link to send and the PIN to tell the recipient apart
     * (by phone, in person) — shown this once; the server keeps only their hashes.
     */
    public record Created(ShareView share, String link, String pin) {
    }
}
