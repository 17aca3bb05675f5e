package io.dicomgate.access;

import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.Set;

import jakarta.enterprise.context.RequestScoped;
import jakarta.enterprise.inject.Produces;

import org.eclipse.microprofile.jwt.JsonWebToken;

import io.quarkus.security.identity.SecurityIdentity;

/** Builds the request's {@link Caller} from the verified bearer token. */
public class CallerProducer {

    @Produces
    @RequestScoped
    Caller caller(SecurityIdentity identity, JsonWebToken token) {
        String clientId = token.getClaim("azp");
        String username = token.getClaim("preferred_username");
        String scope = token.getClaim("scope");
        Set<String> scopes = scope == null ? Set.of()
                : new LinkedHashSet<>(Arrays.asList(scope.trim().split("\\s+")));
        return new Caller(token.getSubject(), username != null ? username : clientId, clientId,
                Set.copyOf(identity.getRoles()), scopes, token.getClaim("patient_id"));
    }
}
