package io.dicomgate.share;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;

import io.dicomgate.dicom.InvalidRequestException;
import io.dicomgate.dicom.Uid;

/**
 * The body of {@code POST /api/shares}, checked field by field; an unknown field is refused (a
 * misspelt {@code "studies"} must not widen a share to all studies). Messages name fields, never
 * echo values.
 *
 * @param studies the studies to share; empty with {@code allStudies}
 * @param expiresAt null for the default life
 */
record ShareRequest(boolean allStudies, List<String> studies, String label, String reason, Instant expiresAt,
        boolean download) {

    static final int MAX_STUDIES = 100;
    private static final Set<String> FIELDS = Set.of("studies", "allStudies", "label", "reason", "expiresAt", "download");

    static ShareRequest parse(JsonNode body) {
        if (body == null || !body.isObject()) {
            throw new InvalidRequestException("body must be a JSON object");
        }
        for (Iterator<String> names = body.fieldNames(); names.hasNext();) {
            String name = names.next();
            if (!FIELDS.contains(name)) {
                throw new InvalidRequestException("unknown field " + (name.length() <= 40 && name.matches("[A-Za-z0-9_]+")
                        ? "'" + name + "'" : "in body"));
            }
        }
        boolean all = bool(body, "allStudies");
        List<String> studies = new ArrayList<>();
        JsonNode list = body.get("studies");
        if (list != null && !list.isNull()) {
            if (!list.isArray()) {
                throw new InvalidRequestException("studies must be an array of Study Instance UIDs");
            }
            Set<String> unique = new LinkedHashSet<>();
            for (JsonNode uid : list) {
                if (!uid.isTextual() || !Uid.isValid(uid.asText())) {
                    throw new InvalidRequestException("studies must hold valid Study Instance UIDs");
                }
                unique.add(uid.asText());
            }
            if (unique.size() > MAX_STUDIES) {
                throw new InvalidRequestException("at most " + MAX_STUDIES + " studies per share");
            }
            studies.addAll(unique);
        }
        if (all == !studies.isEmpty()) {
            throw new InvalidRequestException("name the studies, or set allStudies: true (not both)");
        }
        String label = text(body, "label");
        if (label == null || label.isBlank() || label.length() > 128) {
            throw new InvalidRequestException("label (who receives the link) is required, at most 128 characters");
        }
        String reason = text(body, "reason");
        if (reason != null && reason.length() > 1024) {
            throw new InvalidRequestException("reason must be at most 1024 characters");
        }
        Instant expiresAt = null;
        String expires = text(body, "expiresAt");
        if (expires != null) {
            try {
                expiresAt = Instant.parse(expires);
            } catch (DateTimeParseException e) {
                throw new InvalidRequestException("expiresAt must be an ISO-8601 instant, e.g. 2026-12-31T12:00:00Z");
            }
        }
        return new ShareRequest(all, List.copyOf(studies), label.strip(), reason == null ? null : reason.strip(),
                expiresAt, bool(body, "download"));
    }

    private static String text(JsonNode body, String field) {
        JsonNode value = body.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isTextual()) {
            throw new InvalidRequestException(field + " must be a string");
        }
        return value.asText();
    }

    private static boolean bool(JsonNode body, String field) {
        JsonNode value = body.get(field);
        if (value == null || value.isNull()) {
            return false;
        }
        if (!value.isBoolean()) {
            throw new InvalidRequestException(field + " must be true or false");
        }
        return value.asBoolean();
    }
}
