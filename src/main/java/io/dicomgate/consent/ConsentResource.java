package io.dicomgate.consent;

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
import org.jboss.resteasy.reactive.RestQuery;

import io.dicomgate.access.Caller;
import io.dicomgate.access.CurrentCaller;
import io.dicomgate.access.Scopes;
import io.dicomgate.access.Scopes.Permission;
import io.dicomgate.web.OperationForbiddenException;
import io.dicomgate.access.Roles;
import io.dicomgate.audit.AuditAction;
import io.dicomgate.audit.AuditContext;
import io.dicomgate.web.JsonBody;
import io.dicomgate.web.PathIds;
import io.smallrye.common.annotation.RunOnVirtualThread;

/**
 * Patients' consents (FHIR R4 Consent): a patient, or a consent-admin recording a paper form,
 * permits or denies one user or client reading all or some of the patient's studies for a period.
 * Patients see their own, clinicians the consents naming them, consent-admins all; any other consent
 * is answered 404 like one that does not exist.
 */
@Path(ConsentResource.BASE)
@RunOnVirtualThread
@Produces(MediaType.APPLICATION_JSON)
public class ConsentResource {

    public static final String BASE = "/api/consents";

    private final ConsentService consents;
    private final CurrentCaller caller;
    private final AuditContext audit;
    private final JsonBody json;

    public ConsentResource(ConsentService consents, CurrentCaller caller, AuditContext audit, JsonBody json) {
        this.consents = consents;
        this.caller = caller;
        this.audit = audit;
        this.json = json;
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed({ Roles.PATIENT, Roles.CONSENT_ADMIN })
    public Response create(InputStream body, @Context UriInfo uri) {
        audit.action(AuditAction.CONSENT_CREATE);
        ConsentView created = consents.create(scoped(Permission.CREATE), ConsentRequest.parse(json.read(body)));
        URI location = uri.getBaseUriBuilder().path(BASE).path(created.id().toString()).build();
        return Response.created(location).entity(created).build();
    }

    @GET
    @RolesAllowed({ Roles.PATIENT, Roles.CLINICIAN, Roles.CONSENT_ADMIN })
    public List<ConsentView> list(@RestQuery String patient, @RestQuery String issuer, @RestQuery String status,
            @RestQuery String active, @RestQuery String limit, @RestQuery String offset) {
        audit.action(AuditAction.CONSENT_READ);
        return consents.list(scoped(Permission.SEARCH), ConsentQuery.parse(patient, issuer, status, active, limit, offset));
    }

    @GET
    @Path("/{id}")
    @RolesAllowed({ Roles.PATIENT, Roles.CLINICIAN, Roles.CONSENT_ADMIN })
    public ConsentView get(@RestPath String id) {
        audit.action(AuditAction.CONSENT_READ);
        return consents.get(scoped(Permission.READ), PathIds.uuid(id));
    }

    /** Body optional: {@code {"reason": "..."}}. */
    @POST
    @Path("/{id}/revoke")
    @RolesAllowed({ Roles.PATIENT, Roles.CONSENT_ADMIN })
    public ConsentView revoke(@RestPath String id, InputStream body) {
        audit.action(AuditAction.CONSENT_REVOKE);
        return consents.revoke(scoped(Permission.UPDATE), PathIds.uuid(id), ConsentRequest.revokeReason(json.read(body)));
    }

    /**
     * The caller as far as the token's {@code Consent} scopes let it act (SMART v2): a
     * {@code user/Consent} scope keeps its roles; a {@code patient/Consent} scope only its patient
     * role, so a portal token manages its own patient's consents and nothing else; no scope, 403.
     */
    private Caller scoped(Permission permission) {
        Caller who = caller.get();
        var compartments = Scopes.of(who.scopes(), "Consent").compartmentsFor(permission);
        if (compartments.contains(Scopes.Compartment.USER)) {
            return who;
        }
        if (compartments.contains(Scopes.Compartment.PATIENT) && who.hasRole(Roles.PATIENT)) {
            return who.withRoles(java.util.Set.of(Roles.PATIENT));
        }
        throw new OperationForbiddenException("the token's scopes do not allow this on consents");
    }

}
