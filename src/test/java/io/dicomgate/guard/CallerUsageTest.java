package io.dicomgate.guard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

/** The sliding windows of one caller, driven by a hand-set clock. */
class CallerUsageTest {

    private static final long T0 = 1_800_000_000_000L;

    @Test
    void requestsSlideOverTheLastMinute() {
        CallerUsage usage = new CallerUsage();
        for (int i = 0; i < 3; i++) {
            assertNull(usage.request(T0 + i * 10_000, 3));
        }
        CallerUsage.Refusal refused = usage.request(T0 + 30_000, 3);
        assertEquals(GuardLimit.REQUESTS_PER_MINUTE, refused.limit());
        assertEquals(30, refused.retryAfterSeconds());
        // Refused requests are not counted: once the first ages out, one more fits.
        assertNull(usage.request(T0 + 60_000, 3));
        assertNotNull(usage.request(T0 + 60_500, 3));
    }

    @Test
    void patientsAlreadyTouchedDoNotCountAgain() {
        CallerUsage usage = new CallerUsage();
        assertEquals(2, usage.patients(T0, List.of("a", "b"), 3).distinctPatients());
        assertNull(usage.patients(T0 + 1_000, List.of("a", "b", "c"), 3).refusal());
        CallerUsage.Admission over = usage.patients(T0 + 2_000, List.of("a", "d"), 3);
        assertEquals(GuardLimit.PATIENTS_PER_HOUR, over.refusal().limit());
        // "a" and "b", the oldest, were last touched at +1 s: an hour after that one fits again.
        assertEquals(3_599, over.refusal().retryAfterSeconds());
        assertNull(usage.patients(T0 + 2_000, List.of("c"), 3).refusal());
        // An hour after "a" and "b" were last touched they age out; "c" (touched at +2 s) stays.
        assertEquals(3, usage.patients(T0 + 3_601_500, List.of("d", "e"), 3).distinctPatients());
        assertNotNull(usage.patients(T0 + 3_601_500, List.of("f"), 3).refusal());
    }

    @Test
    void bytesOfTheLastHourAreBudgeted() {
        CallerUsage usage = new CallerUsage();
        usage.addBytes(T0, 600);
        assertNull(usage.bytes(T0 + 1_000, 1_000));
        usage.addBytes(T0 + 120_000, 600);
        CallerUsage.Refusal refused = usage.bytes(T0 + 180_000, 1_000);
        assertEquals(GuardLimit.BYTES_PER_HOUR, refused.limit());
        assertBetween(3_360L, 3_420L, refused.retryAfterSeconds());
        // The first 600 bytes leave the window after an hour.
        assertNull(usage.bytes(T0 + 3_660_000, 1_000));
    }

    @Test
    void oneAlertPerLimitPerQuietPeriod() {
        CallerUsage usage = new CallerUsage();
        assertTrue(usage.alertDue(GuardLimit.PATIENTS_PER_HOUR, T0, 600_000));
        assertFalse(usage.alertDue(GuardLimit.PATIENTS_PER_HOUR, T0 + 1_000, 600_000));
        assertTrue(usage.alertDue(GuardLimit.BYTES_PER_HOUR, T0 + 1_000, 600_000));
        assertTrue(usage.alertDue(GuardLimit.PATIENTS_PER_HOUR, T0 + 600_000, 600_000));
    }

    private static void assertBetween(long low, long high, long actual) {
        assertTrue(actual >= low && actual <= high, actual + " not in [" + low + ", " + high + "]");
    }
}
