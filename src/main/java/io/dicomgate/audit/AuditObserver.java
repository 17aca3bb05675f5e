package io.dicomgate.audit;

import java.util.ArrayList;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.ObservesAsync;

import org.jboss.logging.Logger;

import io.quarkus.runtime.StartupEvent;

/**
 * Hands every {@link AuditBatch} (all events of one request) and every single {@link AuditEvent} to
 * the {@link AuditWriter}, which appends them to the hash-chained {@code audit_log} in a transaction
 * of its own — so denials and failures are kept when the request's own work rolls back (the idea of
 * dcm4chee's AuditTriggerObserver) — committed in groups with other requests' events.
 *
 * <p>A synchronous event (the response filter's, fired before the body is sent) waits for its commit;
 * when the write failed, {@link AuditUnavailableException} makes the request a {@code 503} instead of
 * its data, unless {@code dicomgate.audit.fail-open} says otherwise (warned about at start-up). Only
 * events of requests refused before their resource ran (no data to withhold) go asynchronously.
 *
 * <p>An event whose feature named a study but no patient gets the study's patient from the index, so
 * that a retrieve is found under the patient even when the feature did not say whose it was.
 */
@ApplicationScoped
public class AuditObserver {

    private static final Logger LOG = Logger.getLogger(AuditObserver.class);

    private final AuditLogRepository log;
    private final AuditConfig config;
    private final AuditWriter writer;

    public AuditObserver(AuditLogRepository log, AuditConfig config, AuditWriter writer) {
        this.log = log;
        this.config = config;
        this.writer = writer;
    }

    void warnWhenFailingOpen(@Observes StartupEvent start) {
        if (config.failOpen()) {
            LOG.warn("dicomgate.audit.fail-open=true: requests are answered even when their audit record cannot"
                    + " be written, so accesses may go unaudited. Do not run this way with patient data.");
        }
    }

    /** @throws AuditUnavailableException when the write failed and the trail fails closed */
    void onBatch(@Observes AuditBatch batch) {
        writeAndWait(batch.events());
    }

    void onAsyncBatch(@ObservesAsync AuditBatch batch) {
        submit(batch.events());
    }

    /** @throws AuditUnavailableException when the write failed and the trail fails closed */
    void onEvent(@Observes AuditEvent event) {
        writeAndWait(List.of(event));
    }

    void onAsyncEvent(@ObservesAsync AuditEvent event) {
        submit(List.of(event));
    }

    private void submit(List<AuditEvent> events) {
        List<AuditEvent> completed = completeAll(events);
        if (completed != null) {
            writer.submit(completed);
        }
    }

    private void writeAndWait(List<AuditEvent> events) {
        List<AuditEvent> completed = completeAll(events);
        if ((completed == null || !writer.write(completed)) && !config.failOpen()) {
            throw new AuditUnavailableException();
        }
    }

    /** The events as they will be stored; null when the index could not be asked (counted as failed writes). */
    private List<AuditEvent> completeAll(List<AuditEvent> events) {
        List<AuditEvent> completed = new ArrayList<>(events.size());
        try {
            for (AuditEvent e : events) {
                completed.add(complete(e));
            }
            return completed;
        } catch (java.sql.SQLException | RuntimeException e) {
            LOG.errorf("audit event could not be completed: %s (action %s, request %s); not in the audit log",
                    e.getClass().getName(), events.get(0).action(), events.get(0).requestId());
            writer.failed(events.size());
            return null;
        }
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
}
