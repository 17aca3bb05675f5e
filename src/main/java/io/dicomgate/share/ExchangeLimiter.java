package io.dicomgate.share;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/**
 * How many PIN exchanges a source address and a share may attempt per minute (per node): on top
 * of the lock-out after a few wrong PINs, this keeps one address from trying many links and a
 * link from being hammered from many addresses. Sliding one-minute windows in memory.
 */
@ApplicationScoped
class ExchangeLimiter {

    private static final long WINDOW_NANOS = 60_000_000_000L;
    private static final int MAX_KEYS = 100_000;

    private final Map<String, Deque<Long>> attempts = new ConcurrentHashMap<>();
    private final ShareConfig config;
    private final LongSupplier clock;

    @Inject
    ExchangeLimiter(ShareConfig config) {
        this(config, System::nanoTime);
    }

    ExchangeLimiter(ShareConfig config, LongSupplier clock) {
        this.config = config;
        this.clock = clock;
    }

    boolean allowAddress(String address) {
        return allow("a:" + (address == null ? "?" : address), config.exchangesPerMinutePerAddress());
    }

    boolean allowShare(String shareId) {
        return allow("s:" + shareId, config.exchangesPerMinutePerShare());
    }

    private boolean allow(String key, int limit) {
        long now = clock.getAsLong();
        if (attempts.size() > MAX_KEYS) {
            attempts.values().removeIf(window -> {
                synchronized (window) {
                    return window.isEmpty() || now - window.peekLast() > WINDOW_NANOS;
                }
            });
        }
        Deque<Long> window = attempts.computeIfAbsent(key, k -> new ArrayDeque<>());
        synchronized (window) {
            while (!window.isEmpty() && now - window.peekFirst() > WINDOW_NANOS) {
                window.pollFirst();
            }
            if (window.size() >= limit) {
                return false;
            }
            window.addLast(now);
            return true;
        }
    }
}
