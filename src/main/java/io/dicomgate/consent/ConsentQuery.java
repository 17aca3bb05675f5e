package io.dicomgate.consent;

import io.dicomgate.dicom.InvalidRequestException;

/**
 * Filters and page of {@code GET /api/consents}, parsed once from the query string. Filters only
 * narrow what the caller may see anyway.
 *
 * @param patientId only this Patient ID, or null
 * @param issuer only this Issuer of Patient ID, or null
 * @param status {@code active} or {@code revoked}, or null
 * @param active true: only consents in force now; false: only those not in force; null: both
 */
public record ConsentQuery(String patientId, String issuer, String status, Boolean active, int limit, int offset) {

    public static final int DEFAULT_LIMIT = 100;
    public static final int MAX_LIMIT = 1000;

    public static ConsentQuery parse(String patient, String issuer, String status, String active, String limit,
            String offset) {
        if (patient != null && !ConsentRequest.isPatientId(patient)) {
            throw new InvalidRequestException("patient must be 1 to 64 characters without control characters or backslash");
        }
        if (issuer != null && !ConsentRequest.isIssuer(issuer)) {
            throw new InvalidRequestException("issuer must be at most 64 characters without control characters or backslash");
        }
        if (status != null && !Consent.STATUS_ACTIVE.equals(status) && !Consent.STATUS_REVOKED.equals(status)) {
            throw new InvalidRequestException("status must be 'active' or 'revoked'");
        }
        return new ConsentQuery(patient, issuer, status, bool("active", active),
                number("limit", limit, DEFAULT_LIMIT, 1, MAX_LIMIT), number("offset", offset, 0, 0, Integer.MAX_VALUE));
    }

    static Boolean bool(String name, String value) {
        if (value == null) {
            return null;
        }
        return switch (value) {
            case "true" -> Boolean.TRUE;
            case "false" -> Boolean.FALSE;
            default -> throw new InvalidRequestException(name + " must be 'true' or 'false'");
        };
    }

    static int number(String name, String value, int absent, int min, int max) {
        if (value == null) {
            return absent;
        }
        try {
            int n = Integer.parseInt(value);
            if (n >= min && n <= max) {
                return n;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw new InvalidRequestException(name + " must be an integer from " + min + " to " + max);
    }
}
