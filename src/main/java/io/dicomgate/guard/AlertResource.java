package io.dicomgate.guard;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.UUID;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import org.jboss.resteasy.reactive.RestPath;
import org.jboss.resteasy.reactive.RestQuery;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.dicomgate.access.CurrentCaller;
import io.dicomgate.access.Roles;
import io.dicomgate.audit.AuditAction;
import io.dicomgate.audit.AuditContext;
import io.dicomgate.audit.AuditFilter;
import io.dicomgate.dicom.InvalidRequestException;
import io.dicomgate.dicom.ResourceNotFoundException;
import io.dicomgate.web.ControlCharacters;
import io.smallrye.common.annotation.RunOnVirtualThread;

/** The auditors' queue of exfiltration guard alerts. */
@Path(AlertResource.BASE)
@RunOnVirtualThread
@Produces(MediaType.APPLICATION_JSON)
public class AlertResource {

    public static final String BASE = "/api/alerts";
    private static final int MAX_COMMENT = 2000;
    private static final int MAX_LIMIT = 1000;

    private final AlertService alerts;
    private final CurrentCaller caller;
    private final AuditContext audit;
    private final ObjectMapper json;

    public AlertResource(AlertService alerts, CurrentCaller caller, AuditContext audit, ObjectMapper json) {
        this.alerts = alerts;
        this.caller = caller;
        this.audit = audit;
        this.json = json;
    }

    /** {@code ?open=true} is the queue still to be looked at; newest activity first. */
    @GET
    @RolesAllowed(Roles.AUDITOR)
    public List<AlertView> list(@RestQuery String open, @RestQuery String limit, @RestQuery String offset) {
        audit.action(AuditAction.ALERT_READ);
        return alerts.list(open == null ? null : bool(open),
                limit == null ? 100 : (int) AuditFilter.number("limit", limit, 1, MAX_LIMIT),
                offset == null ? 0 : (int) AuditFilter.number("offset", offset, 0, Integer.MAX_VALUE));
    }

    @GET
    @Path("/{id}")
    @RolesAllowed(Roles.AUDITOR)
    public AlertView get(@RestPath String id) {
        audit.action(AuditAction.ALERT_READ);
        return alerts.get(uuid(id));
    }

    /** Body {@code {"comment": "..."}}: what the auditor found; required, at most 2000 characters. */
    @POST
    @Path("/{id}/acknowledge")
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed(Roles.AUDITOR)
    public AlertView acknowledge(@RestPath String id, InputStream body) {
        audit.action(AuditAction.ALERT_ACKNOWLEDGE);
        return alerts.acknowledge(caller.get(), uuid(id), comment(body));
    }

    private String comment(InputStream body) {
        JsonNode tree;
        try {
            byte[] bytes = body == null ? new byte[0] : body.readNBytes(4 * MAX_COMMENT + 1024);
            tree = bytes.length == 0 ? null : json.readTree(new String(bytes, StandardCharsets.UTF_8));
        } catch (JacksonException e) {
            throw new InvalidRequestException("body must be a JSON object {\"comment\": \"...\"}");
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        JsonNode comment = tree == null || !tree.isObject() ? null : tree.get("comment");
        if (comment == null || !comment.isTextual() || comment.textValue().isBlank()
                || comment.textValue().length() > MAX_COMMENT || tree.size() != 1) {
            throw new InvalidRequestException("body must be a JSON object {\"comment\": \"...\"} with 1 to "
                    + MAX_COMMENT + " characters");
        }
        ControlCharacters.checkFreeText("comment", comment.textValue());
        return comment.textValue();
    }

    private static UUID uuid(String id) {
        try {
            return UUID.fromString(id);
        } catch (IllegalArgumentException e) {
            throw new ResourceNotFoundException();
        }
    }

    private static boolean bool(String value) {
        return switch (value) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new InvalidRequestException("open must be true or false");
        };
    }
}
