package io.dicomgate.web;

import java.util.concurrent.Semaphore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.RequestScoped;
import jakarta.enterprise.inject.Instance;

import io.quarkus.arc.Arc;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * The bulkhead in front of rendering, thumbnails and transcoding: the heap those requests may hold
 * together is a fixed budget, counted in KiB. A request takes what its largest single step needs (it
 * renders one frame or transcodes one instance at a time) before its response starts and gives it back
 * when its body is written; when the budget is spent it waits a little, then is {@code 503} with
 * {@code Retry-After} — never an OutOfMemoryError that would take every other request down with it.
 */
@ApplicationScoped
public class HeapBulkhead {

    /** Heap budget of rendering and transcoding. */
    @ConfigMapping(prefix = "dicomgate.limits")
    public interface Config {
        /**
         * Heap that renders and transcodes in flight may hold together (MiB); a request that would pass
         * it waits up to {@link #maxWait()}, then is {@code 503}. Default: a quarter of the maximum heap.
         */
        Optional<Integer> heapBudgetMb();

        /** How long a request waits for heap budget before it is refused (duration). */
        @WithDefault("PT2S")
        Duration maxWait();
    }

    static final int RETRY_AFTER_SECONDS = 5;

    private final Semaphore budget;
    private final int budgetKib;
    private final Config config;
    private final Instance<RequestPermits> requestPermits;

    public HeapBulkhead(Config config, Instance<RequestPermits> requestPermits) {
        this.config = config;
        this.requestPermits = requestPermits;
        long bytes = config.heapBudgetMb().map(mb -> mb * 1024L * 1024L).orElse(Runtime.getRuntime().maxMemory() / 4);
        this.budgetKib = (int) Math.min(Integer.MAX_VALUE, Math.max(1024, bytes / 1024));
        this.budget = new Semaphore(budgetKib, true);
    }

    /** Heap held while this request works; close it when the response body is written. */
    public final class Permit implements AutoCloseable {
        private final int kib;
        private boolean released;

        private Permit(int kib) {
            this.kib = kib;
        }

        @Override
        public synchronized void close() {
            if (!released) {
                released = true;
                budget.release(kib);
            }
        }
    }

    /**
     * @param bytes the heap the request's largest step needs
     * @throws ServiceBusyException when the budget stays spent for {@code max-wait}, or the step alone
     *         needs more than the whole budget
     */
    public Permit acquire(long bytes) {
        long kib = Math.max(1, (bytes + 1023) / 1024);
        if (kib > budgetKib) {
            throw new ServiceBusyException("this needs more memory than this server gives one request ("
                    + budgetKib / 1024 + " MiB)", RETRY_AFTER_SECONDS);
        }
        try {
            if (!budget.tryAcquire((int) kib, config.maxWait().toMillis(), TimeUnit.MILLISECONDS)) {
                throw new ServiceBusyException("the server is busy rendering; retry later", RETRY_AFTER_SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ServiceBusyException("interrupted while waiting to render", RETRY_AFTER_SECONDS);
        }
        Permit permit = new Permit((int) kib);
        if (Arc.container() != null && Arc.container().requestContext().isActive()) {
            requestPermits.get().add(permit);
        }
        return permit;
    }

    /**
     * Permits taken during a request, returned when the request ends at the latest — also when its body
     * was never written (the client left first, or the answer was replaced, e.g. by a 503).
     */
    @RequestScoped
    public static class RequestPermits {
        private final List<Permit> permits = new ArrayList<>();

        synchronized void add(Permit permit) {
            permits.add(permit);
        }

        @PreDestroy
        synchronized void closeAll() {
            permits.forEach(Permit::close);
            permits.clear();
        }
    }

    /**
     * What rendering one frame of this source to this output may hold on the heap: the stored frame,
     * its decoded samples as ints, the windowed 8-bit image, the scaled output and its encoding, with a
     * margin — a deliberate over-estimate.
     */
    public static long frameBytes(int rows, int columns, int samples, int bitsAllocated, int outWidth, int outHeight) {
        long source = (long) rows * columns * Math.max(1, samples);
        long stored = source * Math.max(1, (bitsAllocated + 7) / 8);
        long output = (long) outWidth * outHeight * 3;
        return stored + source * 4 + source + output * 3 + 1024 * 1024;
    }
}
