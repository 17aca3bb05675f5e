package io.dicomgate.imports.cli;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** The bearer token for dicomgate. */
interface TokenSource {

    String token() throws ApiException, InterruptedException;

    /** Drops a token dicomgate refused; true when {@link #token()} can fetch another. */
    default boolean invalidate() {
        return false;
    }

    static TokenSource fixed(String token) {
        return () -> token;
    }

    /**
     * OAuth 2.0 client credentials grant (RFC 6749 §4.4), client authenticated with HTTP Basic (§2.3.1).
     * A token is fetched again a little before it expires ({@code expires_in}, §5.1): a fifth of its
     * lifetime early, at most 30 s, so a long import never polls with an expired token.
     */
    final class ClientCredentials implements TokenSource {

        private final HttpClient http;
        private final ObjectMapper json;
        private final ImportOptions.Auth.ClientCredentials client;
        private final LongSupplier nanoTime;
        private final Consumer<String> onNewSecret;
        private String token;
        private long refreshAtNanos;

        /** {@code onNewSecret} learns each token fetched, so that nothing printed can carry it. */
        ClientCredentials(HttpClient http, ObjectMapper json, ImportOptions.Auth.ClientCredentials client,
                LongSupplier nanoTime, Consumer<String> onNewSecret) {
            this.http = http;
            this.json = json;
            this.client = client;
            this.nanoTime = nanoTime;
            this.onNewSecret = onNewSecret;
        }

        @Override
        public synchronized String token() throws ApiException, InterruptedException {
            if (token == null || nanoTime.getAsLong() - refreshAtNanos >= 0) {
                fetch();
            }
            return token;
        }

        @Override
        public synchronized boolean invalidate() {
            token = null;
            return true;
        }

        private void fetch() throws ApiException, InterruptedException {
            String basic = Base64.getEncoder().encodeToString((form(client.clientId()) + ":" + form(client.clientSecret()))
                    .getBytes(StandardCharsets.UTF_8));
            HttpRequest request = HttpRequest.newBuilder(client.tokenUrl()).timeout(Duration.ofSeconds(30))
                    .header("Authorization", "Basic " + basic)
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .header("Accept", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("grant_type=client_credentials")).build();
            URI where = client.tokenUrl();
            HttpResponse<String> response;
            try {
                response = http.send(request, HttpResponse.BodyHandlers.ofString());
            } catch (IOException e) {
                throw new ApiException("cannot reach the token endpoint " + where, 0, true, e);
            }
            JsonNode body;
            try {
                body = json.readTree(response.body());
            } catch (IOException e) {
                body = json.createObjectNode();
            }
            if (response.statusCode() != 200 || !body.path("access_token").isTextual()) {
                // RFC 6749 §5.2: "error" is a code such as invalid_client; never the request's secret
                String error = body.path("error").isTextual() ? " " + body.path("error").asText() : "";
                throw new ApiException("the token endpoint " + where + " refused the client credentials of "
                        + client.clientId() + " (HTTP " + response.statusCode() + error + ")", response.statusCode(),
                        response.statusCode() >= 500);
            }
            token = body.path("access_token").asText();
            onNewSecret.accept(token);
            long lifetime = Math.max(1, body.path("expires_in").asLong(60));
            long early = Math.min(30, lifetime / 5);
            refreshAtNanos = nanoTime.getAsLong() + Duration.ofSeconds(lifetime - early).toNanos();
        }

        private static String form(String value) {
            return URLEncoder.encode(value, StandardCharsets.UTF_8);
        }
    }
}
