package io.dicomgate.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import javax.sql.DataSource;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.dicomgate.testsupport.PostgresTestResource;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * The group-commit writer against the per-event transactions it replaced, in one run on one
 * database: every event is written exactly once and the chain verifies (asserted); events per second
 * with 8 and 32 concurrent writers and the audit cost of a search that touched 1,000 patients are
 * printed for the README, never asserted.
 */
@QuarkusTest
@QuarkusTestResource(PostgresTestResource.class)
class AuditGroupCommitTest {

    private static final int PER_WRITER = 100;

    @Inject
    AuditWriter writer;
    @Inject
    AuditLogRepository log;
    @Inject
    AuditChainVerifier verifier;
    @Inject
    DataSource dataSource;

    @Test
    void concurrentRequestsShareCommitsAndEveryEventIsWrittenOnce() throws Exception {
        for (int threads : new int[] { 8, 32 }) {
            double perEvent = rate(threads, "per-event", e -> {
                QuarkusTransaction.requiringNew().call(() -> log.append(e));
                return true;
            });
            long commitsBefore = writer.commits();
            long writesBefore = writer.writes();
            double grouped = rate(threads, "grouped", e -> writer.write(List.of(e)));
            double meanGroup = (writer.writes() - writesBefore) / (double) Math.max(1, writer.commits() - commitsBefore);
            System.out.printf("AUDIT-THROUGHPUT %d writers x %d events: per-event transactions %.0f events/s,"
                    + " group commit %.0f events/s (%.1fx, %.1f events per commit)%n", threads, PER_WRITER, perEvent,
                    grouped, grouped / perEvent, meanGroup);
        }
        // A search whose answer touched 1,000 patients: its audit, one event per patient.
        List<AuditEvent> search = new ArrayList<>();
        List<AuditEvent> searchAgain = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            search.add(AuditRows.event("dr.search", AuditAction.SEARCH, "P-" + i, "", null, AuditOutcome.SUCCESS, 200));
            searchAgain.add(AuditRows.event("dr.search", AuditAction.SEARCH, "P-" + i, "", null, AuditOutcome.SUCCESS, 200));
        }
        long t0 = System.nanoTime();
        for (AuditEvent e : search) {
            QuarkusTransaction.requiringNew().call(() -> log.append(e));
        }
        long t1 = System.nanoTime();
        assertTrue(writer.write(searchAgain));
        long t2 = System.nanoTime();
        System.out.printf("AUDIT-SEARCH-1000 audit of a search touching 1,000 patients: per-event transactions %.0f ms,"
                + " one group %.0f ms%n", (t1 - t0) / 1e6, (t2 - t1) / 1e6);
        for (AuditEvent e : List.of(searchAgain.get(0), searchAgain.get(500), searchAgain.get(999))) {
            assertEquals(1, AuditRows.byRequest(dataSource, e.requestId()).size(), "written once");
        }

        AuditChainVerifier.Result result = verifier.verify();
        assertTrue(result.valid(), "chain broken at " + result.firstBrokenSeq());
    }

    private interface Append {
        boolean append(AuditEvent e) throws Exception;
    }

    /** Events per second of {@code threads} writers, each appending {@link #PER_WRITER} events one by one. */
    private double rate(int threads, String label, Append append) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        List<List<AuditEvent>> work = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            List<AuditEvent> events = new ArrayList<>();
            for (int i = 0; i < PER_WRITER; i++) {
                events.add(AuditRows.event("dr." + label + t, AuditAction.RETRIEVE, "P-" + t, "", null,
                        AuditOutcome.SUCCESS, 200));
            }
            work.add(events);
        }
        long t0 = System.nanoTime();
        List<Future<Integer>> done = new ArrayList<>();
        for (List<AuditEvent> events : work) {
            done.add(pool.submit(() -> {
                int ok = 0;
                for (AuditEvent e : events) {
                    ok += append.append(e) ? 1 : 0;
                }
                return ok;
            }));
        }
        int written = 0;
        for (Future<Integer> f : done) {
            written += f.get();
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        pool.shutdown();
        assertEquals(threads * PER_WRITER, written, label + ": every event written");
        for (List<AuditEvent> events : work) {
            for (AuditEvent e : List.of(events.get(0), events.get(PER_WRITER - 1))) {
                assertEquals(1, AuditRows.byRequest(dataSource, e.requestId()).size(), "written once");
            }
        }
        return threads * PER_WRITER / seconds;
    }
}
