package io.dicomgate.audit;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * Reports the audit write counters under {@code /q/health/ready} ({@code audit-log}): DOWN while the
 * latest audit write failed (requests are then refused with 503, see {@link AuditObserver}), so a load
 * balancer routes around a node that cannot audit; UP again after the next successful write.
 */
@Readiness
public class AuditHealthCheck implements HealthCheck {

    private final AuditObserver observer;

    public AuditHealthCheck(AuditObserver observer) {
        this.observer = observer;
    }

    @Override
    public HealthCheckResponse call() {
        return HealthCheckResponse.named("audit-log").status(!observer.lastWriteFailed())
                .withData("writes", observer.writes()).withData("failedWrites", observer.failedWrites()).build();
    }
}
