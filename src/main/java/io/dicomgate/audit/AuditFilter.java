package io.dicomgate.audit;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Locale;

import io.dicomgate.dicom.InvalidRequestException;

/**
 * The filters of the audit export, parsed once from the query. Every filter is optional; the page is
 * the first {@code count} rows with {@code seq > after}, in seq order.
 *
 * @param issuer Issuer of Patient ID; null matches any issuer of {@code patientId}
 * @param from inclusive lower bound of the event time
 * @param to exclusive upper bound of the event time
 */
public record AuditFilter(String patientId, String issuer, String username, AuditAction action, Instant from,
        Instant to, long after, int count) {

    public static final int DEFAULT_COUNT = 100;
    public static final int MAX_COUNT = 1000;

    public static AuditFilter parse(String patient, String issuer, String user, String action, String from, String to,
            String after, String count) {
        if (issuer != null && patient == null) {
            throw new InvalidRequestException("issuer needs patient");
        }
        return new AuditFilter(blankToNull(patient), issuer, blankToNull(user), action(action), instant("from", from),
                instant("to", to), after == null ? 0 : number("_after", after, 0, Long.MAX_VALUE),
                count == null ? DEFAULT_COUNT : (int) number("_count", count, 1, MAX_COUNT));
    }

    private static AuditAction action(String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            return AuditAction.valueOf(value.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new InvalidRequestException("unknown action");
        }
    }

    private static Instant instant(String name, String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            return Instant.parse(value.trim());
        } catch (DateTimeParseException e) {
            throw new InvalidRequestException(name + " must be an ISO-8601 instant, e.g. 2025-01-31T00:00:00Z");
        }
    }

    /** A query parameter that must be an integer in [min, max]; {@code 400} naming the parameter otherwise. */
    public static long number(String name, String value, long min, long max) {
        try {
            long n = Long.parseLong(value.trim());
            if (n >= min && n <= max) {
                return n;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw new InvalidRequestException(name + " must be an integer from " + min + " to " + max);
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value;
    }
}
