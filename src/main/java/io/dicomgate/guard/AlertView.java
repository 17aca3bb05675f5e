package io.dicomgate.guard;

import java.time.Instant;
import java.util.UUID;

/** An alert as {@code GET /api/alerts} shows it: staff account and numbers, never patient data. */
public record AlertView(UUID id, GuardLimit kind, String username, String clientId, String roles, String detail,
        Instant firstSeenAt, Instant lastSeenAt, int occurrences, Instant acknowledgedAt, String acknowledgedBy,
        String comment) {

    static AlertView of(GuardAlert a) {
        return new AlertView(a.id, a.kind, a.username, a.clientId, a.roles, a.detail, a.firstSeenAt, a.lastSeenAt,
                a.occurrences, a.acknowledgedAt, a.acknowledgedBy, a.acknowledgeComment);
    }
}
