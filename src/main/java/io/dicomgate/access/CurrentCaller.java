package io.dicomgate.access;

import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.Set;

import jakarta.enterprise.context.RequestScoped;

import org.eclipse.microprofile.jwt.JsonWebToken;

import io.quarkus.oidc.runtime.OidcJwtCallerPrincipal;
import io.quarkus.security.identity.SecurityIdentity;

/** The request's {@link Caller}, built once from the verified bearer token. */
@RequestScoped
public class CurrentCaller {

    private final SecurityIdentity identity;
    private final JsonWebToken token;
    private Caller caller;

    public CurrentCaller(SecurityIdentity identity, JsonWebToken token) {
        this.identity = identity;
        this.token = token;
    }

    public Caller get() {
        if (caller == null && identity.getAttribute(ShareGrant.ID_ATTRIBUTE) != null) {
            String id = identity.getAttribute(ShareGrant.ID_ATTRIBUTE);
            String label = identity.getAttribute(ShareGrant.LABEL_ATTRIBUTE);
            Boolean download = identity.getAttribute(ShareGrant.DOWNLOAD_ATTRIBUTE);
            // Audited as the link: the patient's access log says "shared link '<label>'".
            caller = new Caller("share:" + id, "shared link '" + label + "'", ShareGrant.CLIENT_ID,
                    Set.copyOf(identity.getRoles()), Set.of(), null, "", new ShareGrant(id, label, Boolean.TRUE.equals(download)));
        }
        if (caller == null) {
            caller = of(identity, token);
        }
        return caller;
    }

    /** The caller a verified access token names (also for tokens that arrive outside HTTP, e.g. DIMSE). */
    public static Caller of(SecurityIdentity identity, JsonWebToken token) {
        JsonWebToken claims = identity.getPrincipal() instanceof JsonWebToken principal ? principal : token;
        String clientId = claim(claims, "azp");
        String username = claim(claims, "preferred_username");
        String scope = claim(claims, "scope");
        String issuer = claim(claims, "patient_id_issuer");
        Set<String> scopes = scope == null ? Set.of()
                : new LinkedHashSet<>(Arrays.asList(scope.trim().split("\\s+")));
        return new Caller(claims.getSubject(), username != null ? username : clientId, clientId,
                Set.copyOf(identity.getRoles()), scopes, claim(claims, "patient_id"), issuer == null ? "" : issuer);
    }

    /**
     * A string claim. Read from the parsed claims where the token is Quarkus OIDC's principal:
     * {@code JsonWebToken.getClaim} of a name that is not a standard claim ({@code scope},
     * {@code patient_id}) throws and catches an exception inside smallrye-jwt on every call.
     */
    private static String claim(JsonWebToken token, String name) {
        if (token instanceof OidcJwtCallerPrincipal oidc) {
            Object value = oidc.getClaims().getClaimValue(name);
            return value == null ? null : value.toString();
        }
        return token.getClaim(name);
    }
}
