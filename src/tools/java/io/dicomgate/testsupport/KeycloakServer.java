package io.dicomgate.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The real Keycloak distribution, started with the dicomgate realm, for tests that need real tokens.
 *
 * <p>The build unpacks {@code keycloak-quarkus-dist} into {@code ${keycloak.home}} and names the
 * realm file in {@code dicomgate.realm.file} (both surefire system properties). Keycloak runs as
 * {@code kc.sh start-dev} on free loopback ports with an in-memory database, so the realm file is
 * imported on every start and is the single source of truth. Its output goes to
 * {@code target/keycloak.log}, never to the test log.
 *
 * <p>Use {@link #shared()}: one Keycloak per test JVM, stopped by a shutdown hook.
 */
public final class KeycloakServer implements AutoCloseable {

    public static final String REALM = "dicomgate";
    public static final String VIEWER_CLIENT = "dicomgate-viewer";

    static final String ADMIN_USERNAME = "kc-test-admin";

    /** The first start re-augments the distribution for {@code --db=dev-mem} (about 20 s more). */
    private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(180);
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);

    // Several class loaders can hold this class (a plain JUnit test and a @QuarkusTest in one JVM),
    // so the shared instance is published in system properties and guarded by an interned string,
    // the two things every class loader of the JVM sees as one.
    private static final String SHARED_URL = "dicomgate.keycloak.shared.url";
    private static final String SHARED_ADMIN_PASSWORD = "dicomgate.keycloak.shared.admin-password";
    private static final Object SHARED_LOCK = "io.dicomgate.testsupport.KeycloakServer.shared".intern();
    private static KeycloakServer shared;

    private static final ObjectMapper JSON = new ObjectMapper();

    private final URI baseUrl;
    private final String adminPassword;
    private final Path logFile;
    private final Process process;
    private final HttpClient http;

    private KeycloakServer(URI baseUrl, String adminPassword, Path logFile, Process process) {
        this.baseUrl = baseUrl;
        this.adminPassword = adminPassword;
        this.logFile = logFile;
        this.process = process;
        this.http = HttpClient.newBuilder()
                .connectTimeout(Duration.ofSeconds(5))
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
    }

    /** The JVM-wide Keycloak: started by the first caller, reused by every later one. */
    public static KeycloakServer shared() {
        synchronized (SHARED_LOCK) {
            if (shared != null) {
                return shared;
            }
            String url = System.getProperty(SHARED_URL);
            if (url != null) {
                // Started through another class loader, which owns the process and its shutdown hook.
                shared = new KeycloakServer(URI.create(url), System.getProperty(SHARED_ADMIN_PASSWORD),
                        defaultLogFile(), null);
                return shared;
            }
            KeycloakServer started = start(keycloakHome(), realmFile());
            Runtime.getRuntime().addShutdownHook(new Thread(started::close, "keycloak-shutdown"));
            System.setProperty(SHARED_URL, started.baseUrl.toString());
            System.setProperty(SHARED_ADMIN_PASSWORD, started.adminPassword);
            shared = started;
            return shared;
        }
    }

    /**
     * Starts a Keycloak of its own; the caller closes it. Prefer {@link #shared()}: every start
     * costs 10 to 30 seconds.
     */
    public static KeycloakServer start(Path keycloakHome, Path realmFile) {
        return start(keycloakHome, realmFile, Options.TEST);
    }

    /**
     * How a Keycloak of its own is started. The tests use {@link #TEST}; the demo stack and the
     * benchmark pin the port and keep the realm (and its users' changes) in an H2 file.
     *
     * @param httpPort HTTP port, 0 for a free one
     * @param h2File H2 database file path without extension, or null for an in-memory database
     * @param logFile where Keycloak's output goes, or null for {@link #defaultLogFile()}'s place
     * @param adminPassword password of the master-realm bootstrap admin, or null for a random one
     *        (with a persistent database only the first start creates that admin)
     */
    public record Options(int httpPort, Path h2File, Path logFile, String adminPassword) {
        public static final Options TEST = new Options(0, null, null, null);
    }

    /** As {@link #start(Path, Path)}, with a fixed port, a persistent database or another log. */
    public static KeycloakServer start(Path keycloakHome, Path realmFile, Options options) {
        Path kcSh = keycloakHome.resolve("bin/kc.sh");
        if (!Files.isExecutable(kcSh)) {
            throw new IllegalStateException(kcSh + " is missing: run ./mvnw process-test-resources"
                    + " to unpack the Keycloak distribution");
        }
        copyRealm(keycloakHome, realmFile);

        int httpPort = options.httpPort() == 0 ? freePort() : options.httpPort();
        int managementPort = freePort();
        URI baseUrl = URI.create("http://localhost:" + httpPort);
        String adminPassword = options.adminPassword() == null ? UUID.randomUUID().toString()
                : options.adminPassword();
        Path logFile = options.logFile() == null
                ? keycloakHome.toAbsolutePath().getParent().resolve("keycloak.log")
                : options.logFile();
        // An existing realm in a persistent database is kept; --import-realm skips it.
        List<String> database = options.h2File() == null
                ? List.of("--db=dev-mem")
                : List.of("--db=dev-file", "--db-url=jdbc:h2:file:" + options.h2File().toAbsolutePath()
                        + ";NON_KEYWORDS=VALUE");

        List<String> command = new java.util.ArrayList<>(List.of(kcSh.toString(), "start-dev",
                "--http-port=" + httpPort,
                "--http-host=127.0.0.1", // loopback only: the demo realm's passwords are published
                // start-dev opens it only when health or metrics are on; pin it anyway so a
                // second instance never collides on the default 9000.
                "--http-management-port=" + managementPort,
                // Tokens carry this issuer however the caller reached Keycloak (localhost, 127.0.0.1).
                "--hostname=" + baseUrl,
                "--import-realm"));
        // Tests: a fresh database each start, so the realm is always imported, never a stale one reused.
        command.addAll(database);
        ProcessBuilder builder = new ProcessBuilder(command)
                .directory(keycloakHome.toFile())
                .redirectErrorStream(true)
                .redirectOutput(logFile.toFile());
        Map<String, String> env = builder.environment();
        // Keycloak is a Quarkus application: keep the test JVM's own QUARKUS_*, KC_* and JVM
        // options from leaking into it.
        env.keySet().removeIf(name -> name.startsWith("KC_") || name.startsWith("QUARKUS_")
                || name.startsWith("JAVA_OPTS") || name.equals("JAVA_TOOL_OPTIONS")
                || name.equals("JDK_JAVA_OPTIONS") || name.startsWith("DEBUG"));
        env.put("JAVA_HOME", System.getProperty("java.home"));
        // A master-realm admin with a password that lives only as long as this process; tests use
        // it to read the realm's configuration through the admin API.
        env.put("KC_BOOTSTRAP_ADMIN_USERNAME", ADMIN_USERNAME);
        env.put("KC_BOOTSTRAP_ADMIN_PASSWORD", adminPassword);

        long startedAt = System.nanoTime();
        Process process;
        try {
            process = builder.start();
            process.getOutputStream().close();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + kcSh, e);
        }
        KeycloakServer server = new KeycloakServer(baseUrl, adminPassword, logFile, process);
        try {
            server.awaitReady();
        } catch (RuntimeException | Error e) {
            server.close();
            throw e;
        }
        System.out.printf("Keycloak ready at %s in %.1f s (log: %s)%n", server.issuerUrl(),
                (System.nanoTime() - startedAt) / 1e9, logFile);
        return server;
    }

    /** {@code http://localhost:<port>/realms/dicomgate}, the {@code iss} of every token. */
    public String issuerUrl() {
        return baseUrl + "/realms/" + REALM;
    }

    public URI tokenEndpoint() {
        return URI.create(issuerUrl() + "/protocol/openid-connect/token");
    }

    public URI authorizationEndpoint() {
        return URI.create(issuerUrl() + "/protocol/openid-connect/auth");
    }

    public URI userinfoEndpoint() {
        return URI.create(issuerUrl() + "/protocol/openid-connect/userinfo");
    }

    /** Base of the admin REST API of the dicomgate realm, for {@link #adminToken()}. */
    public URI adminRealmUrl() {
        return URI.create(baseUrl + "/admin/realms/" + REALM);
    }

    /** An access token for a user, by the password grant of {@code dicomgate-viewer}. */
    public String passwordToken(String username, String password) {
        return passwordToken(username, password, null);
    }

    /** As {@link #passwordToken(String, String)}, asking for extra space-separated scopes. */
    public String passwordToken(String username, String password, String scope) {
        return tokenResponse(passwordGrant(username, password, scope)).get("access_token").asText();
    }

    /** An access token for a user by the password grant of another public client (e.g. the portal). */
    public String passwordTokenVia(String clientId, String username, String password) {
        return tokenResponse(Map.of("grant_type", "password", "client_id", clientId, "username", username,
                "password", password)).get("access_token").asText();
    }

    /** An access token for a confidential client's service account. */
    public String clientCredentialsToken(String clientId, String secret) {
        return tokenResponse(clientCredentialsGrant(clientId, secret)).get("access_token").asText();
    }

    /** The whole token response (access, id and refresh token) of a password grant. */
    public JsonNode passwordTokenResponse(String username, String password, String scope) {
        return tokenResponse(passwordGrant(username, password, scope));
    }

    public static Map<String, String> passwordGrant(String username, String password, String scope) {
        return scope == null
                ? Map.of("grant_type", "password", "client_id", VIEWER_CLIENT,
                        "username", username, "password", password)
                : Map.of("grant_type", "password", "client_id", VIEWER_CLIENT,
                        "username", username, "password", password, "scope", scope);
    }

    public static Map<String, String> clientCredentialsGrant(String clientId, String secret) {
        return Map.of("grant_type", "client_credentials", "client_id", clientId, "client_secret", secret);
    }

    /** POSTs a form to the token endpoint and returns the raw answer, errors included. */
    public HttpResponse<String> tokenRequest(Map<String, String> form) {
        return post(tokenEndpoint(), form);
    }

    /** GET with redirects not followed, for probing the authorization endpoint. */
    public HttpResponse<String> get(URI uri, String bearerToken) {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(REQUEST_TIMEOUT).GET();
        if (bearerToken != null) {
            request.header("Authorization", "Bearer " + bearerToken);
        }
        return send(request.build());
    }

    /** A master-realm admin token (the bootstrap admin of this test instance). */
    public String adminToken() {
        HttpResponse<String> response = post(
                URI.create(baseUrl + "/realms/master/protocol/openid-connect/token"),
                Map.of("grant_type", "password", "client_id", "admin-cli",
                        "username", ADMIN_USERNAME, "password", adminPassword));
        return parseTokenResponse(response).get("access_token").asText();
    }

    /** GETs an admin API path below {@link #adminRealmUrl()} (e.g. {@code "/clients"}) as JSON. */
    public JsonNode adminGet(String path) {
        HttpResponse<String> response = get(URI.create(adminRealmUrl() + path), adminToken());
        if (response.statusCode() != 200) {
            throw new IllegalStateException("admin GET " + path + " answered " + response.statusCode()
                    + ": " + response.body());
        }
        return readJson(response.body());
    }

    /**
     * Sends {@code method} with a JSON body (or none) to an admin API path below {@link #adminRealmUrl()},
     * e.g. to create and delete users; returns the response for the caller to check.
     */
    public HttpResponse<String> adminSend(String method, String path, String jsonBody) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(adminRealmUrl() + path)).timeout(REQUEST_TIMEOUT)
                .header("Authorization", "Bearer " + adminToken());
        if (jsonBody != null) {
            request.header("Content-Type", "application/json");
        }
        request.method(method, jsonBody == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(jsonBody));
        return send(request.build());
    }

    public Path logFile() {
        return logFile;
    }

    /** Where {@link #shared()} writes the Keycloak log: next to {@code ${keycloak.home}}. */
    public static Path defaultLogFile() {
        return keycloakHome().toAbsolutePath().getParent().resolve("keycloak.log");
    }

    /** The last lines of a Keycloak log, for failure messages. */
    public static String logTail(Path logFile, int lines) {
        if (!Files.isReadable(logFile)) {
            return "(no Keycloak log at " + logFile + ")";
        }
        Deque<String> tail = new ArrayDeque<>(lines);
        try (Stream<String> all = Files.lines(logFile, StandardCharsets.UTF_8)) {
            all.forEach(line -> {
                if (tail.size() == lines) {
                    tail.removeFirst();
                }
                tail.addLast(line);
            });
        } catch (IOException | UncheckedIOException e) {
            return "(cannot read " + logFile + ": " + e.getMessage() + ")";
        }
        return String.join(System.lineSeparator(), tail);
    }

    /** Stops Keycloak and everything kc.sh started; a no-op for an instance it does not own. */
    @Override
    public void close() {
        if (process == null) {
            return;
        }
        List<ProcessHandle> descendants = process.descendants().toList();
        descendants.forEach(ProcessHandle::destroy);
        process.destroy();
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                descendants.forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            descendants.forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
        }
    }

    private void awaitReady() {
        URI discovery = URI.create(issuerUrl() + "/.well-known/openid-configuration");
        long deadline = System.nanoTime() + STARTUP_TIMEOUT.toNanos();
        String lastAnswer = "no answer";
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw startFailure("Keycloak exited with code " + process.exitValue());
            }
            try {
                HttpResponse<Void> response = http.send(
                        HttpRequest.newBuilder(discovery).timeout(Duration.ofSeconds(5)).GET().build(),
                        HttpResponse.BodyHandlers.discarding());
                if (response.statusCode() == 200) {
                    return;
                }
                // A realm with sslRequired=all (the production realm) refuses plain HTTP even for its
                // discovery document: ready once the admin API, which the master realm serves, has it.
                if (response.statusCode() == 403 && adminSend("GET", "", null).statusCode() == 200) {
                    return;
                }
                lastAnswer = "HTTP " + response.statusCode();   // 503 while booting, 404 before import
            } catch (IOException e) {
                lastAnswer = e.toString();                       // not listening yet
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw startFailure("interrupted while waiting for Keycloak");
            }
            sleep(Duration.ofMillis(500));
        }
        throw startFailure("Keycloak not ready after " + STARTUP_TIMEOUT.toSeconds() + " s (last: "
                + lastAnswer + ")");
    }

    private IllegalStateException startFailure(String reason) {
        return new IllegalStateException(reason + "; last lines of " + logFile + ":"
                + System.lineSeparator() + logTail(logFile, 60));
    }

    private JsonNode tokenResponse(Map<String, String> form) {
        return parseTokenResponse(tokenRequest(form));
    }

    private JsonNode parseTokenResponse(HttpResponse<String> response) {
        if (response.statusCode() != 200) {
            throw new IllegalStateException("token request answered " + response.statusCode() + ": "
                    + response.body());
        }
        return readJson(response.body());
    }

    /** POSTs a form ({@code application/x-www-form-urlencoded}) and returns the raw answer. */
    public HttpResponse<String> post(URI uri, Map<String, String> form) {
        String body = form.entrySet().stream()
                .map(e -> encode(e.getKey()) + "=" + encode(e.getValue()))
                .collect(Collectors.joining("&"));
        return send(HttpRequest.newBuilder(uri)
                .timeout(REQUEST_TIMEOUT)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build());
    }

    private HttpResponse<String> send(HttpRequest request) {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(request.method() + " " + request.uri() + " failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted: " + request.uri(), e);
        }
    }

    static JsonNode readJson(String json) {
        try {
            return JSON.readTree(json);
        } catch (IOException e) {
            throw new UncheckedIOException("not JSON: " + json, e);
        }
    }

    private static void copyRealm(Path keycloakHome, Path realmFile) {
        try {
            Path importDir = Files.createDirectories(keycloakHome.resolve("data/import"));
            // Exactly this realm: --import-realm reads every file there, and the demo and production
            // realm files both define "dicomgate".
            try (var old = Files.list(importDir)) {
                for (Path file : old.toList()) {
                    if (!file.getFileName().equals(realmFile.getFileName())) {
                        Files.deleteIfExists(file);
                    }
                }
            }
            Files.copy(realmFile, importDir.resolve(realmFile.getFileName()),
                    StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot copy " + realmFile + " into " + keycloakHome, e);
        }
    }

    private static Path keycloakHome() {
        return requiredPath("keycloak.home");
    }

    private static Path realmFile() {
        return requiredPath("dicomgate.realm.file");
    }

    // Set by surefire from the pom; a test launched elsewhere (an IDE) must pass the same -D.
    private static Path requiredPath(String property) {
        String value = System.getProperty(property);
        if (value == null || value.isBlank()) {
            throw new IllegalStateException("system property " + property + " is not set; run the"
                    + " tests through Maven or pass -D" + property + "=...");
        }
        return Path.of(value);
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free port", e);
        }
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
