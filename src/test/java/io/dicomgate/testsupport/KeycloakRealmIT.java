package io.dicomgate.testsupport;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The contract of {@code keycloak-realm/dicomgate-realm.json}, read from tokens the real Keycloak
 * issues. dicomgate and later tests rely on every line of it; change the realm and this together.
 */
@ExtendWith(KeycloakLogOnFailure.class)
class KeycloakRealmIT {

    private static final String API_AUDIENCE = "dicomgate-api";
    private static final String DEMO_PASSWORD = "demo";

    private static KeycloakServer keycloak;

    @BeforeAll
    static void startKeycloak() {
        keycloak = KeycloakServer.shared();
    }

    @ParameterizedTest(name = "{0}: roles [{1}], patient_id [{2}]")
    @CsvSource(delimiter = '|', textBlock = """
            admin         | imaging-admin                |
            dr.house      | clinician emergency-access   |
            dr.cuddy      | clinician                    |
            alice         | patient                      | PAT-ALICE-001
            bob           | patient                      | PAT-BOB-002
            auditor       | auditor                      |
            consent.admin | consent-admin                |
            """)
    void userTokenCarriesAudienceRolesAndPatientId(String username, String roles, String patientId) {
        TokenClaims token = TokenClaims.of(keycloak.passwordToken(username, DEMO_PASSWORD));

        assertAll(token.toString(),
                () -> assertTrue(token.audience().contains(API_AUDIENCE), "aud"),
                // Exact: a default role creeping in (offline_access, uma_authorization) is a change
                // of contract, not noise.
                () -> assertEquals(Set.of(roles.split(" ")), token.realmRoles(), "realm_access.roles"),
                () -> assertEquals(Optional.ofNullable(patientId), token.string("patient_id"), "patient_id"),
                () -> assertEquals(Optional.of(KeycloakServer.VIEWER_CLIENT), token.string("azp"), "azp"),
                () -> assertEquals(Optional.of(keycloak.issuerUrl()), token.string("iss"), "iss"),
                () -> assertEquals(Optional.of(username), token.string("preferred_username")),
                // sub comes from the built-in "basic" scope, which a realm file declaring its own
                // clientScopes must carry itself.
                () -> assertTrue(token.string("sub").isPresent(), "sub"),
                () -> assertTrue(token.string("scope").isPresent(), "scope"),
                () -> assertEquals(Set.of("user/ImagingStudy.rs"),
                        token.scopes().stream().filter(s -> s.contains("ImagingStudy")).collect(java.util.stream.Collectors.toSet()),
                        "the viewer reaches what the user may see (user/ImagingStudy.rs), nothing more by default"),
                () -> assertEquals(300, token.number("exp") - token.number("iat"), "lifespan, s"));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            dicomgate-ingest | dicomgate-ingest-demo-secret | ingest | system/ImagingStudy.cruds
            dicomgate-import | dicomgate-import-demo-secret | imaging-admin | system/ImagingStudy.cruds
            ehr-integration  | ehr-integration-demo-secret  | integration share-issuer | system/ImagingStudy.rs
            """)
    void serviceAccountTokenCarriesAudienceRolesAndSmartScope(String clientId, String secret,
            String roles, String smartScope) {
        TokenClaims token = TokenClaims.of(keycloak.clientCredentialsToken(clientId, secret));

        assertAll(token.toString(),
                () -> assertTrue(token.audience().contains(API_AUDIENCE), "aud"),
                () -> assertEquals(roles == null ? Set.of() : Set.of(roles.split(" ")), token.realmRoles(),
                        "realm_access.roles"),
                () -> assertTrue(token.scopes().contains(smartScope), "scope"),
                () -> assertEquals(Optional.of(clientId), token.string("azp"), "azp"),
                () -> assertEquals(Optional.empty(), token.string("patient_id"), "patient_id"),
                () -> assertTrue(token.string("sub").isPresent(), "sub"));
    }

    /** Prometheus' client: the one role that opens /q/metrics, and no SMART scope, so it reaches no patient data. */
    @Test
    void monitoringServiceAccountCarriesOnlyTheMonitoringRole() {
        TokenClaims token = TokenClaims.of(keycloak.clientCredentialsToken("dicomgate-monitoring",
                "dicomgate-monitoring-demo-secret"));

        assertAll(token.toString(),
                () -> assertTrue(token.audience().contains(API_AUDIENCE), "aud"),
                () -> assertEquals(Set.of("monitoring"), token.realmRoles(), "realm_access.roles"),
                () -> assertTrue(token.scopes().stream().noneMatch(s -> s.contains("ImagingStudy") || s.contains("Consent")),
                        "no SMART scope"),
                () -> assertEquals(Optional.of("dicomgate-monitoring"), token.string("azp"), "azp"));
    }

    @Test
    void viewerGrantsItsOptionalSmartScopesOnRequest() {
        TokenClaims token = TokenClaims.of(keycloak.passwordToken("dr.house", DEMO_PASSWORD,
                "patient/ImagingStudy.rs"));

        assertTrue(token.scopes().containsAll(Set.of("user/ImagingStudy.rs", "patient/ImagingStudy.rs")),
                token::toString);
    }

    @Test
    void portalTokensReachOnlyThePatientCompartment() throws Exception {
        HttpResponse<String> response = keycloak.tokenRequest(java.util.Map.of("grant_type", "password",
                "client_id", "dicomgate-portal", "username", "alice", "password", DEMO_PASSWORD));
        assertEquals(200, response.statusCode(), response.body());
        TokenClaims token = TokenClaims.of(
                new com.fasterxml.jackson.databind.ObjectMapper().readTree(response.body()).path("access_token").asText());
        assertEquals(Set.of("patient/ImagingStudy.rs"),
                token.scopes().stream().filter(s -> s.contains("ImagingStudy")).collect(java.util.stream.Collectors.toSet()),
                token::toString);
        assertEquals(Optional.of("PAT-ALICE-001"), token.string("patient_id"));
    }

    @Test
    void viewerCannotObtainSystemScopes() {
        HttpResponse<String> response = keycloak.tokenRequest(
                KeycloakServer.passwordGrant("dr.house", DEMO_PASSWORD, "system/ImagingStudy.cruds"));

        assertEquals(400, response.statusCode(), response.body());
        assertEquals("invalid_scope", error(response));
    }

    @Test
    void patientIdReachesIdTokenAndUserinfo() {
        JsonNode response = keycloak.passwordTokenResponse("alice", DEMO_PASSWORD, "openid");
        TokenClaims idToken = TokenClaims.of(response.get("id_token").asText());
        HttpResponse<String> userinfo = keycloak.get(keycloak.userinfoEndpoint(),
                response.get("access_token").asText());

        assertAll(
                () -> assertEquals(Optional.of("PAT-ALICE-001"), idToken.string("patient_id"), "id token"),
                () -> assertEquals(200, userinfo.statusCode(), userinfo.body()),
                () -> assertEquals("PAT-ALICE-001",
                        KeycloakServer.readJson(userinfo.body()).path("patient_id").asText(), "userinfo"));
    }

    // Keycloak 26.7 answers a wrong user password with 400 invalid_grant (RFC 6749 §5.2) and a wrong
    // client secret with 401; either way no token.
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            wrong password       | password           | alice            | not-demo   | 400 | invalid_grant
            unknown user         | password           | mallory          | demo       | 400 | invalid_grant
            wrong client secret  | client_credentials | dicomgate-ingest | not-secret | 401 | unauthorized_client
            """)
    void badCredentialsGetNoToken(String description, String grant, String principal, String secret,
            int status, String error) {
        Map<String, String> form = grant.equals("password")
                ? KeycloakServer.passwordGrant(principal, secret, null)
                : KeycloakServer.clientCredentialsGrant(principal, secret);

        HttpResponse<String> response = keycloak.tokenRequest(form);

        assertEquals(status, response.statusCode(), response.body());
        assertEquals(error, error(response));
        assertFalse(response.body().contains("access_token"));
    }

