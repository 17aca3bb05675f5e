package io.dicomgate.guard;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import jakarta.enterprise.event.Event;
import jakarta.enterprise.inject.Instance;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerResponseContext;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.jboss.resteasy.reactive.server.ServerRequestFilter;
import org.jboss.resteasy.reactive.server.ServerResponseFilter;

import io.dicomgate.access.Caller;
import io.dicomgate.access.CurrentCaller;
import io.dicomgate.access.PatientRef;
import io.dicomgate.audit.AuditContext;
import io.dicomgate.guard.CallerUsage.Refusal;
import io.dicomgate.guard.GuardConfig.Limits;
import io.dicomgate.web.ReplacedResponse;
import io.quarkus.security.identity.SecurityIdentity;
import io.vertx.ext.web.RoutingContext;

/**
 * The exfiltration guard: per caller ({@code sub}) limits on requests per minute, distinct patients
 * per hour and bytes retrieved per hour, by realm role ({@link GuardConfig}). Over a limit the answer
 * is {@code 429 Too Many Requests} with {@code Retry-After} (RFC 6585 §4), before any data is sent; the
 * refusal is audited like every request (outcome DENIED, the limit in its detail) and auditors get an
 * alert ({@code /api/alerts}). A caller who touches more distinct patients than the anomaly threshold
 * is served but flagged to auditors. Counting is per node, in memory.
 *
 * <p>A patient counts as touched when a search or retrieve answer shows their data; a caller who is
 * at the limit can still open the patients already touched in the hour (a viewer paging through a
 * study keeps working), only new ones are refused. Bytes are counted as the responses are written, so
 * the response that crosses the limit completes and the next read is refused.
 */
public class ExfiltrationGuard {

    /** One alert per caller and limit per node in this time; the queue adds up repeats. */
    static final long ALERT_QUIET_MILLIS = 600_000;

    private final GuardConfig config;
    private final UsageMeter meter;
    private final SecurityIdentity identity;
    private final Instance<CurrentCaller> caller;
    private final AuditContext audit;
    private final Event<AlertRaised> alerts;

    public ExfiltrationGuard(GuardConfig config, UsageMeter meter, SecurityIdentity identity,
            Instance<CurrentCaller> caller, AuditContext audit, Event<AlertRaised> alerts) {
        this.config = config;
        this.meter = meter;
        this.identity = identity;
        this.caller = caller;
        this.audit = audit;
        this.alerts = alerts;
    }

    /**
     * Request rate of every API call (also those a role check will refuse: pre-matching), and the
     * byte budget of reads, checked before any work.
     */
    @ServerRequestFilter(preMatching = true, priority = Priorities.AUTHORIZATION + 100)
    public Response admit(ContainerRequestContext request, RoutingContext http) {
        if (!guarded(request)) {
            return null;
        }
        Caller who = caller.get().get();
        Limits limits = config.limitsFor(who.roles());
        CallerUsage usage = meter.of(who.subject());
        long now = meter.now();
        Refusal refusal = usage.request(now, limits.requestsPerMinute());
        boolean read = isRead(request);
        if (refusal == null && read) {
            refusal = usage.bytes(now, limits.bytesPerHour());
        }
        if (refusal != null) {
            String reason = refused(who, usage, refusal, limits, now);
            return Response.status(429).header("Retry-After", refusal.retryAfterSeconds())
                    .type(MediaType.TEXT_PLAIN_TYPE).entity(reason).build();
        }
        if (read) {
            http.addEndHandler(done -> usage.addBytes(meter.now(), http.response().bytesWritten()));
        }
        return null;
    }

    /**
     * Distinct patients: runs once the search or retrieve knows whose data it is about to send
     * (before the audit filter, so the audit row carries the final status).
     */
    @ServerResponseFilter(priority = Priorities.USER + 100)
    public void patients(ContainerRequestContext request, ContainerResponseContext response) {
        if (response.getStatus() >= 400 || !isRead(request) || !guarded(request) || audit.patients().isEmpty()) {
            return;
        }
        List<String> keys = new ArrayList<>(audit.patients().size());
        for (PatientRef patient : audit.patients()) {
            keys.add(patient.patientId() + '\u001f' + patient.issuer());
        }
        Caller who = caller.get().get();
        Limits limits = config.limitsFor(who.roles());
        CallerUsage usage = meter.of(who.subject());
        long now = meter.now();
        CallerUsage.Admission admission = usage.patients(now, keys, limits.patientsPerHour());
        if (admission.refusal() != null) {
            String reason = refused(who, usage, admission.refusal(), limits, now);
            ReplacedResponse.refuse(response, 429, admission.refusal().retryAfterSeconds(), reason);
        } else if (admission.distinctPatients() > limits.anomalyPatientsPerHour()
                && usage.alertDue(GuardLimit.ANOMALY_PATIENTS_PER_HOUR, now, ALERT_QUIET_MILLIS)) {
            raise(who, GuardLimit.ANOMALY_PATIENTS_PER_HOUR, admission.distinctPatients()
                    + " distinct patients in the last hour; anomaly threshold " + limits.anomalyPatientsPerHour(), now);
        }
    }

    private String refused(Caller who, CallerUsage usage, Refusal refusal, Limits limits, long now) {
        String limit = switch (refusal.limit()) {
            case REQUESTS_PER_MINUTE -> limits.requestsPerMinute() + " requests per minute";
            case PATIENTS_PER_HOUR -> limits.patientsPerHour() + " distinct patients per hour";
            case BYTES_PER_HOUR -> limits.bytesPerHour() + " bytes retrieved per hour";
            case ANOMALY_PATIENTS_PER_HOUR -> throw new IllegalArgumentException("the anomaly threshold refuses nothing");
        };
        audit.detail("exfiltration guard: limit of " + limit + " reached");
        if (usage.alertDue(refusal.limit(), now, ALERT_QUIET_MILLIS)) {
            raise(who, refusal.limit(), "refused at the limit of " + limit, now);
        }
        return "this account reached its limit of " + limit + "; retry after " + refusal.retryAfterSeconds()
                + " s. If this is legitimate work, ask the archive's administrators to raise the limit for your role.";
    }

    private void raise(Caller who, GuardLimit kind, String detail, long now) {
        alerts.fireAsync(new AlertRaised(kind, who.subject(), who.username(), who.clientId(), who.roles(), detail,
                Instant.ofEpochMilli(now)));
    }

    private boolean guarded(ContainerRequestContext request) {
        if (!config.enabled() || identity.isAnonymous()) {
            return false;
        }
        String path = request.getUriInfo().getPath();
        return path.startsWith("/dicomweb") || path.startsWith("/api/");
    }

    /** Searches and retrieves: the reads that hand out patient data. */
    private static boolean isRead(ContainerRequestContext request) {
        String method = request.getMethod();
        return ("GET".equals(method) || "HEAD".equals(method)) && request.getUriInfo().getPath().startsWith("/dicomweb");
    }
}
