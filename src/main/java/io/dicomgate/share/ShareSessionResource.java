package io.dicomgate.share;

import java.io.InputStream;

import jakarta.annotation.security.PermitAll;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import com.fasterxml.jackson.databind.JsonNode;

import io.dicomgate.web.JsonBody;
import io.smallrye.common.annotation.RunOnVirtualThread;

/**
 * {@code POST /api/share-sessions} — the one route a share link's recipient calls without a token:
 * {@code {"secret": "<from the link's fragment>", "pin": "12345678"}} is exchanged for a short-lived
 * bearer token that reads the shared studies (see {@link ShareService#exchange}).
 */
@Path("/api/share-sessions")
@RunOnVirtualThread
@Produces(MediaType.APPLICATION_JSON)
public class ShareSessionResource {

    private final ShareService shares;
    private final JsonBody json;

    public ShareSessionResource(ShareService shares, JsonBody json) {
        this.shares = shares;
        this.json = json;
    }

    @POST
    @PermitAll
    @Consumes(MediaType.APPLICATION_JSON)
    public Response exchange(InputStream body) {
        JsonNode request = json.read(body);
        String secret = request == null ? null : request.path("secret").asText(null);
        String pin = request == null ? null : request.path("pin").asText(null);
        ShareService.Exchange result = shares.exchange(secret, pin);
        return Response.status(result.status()).entity(result.body()).header("Cache-Control", "no-store")
                .header("Referrer-Policy", "no-referrer").build();
    }
}
