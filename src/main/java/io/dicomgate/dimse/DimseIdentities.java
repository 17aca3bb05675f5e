package io.dicomgate.dimse;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.jwt.JsonWebToken;
import org.jboss.logging.Logger;

import io.dicomgate.access.Caller;
import io.dicomgate.access.CurrentCaller;
import io.quarkus.oidc.AccessTokenCredential;
import io.quarkus.oidc.TenantIdentityProvider;
import io.quarkus.security.identity.SecurityIdentity;

/**
 * DICOM User Identity Negotiation with a JSON Web Token (PS3.7 D.3.3.7, User-Identity-Type 5): the
 * token a gateway sends in its A-ASSOCIATE-RQ is verified exactly as a bearer token of the DICOMweb
 * API is (same OIDC tenant: issuer, signature, audience, expiry), and the association stores as the
 * caller it names — whose roles and scopes the ingest pipeline then checks for every object.
 */
@ApplicationScoped
public class DimseIdentities {

    private static final Logger LOG = Logger.getLogger(DimseIdentities.class);
    private static final Duration VERIFY_TIMEOUT = Duration.ofSeconds(10);

    private final TenantIdentityProvider tokens;

    public DimseIdentities(TenantIdentityProvider tokens) {
        this.tokens = tokens;
    }

    /** The caller of a valid token; empty when it is not one (never logged: it is a credential). */
    Optional<Caller> verify(Pdu.UserIdentity identity) {
        if (identity.type() != Pdu.UserIdentity.JWT || identity.primaryField().length == 0) {
            return Optional.empty();
        }
        String jwt = new String(identity.primaryField(), StandardCharsets.US_ASCII).trim();
        try {
            SecurityIdentity verified = tokens.authenticate(new AccessTokenCredential(jwt)).await().atMost(VERIFY_TIMEOUT);
            if (verified == null || verified.isAnonymous() || !(verified.getPrincipal() instanceof JsonWebToken token)) {
                return Optional.empty();
            }
            return Optional.of(CurrentCaller.of(verified, token));
        } catch (RuntimeException e) {
            LOG.debugf("DIMSE user identity refused: %s", e.getClass().getSimpleName());
            return Optional.empty();
        }
    }
}
