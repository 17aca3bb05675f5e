package io.dicomgate.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.sql.Connection;
import java.sql.Statement;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import javax.sql.DataSource;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.dicomgate.testsupport.Api;
import io.dicomgate.testsupport.DicomFixtures;
import io.dicomgate.testsupport.Multipart;
import io.dicomgate.testsupport.PostgresTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * Every stored instance has a STORE audit event: the request's own, which consumes the receipts its
 * instances were indexed with, or — when the request ended between the index commit and its audit
 * record — one recovered from the receipt, exactly once.
 */
@QuarkusTest
@QuarkusTestResource(PostgresTestResource.class)
class StoreAuditRecoveryTest {

    @Inject
    DataSource dataSource;
    @Inject
    StoreAuditRecovery recovery;

    @Test
    void aStowsOwnStoreEventConsumesTheReceiptsOfItsInstances() {
        var a = DicomFixtures.instance();
        var b = DicomFixtures.instance().inStudyOf(a);
        var c = DicomFixtures.instance();
        String requestId = AuditRows.requestId();
        Api.as(Api.ADMIN).header("X-Request-Id", requestId).contentType(Multipart.DICOM_TYPE)
                .body(Multipart.of(a.bytes(), b.bytes(), c.bytes()).bytes()).post("/dicomweb/studies").then().statusCode(200);
        assertEquals(0, receipts(requestId));
        List<Map<String, Object>> events = AuditRows.byRequest(dataSource, requestId);
        assertEquals(2, events.size(), "one STORE event per study");
        assertEquals(List.of("STORE", "STORE"), events.stream().map(e -> e.get("action")).toList());
    }

    @Test
    void instancesWhoseRequestDiedBeforeItsAuditGetARecoveredEventOnce() throws Exception {
        var a = DicomFixtures.instance();
        var b = DicomFixtures.instance().inStudyOf(a);
        var c = DicomFixtures.instance();
        String requestId = AuditRows.requestId();
        // The crash window: index rows committed, the request's STORE event never written.
        sql("CREATE OR REPLACE FUNCTION test_store_audit_block() RETURNS trigger AS $$ BEGIN"
                + " IF NEW.action = 'STORE' THEN RAISE EXCEPTION 'no STORE audit (test)'; END IF; RETURN NEW; END"
                + " $$ LANGUAGE plpgsql",
                "CREATE TRIGGER test_store_audit_block BEFORE INSERT ON audit_log FOR EACH ROW"
                        + " EXECUTE FUNCTION test_store_audit_block()");
        try {
            Api.as(Api.ADMIN).header("X-Request-Id", requestId).contentType(Multipart.DICOM_TYPE)
                    .body(Multipart.of(a.bytes(), b.bytes(), c.bytes()).bytes()).post("/dicomweb/studies").then()
                    .statusCode(503);
        } finally {
            sql("DROP TRIGGER test_store_audit_block ON audit_log");
        }
        assertEquals(3, receipts(requestId), "stored, with receipts, and no STORE event");
        assertEquals(0, AuditRows.byRequest(dataSource, requestId).size());

        recovery.recover(Instant.now().plusSeconds(1));
        recovery.recover(Instant.now().plusSeconds(1));

        assertEquals(0, receipts(requestId));
        List<Map<String, Object>> events = AuditRows.byRequest(dataSource, requestId);
        assertEquals(3, events.size(), "one recovered STORE event per instance, written once");
        for (var builder : List.of(a, b, c)) {
            List<Map<String, Object>> mine = events.stream()
                    .filter(e -> builder.sopUid().equals(e.get("instance_uid"))).toList();
            assertEquals(1, mine.size());
            Map<String, Object> e = mine.get(0);
            assertEquals("STORE", e.get("action"));
            assertEquals("SUCCESS", e.get("outcome"));
            assertEquals(0, e.get("http_status"));
            assertEquals(builder.studyUid(), e.get("study_uid"));
            assertEquals(builder.seriesUid(), e.get("series_uid"));
            assertEquals(builder.patientId(), e.get("patient_id"));
            assertEquals("admin", e.get("username"));
            assertEquals(StoreAuditRecovery.DETAIL, e.get("detail"));
        }
        Api.as(AuditChainVerifyTest.AUDITOR).get("/api/audit/verify").then().statusCode(200)
                .body("valid", org.hamcrest.Matchers.equalTo(true));
    }

    private long receipts(String requestId) {
        return (Long) AuditRows.query(dataSource, "SELECT count(*) AS n FROM store_receipt WHERE request_id = ?",
                requestId).get(0).get("n");
    }

    private void sql(String... statements) throws Exception {
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
            for (String statement : statements) {
                s.execute(statement);
            }
        }
    }
}
