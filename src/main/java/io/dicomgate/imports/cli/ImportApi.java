package io.dicomgate.imports.cli;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** The client side of dicomgate's import job API ({@code /api/imports}, role imaging-admin). */
final class ImportApi {

    static final String PATH = "/api/imports";
    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    private final HttpClient http;
    private final URI server;
    private final TokenSource tokens;
    private final ObjectMapper json;

    ImportApi(HttpClient http, URI server, TokenSource tokens, ObjectMapper json) {
        this.http = http;
        this.server = server;
        this.tokens = tokens;
        this.json = json;
    }

    /** What {@code POST /api/imports} answered: a new job, or the id of the job already importing that source. */
    sealed interface Started {
        record Created(JobSnapshot job) implements Started {
        }

        record AlreadyRunning(String id, String message) implements Started {
        }
    }

    Started start(Map<String, Object> spec) throws ApiException, InterruptedException {
        byte[] body;
        try {
            body = json.writeValueAsBytes(spec);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        HttpResponse<String> response = send("POST", PATH, HttpRequest.BodyPublishers.ofByteArray(body));
        if (response.statusCode() == 409) {
            JsonNode conflict = parse(response);
            if (conflict.path("id").isTextual()) {
                return new Started.AlreadyRunning(conflict.path("id").asText(), conflict.path("error").asText(""));
            }
        }
        return new Started.Created(JobSnapshot.of(expect(response, 202, 201, 200)));
    }

    JobSnapshot job(String id) throws ApiException, InterruptedException {
        return JobSnapshot.of(expect(send("GET", PATH + "/" + id, null), 200));
    }

    /** One page of the report: {@code {"job": …, "items": […]}}. */
    JsonNode report(String id, long offset, int limit) throws ApiException, InterruptedException {
        return expect(send("GET", PATH + "/" + id + "/report?offset=" + offset + "&limit=" + limit, null), 200);
    }

    JobSnapshot cancel(String id) throws ApiException, InterruptedException {
        return JobSnapshot.of(expect(send("POST", PATH + "/" + id + "/cancel", HttpRequest.BodyPublishers.noBody()), 202,
                200));
    }

    private HttpResponse<String> send(String method, String path, HttpRequest.BodyPublisher body)
            throws ApiException, InterruptedException {
        URI uri = server.resolve(server.getRawPath() + path);
        for (int attempt = 0;; attempt++) {
            HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(TIMEOUT)
                    .header("Authorization", "Bearer " + tokens.token()).header("Accept", "application/json");
            if (body != null) {
                request.header("Content-Type", "application/json").method(method, body);
            } else {
                request.method(method, HttpRequest.BodyPublishers.noBody());
            }
            HttpResponse<String> response;
            try {
                response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            } catch (IOException e) {
                throw new ApiException("cannot reach dicomgate at " + server, 0, true, e);
            }
            // a token that expired early (or was revoked) is fetched again once, for client credentials only
            if (response.statusCode() == 401 && attempt == 0 && tokens.invalidate()) {
                continue;
            }
            return response;
        }
    }

    private JsonNode expect(HttpResponse<String> response, int... ok) throws ApiException {
        int status = response.statusCode();
        for (int expected : ok) {
            if (status == expected) {
                return parse(response);
            }
        }
        String error = parse(response).path("error").asText("");
        String message = switch (status) {
            case 401 -> "dicomgate refused the credentials (401): the token is missing, expired or not for this server";
            case 403 -> "dicomgate refused (403): imports need the role imaging-admin";
            case 404 -> "no such import job at " + server + " (404)";
            default -> "dicomgate answered HTTP " + status + (error.isEmpty() ? "" : ": " + error);
        };
        throw new ApiException(message, status, status == 502 || status == 503 || status == 504);
    }

    private JsonNode parse(HttpResponse<String> response) {
        try {
            JsonNode node = json.readTree(response.body());
            return node == null ? json.createObjectNode() : node;
        } catch (IOException e) {
            return json.createObjectNode();
        }
    }
}
