package io.dicomgate.metrics;

import java.time.Duration;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.quarkus.vertx.http.runtime.filters.Filters;
import io.vertx.core.http.impl.HttpServerRequestInternal;
import io.vertx.ext.web.RoutingContext;

/**
 * Times every DICOMweb request ({@code /dicomweb}) and counts the bytes of its response, by
 * {@link DicomWebTransaction} and HTTP status, once the response has ended — also for requests
 * refused before a resource ran (401) or answered by the exception table.
 */
@ApplicationScoped
public class DicomWebRequestMeter {

    /** Ahead of authentication, so that refused requests are measured too. */
    private static final int PRIORITY = 1000;
    /** Where Quarkus REST leaves the matched route template (the one Quarkus' own HTTP metrics use). */
    private static final String TEMPLATE = "UrlPathTemplate";
    private static final String BASE = "/dicomweb";

    private final MeterRegistry registry;

    public DicomWebRequestMeter(MeterRegistry registry) {
        this.registry = registry;
    }

    void register(@Observes Filters filters) {
        filters.register(this::measure, PRIORITY);
    }

    private void measure(RoutingContext rc) {
        String path = rc.normalizedPath();
        if (path.equals(BASE) || path.startsWith(BASE + "/")) {
            long start = System.nanoTime();
            rc.addEndHandler(ended -> record(rc, System.nanoTime() - start));
        }
        rc.next();
    }

    private void record(RoutingContext rc, long nanos) {
        DicomWebTransaction transaction = DicomWebTransaction.of(rc.request().method().name(), template(rc));
        String status = Integer.toString(rc.response().getStatusCode());
        Timer.builder("dicomgate.dicomweb.requests")
                .description("DICOMweb requests by transaction and HTTP status")
                .tag("transaction", transaction.tag())
                .tag("status", status)
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofMillis(1))
                .maximumExpectedValue(Duration.ofSeconds(60))
                .register(registry).record(Duration.ofNanos(nanos));
        Counter.builder("dicomgate.dicomweb.sent")
                .description("Response body bytes of DICOMweb requests")
                .baseUnit("bytes")
                .tag("transaction", transaction.tag())
                .register(registry).increment(rc.response().bytesWritten());
    }

    private static String template(RoutingContext rc) {
        return rc.request() instanceof HttpServerRequestInternal request
                && request.context().getLocal(TEMPLATE) instanceof String template ? template : null;
    }
}
