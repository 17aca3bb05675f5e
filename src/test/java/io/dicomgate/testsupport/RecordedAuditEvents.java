package io.dicomgate.testsupport;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.ObservesAsync;

import io.dicomgate.audit.AuditEvent;

/** Test-only observer: keeps every audit event fired, so tests can assert the audit of each request. */
@ApplicationScoped
public class RecordedAuditEvents {

    private final List<AuditEvent> events = new CopyOnWriteArrayList<>();

    void on(@Observes AuditEvent event) {
        events.add(event);
    }

    void onAsync(@ObservesAsync AuditEvent event) {
        events.add(event);
    }

    /** The events of one request, by the {@code X-Request-Id} the test sent. */
    public List<AuditEvent> forRequest(String requestId) {
        return events.stream().filter(e -> requestId.equals(e.requestId())).toList();
    }
}
