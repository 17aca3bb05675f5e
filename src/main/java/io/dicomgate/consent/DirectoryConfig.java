package io.dicomgate.consent;

import java.time.Duration;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * The user directory: Keycloak's admin REST API, read with a confidential client of dicomgate's own
 * whose service account holds only {@code realm-management} {@code view-users} (see keycloak-realm/).
 */
@ConfigMapping(prefix = "dicomgate.directory")
public interface DirectoryConfig {

    /** The realm's issuer URL, e.g. {@code https://sso.example.org/realms/dicomgate}; default: the OIDC server. */
    Optional<String> realmUrl();

    @WithDefault("dicomgate-directory")
    String clientId();

    /** The client's secret (from the environment: {@code DICOMGATE_DIRECTORY_CLIENT_SECRET}). */
    Optional<String> clientSecret();

    @WithDefault("PT5S")
    Duration timeout();
}
