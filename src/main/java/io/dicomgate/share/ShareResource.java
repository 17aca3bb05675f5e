package io.dicomgate.share;

import java.io.InputStream;
import java.net.URI;
import java.util.List;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;

import org.jboss.resteasy.reactive.RestPath;

import io.dicomgate.access.CurrentCaller;
import io.dicomgate.access.Roles;
import io.dicomgate.audit.AuditAction;
import io.dicomgate.audit.AuditContext;
import io.dicomgate.web.DicomWebPaths;
import io.dicomgate.web.JsonBody;
import io.dicomgate.web.PathIds;
import io.smallrye.common.annotation.RunOnVirtualThread;

/**
 * Share links (README "Share links"): create one, list one's own (a patient: every share of their
 * data), revoke. The link and the PIN are in the creation response only.
 */
@Path(ShareResource.BASE)
@RunOnVirtualThread
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed({ Roles.PATIENT, Roles.CLINICIAN, Roles.SHARE_ISSUER })
public class ShareResource {

    public static final String BASE = "/api/shares";

    private final ShareService shares;
    private final CurrentCaller caller;
    private final AuditContext audit;
    private final JsonBody json;

    public ShareResource(ShareService shares, CurrentCaller caller, AuditContext audit, JsonBody json) {
        this.shares = shares;
        this.caller = caller;
        this.audit = audit;
        this.json = json;
    }

    /** Body: {@code {"studies": [...] | "allStudies": true, "label", "reason", "expiresAt", "download"}}. */
    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    public Response create(InputStream body, @Context UriInfo uri) {
        audit.action(AuditAction.SHARE_CREATE);
        String serviceUrl = DicomWebPaths.serviceUrl(uri);
        String appUrl = serviceUrl.substring(0, serviceUrl.length() - DicomWebPaths.BASE.length());
        ShareView.Created created = shares.create(caller.get(), ShareRequest.parse(json.read(body)), appUrl);
        return Response.created(URI.create(appUrl + BASE + "/" + created.share().id())).entity(created)
                .header("Cache-Control", "no-store").build();
    }

    @GET
    public List<ShareView> list() {
        audit.action(AuditAction.SHARE_READ);
        return shares.list(caller.get());
    }

    @POST
    @Path("/{id}/revoke")
    public ShareView revoke(@RestPath String id) {
        audit.action(AuditAction.SHARE_REVOKE);
        return shares.revoke(caller.get(), PathIds.uuid(id));
    }

}
