package io.dicomgate.share;

import jakarta.enterprise.context.ApplicationScoped;

import io.dicomgate.access.Roles;
import io.dicomgate.access.ShareGrant;
import io.dicomgate.storage.Sha256;
import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.identity.AuthenticationRequestContext;
import io.quarkus.security.identity.IdentityProvider;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.runtime.QuarkusPrincipal;
import io.quarkus.security.runtime.QuarkusSecurityIdentity;
import io.smallrye.mutiny.Uni;

/** Turns a live share token into the recipient's identity: the one role {@code share-recipient} and the share. */
@ApplicationScoped
public class ShareTokenIdentityProvider implements IdentityProvider<ShareTokenRequest> {

    private final ShareRepository shares;

    public ShareTokenIdentityProvider(ShareRepository shares) {
        this.shares = shares;
    }

    @Override
    public Class<ShareTokenRequest> getRequestType() {
        return ShareTokenRequest.class;
    }

    @Override
    public Uni<SecurityIdentity> authenticate(ShareTokenRequest request, AuthenticationRequestContext context) {
        return context.runBlocking(() -> shares.session(Sha256.of(request.token()))
                .map(session -> (SecurityIdentity) QuarkusSecurityIdentity.builder()
                        .setPrincipal(new QuarkusPrincipal("share:" + session.shareId()))
                        .addRole(Roles.SHARE_RECIPIENT)
                        .addAttribute(ShareGrant.ID_ATTRIBUTE, session.shareId().toString())
                        .addAttribute(ShareGrant.LABEL_ATTRIBUTE, session.label())
                        .addAttribute(ShareGrant.DOWNLOAD_ATTRIBUTE, session.allowDownload())
                        .build())
                .orElseThrow(() -> new AuthenticationFailedException("share link revoked, expired or unknown")));
    }
}
