package io.dicomgate.testsupport;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * {@code keycloak-realm/dicomgate-realm-production.json} as the real Keycloak reads it: no demo
 * users or secrets, TLS required, brute-force detection, a password policy with a deny-list, and a
 * second factor (TOTP) in the browser login for every staff role; the same clients, scopes and roles
 * as the demo realm, so dicomgate works with either.
 */
@ExtendWith(KeycloakLogOnFailure.class)
class ProductionRealmIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path PRODUCTION = Path.of("keycloak-realm/dicomgate-realm-production.json");
    private static final Path DEMO = Path.of("keycloak-realm/dicomgate-realm.json");
    private static KeycloakServer keycloak;

    @BeforeAll
    static void start() throws Exception {
        Path home = Path.of(System.getProperty("keycloak.home"));
        // Keycloak reads password deny-lists from data/password-blacklists/ (keycloak-realm/README.md).
        Path lists = Files.createDirectories(home.resolve("data/password-blacklists"));
        Files.copy(Path.of("keycloak-realm/password-deny-list.txt"), lists.resolve("dicomgate-deny-list.txt"),
                StandardCopyOption.REPLACE_EXISTING);
        keycloak = KeycloakServer.start(home, PRODUCTION);
    }

    @AfterAll
    static void stop() {
        if (keycloak != null) {
            keycloak.close();
        }
    }

    private static JsonNode admin(String path) throws Exception {
        HttpResponse<String> r = keycloak.adminSend("GET", path, null);
        assertEquals(200, r.statusCode(), path + ": " + r.body());
        return JSON.readTree(r.body());
    }

    @Test
    void realmRequiresTlsDetectsBruteForceAndHasNoDemoUsersOrSecrets() throws Exception {
        JsonNode realm = admin("");
        assertAll(() -> assertEquals("all", realm.path("sslRequired").asText()),
                () -> assertTrue(realm.path("bruteForceProtected").asBoolean()),
                () -> assertEquals(5, realm.path("failureFactor").asInt()),
                () -> assertFalse(realm.path("permanentLockout").asBoolean()),
                () -> assertFalse(realm.path("registrationAllowed").asBoolean()),
                () -> assertTrue(realm.path("accessTokenLifespan").asInt() <= 300, "short access tokens"),
                () -> assertTrue(realm.path("revokeRefreshToken").asBoolean(), "refresh-token rotation"),
                () -> assertEquals(0, realm.path("refreshTokenMaxReuse").asInt(), "a refresh token is used once"));
        JsonNode demo = JSON.readTree(DEMO.toFile());
        for (JsonNode demoUser : demo.path("users")) { // (weakPasswordsAreRefused adds users of its own)
            String username = demoUser.path("username").asText();
            JsonNode found = admin("/users?exact=true&username=" + username);
            if (username.startsWith("service-account-")) {
                // The clients' service accounts stay, with the demo's roles (ingest, integration, ...).
                assertEquals(1, found.size(), username);
                List<String> roles = names(admin("/users/" + found.get(0).path("id").asText() + "/role-mappings/realm"),
                        "name");
                demoUser.path("realmRoles").forEach(r -> assertTrue(roles.contains(r.asText()), username + " " + roles));
            } else {
                assertEquals(0, found.size(), "demo user " + username);
            }
        }
        Set<String> demoSecrets = new java.util.HashSet<>();
        demo.path("clients").forEach(c -> {
            if (c.has("secret")) {
                demoSecrets.add(c.get("secret").asText());
            }
        });
        for (JsonNode client : admin("/clients")) {
            if (!client.path("publicClient").asBoolean(true) && !client.path("bearerOnly").asBoolean(false)) {
                String secret = admin("/clients/" + client.get("id").asText() + "/client-secret").path("value").asText();
                assertFalse(secret.isEmpty() || demoSecrets.contains(secret), client.get("clientId") + " has a demo secret");
            }
        }
        // The same clients and roles as the demo realm: dicomgate cannot tell them apart.
        assertTrue(names(admin("/clients"), "clientId").containsAll(names(demo.path("clients"), "clientId")));
        assertTrue(names(admin("/roles"), "name").containsAll(names(demo.path("roles").path("realm"), "name")));
    }

    @Test
    void plainHttpLoginIsRefused() throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create(keycloak.issuerUrl() + "/protocol/openid-connect/token"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                // 127.0.0.1 is not "external", so sslRequired=external would let this through; "all" does not.
                .POST(HttpRequest.BodyPublishers.ofString("grant_type=client_credentials&client_id=dicomgate-ingest"))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(403, r.statusCode(), r.body());
        assertTrue(r.body().contains("HTTPS required"), r.body());
    }

    @Test
    void weakPasswordsAreRefused() throws Exception {
        String[][] refused = {
            {"dr.short", "Sh0rt!pass", "invalidPasswordMinLengthMessage"},
            {"dr.denied", "hospital1234", "invalidPasswordBlacklistedMessage"},
            {"dr.samename1234", "dr.samename1234", "invalidPasswordNotUsernameMessage"}};
        for (String[] attempt : refused) {
            HttpResponse<String> r = keycloak.adminSend("POST", "/users", user(attempt[0], attempt[1]));
            assertEquals(400, r.statusCode(), attempt[0] + ": " + r.body());
            assertTrue(r.body().contains(attempt[2]), attempt[0] + ": " + r.body());
        }
        HttpResponse<String> ok = keycloak.adminSend("POST", "/users", user("dr.strong", "correct-horse-battery-27"));
        assertEquals(201, ok.statusCode(), ok.body());
    }

    private static String user(String username, String password) {
        return """
                {"username": "%1$s", "enabled": true, "firstName": "Test", "lastName": "User",
                 "email": "%1$s@hospital.example", "emailVerified": true,
                 "credentials": [{"type": "password", "value": "%2$s", "temporary": false}]}""".formatted(username, password);
    }

    @Test
    void browserLoginAsksStaffForASecondFactor() throws Exception {
        assertEquals("dicomgate browser", admin("").path("browserFlow").asText());
        List<String> steps = new ArrayList<>();
        for (JsonNode e : admin("/authentication/flows/dicomgate%20browser/executions")) {
            steps.add(e.path("providerId").asText("") + ":" + e.path("requirement").asText());
            if ("conditional-user-role".equals(e.path("providerId").asText())) {
                JsonNode config = admin("/authentication/config/" + e.path("authenticationConfig").asText());
                assertEquals("staff-mfa", config.path("config").path("condUserRole").asText());
            }
        }
        assertTrue(steps.contains("auth-username-password-form:REQUIRED"), steps.toString());
        assertTrue(steps.contains("conditional-user-role:REQUIRED"), steps.toString());
        assertTrue(steps.contains("auth-otp-form:REQUIRED"), steps.toString());
        // Every staff role carries staff-mfa; a patient does not.
        for (String role : List.of("clinician", "imaging-admin", "auditor", "consent-admin", "emergency-access")) {
            assertEquals(List.of("staff-mfa"), names(admin("/roles/" + role + "/composites"), "name"), role);
        }
        assertFalse(admin("/roles/patient").path("composite").asBoolean());
        // A machine role: Prometheus' service account logs in with client credentials, never a browser.
        assertFalse(admin("/roles/monitoring").path("composite").asBoolean());
    }

    private static List<String> names(JsonNode array, String field) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.path(field).asText()));
        return out;
    }
}
