package io.dicomgate.guard;

import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

import jakarta.enterprise.context.ApplicationScoped;

/**
 * The usage of every caller seen in the last hour, on this node, keyed by the token's {@code sub}.
 * Callers idle for an hour are forgotten, so memory follows the number of active accounts.
 */
@ApplicationScoped
public class UsageMeter {

    private static final long IDLE = 3_600_000;
    private static final int SWEEP_AT = 10_000;

    private final ConcurrentHashMap<String, CallerUsage> usage = new ConcurrentHashMap<>();
    private final LongSupplier clock;

    public UsageMeter() {
        this(System::currentTimeMillis);
    }

    UsageMeter(LongSupplier clock) {
        this.clock = clock;
    }

    long now() {
        return clock.getAsLong();
    }

    CallerUsage of(String subject) {
        if (usage.size() >= SWEEP_AT) {
            long now = now();
            usage.values().removeIf(u -> now - u.lastUsed() > IDLE);
        }
        return usage.computeIfAbsent(subject, s -> new CallerUsage());
    }

    /** Forgets everyone: for tests that start from a clean slate. */
    void clear() {
        usage.clear();
    }
}
