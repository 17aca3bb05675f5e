package io.dicomgate.consent;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.ObservesAsync;

import io.dicomgate.audit.AuditEvent;

/** Keeps every {@link AuditEvent} fired in the test application, to assert what a request recorded. */
@ApplicationScoped
public class AuditRecorder {

    private final List<AuditEvent> events = new CopyOnWriteArrayList<>();

    void onEvent(@Observes AuditEvent event) {
        events.add(event);
    }

    void onAsyncEvent(@ObservesAsync AuditEvent event) {
        events.add(event);
    }

    /** The events of one request (by its X-Request-Id), waiting briefly for asynchronously fired ones. */
    public List<AuditEvent> forRequest(String requestId) {
        long deadline = System.nanoTime() + 2_000_000_000L;
        while (true) {
            List<AuditEvent> found = events.stream().filter(e -> requestId.equals(e.requestId())).toList();
            if (!found.isEmpty() || System.nanoTime() > deadline) {
                return found;
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return found;
            }
        }
    }
}
