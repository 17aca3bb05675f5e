package io.dicomgate.guard;

import static io.dicomgate.testsupport.Api.as;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import javax.sql.DataSource;

import jakarta.inject.Inject;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.dicomgate.testsupport.Api;
import io.dicomgate.testsupport.DicomFixtures;
import io.dicomgate.testsupport.Multipart;
import io.dicomgate.testsupport.PostgresTestResource;
import io.dicomgate.testsupport.TestTokens;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;

/**
 * The exfiltration guard with small limits: every limit refuses with 429 and Retry-After before data
 * is sent, the refusal is audited, and auditors find an alert they can acknowledge. Each test acts as
 * an account of its own, so counters start at zero.
 */
@QuarkusTest
@TestProfile(GuardTest.SmallLimits.class)
class GuardTest {

    public static class SmallLimits implements QuarkusTestProfile {
        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(PostgresTestResource.class));
        }

        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("dicomgate.guard.enabled", "true",
                    "dicomgate.guard.defaults.requests-per-minute", "20",
                    "dicomgate.guard.role.auditor.requests-per-minute", "1000",
                    "dicomgate.guard.role.imaging-admin.requests-per-minute", "1000",
                    "dicomgate.guard.role.imaging-admin.patients-per-hour", "5",
                    "dicomgate.guard.role.imaging-admin.anomaly-patients-per-hour", "3",
                    "dicomgate.guard.role.imaging-admin.bytes-per-hour", "400K");
        }
    }

    private static final String AUDITOR = TestTokens.user("guard.auditor", "auditor");
    private static final String META = "application/dicom+json";
    private static final String RUN = "GRD" + System.nanoTime() % 1_000_000_000L;
    private static final List<DicomFixtures.Builder> PATIENTS = new ArrayList<>();

    @Inject
    DataSource dataSource;

    @BeforeEach
    void storeEightPatientsOnce() {
        if (!PATIENTS.isEmpty()) {
            return;
        }
        List<byte[]> bytes = new ArrayList<>();
        for (int i = 1; i <= 8; i++) {
            DicomFixtures.Builder b = DicomFixtures.instance().patient(RUN + "-" + i, "Guard^Patient" + i).size(256, 256);
            PATIENTS.add(b);
            bytes.add(b.bytes());
        }
        as(Api.INGEST).contentType(Multipart.DICOM_TYPE).body(Multipart.of(bytes.toArray(byte[][]::new)).bytes())
                .post("/dicomweb/studies").then().statusCode(200);
    }

    private static String harvester(String name) {
        return TestTokens.user(name + "-" + UUID.randomUUID(), "imaging-admin");
    }

    private static Response metadata(String token, DicomFixtures.Builder study, String requestId) {
        return as(token).accept(META).header("X-Request-Id", requestId)
                .get("/dicomweb/studies/" + study.studyUid() + "/metadata");
    }

    @Test
    void newPatientsBeyondTheHourlyLimitAreRefusedButTouchedOnesStayOpen() {
        String token = harvester("distinct");
        for (int i = 0; i < 5; i++) {
            metadata(token, PATIENTS.get(i), id()).then().statusCode(200);
        }
        String refusedId = id();
        Response refused = metadata(token, PATIENTS.get(5), refusedId);
        refused.then().statusCode(429).header("Retry-After", org.hamcrest.Matchers.notNullValue())
                .body(containsString("5 distinct patients per hour")).body(org.hamcrest.Matchers.not(containsString(RUN)));
        assertBetween(3000L, 3600L, Long.parseLong(refused.header("Retry-After")));
        metadata(token, PATIENTS.get(7), id()).then().statusCode(429);
        // A patient already opened this hour: the viewer keeps working on it.
        metadata(token, PATIENTS.get(0), id()).then().statusCode(200);

        List<Map<String, Object>> rows = auditRows(refusedId);
        assertFalse(rows.isEmpty(), "the refusal is audited");
        for (Map<String, Object> row : rows) {
            assertEquals(429, row.get("status"));
            assertEquals("DENIED", row.get("outcome"));
            assertEquals("RETRIEVE", row.get("action"));
            assertEquals("exfiltration guard: limit of 5 distinct patients per hour reached", row.get("detail"));
        }
    }

    @Test
    void aSearchThatWouldShowTooManyPatientsIsRefusedWhole() {
        String token = harvester("search");
        Response response = as(token).queryParam("PatientID", RUN + "-*").get("/dicomweb/studies");
        response.then().statusCode(429).contentType(containsString("text/plain"));
        assertFalse(response.asString().contains(RUN));
        // Narrower searches under the limit are answered.
        as(token).queryParam("PatientID", RUN + "-1").get("/dicomweb/studies").then().statusCode(200);
    }

    @Test
    void auditorsSeeAnAnomalyAlertBeforeTheLimitAndAnAlertAtIt() {
        String name = "anomaly-" + UUID.randomUUID();
        String token = TestTokens.user(name, "imaging-admin");
        for (int i = 0; i < 4; i++) {
            metadata(token, PATIENTS.get(i), id()).then().statusCode(200);
        }
        Map<String, Object> anomaly = awaitAlert(name, "ANOMALY_PATIENTS_PER_HOUR");
        assertEquals("4 distinct patients in the last hour; anomaly threshold 3", anomaly.get("detail"));
        metadata(token, PATIENTS.get(4), id()).then().statusCode(200);
        metadata(token, PATIENTS.get(5), id()).then().statusCode(429);
        metadata(token, PATIENTS.get(6), id()).then().statusCode(429);
        Map<String, Object> limit = awaitAlert(name, "PATIENTS_PER_HOUR");
        assertEquals(1, limit.get("occurrences"));
        assertEquals("imaging-admin", limit.get("roles"));

        String id = (String) limit.get("id");
        as(TestTokens.user("dr.nobody", "clinician")).contentType("application/json").body("{\"comment\":\"x\"}")
                .post("/api/alerts/" + id + "/acknowledge").then().statusCode(403);
        as(AUDITOR).contentType("application/json").body("{\"comment\":\"\"}")
                .post("/api/alerts/" + id + "/acknowledge").then().statusCode(400);
        as(AUDITOR).contentType("application/json").body("{\"comment\":\"called the clinician: migration test\"}")
                .post("/api/alerts/" + id + "/acknowledge").then().statusCode(200)
                .body("acknowledgedBy", equalTo("guard.auditor")).body("comment", containsString("migration test"));
        as(AUDITOR).contentType("application/json").body("{\"comment\":\"again\"}")
                .post("/api/alerts/" + id + "/acknowledge").then().statusCode(409);
        as(AUDITOR).queryParam("open", "true").get("/api/alerts").then().statusCode(200)
                .body("id", org.hamcrest.Matchers.not(hasItem(id)));
        as(AUDITOR).get("/api/alerts/" + UUID.randomUUID()).then().statusCode(404);
        as(AUDITOR).queryParam("open", "maybe").get("/api/alerts").then().statusCode(400);
    }

    @Test
    void readsStopOnceTheHourlyByteBudgetIsSpent() {
        String token = harvester("bytes");
        DicomFixtures.Builder study = PATIENTS.get(0);
        String path = "/dicomweb/studies/" + study.studyUid() + "/series/" + study.seriesUid() + "/instances/"
                + study.sopUid();
        int served = 0;
        long size = 0;
        Response response;
        while ((response = as(token).accept("multipart/related; type=\"application/dicom\"").get(path)).statusCode() == 200) {
            size = response.asByteArray().length;
            served++;
            assertTrue(served < 20, "never refused");
        }
        response.then().statusCode(429).body(containsString("bytes retrieved per hour"));
        assertBetween(1L, 3600L, Long.parseLong(response.header("Retry-After")));
        // 400 KiB in responses of `size` bytes: the response that crosses the budget completes, the next is refused.
        assertEquals((int) ((400 * 1024 + size - 1) / size), served);
        // Searches, which send no pixel data, are reads too.
        as(token).queryParam("PatientID", study.patientId()).get("/dicomweb/studies").then().statusCode(429);
    }

    @Test
    void requestRateIsLimitedPerMinuteAndPerAccount() {
        // An account without roles: every request is refused (403), and still counted.
        String token = TestTokens.user("busy-" + UUID.randomUUID());
        for (int i = 0; i < 20; i++) {
            as(token).get("/api/alerts").then().statusCode(403);
        }
        String refusedId = id();
        Response refused = as(token).header("X-Request-Id", refusedId).get("/api/alerts");
        refused.then().statusCode(429).body(containsString("20 requests per minute"));
        List<Map<String, Object>> rows = auditRows(refusedId);
        assertEquals(1, rows.size());
        assertEquals(429, rows.get(0).get("status"));
        assertEquals("ALERT_READ", rows.get(0).get("action"));
        assertEquals("exfiltration guard: limit of 20 requests per minute reached", rows.get(0).get("detail"));
        assertBetween(1L, 60L, Long.parseLong(refused.header("Retry-After")));
        // Another account is not affected.
        as(TestTokens.user("calm-" + UUID.randomUUID())).get("/api/alerts").then().statusCode(403);
    }

    private static String id() {
        return "g-" + UUID.randomUUID();
    }

    private Map<String, Object> awaitAlert(String username, String kind) {
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (true) {
            List<Map<String, Object>> alerts = as(AUDITOR).queryParam("open", "true").queryParam("limit", "1000")
                    .get("/api/alerts").then().statusCode(200).extract().jsonPath().getList("$");
            for (Map<String, Object> alert : alerts) {
                if (username.equals(alert.get("username")) && kind.equals(alert.get("kind"))) {
                    return alert;
                }
            }
            assertTrue(System.nanoTime() < deadline, "no alert " + kind + " for " + username);
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
        }
    }

    private List<Map<String, Object>> auditRows(String requestId) {
        long deadline = System.nanoTime() + 5_000_000_000L;
        List<Map<String, Object>> rows;
        do {
            rows = new ArrayList<>();
            try (Connection c = dataSource.getConnection();
                    PreparedStatement ps = c.prepareStatement(
                            "SELECT http_status, outcome, action, detail FROM audit_log WHERE request_id = ?")) {
                ps.setString(1, requestId);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        rows.add(Map.of("status", rs.getInt(1), "outcome", rs.getString(2), "action", rs.getString(3),
                                "detail", String.valueOf(rs.getString(4))));
                    }
                }
            } catch (java.sql.SQLException e) {
                throw new AssertionError(e);
            }
        } while (rows.isEmpty() && System.nanoTime() < deadline);
        return rows;
    }

    private static void assertBetween(long low, long high, long actual) {
        assertTrue(actual >= low && actual <= high, actual + " not in [" + low + ", " + high + "]");
    }
}
