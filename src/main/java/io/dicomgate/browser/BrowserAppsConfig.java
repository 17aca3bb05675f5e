package io.dicomgate.browser;

import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** How the browser apps (the OHIF viewer at /viewer, the patient portal at /portal) log in. */
@ConfigMapping(prefix = "dicomgate.browser")
public interface BrowserAppsConfig {
    /**
     * The OpenID Connect issuer URL as the user's browser reaches it (the realm URL); by default the
     * one the server verifies tokens against, {@code quarkus.oidc.auth-server-url}. Absent when
     * neither is set (tests with locally signed tokens): the apps then cannot log in.
     */
    @WithDefault("${quarkus.oidc.auth-server-url:}")
    Optional<String> authority();

    /** Public client of the viewer (authorization code + PKCE S256). */
    @WithDefault("dicomgate-viewer")
    String viewerClientId();

    /** Public client of the patient portal (authorization code + PKCE S256). */
    @WithDefault("dicomgate-portal")
    String portalClientId();
}
