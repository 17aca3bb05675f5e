package io.dicomgate.demo;

import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** A small DICOMweb client (PS3.18) over the JDK HTTP client, with tokens from Keycloak. */
public final class DicomWebClient {

    public static final String BOUNDARY = "dicomgate-demo-boundary-7d3f";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient http = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();
    private final String base;
    private final Tokens tokens;

    /**
     * @param base the DICOMweb root, e.g. {@code http://localhost:8080/dicomweb}
     * @param tokens where the bearer token of each request comes from
     */
    public DicomWebClient(String base, Tokens tokens) {
        this.base = base;
        this.tokens = tokens;
    }

    /** STOW-RS (PS3.18 §10.5) of in-memory Part 10 files in one request; returns the HTTP status. */
    public HttpResponse<String> store(List<byte[]> instances) {
        List<byte[]> pieces = new ArrayList<>();
        for (byte[] instance : instances) {
            pieces.add(partHeader());
            pieces.add(instance);
            pieces.add("\r\n".getBytes(StandardCharsets.US_ASCII));
        }
        pieces.add(("--" + BOUNDARY + "--\r\n").getBytes(StandardCharsets.US_ASCII));
        return send(storeRequest().POST(HttpRequest.BodyPublishers.ofByteArrays(pieces)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** STOW-RS of Part 10 files streamed from disk, so a request of any size needs no memory here. */
    public HttpResponse<String> storeFiles(List<Path> files) {
        long length = 0;
        for (Path file : files) {
            try {
                length += partHeader().length + Files.size(file) + 2;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        length += BOUNDARY.length() + 6;
        HttpRequest.BodyPublisher body = HttpRequest.BodyPublishers.fromPublisher(
                HttpRequest.BodyPublishers.ofInputStream(() -> {
                    List<InputStream> streams = new ArrayList<>();
                    for (Path file : files) {
                        streams.add(new java.io.ByteArrayInputStream(partHeader()));
                        try {
                            streams.add(new java.io.BufferedInputStream(Files.newInputStream(file), 1 << 16));
                        } catch (IOException e) {
                            throw new UncheckedIOException(e);
                        }
                        streams.add(new java.io.ByteArrayInputStream("\r\n".getBytes(StandardCharsets.US_ASCII)));
                    }
                    streams.add(new java.io.ByteArrayInputStream(
                            ("--" + BOUNDARY + "--\r\n").getBytes(StandardCharsets.US_ASCII)));
                    return new SequenceInputStream(Collections.enumeration(streams));
                }), length);
        return send(storeRequest().timeout(Duration.ofMinutes(30)).POST(body).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** POST of a ready-made body (e.g. a STOW-RS metadata + bulk data request) with its Content-Type. */
    public HttpResponse<String> post(String path, String contentType, byte[] body) {
        return send(request(path).timeout(Duration.ofMinutes(5)).header("Content-Type", contentType)
                .header("Accept", "application/dicom+json").POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private HttpRequest.Builder storeRequest() {
        return request("/studies")
                .timeout(Duration.ofMinutes(5))
                .header("Content-Type", "multipart/related; type=\"application/dicom\"; boundary=" + BOUNDARY)
                .header("Accept", "application/dicom+json");
    }

    private static byte[] partHeader() {
        return ("--" + BOUNDARY + "\r\nContent-Type: application/dicom\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
    }

    /** QIDO-RS (PS3.18 §10.6): the JSON array of matches, empty on 204. */
    public JsonNode search(String path, Map<String, String> query) {
        String q = query.entrySet().stream()
                .map(e -> enc(e.getKey()) + "=" + enc(e.getValue()))
                .collect(Collectors.joining("&"));
        HttpResponse<String> r = get(path + (q.isEmpty() ? "" : "?" + q), "application/dicom+json");
        if (r.statusCode() == 204) {
            return JSON.createArrayNode();
        }
        if (r.statusCode() != 200) {
            throw new IllegalStateException("GET " + path + "?" + q + " answered " + r.statusCode() + ": " + r.body());
        }
        try {
            return JSON.readTree(r.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public HttpResponse<String> get(String path, String accept) {
        return send(request(path).timeout(Duration.ofMinutes(2)).header("Accept", accept).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    public HttpResponse<byte[]> getBytes(String path, String accept) {
        return send(request(path).timeout(Duration.ofMinutes(5)).header("Accept", accept).GET().build(),
                HttpResponse.BodyHandlers.ofByteArray());
    }

    private HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(URI.create(base + path)).header("Authorization", "Bearer " + tokens.get());
    }

    private <T> HttpResponse<T> send(HttpRequest request, HttpResponse.BodyHandler<T> handler) {
        try {
            return http.send(request, handler);
        } catch (IOException e) {
            throw new UncheckedIOException(request.method() + " " + request.uri() + " failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /** The bodies of a multipart/related response (PS3.18 §8.6.1.2), split at its boundary. */
    public static List<byte[]> parts(HttpResponse<byte[]> response) {
        String contentType = response.headers().firstValue("Content-Type").orElse("");
        String boundary = null;
        for (String param : contentType.split(";")) {
            String p = param.trim();
            if (p.regionMatches(true, 0, "boundary=", 0, 9)) {
                boundary = p.substring(9).replace("\"", "");
            }
        }
        if (boundary == null) {
            throw new IllegalStateException("not multipart: " + contentType);
        }
        byte[] body = response.body();
        byte[] delimiter = ("--" + boundary).getBytes(StandardCharsets.US_ASCII);
        List<byte[]> parts = new ArrayList<>();
        int at = indexOf(body, delimiter, 0);
        while (at >= 0) {
            int lineEnd = at + delimiter.length;
            if (lineEnd + 1 < body.length && body[lineEnd] == '-' && body[lineEnd + 1] == '-') {
                break;
            }
            int headersEnd = indexOf(body, "\r\n\r\n".getBytes(StandardCharsets.US_ASCII), lineEnd);
            int next = indexOf(body, ("\r\n--" + boundary).getBytes(StandardCharsets.US_ASCII), headersEnd + 4);
            if (headersEnd < 0 || next < 0) {
                throw new IllegalStateException("truncated multipart body");
            }
            parts.add(java.util.Arrays.copyOfRange(body, headersEnd + 4, next));
            at = next + 2;
        }
        return parts;
    }

    private static int indexOf(byte[] data, byte[] pattern, int from) {
        outer:
        for (int i = Math.max(from, 0); i <= data.length - pattern.length; i++) {
            if (data[i] != pattern[0]) {
                continue;
            }
            for (int j = 1; j < pattern.length; j++) {
                if (data[i + j] != pattern[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    private static String enc(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    /**
     * Access tokens from Keycloak's token endpoint, by the password grant of {@code dicomgate-viewer}
     * or the client-credentials grant of a confidential client; renewed before they expire.
     */
    public static final class Tokens {
        private final HttpClient http = HttpClient.newHttpClient();
        private final URI tokenEndpoint;
        private final Map<String, String> form;
        private String token;
        private Instant renewAt = Instant.MIN;

        private Tokens(String issuerUrl, Map<String, String> form) {
            this.tokenEndpoint = URI.create(issuerUrl + "/protocol/openid-connect/token");
            this.form = form;
        }

        public static Tokens password(String issuerUrl, String username, String password) {
            return new Tokens(issuerUrl, Map.of("grant_type", "password", "client_id", "dicomgate-viewer",
                    "username", username, "password", password));
        }

        public static Tokens clientCredentials(String issuerUrl, String clientId, String secret) {
            return new Tokens(issuerUrl, Map.of("grant_type", "client_credentials", "client_id", clientId,
                    "client_secret", secret));
        }

        public synchronized String get() {
            if (Instant.now().isAfter(renewAt)) {
                String body = form.entrySet().stream().map(e -> enc(e.getKey()) + "=" + enc(e.getValue()))
                        .collect(Collectors.joining("&"));
                try {
                    HttpResponse<String> r = http.send(HttpRequest.newBuilder(tokenEndpoint)
                            .header("Content-Type", "application/x-www-form-urlencoded")
                            .POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                            HttpResponse.BodyHandlers.ofString());
                    if (r.statusCode() != 200) {
                        throw new IllegalStateException("token endpoint answered " + r.statusCode() + ": " + r.body());
                    }
                    JsonNode json = JSON.readTree(r.body());
                    token = json.get("access_token").asText();
                    long lifetime = json.path("expires_in").asLong(60);
                    renewAt = Instant.now().plusSeconds(Math.max(5, lifetime - 30));
                } catch (IOException e) {
                    throw new UncheckedIOException("token request to " + tokenEndpoint + " failed", e);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted", e);
                }
            }
            return token;
        }
    }
}
