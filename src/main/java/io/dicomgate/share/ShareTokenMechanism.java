package io.dicomgate.share;

import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.security.identity.IdentityProviderManager;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.identity.request.AuthenticationRequest;
import io.quarkus.vertx.http.runtime.security.ChallengeData;
import io.quarkus.vertx.http.runtime.security.HttpAuthenticationMechanism;
import io.quarkus.vertx.http.runtime.security.HttpSecurityUtils;
import io.smallrye.mutiny.Uni;
import io.vertx.ext.web.RoutingContext;

/**
 * Takes {@code Authorization: Bearer dgs_…} — the tokens dicomgate mints for share links — before
 * the OIDC mechanism sees them; every other request passes on to OIDC (Keycloak's tokens). Checked by
 * {@link ShareTokenIdentityProvider} against the database on every request, so a revoked, expired
 * or locked share stops at once.
 */
@ApplicationScoped
public class ShareTokenMechanism implements HttpAuthenticationMechanism {

    private static final String PREFIX = "Bearer " + ShareSecrets.TOKEN_PREFIX;

    @Override
    public Uni<SecurityIdentity> authenticate(RoutingContext context, IdentityProviderManager identities) {
        String authorization = context.request().getHeader("Authorization");
        if (authorization == null || !authorization.regionMatches(true, 0, PREFIX, 0, PREFIX.length())) {
            return Uni.createFrom().nullItem();
        }
        ShareTokenRequest request = new ShareTokenRequest(authorization.substring("Bearer ".length()).trim());
        return identities.authenticate(HttpSecurityUtils.setRoutingContextAttribute(request, context));
    }

    @Override
    public Uni<ChallengeData> getChallenge(RoutingContext context) {
        return Uni.createFrom().item(new ChallengeData(401, "WWW-Authenticate", "Bearer"));
    }

    @Override
    public Set<Class<? extends AuthenticationRequest>> getCredentialTypes() {
        return Set.of(ShareTokenRequest.class);
    }

    @Override
    public int getPriority() {
        return 3000; // before quarkus-oidc's bearer mechanism
    }
}
