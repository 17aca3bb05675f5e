package io.dicomgate.guard;

import java.time.Instant;
import java.util.Set;

/** A caller hit a limit or the anomaly threshold; persisted by {@link AlertService} off the request path. */
record AlertRaised(GuardLimit kind, String subject, String username, String clientId, Set<String> roles,
        String detail, Instant at) {
}
