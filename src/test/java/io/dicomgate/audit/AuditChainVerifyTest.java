package io.dicomgate.audit;

import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import javax.sql.DataSource;

import jakarta.enterprise.event.Event;
import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import io.dicomgate.testsupport.Api;
import io.dicomgate.testsupport.PostgresTestResource;
import io.dicomgate.testsupport.TestTokens;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;

/**
 * The hash chain under concurrent appends, and against an attacker with database access: the
 * append-only triggers stop plain UPDATE/DELETE; with the triggers disabled (as table owner or
 * superuser can) the change is found by /api/audit/verify at the altered row, or at the row after a
 * removed one. Each tamper test puts the row back, so the shared log stays valid for other tests.
 */
@QuarkusTest
@QuarkusTestResource(PostgresTestResource.class)
class AuditChainVerifyTest {

    static final String AUDITOR = TestTokens.user("auditor-chain", "auditor");

    @Inject
    DataSource ds;
    @Inject
    Event<AuditEvent> events;
    @Inject
    AuditChainVerifier verifier;
    @Inject
    AuditLogRepository repository;

    private JsonPath verify() {
        return Api.as(AUDITOR).get("/api/audit/verify").then().statusCode(200).extract().jsonPath();
    }

    private long append(String username) {
        AuditEvent e = AuditRows.event(username, AuditAction.RETRIEVE, "PAT-CHAIN", "", "1.2.3", AuditOutcome.SUCCESS,
                200);
        events.fire(e);
        return ((Number) AuditRows.byRequest(ds, e.requestId()).get(0).get("seq")).longValue();
    }

    @Test
    void concurrentAppendsKeepALinearValidChain() throws Exception {
        int threads = 8;
        int perThread = 50;
        String user = "conc-" + System.nanoTime();
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        for (int i = 0; i < 20; i++) { // warm-up, not counted
            events.fire(AuditRows.event("warm-up", AuditAction.SEARCH, null, null, null, AuditOutcome.SUCCESS, 200));
        }
        CountDownLatch start = new CountDownLatch(1);
        List<Future<?>> done = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            done.add(pool.submit(() -> {
                start.await();
                for (int i = 0; i < perThread; i++) {
                    events.fire(AuditRows.event(user, AuditAction.SEARCH, null, null, null, AuditOutcome.SUCCESS, 200));
                }
                return null;
            }));
        }
        long t0 = System.nanoTime();
        start.countDown();
        for (Future<?> f : done) {
            f.get();
        }
        long nanos = System.nanoTime() - t0;
        pool.shutdown();
        System.out.printf("audit append: %d events on %d threads in %d ms = %.2f ms/event wall, %.0f events/s%n",
                threads * perThread, threads, nanos / 1_000_000, nanos / 1e6 / (threads * perThread),
                threads * perThread / (nanos / 1e9));

