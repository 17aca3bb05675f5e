package io.dicomgate.metrics;

import jakarta.inject.Singleton;

import io.dicomgate.audit.AuditWriter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;

/**
 * The audit writer's backlog and failures, read from {@link AuditWriter} at scrape time: a growing
 * queue or lag warns before requests start waiting for their audit record (README "Audit trail").
 */
@Singleton
public class AuditWriterMeters implements MeterBinder {

    private final AuditWriter writer;

    public AuditWriterMeters(AuditWriter writer) {
        this.writer = writer;
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        Gauge.builder("dicomgate.audit.queue.depth", writer, AuditWriter::queuedEvents)
                .description("Audit events queued for the writer, not yet in a commit")
                .register(registry);
        Gauge.builder("dicomgate.audit.queue.lag", writer, AuditWriter::oldestWaitSeconds)
                .description("How long the oldest audit event not yet committed has waited")
                .baseUnit("seconds")
                .register(registry);
        FunctionCounter.builder("dicomgate.audit.writes.failed", writer, AuditWriter::failedWrites)
                .description("Audit events that could not be written (their requests were answered 503)")
                .register(registry);
        FunctionCounter.builder("dicomgate.audit.writes", writer, AuditWriter::writes)
                .description("Audit events written")
                .register(registry);
        FunctionCounter.builder("dicomgate.audit.commits", writer, AuditWriter::commits)
                .description("Audit group commits (writes / commits = events per commit)")
                .register(registry);
    }
}
