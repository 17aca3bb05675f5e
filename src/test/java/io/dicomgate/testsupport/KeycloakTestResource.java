package io.dicomgate.testsupport;

import java.util.Map;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * Points dicomgate's OIDC at the real Keycloak of {@link KeycloakServer#shared()}.
 *
 * <p>Use it only from a test profile for real-Keycloak tests: it sets
 * {@code quarkus.oidc.auth-server-url}, and while that is set Quarkus OIDC ignores
 * {@code quarkus.oidc.public-key}, so the fast tests with locally signed tokens must never run
 * under it. {@link #stop()} leaves Keycloak running for the next test class; the JVM's shutdown
 * hook stops it.
 */
public class KeycloakTestResource implements QuarkusTestResourceLifecycleManager {

    /** Demo-only secret of the dicomgate-directory client in keycloak-realm/dicomgate-realm.json. */
    public static final String DIRECTORY_SECRET = "dicomgate-directory-demo-secret";

    @Override
    public Map<String, String> start() {
        String issuer = KeycloakServer.shared().issuerUrl();
        return Map.of(
                "quarkus.oidc.auth-server-url", issuer,
                "quarkus.oidc.discovery-enabled", "true",
                // Overrides any issuer the fast test profile pins for its locally signed tokens.
                "quarkus.oidc.token.issuer", issuer,
                // Empty removes a profile's key, so the keys come from Keycloak's JWKS only.
                "quarkus.oidc.public-key", "",
                // The user directory consents resolve usernames through: the realm's demo client.
                "dicomgate.directory.client-secret", DIRECTORY_SECRET);
    }

    @Override
    public void stop() {
        // Shared with other test classes of this JVM; the shutdown hook stops it.
    }
}