        List<Map<String, Object>> rows = AuditRows.query(ds,
                "SELECT seq, prev_hash, hash FROM audit_log WHERE username = ? ORDER BY seq", user);
        assertEquals(threads * perThread, rows.size());
        // linear: every row of the whole log links to the one before it in seq order
        List<Map<String, Object>> broken = AuditRows.query(ds, "SELECT seq FROM (SELECT seq, prev_hash,"
                + " lag(hash) OVER (ORDER BY seq) AS before FROM audit_log) x WHERE before IS NOT NULL AND prev_hash <> before");
        assertTrue(broken.isEmpty(), "rows not linked to their predecessor: " + broken);
        JsonPath result = verify();
        assertTrue(result.getBoolean("valid"));
        assertTrue(result.getLong("checked") >= threads * perThread);
        assertTrue(result.get("firstBrokenSeq") == null);
    }

    /**
     * The database hashes and stores rows ({@code audit_append}, V22) exactly as {@link AuditChain}
     * does in Java, whatever the text: non-ASCII, JSON-special characters, nulls, several roles, a time
     * finer than PostgreSQL keeps.
     */
    @Test
    void theDatabaseHashesEveryRowAsTheJavaChainDoes() throws SQLException {
        AuditEvent e = new AuditEvent(Instant.parse("2026-12-06T10:15:30.123456789Z"), "req-ü-" + System.nanoTime(),
                "sub-ß", "Dr. Müller 医生 😀", "client \"x\"", Set.of("z-role", "a-role", "clinician"), "::1",
                AuditAction.RETRIEVE, "PAT-Ł", "issuer/ä", "1.2.3", null, null, AuditOutcome.DENIED, 404, null,
                "reason — «quoted» \\ back", "detail\nline2\ttab {\"json\": [1]}");
        List<AuditEntry> appended = QuarkusTransaction.requiringNew().call(() -> repository.appendAll(List.of(e), false));
        AuditEntry entry = appended.get(0);
        assertEquals(AuditChain.hash(entry.prevHash(), entry.seq(), e), entry.hash());
        Map<String, Object> row = AuditRows.byRequest(ds, e.requestId()).get(0);
        assertEquals(entry.hash(), row.get("hash"));
        assertEquals("Dr. Müller 医生 😀", row.get("username"));
        assertEquals("detail\nline2\ttab {\"json\": [1]}", row.get("detail"));
        assertTrue(row.get("series_uid") == null);
        assertTrue(verify().getBoolean("valid"));
    }

    @Test
    void sequentialAppendCost() {
        String user = "seq-" + System.nanoTime();
        int n = 200;
        for (int i = 0; i < 20; i++) { // warm-up
            events.fire(AuditRows.event(user, AuditAction.SEARCH, null, null, null, AuditOutcome.SUCCESS, 200));
        }
        long t0 = System.nanoTime();
        for (int i = 0; i < n; i++) {
            events.fire(AuditRows.event(user, AuditAction.SEARCH, null, null, null, AuditOutcome.SUCCESS, 200));
        }
        long nanos = System.nanoTime() - t0;
        System.out.printf("audit append: %d sequential events, %.2f ms/event%n", n, nanos / 1e6 / n);
        long t1 = System.nanoTime();
        AuditChainVerifier.Result r = verifier.verify();
        long vn = System.nanoTime() - t1;
        System.out.printf("audit verify: %d rows in %d ms = %.1f µs/row%n", r.checked(), vn / 1_000_000,
                vn / 1e3 / r.checked());
        assertTrue(r.valid());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "UPDATE audit_log SET username = 'x' WHERE seq = %d",
            "DELETE FROM audit_log WHERE seq = %d",
            "TRUNCATE audit_log" })
    void theDatabaseRefusesChanges(String sql) {
        long seq = append("ro-" + System.nanoTime());
        SQLException e = assertThrows(SQLException.class, () -> AuditRows.asAttacker(ds, sql.formatted(seq)));
        assertTrue(e.getMessage().contains("append-only"), e.getMessage());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
            "username   | 'someone-else'",
            "patient_id | 'PAT-OTHER'",
            "outcome    | 'DENIED'",
            "http_status | 403",
            "event_time | event_time + interval '1 microsecond'",
            "roles      | ARRAY['imaging-admin']::text[]",
            "detail     | 'edited'",
            // re-hashing the altered row itself is not enough: its successor still links to the old hash
            "hash       | repeat('a', 64)" })
    void anAlteredFieldBreaksTheChainAtThatRow(String column, String value) throws SQLException {
        String user = "tamper-" + System.nanoTime();
        long target = append(user);
        append(user);
        assertTrue(verify().getBoolean("valid"), "log must be valid before the test");
        Map<String, Object> original = AuditRows.query(ds, "SELECT " + column + "::text AS v, outcome FROM audit_log"
                + " WHERE seq = ?", target).get(0);
        try {
            AuditRows.asAttacker(ds, "ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only",
                    "UPDATE audit_log SET " + column + " = " + value + " WHERE seq = " + target,
                    "ALTER TABLE audit_log ENABLE TRIGGER audit_log_append_only");
            JsonPath result = verify();
            assertFalse(result.getBoolean("valid"));
            assertEquals(target, result.getLong("firstBrokenSeq"));
        } finally {
            String restore = original.get("v") == null ? "NULL"
                    : "'" + original.get("v").toString().replace("'", "''") + "'";
            String type = AuditRows.query(ds, "SELECT format_type(atttypid, atttypmod) AS t FROM pg_attribute"
                    + " WHERE attrelid = 'audit_log'::regclass AND attname = ?", column).get(0).get("t").toString();
            AuditRows.asAttacker(ds, "ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only",
                    "UPDATE audit_log SET " + column + " = " + restore + "::" + type + " WHERE seq = " + target,
                    "ALTER TABLE audit_log ENABLE TRIGGER audit_log_append_only");
        }
        Api.as(AUDITOR).get("/api/audit/verify").then().statusCode(200).body("valid", equalTo(true))
                .body("firstBrokenSeq", nullValue());
    }

    @Test
    void aDeletedRowBreaksTheChainAtTheNextRow() throws SQLException {
        String user = "delete-" + System.nanoTime();
        long victim = append(user);
        long next = append(user);
        String copy = "audit_log_copy_" + System.nanoTime();
        AuditRows.asAttacker(ds, "CREATE TABLE " + copy + " AS SELECT * FROM audit_log WHERE seq = " + victim,
                "ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only",
                "DELETE FROM audit_log WHERE seq = " + victim,
                "ALTER TABLE audit_log ENABLE TRIGGER audit_log_append_only");
        try {
            JsonPath result = verify();
            assertFalse(result.getBoolean("valid"));
            assertEquals(next, result.getLong("firstBrokenSeq"));
        } finally {
            AuditRows.asAttacker(ds, "INSERT INTO audit_log SELECT * FROM " + copy, "DROP TABLE " + copy);
        }
        assertTrue(verify().getBoolean("valid"));
    }

    @Test
    void verifyIsItselfAudited() {
        String id = AuditRows.requestId();
        Api.as(AUDITOR).header(AuditResponseFilter.REQUEST_ID, id).get("/api/audit/verify").then().statusCode(200);
        Map<String, Object> row = AuditRows.awaitByRequest(ds, id, 1).get(0);
        assertEquals("AUDIT_READ", row.get("action"));
        assertEquals("verify", row.get("detail"));
        assertEquals("auditor-chain", row.get("username"));
    }
}
