package io.dicomgate.browser;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * The browser apps' HTTP side. Their files are static resources ({@code META-INF/resources/viewer}
 * is OHIF's dist packaged at build time, {@code META-INF/resources/portal} the portal); this adds
 * what static files cannot: the configuration each app reads at start (which Keycloak, which
 * client), and the single-page routes of the viewer ({@code /viewer/callback},
 * {@code /viewer/viewer?StudyInstanceUIDs=…}), which answer with its index.html. None of it is
 * patient data; the apps fetch that from the API with the user's bearer token.
 */
@ApplicationScoped
public class BrowserApps {

    static final String VIEWER = "/viewer";
    static final String PORTAL = "/portal";
    /** The page a share link opens; its secret is in the URL fragment (README "Share links"). */
    static final String SHARE = "/share";
    /** The share page talks to this origin only: no identity provider, no other host. */
    private static final String SHARE_POLICY = "default-src 'self'; connect-src 'self'; img-src 'self' blob:;"
            + " style-src 'self'; script-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none';"
            + " form-action 'none'";
    private static final String NO_STORE = "no-store";

    private final String viewerConfig;
    private final String portalConfig;
    private final String portalPolicy;

    public BrowserApps(BrowserAppsConfig config, ObjectMapper json) {
        String authority = config.authority().orElse("").replaceAll("/+$", "");
        try {
            this.viewerConfig = template("browser/viewer-app-config.js")
                    .replace("\"@AUTHORITY@\"", json.writeValueAsString(authority))
                    .replace("\"@CLIENT_ID@\"", json.writeValueAsString(config.viewerClientId()));
            this.portalConfig = json.writeValueAsString(new PortalConfig(authority, config.portalClientId(),
                    VIEWER + "/"));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        URI issuer = URI.create(authority);
        String keycloakOrigin = issuer.getScheme() == null ? "" : issuer.getScheme() + "://" + issuer.getRawAuthority();
        // The portal is our own code: it talks to this origin and the identity provider only.
        this.portalPolicy = "default-src 'self'; connect-src 'self' " + keycloakOrigin
                + "; img-src 'self' blob: data:; style-src 'self'; script-src 'self'; object-src 'none'"
                + "; base-uri 'none'; frame-ancestors 'none'; form-action 'self' " + keycloakOrigin;
    }

    /** What the portal reads from {@code /portal/config.json}. */
    record PortalConfig(String authority, String clientId, String viewerUrl) {
    }

    void routes(@Observes Router router) {
        router.get(VIEWER).handler(rc -> slash(rc, VIEWER));
        router.get(PORTAL).handler(rc -> slash(rc, PORTAL));
        router.get(SHARE).handler(rc -> slash(rc, SHARE));
        router.get(SHARE + "/*").handler(rc -> {
            rc.response().putHeader("Content-Security-Policy", SHARE_POLICY)
                    .putHeader("X-Content-Type-Options", "nosniff")
                    .putHeader("Referrer-Policy", "no-referrer")
                    .putHeader(HttpHeaders.CACHE_CONTROL, NO_STORE);
            rc.next();
        });
        router.get(VIEWER + "/app-config.js").handler(rc -> send(rc, "text/javascript; charset=utf-8", viewerConfig));
        router.get(PORTAL + "/config.json").handler(rc -> send(rc, "application/json", portalConfig));
        router.get(PORTAL + "/*").handler(rc -> {
            rc.response().putHeader("Content-Security-Policy", portalPolicy)
                    .putHeader("X-Content-Type-Options", "nosniff")
                    .putHeader("Referrer-Policy", "no-referrer");
            rc.next();
        });
        // A path without a dot is one of the viewer's client-side routes, not one of its files.
        router.getWithRegex(VIEWER + "/[^.]*").handler(rc -> {
            if (rc.normalizedPath().equals(VIEWER + "/index.html")) {
                rc.next();
                return;
            }
            rc.response().putHeader(HttpHeaders.CACHE_CONTROL, NO_STORE);
            rc.reroute(VIEWER + "/index.html");
        });
    }

    /** {@code /viewer} → {@code /viewer/}, so that the apps' relative URLs resolve inside them. */
    private static void slash(RoutingContext rc, String app) {
        if (rc.request().path().equals(app)) {
            rc.response().setStatusCode(302).putHeader(HttpHeaders.LOCATION, app + "/").end();
        } else {
            rc.next();
        }
    }

    private static void send(RoutingContext rc, String contentType, String body) {
        rc.response().putHeader(HttpHeaders.CONTENT_TYPE, contentType)
                .putHeader(HttpHeaders.CACHE_CONTROL, NO_STORE)
                .end(body);
    }

    private static String template(String resource) {
        try (InputStream in = BrowserApps.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException(resource + " is missing from the classpath");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
