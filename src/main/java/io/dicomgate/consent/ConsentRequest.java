package io.dicomgate.consent;

import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;

import io.dicomgate.dicom.InvalidRequestException;
import io.dicomgate.dicom.Uid;

/**
 * The body of {@code POST /api/consents}, checked field by field. Parsed from a JSON tree rather than
 * bound by Jackson so that an unknown or misspelt field is refused: a silently dropped
 * {@code "studies"} would widen a consent to all studies. Messages name fields, never echo values.
 *
 * @param patientId null when the body has none (a patient's own is used)
 * @param issuer null when the body has none
 * @param studies empty for all studies
 * @param start null when absent (now is used)
 * @param end exclusive, null for open-ended
 */
public record ConsentRequest(String patientId, String issuer, String granteeType, String granteeId,
        String decision, Set<String> studies, Instant start, Instant end, String reason) {

    static final int MAX_STUDIES = 1000;
    private static final Set<String> FIELDS = Set.of("patientId", "issuer", "grantee", "decision", "studies", "start",
            "end", "reason");

    public static ConsentRequest parse(JsonNode body) {
        if (body == null || !body.isObject()) {
            throw new InvalidRequestException("body must be a JSON object");
        }
        rejectUnknown(body, FIELDS, "");
        String patientId = text(body, "patientId");
        if (patientId != null && !isPatientId(patientId)) {
            throw new InvalidRequestException("patientId must be 1 to 64 characters without control characters or backslash");
        }
        String issuer = text(body, "issuer");
        if (issuer != null && !isIssuer(issuer)) {
            throw new InvalidRequestException("issuer must be at most 64 characters without control characters or backslash");
        }
        JsonNode grantee = body.get("grantee");
        if (grantee == null || grantee.isNull()) {
            throw new InvalidRequestException("grantee is required");
        }
        if (!grantee.isObject()) {
            throw new InvalidRequestException("grantee must be an object with type and id");
        }
        rejectUnknown(grantee, Set.of("type", "id"), "grantee.");
        String granteeType = text(grantee, "type", "grantee.type");
        if (!"user".equals(granteeType) && !"client".equals(granteeType)) {
            throw new InvalidRequestException("grantee.type must be 'user' or 'client'");
        }
        String granteeId = text(grantee, "id", "grantee.id");
        if (granteeId == null || granteeId.isBlank()) {
            throw new InvalidRequestException("grantee.id is required");
        }
        if (granteeId.length() > 255) {
            throw new InvalidRequestException("grantee.id must be at most 255 characters");
        }
        if (!granteeId.equals(granteeId.strip()) || hasControl(granteeId)) {
            throw new InvalidRequestException("grantee.id must not contain control characters or surrounding spaces");
        }
        String decision = text(body, "decision");
        if (!"permit".equals(decision) && !"deny".equals(decision)) {
            throw new InvalidRequestException("decision must be 'permit' or 'deny'");
        }
        Set<String> studies = studies(body.get("studies"));
        Instant start = time(body, "start", false);
        Instant end = time(body, "end", true);
        String reason = text(body, "reason");
        if (reason != null && reason.length() > 1000) {
            throw new InvalidRequestException("reason must be at most 1000 characters");
        }
        if (reason != null && reason.isBlank()) {
            reason = null;
        }
        return new ConsentRequest(patientId, issuer, granteeType, granteeId, decision, studies, start, end, reason);
    }

    /** The body of {@code POST .../revoke}: absent, or an object with an optional reason. */
    static String revokeReason(JsonNode body) {
        if (body == null || body.isNull() || body.isMissingNode()) {
            return null;
        }
        if (!body.isObject()) {
            throw new InvalidRequestException("body must be a JSON object");
        }
        rejectUnknown(body, Set.of("reason"), "");
        String reason = text(body, "reason");
        if (reason != null && reason.length() > 1000) {
            throw new InvalidRequestException("reason must be at most 1000 characters");
        }
        return reason == null || reason.isBlank() ? null : reason;
    }

    /** Patient ID (0010,0020) is LO: at most 64 characters, no backslash or control characters. */
    static boolean isPatientId(String value) {
        return !value.isBlank() && isIssuer(value);
    }

    /** Issuer of Patient ID (0010,0021) is LO as well, and may be empty. */
    static boolean isIssuer(String value) {
        return value.length() <= 64 && value.indexOf('\\') < 0 && !hasControl(value);
    }

    private static boolean hasControl(String value) {
        return value.chars().anyMatch(Character::isISOControl);
    }

    private static Set<String> studies(JsonNode node) {
        Set<String> studies = new LinkedHashSet<>();
        if (node == null || node.isNull()) {
            return studies;
        }
        if (!node.isArray()) {
            throw new InvalidRequestException("studies must be an array of Study Instance UIDs");
        }
        if (node.size() > MAX_STUDIES) {
            throw new InvalidRequestException("studies may list at most " + MAX_STUDIES + " UIDs");
        }
        for (int i = 0; i < node.size(); i++) {
            JsonNode uid = node.get(i);
            if (!uid.isTextual() || !Uid.isValid(uid.asText())) {
                throw new InvalidRequestException("studies[" + i + "] is not a valid DICOM UID");
            }
            studies.add(uid.asText());
        }
        return studies;
    }

    /**
     * An ISO 8601 instant with offset, or a date. A date means the start of that day (UTC) for
     * {@code start}, and the end of that day (UTC), i.e. the next midnight, for the exclusive {@code end}.
     */
    private static Instant time(JsonNode body, String name, boolean endOfDay) {
        String value = text(body, name);
        if (value == null) {
            return null;
        }
        try {
            if (value.length() == 10) {
                LocalDate day = LocalDate.parse(value);
                return (endOfDay ? day.plusDays(1) : day).atStartOfDay(ZoneOffset.UTC).toInstant();
            }
            // PostgreSQL keeps microseconds; truncating here makes the answer equal what is stored.
            return OffsetDateTime.parse(value).toInstant().truncatedTo(ChronoUnit.MICROS);
        } catch (DateTimeParseException e) {
            throw new InvalidRequestException(name + " must be an ISO 8601 date-time with offset (e.g. 2030-01-31T12:00:00Z) or a date");
        }
    }

    private static String text(JsonNode object, String name) {
        return text(object, name, name);
    }

    private static String text(JsonNode object, String name, String label) {
        JsonNode value = object.get(name);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isTextual()) {
            throw new InvalidRequestException(label + " must be a string");
        }
        return value.asText();
    }

    private static void rejectUnknown(JsonNode object, Set<String> known, String prefix) {
        for (Iterator<String> names = object.fieldNames(); names.hasNext();) {
            String name = names.next();
            if (!known.contains(name)) {
                // Field names are the client's text too: named only when plainly an identifier.
                throw new InvalidRequestException(name.matches("[A-Za-z_]{1,40}") ? "unknown field " + prefix + name
                        : "unknown field");
            }
        }
    }
}
