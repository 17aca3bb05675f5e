package io.dicomgate.share;

import io.quarkus.security.identity.request.BaseAuthenticationRequest;

/** A bearer token dicomgate minted for a share link ({@code dgs_…}), to be checked against its hash. */
final class ShareTokenRequest extends BaseAuthenticationRequest {

    private final String token;

    ShareTokenRequest(String token) {
        this.token = token;
    }

    String token() {
        return token;
    }
}
