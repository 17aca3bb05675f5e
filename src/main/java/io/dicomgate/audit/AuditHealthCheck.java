package io.dicomgate.audit;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * Reports the audit write counters under {@code /q/health/ready} ({@code audit-log}). Stays UP: a
 * failed write is an alert (ERROR log and this counter), not a reason to stop serving, see
 * {@link AuditObserver}.
 */
@Readiness
public class AuditHealthCheck implements HealthCheck {

    private final AuditObserver observer;

    public AuditHealthCheck(AuditObserver observer) {
        this.observer = observer;
    }

    @Override
    public HealthCheckResponse call() {
        return HealthCheckResponse.named("audit-log").up().withData("writes", observer.writes())
                .withData("failedWrites", observer.failedWrites()).build();
    }
}
