package io.dicomgate.audit;

import java.util.concurrent.atomic.AtomicLong;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.ObservesAsync;

import org.jboss.logging.Logger;

import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.runtime.StartupEvent;

/**
 * Persists every {@link AuditEvent} at the head of the hash-chained {@code audit_log}, in a
 * transaction of its own so that denials and failures are kept when the request's own work rolls back
 * (the idea of dcm4chee's AuditTriggerObserver).
 *
 * <p>When a write fails that is never silent: an ERROR is logged (exception type, action and request
 * id only, no patient ids, names or tokens) and {@link #failedWrites()} counts it, reported by the
 * {@code audit-log} health check. A synchronous event (the response filter's, fired before the body
 * is sent) then throws {@link AuditUnavailableException}, and the request is answered {@code 503}
 * instead of with its data, unless {@code dicomgate.audit.fail-open} says otherwise (warned about at
 * start-up). Only events of requests refused before their resource ran (no data to withhold) go
 * asynchronously.
 *
 * <p>An event whose feature named a study but no patient gets the study's patient from the index, so
 * that a retrieve is found under the patient even when the feature did not say whose it was.
 */
@ApplicationScoped
public class AuditObserver {

    private static final Logger LOG = Logger.getLogger(AuditObserver.class);

    private final AuditLogRepository log;
    private final AtomicLong failures = new AtomicLong();
    private final AtomicLong writes = new AtomicLong();
    private volatile boolean lastFailed;

    private final AuditConfig config;

    public AuditObserver(AuditLogRepository log, AuditConfig config) {
        this.log = log;
        this.config = config;
    }

    void warnWhenFailingOpen(@Observes StartupEvent start) {
        if (config.failOpen()) {
            LOG.warn("dicomgate.audit.fail-open=true: requests are answered even when their audit record cannot"
                    + " be written, so accesses may go unaudited. Do not run this way with patient data.");
        }
    }

    /** @throws AuditUnavailableException when the write failed and the trail fails closed */
    void onEvent(@Observes AuditEvent event) {
        if (persist(event) == null && !config.failOpen()) {
            throw new AuditUnavailableException();
        }
    }

    void onAsyncEvent(@ObservesAsync AuditEvent event) {
        persist(event);
    }

    /** Appends the event; returns the stored entry, or null when the write failed (logged and counted). */
    AuditEntry persist(AuditEvent event) {
        try {
            AuditEntry entry = QuarkusTransaction.requiringNew().call(() -> log.append(complete(event)));
            writes.incrementAndGet();
            lastFailed = false;
            return entry;
        } catch (Exception e) {
            failures.incrementAndGet();
            lastFailed = true;
            // Type only: driver messages can quote the values (patient ids) of the failed statement.
            LOG.errorf("audit write failed: %s (action %s, request %s); the event is not in the audit log",
                    rootType(e), event.action(), event.requestId());
            return null;
        }
    }

    /** Audit writes that failed since start. */
    public long failedWrites() {
        return failures.get();
    }

    /** Whether the latest audit write failed. */
    public boolean lastWriteFailed() {
        return lastFailed;
    }

    /** Audit writes that succeeded since start. */
    public long writes() {
        return writes.get();
    }

    private AuditEvent complete(AuditEvent e) throws java.sql.SQLException {
        String patientId = e.patientId();
        String issuer = e.issuer();
        if (patientId == null && e.studyUid() != null) {
            var patient = log.patientOfStudy(e.studyUid());
            if (patient.isPresent()) {
                patientId = patient.get().patientId();
                issuer = patient.get().issuer();
            }
        }
        return new AuditEvent(AuditChain.storedTime(e.time()), storable(e.requestId()), storable(e.subject()),
                storable(e.username()), storable(e.clientId()),
                e.roles() == null ? null : e.roles().stream().map(AuditObserver::storable).collect(
                        java.util.stream.Collectors.toUnmodifiableSet()),
                storable(e.sourceAddress()), e.action(), storable(patientId), storable(issuer), storable(e.studyUid()),
                storable(e.seriesUid()), storable(e.instanceUid()), e.outcome(), e.httpStatus(), storable(e.purposeOfUse()),
                storable(e.breakGlassReason()), storable(e.detail()));
    }

    /**
     * Every value must be storable, whatever reached the event: PostgreSQL text cannot hold NUL, so a
     * NUL becomes U+FFFD (the edge refuses control characters in requests; this is the defence in
     * depth that keeps an event from being lost over one character).
     */
    static String storable(String value) {
        return value == null || value.indexOf('\0') < 0 ? value : value.replace('\0', '\uFFFD');
    }

    private static String rootType(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t == e ? e.getClass().getName() : e.getClass().getName() + " caused by " + t.getClass().getName();
    }
}
