package io.dicomgate.share;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

/** Per-address and per-share windows of one minute, on a clock the test moves. */
class ExchangeLimiterTest {

    private final AtomicLong now = new AtomicLong(1_000_000_000L);
    private final ExchangeLimiter limiter = new ExchangeLimiter(config(3, 2), now::get);

    @Test
    void anAddressGetsItsAttemptsPerMinuteThenWaits() {
        for (int i = 0; i < 3; i++) {
            assertTrue(limiter.allowAddress("192.0.2.1"), "attempt " + (i + 1));
        }
        assertFalse(limiter.allowAddress("192.0.2.1"));
        assertTrue(limiter.allowAddress("192.0.2.2"), "another address has its own window");
        now.addAndGet(Duration.ofSeconds(61).toNanos());
        assertTrue(limiter.allowAddress("192.0.2.1"), "a minute later");
    }

    @Test
    void aShareGetsItsAttemptsPerMinuteFromAllAddresses() {
        assertTrue(limiter.allowShare("s1"));
        assertTrue(limiter.allowShare("s1"));
        assertFalse(limiter.allowShare("s1"));
        assertTrue(limiter.allowShare("s2"));
        now.addAndGet(Duration.ofSeconds(30).toNanos());
        assertFalse(limiter.allowShare("s1"), "still inside the minute");
    }

    private static ShareConfig config(int perAddress, int perShare) {
        return new ShareConfig() {
            public Duration defaultLife() { return Duration.ofDays(7); }
            public Duration maxLife() { return Duration.ofDays(30); }
            public Duration sessionLife() { return Duration.ofMinutes(30); }
            public int maxPinFailures() { return 5; }
            public int exchangesPerMinutePerAddress() { return perAddress; }
            public int exchangesPerMinutePerShare() { return perShare; }
        };
    }
}
