package io.dicomgate.consent;

import io.dicomgate.dicom.InvalidRequestException;

/**
 * Filters and page of {@code GET /api/break-glass}.
 *
 * @param reviewed true: reviewed grants only; false: the open review queue; null: all
 */
public record BreakGlassQuery(Boolean reviewed, String username, String patientId, String issuer, int limit,
        int offset) {

    public static BreakGlassQuery parse(String reviewed, String username, String patient, String issuer, String limit,
            String offset) {
        if (username != null && (username.isBlank() || username.length() > 255)) {
            throw new InvalidRequestException("username must be 1 to 255 characters");
        }
        if (patient != null && !ConsentRequest.isPatientId(patient)) {
            throw new InvalidRequestException("patient must be 1 to 64 characters without control characters or backslash");
        }
        if (issuer != null && !ConsentRequest.isIssuer(issuer)) {
            throw new InvalidRequestException("issuer must be at most 64 characters without control characters or backslash");
        }
        return new BreakGlassQuery(ConsentQuery.bool("reviewed", reviewed), username, patient, issuer,
                ConsentQuery.number("limit", limit, ConsentQuery.DEFAULT_LIMIT, 1, ConsentQuery.MAX_LIMIT),
                ConsentQuery.number("offset", offset, 0, 0, Integer.MAX_VALUE));
    }
}
