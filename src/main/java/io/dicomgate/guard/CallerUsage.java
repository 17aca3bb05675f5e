package io.dicomgate.guard;

import java.util.Collection;
import java.util.EnumMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What one caller did in the guard's sliding windows: requests per second over the last minute,
 * response bytes per minute over the last hour, and the distinct patients touched in the last hour
 * (oldest first). Its memory is bounded: 120 counters plus at most the caller's patient limit of keys.
 * Times are epoch milliseconds handed in by the caller, so tests drive the clock.
 */
final class CallerUsage {

    private static final long HOUR = 3_600_000;
    private static final int SLOTS = 60;

    private final long[] requestSecond = new long[SLOTS];
    private final int[] requestCount = new int[SLOTS];
    private final long[] byteMinute = new long[SLOTS];
    private final long[] byteCount = new long[SLOTS];
    /** Patient key → when last touched; iteration order is oldest first. */
    private final LinkedHashMap<String, Long> patients = new LinkedHashMap<>();
    private final Map<GuardLimit, Long> lastAlert = new EnumMap<>(GuardLimit.class);
    private volatile long lastUsed;

    /** A refused request: which limit, and in how many seconds a retry can succeed. */
    record Refusal(GuardLimit limit, long retryAfterSeconds) {
    }

    /** Patients admitted: how many distinct ones the caller touched in the last hour, now. */
    record Admission(Refusal refusal, int distinctPatients) {
    }

    /** Counts one request unless the caller already made {@code limit} in the last 60 s. */
    synchronized Refusal request(long now, int limit) {
        lastUsed = now;
        long second = now / 1000;
        int total = 0;
        long oldest = second;
        for (int i = 0; i < SLOTS; i++) {
            if (requestSecond[i] > second - SLOTS && requestCount[i] > 0) {
                total += requestCount[i];
                oldest = Math.min(oldest, requestSecond[i]);
            }
        }
        if (total >= limit) {
            return new Refusal(GuardLimit.REQUESTS_PER_MINUTE, Math.max(1, oldest + SLOTS - second));
        }
        int slot = (int) (second % SLOTS);
        if (requestSecond[slot] != second) {
            requestSecond[slot] = second;
            requestCount[slot] = 0;
        }
        requestCount[slot]++;
        return null;
    }

    /** Refuses a read once the caller's responses of the last hour reached {@code limit} bytes. */
    synchronized Refusal bytes(long now, long limit) {
        long minute = now / 60_000;
        long total = 0;
        long oldest = minute;
        for (int i = 0; i < SLOTS; i++) {
            if (byteMinute[i] > minute - SLOTS && byteCount[i] > 0) {
                total += byteCount[i];
                oldest = Math.min(oldest, byteMinute[i]);
            }
        }
        return total < limit ? null
                : new Refusal(GuardLimit.BYTES_PER_HOUR, Math.max(1, (oldest + SLOTS) * 60 - now / 1000));
    }

    synchronized void addBytes(long now, long count) {
        long minute = now / 60_000;
        int slot = (int) (minute % SLOTS);
        if (byteMinute[slot] != minute) {
            byteMinute[slot] = minute;
            byteCount[slot] = 0;
        }
        byteCount[slot] += count;
    }

    /**
     * Admits a response that shows these patients unless it would take the distinct patients of the
     * last hour over {@code limit}; patients touched before count again only as "touched now".
     */
    synchronized Admission patients(long now, Collection<String> keys, int limit) {
        lastUsed = now;
        for (Iterator<Long> seen = patients.values().iterator(); seen.hasNext();) {
            if (seen.next() > now - HOUR) {
                break;
            }
            seen.remove();
        }
        int fresh = 0;
        for (String key : keys) {
            if (!patients.containsKey(key)) {
                fresh++;
            }
        }
        if (fresh > 0 && patients.size() + fresh > limit) {
            long oldest = patients.isEmpty() ? now : patients.values().iterator().next();
            long wait = Math.max(1, (oldest + HOUR - now + 999) / 1000);
            return new Admission(new Refusal(GuardLimit.PATIENTS_PER_HOUR, wait), patients.size());
        }
        for (String key : keys) {
            patients.remove(key);
            patients.put(key, now);
        }
        return new Admission(null, patients.size());
    }

    /** True at most once per {@code quietMillis} per limit: auditors get one alert, not one per request. */
    synchronized boolean alertDue(GuardLimit limit, long now, long quietMillis) {
        Long last = lastAlert.get(limit);
        if (last != null && now - last < quietMillis) {
            return false;
        }
        lastAlert.put(limit, now);
        return true;
    }

    long lastUsed() {
        return lastUsed;
    }
}
