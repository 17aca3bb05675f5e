package io.dicomgate.audit;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;

import io.dicomgate.access.Roles;
import io.smallrye.common.annotation.RunOnVirtualThread;

/** The audit trail for auditors: FHIR AuditEvent export (IHE BALP) and the hash-chain check. */
@Path("/api/audit")
@RunOnVirtualThread
@RolesAllowed(Roles.AUDITOR)
public class AuditResource {

    private final AuditService audit;

    public AuditResource(AuditService audit) {
        this.audit = audit;
    }

    /** FHIR R4 searchset Bundle of AuditEvents in log order; {@code _after} is the paging cursor of the next link. */
    @GET
    @Produces(FhirAuditEvents.MEDIA_TYPE)
    public Response export(@QueryParam("patient") String patient, @QueryParam("issuer") String issuer,
            @QueryParam("user") String user, @QueryParam("action") String action, @QueryParam("from") String from,
            @QueryParam("to") String to, @QueryParam("_after") String after, @QueryParam("_count") String count,
            @Context UriInfo uri) {
        AuditFilter filter = AuditFilter.parse(patient, issuer, user, action, from, to, after, count);
        return Response.ok(audit.export(filter, uri.getRequestUri()), FhirAuditEvents.MEDIA_TYPE).build();
    }

    /** Recomputes the hash chain: {@code {"valid":..,"checked":..,"firstBrokenSeq":..}}. */
    @GET
    @Path("/verify")
    @Produces(MediaType.APPLICATION_JSON)
    public AuditChainVerifier.Result verify() {
        return audit.verify();
    }
}
