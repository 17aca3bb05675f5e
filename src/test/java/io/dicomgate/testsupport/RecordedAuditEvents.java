package io.dicomgate.testsupport;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.ObservesAsync;

import io.dicomgate.audit.AuditBatch;
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

    void on(@Observes AuditBatch batch) {
        events.addAll(batch.events());
    }

    void onAsync(@ObservesAsync AuditBatch batch) {
        events.addAll(batch.events());
    }

    /**
     * The events of one request, by the {@code X-Request-Id} the test sent. Requests refused before
     * their resource ran (401/403) are audited asynchronously, so this waits up to 5 s for a first event
     * (every request is audited: an empty answer is itself a failure the caller asserts).
     */
    public List<AuditEvent> forRequest(String requestId) {
        long deadline = System.nanoTime() + 5_000_000_000L;
        List<AuditEvent> found = recorded(requestId);
        while (found.isEmpty() && System.nanoTime() < deadline) {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            found = recorded(requestId);
        }
        return found;
    }

    /** Every event recorded so far. */
    public List<AuditEvent> all() {
        return List.copyOf(events);
    }

    private List<AuditEvent> recorded(String requestId) {
        return events.stream().filter(e -> requestId.equals(e.requestId())).toList();
    }
}
