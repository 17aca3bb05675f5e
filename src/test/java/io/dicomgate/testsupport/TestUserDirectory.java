package io.dicomgate.testsupport;

import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.dicomgate.consent.DirectoryConfig;
import io.dicomgate.consent.DirectoryUser;
import io.dicomgate.consent.KeycloakDirectory;
import io.dicomgate.consent.UserDirectory;

/**
 * The user directory of the tests. With a real Keycloak (the profiles of {@link KeycloakTestResource}
 * set the directory client's secret) it is the production {@link KeycloakDirectory}; in the fast
 * profile, whose tokens {@link TestTokens} mints with {@code sub = "sub-" + username}, it resolves a
 * username to that account, and names starting with {@code no-such-} to none.
 */
@ApplicationScoped
public class TestUserDirectory implements UserDirectory {

    public static final String NO_ACCOUNT_PREFIX = "no-such-";

    private final UserDirectory keycloak;

    public TestUserDirectory(DirectoryConfig config, ObjectMapper json,
            @ConfigProperty(name = "quarkus.oidc.auth-server-url") Optional<String> oidcServer) {
        this.keycloak = config.clientSecret().isPresent() ? new KeycloakDirectory(config, json, oidcServer) : null;
    }

    @Override
    public Optional<DirectoryUser> findByUsername(String username) {
        if (keycloak != null) {
            return keycloak.findByUsername(username);
        }
        if (username.startsWith(NO_ACCOUNT_PREFIX)) {
            return Optional.empty();
        }
        return Optional.of(new DirectoryUser("sub-" + username, username, "Test " + username));
    }
}
