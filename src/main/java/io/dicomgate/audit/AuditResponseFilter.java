package io.dicomgate.audit;

import java.util.List;

import jakarta.enterprise.event.Event;
import jakarta.enterprise.inject.Instance;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerResponseContext;

import org.jboss.resteasy.reactive.server.ServerResponseFilter;

import io.dicomgate.access.Caller;
import io.dicomgate.access.CurrentCaller;
import io.dicomgate.web.ReplacedResponse;
import io.quarkus.runtime.BlockingOperationControl;
import io.quarkus.security.identity.SecurityIdentity;

/**
 * Records every request on patient data ({@code /dicomweb}, {@code /api}) once its status is
 * known — successes, denials, not-founds and errors alike — as one {@link AuditEvent} per patient
 * touched. Requests without a token are refused by the HTTP layer before they get here and touch
 * no patient data.
 */
public class AuditResponseFilter {

    /** Request id echoed to the client and stored with the audit record. */
    public static final String REQUEST_ID = "X-Request-Id";

    private final AuditContext context;
    private final Instance<CurrentCaller> caller;
    private final SecurityIdentity identity;
    private final Event<AuditBatch> events;

    public AuditResponseFilter(AuditContext context, Instance<CurrentCaller> caller, SecurityIdentity identity,
            Event<AuditBatch> events) {
        this.context = context;
        this.caller = caller;
        this.identity = identity;
        this.events = events;
    }

    @ServerResponseFilter
    public void audit(ContainerRequestContext request, ContainerResponseContext response) {
        String path = request.getUriInfo().getPath();
        AuditAction action = context.action() != null ? context.action() : inferAction(request.getMethod(), path);
        if (action == null || identity.isAnonymous()) {
            return;
        }
        context.action(action);
        String requestId = context.requestId();
        response.getHeaders().putSingle(REQUEST_ID, requestId);
        int status = response.getStatus();
        Caller who = caller.get().get();
        var pathParams = request.getUriInfo().getPathParameters();
        List<AuditEvent> batch = context.events(who, status, uid(pathParams.getFirst("studyUid")),
                uid(pathParams.getFirst("seriesUid")), uid(pathParams.getFirst("instanceUid")));
        // All events of the request in one transaction (AuditWriter), committed before the body is sent.
        boolean unaudited = false;
        if (BlockingOperationControl.isBlockingAllowed()) {
            try {
                events.fire(new AuditBatch(batch));
            } catch (AuditUnavailableException e) {
                unaudited = true;
            }
        } else {
            events.fireAsync(new AuditBatch(batch));
        }
        if (unaudited) {
            failClosed(response);
        }
    }

    /**
     * No unaudited access: the answer is replaced, before any of its body is written, by a {@code 503}
     * (PS3.18 §8.5: the service is unavailable) that carries nothing of the data.
     */
    private static void failClosed(ContainerResponseContext response) {
        ReplacedResponse.refuse(response, 503, 30, "the access could not be recorded in the audit trail; try again later");
    }

    /** For requests refused before their resource method ran (e.g. a role check). */
    static AuditAction inferAction(String method, String path) {
        if (path.startsWith("/dicomweb")) {
            if ("POST".equals(method)) {
                return AuditAction.STORE;
            }
            return path.matches("/dicomweb(/studies(/[^/]+(/series(/[^/]+/instances)?|/instances)?)?|/series|/instances)")
                    && !path.matches("/dicomweb/studies/[^/]+") ? AuditAction.SEARCH : AuditAction.RETRIEVE;
        }
        if (path.startsWith("/api/consents")) {
            return "GET".equals(method) ? AuditAction.CONSENT_READ
                    : path.endsWith("/revoke") ? AuditAction.CONSENT_REVOKE : AuditAction.CONSENT_CREATE;
        }
        if (path.startsWith("/api/break-glass")) {
            return "GET".equals(method) ? AuditAction.BREAK_GLASS_READ : AuditAction.BREAK_GLASS_REVIEW;
        }
        if (path.startsWith("/api/imports")) {
            return "GET".equals(method) ? AuditAction.IMPORT_READ : AuditAction.IMPORT;
        }
        if (path.startsWith("/api/quarantine")) {
            return AuditAction.QUARANTINE_READ;
        }
        if (path.startsWith("/api/shares")) {
            return "GET".equals(method) ? AuditAction.SHARE_READ
                    : path.endsWith("/revoke") ? AuditAction.SHARE_REVOKE : AuditAction.SHARE_CREATE;
        }
        if (path.startsWith("/api/alerts")) {
            return "GET".equals(method) ? AuditAction.ALERT_READ : AuditAction.ALERT_ACKNOWLEDGE;
        }
        if (path.startsWith("/api/audit")) {
            return AuditAction.AUDIT_READ;
        }
        if (path.startsWith("/api/me/access-log")) {
            return AuditAction.ACCESS_LOG_READ;
        }
        return null;
    }

    /**
     * A UID from the request path when the feature did not name its target (e.g. a request refused
     * before its method ran); only a well-formed UID (PS3.5 §9.1) is kept, never arbitrary path text.
     */
    static String uid(String value) {
        return value != null && value.length() <= 64 && value.matches("[0-9]+(\\.[0-9]+)*") ? value : null;
    }
}
