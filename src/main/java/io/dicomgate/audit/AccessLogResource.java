package io.dicomgate.audit;

import java.util.List;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

import io.dicomgate.access.CurrentCaller;
import io.dicomgate.access.Roles;
import io.smallrye.common.annotation.RunOnVirtualThread;

/** A patient's view of who accessed their data. */
@Path("/api/me/access-log")
@RunOnVirtualThread
public class AccessLogResource {

    private final AuditService audit;
    private final CurrentCaller caller;

    public AccessLogResource(AuditService audit, CurrentCaller caller) {
        this.audit = audit;
        this.caller = caller;
    }

    /** Accesses to the caller's patient data, newest first; 403 when the token names no patient. */
    @GET
    @Produces(MediaType.APPLICATION_JSON)
    @RolesAllowed(Roles.PATIENT)
    public List<AccessLogEntry> accessLog(@QueryParam("limit") String limit, @QueryParam("offset") String offset) {
        return audit.accessLog(caller.get(), limit, offset);
    }

    /** The same accesses grouped by who, application, study and action, latest first; 403 without a patient. */
    @GET
    @Path("/summary")
    @Produces(MediaType.APPLICATION_JSON)
    @RolesAllowed(Roles.PATIENT)
    public List<AccessSummary> summary(@QueryParam("limit") String limit, @QueryParam("offset") String offset) {
        return audit.accessSummary(caller.get(), limit, offset);
    }
}
