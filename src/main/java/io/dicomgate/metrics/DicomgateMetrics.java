package io.dicomgate.metrics;

import java.time.Duration;
import java.util.Locale;

import jakarta.enterprise.context.ApplicationScoped;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

/**
 * What features record about their work, as Prometheus meters (README "Metrics and logs"). Features
 * call these methods and never Micrometer itself. Every tag value comes from a closed set (an enum
 * or a fixed word): no UID, patient, user name or token can reach a label.
 */
@ApplicationScoped
public class DicomgateMetrics {

    private final MeterRegistry registry;
    private final Counter stored;
    private final Counter accessDenials;
    private final Counter breakGlassGrants;

    public DicomgateMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.stored = Counter.builder("dicomgate.stow.instances.stored")
                .description("Instances a STOW-RS request stored (or found already stored, byte for byte)")
                .register(registry);
        this.accessDenials = Counter.builder("dicomgate.access.denials")
                .description("Requests refused for data the caller may not see, answered as 404 (the 404 rule)")
                .register(registry);
        this.breakGlassGrants = Counter.builder("dicomgate.breakglass.grants")
                .description("Break-the-glass grants opened")
                .register(registry);
    }

    /** Instances stored by one STOW-RS request. */
    public void instancesStored(int count) {
        stored.increment(count);
    }

    /** One instance refused by STOW-RS, with its Failure Reason (the enum constant becomes the tag). */
    public void instanceRefused(Enum<?> reason) {
        Counter.builder("dicomgate.stow.instances.refused")
                .description("Instances a STOW-RS request refused, by Failure Reason (0008,1197)")
                .tag("reason", reason.name().toLowerCase(Locale.ROOT))
                .register(registry).increment();
    }

    /** A request refused for data the caller may not see and answered exactly like unknown data. */
    public void accessDenied() {
        accessDenials.increment();
    }

    /** A break-the-glass grant was opened. */
    public void breakGlassGranted() {
        breakGlassGrants.increment();
    }

    /** How long a blob store operation took, and whether it failed. */
    public void blobStore(BlobOperation operation, Duration took, boolean failed) {
        Timer.builder("dicomgate.blobstore.operations")
                .description("Blob store operations")
                .tag("operation", operation.tag())
                .tag("outcome", failed ? "failure" : "success")
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofMillis(1))
                .maximumExpectedValue(Duration.ofSeconds(30))
                .register(registry).record(took);
    }
}
