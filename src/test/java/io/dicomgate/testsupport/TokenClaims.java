package io.dicomgate.testsupport;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.Optional;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The payload of a JWT, decoded without checking its signature: for asserting what Keycloak put
 * into a token, never for deciding whether to trust one.
 */
public record TokenClaims(JsonNode json) {

    public static TokenClaims of(String jwt) {
        String[] parts = jwt.split("\\.");
        if (parts.length != 3) {
            throw new IllegalArgumentException("not a signed JWT (" + parts.length + " parts)");
        }
        byte[] payload = Base64.getUrlDecoder().decode(parts[1]);
        return new TokenClaims(KeycloakServer.readJson(new String(payload, StandardCharsets.UTF_8)));
    }

    /** {@code aud}, which RFC 7519 §4.1.3 allows as one string or an array. */
    public Set<String> audience() {
        return strings(json.get("aud"));
    }

    /** {@code realm_access.roles}, empty when the claim is absent. */
    public Set<String> realmRoles() {
        return strings(json.path("realm_access").get("roles"));
    }

    /** {@code scope}, split on spaces (RFC 8693 §4.2). */
    public Set<String> scopes() {
        return string("scope").map(s -> Set.of(s.trim().split(" +"))).orElse(Set.of());
    }

    public Optional<String> string(String claim) {
        JsonNode value = json.get(claim);
        return value == null || value.isNull() ? Optional.empty() : Optional.of(value.asText());
    }

    public long number(String claim) {
        return json.path(claim).asLong();
    }

    private static Set<String> strings(JsonNode node) {
        Set<String> values = new LinkedHashSet<>();
        if (node == null || node.isNull()) {
            return values;
        }
        if (node.isArray()) {
            node.forEach(value -> values.add(value.asText()));
        } else {
            values.add(node.asText());
        }
        return values;
    }

    @Override
    public String toString() {
        return json.toString();
    }
}