    // The 302 to the redirect URI carries the error (RFC 6749 §4.1.2.1); 200 is the login page.
    @ParameterizedTest(name = "code_challenge_method={0}")
    @CsvSource(delimiter = '|', nullValues = "none", textBlock = """
            none  | 302 | error=invalid_request
            plain | 302 | error=invalid_request
            S256  | 200 |
            """)
    void viewerRequiresPkceWithS256(String method, int status, String errorInRedirect) {
        Map<String, String> query = new HashMap<>(Map.of(
                "client_id", KeycloakServer.VIEWER_CLIENT,
                "response_type", "code",
                "scope", "openid",
                "redirect_uri", "http://localhost:8080/callback",
                "state", "s1"));
        if (method != null) {
            // RFC 7636 Appendix B's verifier "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"
            query.put("code_challenge", "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM");
            query.put("code_challenge_method", method);
        }

        HttpResponse<String> response = keycloak.get(withQuery(keycloak.authorizationEndpoint(), query), null);

        assertEquals(status, response.statusCode());
        if (errorInRedirect != null) {
            String location = response.headers().firstValue("Location").orElse("");
            assertTrue(location.startsWith("http://localhost:8080/callback?")
                    && location.contains(errorInRedirect), location);
        }
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            dicomgate-api    | false | true  | false | false | false
            dicomgate-viewer | true  | false | true  | true  | false
            dicomgate-ingest | false | false | false | false | true
            dicomgate-import | false | false | false | false | true
            ehr-integration  | false | false | false | false | true
            dicomgate-monitoring | false | false | false | false | true
            dicomgate-portal | true  | false | true  | true  | false
            """)
    void clientIsConfiguredAsAgreed(String clientId, boolean publicClient, boolean bearerOnly,
            boolean standardFlow, boolean directAccessGrants, boolean serviceAccounts) {
        JsonNode client = client(clientId);

        assertAll(client.toString(),
                () -> assertTrue(client.path("enabled").asBoolean(), "enabled"),
                () -> assertEquals(publicClient, client.path("publicClient").asBoolean(), "publicClient"),
                () -> assertEquals(bearerOnly, client.path("bearerOnly").asBoolean(), "bearerOnly"),
                () -> assertEquals(standardFlow, client.path("standardFlowEnabled").asBoolean(), "standardFlow"),
                () -> assertFalse(client.path("implicitFlowEnabled").asBoolean(), "implicitFlow"),
                () -> assertEquals(directAccessGrants, client.path("directAccessGrantsEnabled").asBoolean(),
                        "directAccessGrants"),
                () -> assertEquals(serviceAccounts, client.path("serviceAccountsEnabled").asBoolean(),
                        "serviceAccounts"));
        if (!bearerOnly) {
            Set<String> defaults = strings(client.path("defaultClientScopes"));
            assertTrue(defaults.containsAll(Set.of("dicomgate-api-audience", "roles", "basic",
                    "dicomgate-patient-id")), defaults::toString);
        }
    }

    @Test
    void viewerIsPublicWithPkceAndDemoRedirects() {
        JsonNode viewer = client(KeycloakServer.VIEWER_CLIENT);

        assertAll(viewer.toString(),
                () -> assertEquals("S256", viewer.path("attributes").path("pkce.code.challenge.method").asText()),
                () -> assertEquals(Set.of("http://localhost:8080/*", "http://127.0.0.1:8080/*"),
                        strings(viewer.path("redirectUris"))),
                () -> assertEquals(Set.of("+"), strings(viewer.path("webOrigins"))),
                () -> assertEquals(Set.of("offline_access", "patient/ImagingStudy.rs"),
                        strings(viewer.path("optionalClientScopes"))),
                () -> assertTrue(strings(viewer.path("defaultClientScopes")).contains("user/ImagingStudy.rs")));
    }

    @Test
    void realmSettingsRolesAndSmartScopesAreAsAgreed() {
        JsonNode realm = keycloak.adminGet("");
        Set<String> roles = names(keycloak.adminGet("/roles"));
        Map<String, JsonNode> scopes = new HashMap<>();
        keycloak.adminGet("/client-scopes").forEach(s -> scopes.put(s.path("name").asText(), s));

        assertAll(
                () -> assertTrue(realm.path("enabled").asBoolean(), "enabled"),
                () -> assertEquals(300, realm.path("accessTokenLifespan").asInt(), "accessTokenLifespan"),
                () -> assertEquals("none", realm.path("sslRequired").asText(), "sslRequired (loopback demo)"),
                () -> assertTrue(realm.path("bruteForceProtected").asBoolean(), "brute-force detection, in the demo too"),
                () -> assertEquals(10, realm.path("failureFactor").asInt(), "failures before a lock-out"),
                () -> assertTrue(realm.path("displayName").asText().contains("DEMO ONLY"), "displayName"),
                () -> assertTrue(roles.containsAll(Set.of("imaging-admin", "clinician", "patient", "ingest",
                        "auditor", "consent-admin", "emergency-access", "integration", "monitoring", "share-issuer")),
                        roles::toString));
        for (String smart : Set.of("patient/ImagingStudy.rs", "user/ImagingStudy.rs", "system/ImagingStudy.rs",
                "system/ImagingStudy.c", "system/ImagingStudy.cruds")) {
            JsonNode scope = scopes.get(smart);
            assertTrue(scope != null, smart + " missing from " + scopes.keySet());
            assertAll(smart,
                    () -> assertEquals("openid-connect", scope.path("protocol").asText()),
                    () -> assertEquals("true", scope.path("attributes").path("include.in.token.scope").asText()),
                    () -> assertTrue(scope.path("protocolMappers").isEmpty(), "no mappers"));
        }
    }

    @Test
    void onlyAdministratorsMayEditPatientId() {
        JsonNode profile = keycloak.adminGet("/users/profile");
        JsonNode patientId = null;
        for (JsonNode attribute : profile.path("attributes")) {
            if (attribute.path("name").asText().equals("patient_id")) {
                patientId = attribute;
            }
        }

        assertTrue(patientId != null, profile::toString);
        assertEquals(Set.of("admin"), strings(patientId.path("permissions").path("edit")));
    }

    @Test
    void issuerIsTheSameHoweverKeycloakIsReached() {
        URI viaLoopbackAddress = URI.create(keycloak.tokenEndpoint().toString().replace("//localhost:", "//127.0.0.1:"));
        HttpResponse<String> response = keycloak.post(viaLoopbackAddress,
                KeycloakServer.passwordGrant("alice", DEMO_PASSWORD, null));

        assertEquals(200, response.statusCode(), response.body());
        TokenClaims token = TokenClaims.of(KeycloakServer.readJson(response.body()).path("access_token").asText());
        assertEquals(Optional.of(keycloak.issuerUrl()), token.string("iss"));
    }

    @Test
    void testResourcePointsQuarkusOidcAtTheSharedKeycloak() {
        Map<String, String> config = new KeycloakTestResource().start();

        assertEquals(keycloak.issuerUrl(), config.get("quarkus.oidc.auth-server-url"));
        assertEquals(keycloak.issuerUrl(), config.get("quarkus.oidc.token.issuer"));
        assertEquals("", config.get("quarkus.oidc.public-key"));
    }

    private static JsonNode client(String clientId) {
        JsonNode found = keycloak.adminGet("/clients?clientId=" + clientId);
        assertEquals(1, found.size(), "client " + clientId);
        return found.get(0);
    }

    private static String error(HttpResponse<String> response) {
        return KeycloakServer.readJson(response.body()).path("error").asText();
    }

    private static Set<String> strings(JsonNode array) {
        Set<String> values = new LinkedHashSet<>();
        array.forEach(value -> values.add(value.asText()));
        return values;
    }

    private static Set<String> names(JsonNode array) {
        Set<String> values = new LinkedHashSet<>();
        array.forEach(value -> values.add(value.path("name").asText()));
        return values;
    }

    private static URI withQuery(URI base, Map<String, String> query) {
        StringBuilder uri = new StringBuilder(base.toString()).append('?');
        query.forEach((name, value) -> uri.append(encode(name)).append('=').append(encode(value)).append('&'));
        return URI.create(uri.substring(0, uri.length() - 1));
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
