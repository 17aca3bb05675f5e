package io.dicomgate.consent;

import java.io.InputStream;
import java.util.List;
import java.util.Set;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import org.jboss.resteasy.reactive.RestPath;
import org.jboss.resteasy.reactive.RestQuery;

import com.fasterxml.jackson.databind.JsonNode;

import io.dicomgate.access.CurrentCaller;
import io.dicomgate.access.Roles;
import io.dicomgate.audit.AuditAction;
import io.dicomgate.audit.AuditContext;
import io.dicomgate.dicom.InvalidRequestException;
import io.dicomgate.web.JsonBody;
import io.dicomgate.web.PathIds;
import io.smallrye.common.annotation.RunOnVirtualThread;

/** The auditors' review queue of break-the-glass grants. */
@Path(BreakGlassResource.BASE)
@RunOnVirtualThread
@Produces(MediaType.APPLICATION_JSON)
public class BreakGlassResource {

    public static final String BASE = "/api/break-glass";

    private final BreakGlassService breakGlass;
    private final CurrentCaller caller;
    private final AuditContext audit;
    private final JsonBody json;

    public BreakGlassResource(BreakGlassService breakGlass, CurrentCaller caller, AuditContext audit, JsonBody json) {
        this.breakGlass = breakGlass;
        this.caller = caller;
        this.audit = audit;
        this.json = json;
    }

    /** {@code ?reviewed=false} is the open queue. */
    @GET
    @RolesAllowed(Roles.AUDITOR)
    public List<BreakGlassGrant> list(@RestQuery String reviewed, @RestQuery String username,
            @RestQuery String patient, @RestQuery String issuer, @RestQuery String limit, @RestQuery String offset) {
        audit.action(AuditAction.BREAK_GLASS_READ);
        return breakGlass.list(BreakGlassQuery.parse(reviewed, username, patient, issuer, limit, offset));
    }

    @GET
    @Path("/{id}")
    @RolesAllowed(Roles.AUDITOR)
    public BreakGlassGrant get(@RestPath String id) {
        audit.action(AuditAction.BREAK_GLASS_READ);
        return breakGlass.get(PathIds.uuid(id));
    }

    /** Body {@code {"comment": "..."}}: required, non-blank, at most 2000 characters. */
    @POST
    @Path("/{id}/review")
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed(Roles.AUDITOR)
    public BreakGlassGrant review(@RestPath String id, InputStream body) {
        audit.action(AuditAction.BREAK_GLASS_REVIEW);
        return breakGlass.review(caller.get(), PathIds.uuid(id), comment(json.read(body)));
    }

    private static String comment(JsonNode body) {
        if (body == null || !body.isObject()) {
            throw new InvalidRequestException("body must be a JSON object with a comment");
        }
        body.fieldNames().forEachRemaining(name -> {
            if (!Set.of("comment").contains(name)) {
                throw new InvalidRequestException(name.matches("[A-Za-z_]{1,40}") ? "unknown field " + name : "unknown field");
            }
        });
        JsonNode comment = body.get("comment");
        if (comment != null && !comment.isNull() && !comment.isTextual()) {
            throw new InvalidRequestException("comment must be a string");
        }
        return comment == null || comment.isNull() ? null : comment.asText();
    }
}
