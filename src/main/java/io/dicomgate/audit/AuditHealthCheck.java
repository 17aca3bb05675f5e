package io.dicomgate.audit;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * Reports the audit write counters under {@code /q/health/ready} ({@code audit-log}): DOWN while the
 * latest audit write failed (requests are then refused with 503, see {@link AuditWriter}), so a load
 * balancer routes around a node that cannot audit; UP again after the next successful write.
 */
@Readiness
public class AuditHealthCheck implements HealthCheck {

    private final AuditWriter writer;

    public AuditHealthCheck(AuditWriter writer) {
        this.writer = writer;
    }

    @Override
    public HealthCheckResponse call() {
        return HealthCheckResponse.named("audit-log").status(!writer.lastWriteFailed())
                .withData("writes", writer.writes()).withData("failedWrites", writer.failedWrites()).build();
    }
}
