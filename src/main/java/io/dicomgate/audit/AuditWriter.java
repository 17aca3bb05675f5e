package io.dicomgate.audit;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.jboss.logging.Logger;

import io.quarkus.runtime.ShutdownEvent;

/**
 * The single appender of the audit chain, by group commit: requests hand it their events (all events
 * of one request together) and wait; one thread takes everything that queued up while the previous
 * commit ran — any number of requests, up to {@value #MAX_GROUP} events — and appends it in one
 * statement that is its own transaction ({@code audit_append}, V22: one advisory lock, one read of
 * the chain head, the inserts, one commit and its fsync — one round trip). Idle, a request commits
 * its own events on its own thread; under load, concurrent requests share commits instead of queueing
 * for the lock one event at a time. A request is answered only after the commit that carries its
 * events, so "no unaudited access" holds as before.
 *
 * <p>If a group fails, each request in it is retried in a transaction of its own, so one unwritable
 * request never takes others with it; what still fails is reported to its waiter (which answers
 * {@code 503}), logged without patient data, and counted for the {@code audit-log} health check.
 * Several nodes each run one writer; the advisory lock keeps their appends one chain.
 */
@ApplicationScoped
public class AuditWriter {

    private static final Logger LOG = Logger.getLogger(AuditWriter.class);
    static final int MAX_GROUP = 2000;
    private static final long WAIT_SECONDS = 30;

    private record Pending(List<AuditEvent> events, CompletableFuture<Boolean> done, long queuedNanos) {
    }

    private final AuditLogRepository log;
    private final LinkedBlockingQueue<Pending> queue = new LinkedBlockingQueue<>();
    /** Held by whoever commits: the writer thread for a group, or a request committing its own events. */
    private final ReentrantLock committing = new ReentrantLock();
    private final AtomicLong failures = new AtomicLong();
    private final AtomicLong writes = new AtomicLong();
    private final AtomicLong commits = new AtomicLong();
    private volatile boolean lastFailed;
    /** When the oldest event of the group being committed was queued; 0 while none is. */
    private volatile long committingSince;
    private Thread thread;

    public AuditWriter(AuditLogRepository log) {
        this.log = log;
    }

    /**
     * Appends the events and waits until they are committed; false when they could not be written.
     * When no commit is running and nothing waits, this thread commits its own events at once (one
     * statement, no hand-over to the writer thread and back: on a single client that hand-over was two
     * thread wake-ups per request); otherwise they join the next group.
     */
    public boolean write(List<AuditEvent> events) {
        if (events.isEmpty()) {
            return true;
        }
        if (queue.isEmpty() && committing.tryLock()) {
            try {
                committingSince = System.nanoTime();
                return append(events);
            } finally {
                committingSince = 0;
                committing.unlock();
            }
        }
        try {
            return submit(events).get(WAIT_SECONDS, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            LOG.errorf("audit write not committed within %d s; the request is refused", WAIT_SECONDS);
            return false;
        } catch (ExecutionException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Queues the events; the future completes with true once they are committed, false if they failed. */
    public CompletableFuture<Boolean> submit(List<AuditEvent> events) {
        CompletableFuture<Boolean> done = new CompletableFuture<>();
        if (events.isEmpty()) {
            done.complete(true);
            return done;
        }
        start();
        queue.add(new Pending(List.copyOf(events), done, System.nanoTime()));
        return done;
    }

    private synchronized void start() {
        if (thread == null) {
            thread = Thread.ofPlatform().name("audit-writer").daemon().start(this::run);
        }
    }

    void stop(@Observes ShutdownEvent event) {
        Thread running;
        synchronized (this) {
            running = thread;
        }
        if (running != null) {
            running.interrupt();
        }
    }

    private void run() {
        List<Pending> group = new ArrayList<>();
        while (!Thread.currentThread().isInterrupted()) {
            try {
                Pending first = queue.take();
                group.add(first);
                int size = first.events().size();
                Pending next;
                while (size < MAX_GROUP && (next = queue.poll()) != null) {
                    group.add(next);
                    size += next.events().size();
                }
                committing.lock();
                try {
                    committingSince = first.queuedNanos();
                    commit(group);
                } finally {
                    committing.unlock();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (RuntimeException e) {
                // commit() completes every future itself; this only keeps the writer alive.
                LOG.errorf("audit writer: %s", e.getClass().getName());
            } finally {
                committingSince = 0;
                group.forEach(p -> p.done().complete(false));
                group.clear();
            }
        }
        Pending left;
        while ((left = queue.poll()) != null) {
            left.done().complete(false);
        }
    }

    private void commit(List<Pending> group) {
        List<AuditEvent> all = new ArrayList<>();
        group.forEach(p -> all.addAll(p.events()));
        if (append(all)) {
            group.forEach(p -> p.done().complete(true));
            return;
        }
        if (group.size() > 1) {
            for (Pending p : group) {
                p.done().complete(append(p.events()));
            }
        } else {
            group.get(0).done().complete(false);
        }
    }

    /**
     * One statement on a connection outside any transaction, so its own commit (and fsync): one round
     * trip per group. True when committed.
     */
    private boolean append(List<AuditEvent> events) {
        try {
            log.appendAll(events, true);
            writes.addAndGet(events.size());
            commits.incrementAndGet();
            lastFailed = false;
            return true;
        } catch (Exception e) {
            failures.addAndGet(events.size());
            lastFailed = true;
            // Type only: driver messages can quote the values (patient ids) of the failed statement.
            LOG.errorf("audit write failed: %s (%d event(s), first action %s, request %s); not in the audit log",
                    rootType(e), events.size(), events.get(0).action(), events.get(0).requestId());
            return false;
        }
    }

    /**
     * Counts events that never reached the writer (they could not be completed) as failed writes, so
     * the {@code audit-log} readiness check sees them like any other.
     */
    void failed(int events) {
        failures.addAndGet(events);
        lastFailed = true;
    }

    /** Events that could not be written since start. */
    public long failedWrites() {
        return failures.get();
    }

    /** Whether the latest audit commit failed. */
    public boolean lastWriteFailed() {
        return lastFailed;
    }

    /** Events written since start. */
    public long writes() {
        return writes.get();
    }

    /** Events queued and not yet taken into a commit. */
    public int queuedEvents() {
        return queue.stream().mapToInt(p -> p.events().size()).sum();
    }

    /**
     * Seconds the oldest event not yet committed has waited (in the commit running now, or queued);
     * 0 when nothing waits.
     */
    public double oldestWaitSeconds() {
        long since = committingSince;
        if (since == 0) {
            Pending head = queue.peek();
            if (head == null) {
                return 0;
            }
            since = head.queuedNanos();
        }
        return Math.max(0, System.nanoTime() - since) / 1e9;
    }

    /** Commits since start (writes / commits is the mean group size). */
    public long commits() {
        return commits.get();
    }

    private static String rootType(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t == e ? e.getClass().getName() : e.getClass().getName() + " caused by " + t.getClass().getName();
    }
}
