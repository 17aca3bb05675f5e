package io.dicomgate.audit;

import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.hasItem;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;

import javax.sql.DataSource;

import jakarta.enterprise.event.Event;
import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import io.dicomgate.testsupport.Api;
import io.dicomgate.testsupport.DicomFixtures;
import io.dicomgate.testsupport.PostgresTestResource;
import io.dicomgate.testsupport.TestTokens;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;

/** GET /api/me/access-log: a patient sees who accessed their data, and nothing about anyone else. */
@QuarkusTest
@QuarkusTestResource(PostgresTestResource.class)
class AccessLogTest {

    private static final String ANY_TS = "multipart/related; type=\"application/dicom\"; transfer-syntax=*";

    @Inject
    DataSource ds;
    @Inject
    Event<AuditEvent> events;

    private static String patientId() {
        return "ME-" + System.nanoTime();
    }

    private static JsonPath log(String token, String query) {
        return Api.as(token).get("/api/me/access-log" + query).then().statusCode(200).contentType("application/json")
                .extract().jsonPath();
    }

    @Test
    void aPatientSeesRetrievesOfTheirStudiesByOthersAndNotOtherPatients() {
        var mine = DicomFixtures.instance().patient(patientId(), "Me^Myself");
        var theirs = DicomFixtures.instance().patient(patientId(), "Other^Person");
        Api.store(mine.bytes(), theirs.bytes()).then().statusCode(200);
        for (var b : List.of(mine, theirs)) {
            Api.as(Api.ADMIN).accept(ANY_TS).get("/dicomweb/studies/" + b.studyUid()).then().statusCode(200);
        }
        String me = TestTokens.patient("me-" + mine.patientId(), mine.patientId());

        JsonPath log = log(me, "");
        assertEquals(List.of(mine.studyUid()), log.getList("findAll { it.action == 'RETRIEVE' }.studyUid"));
        Map<String, Object> entry = log.getMap("find { it.action == 'RETRIEVE' }");
        assertEquals("admin", entry.get("username"));
        assertEquals("dicomgate-viewer", entry.get("clientId"));
        assertEquals("SUCCESS", entry.get("outcome"));
        assertEquals(200, entry.get("httpStatus"));
        assertEquals(false, entry.get("breakGlass"));
        Instant.parse((String) entry.get("time"));
        Api.as(me).get("/api/me/access-log").then().body("studyUid", not(hasItem(theirs.studyUid())));
    }

    @Test
    void breakGlassDeniedAndNewestFirstWithPaging() {
        String pid = patientId();
        Instant t = Instant.now();
        AuditEvent denied = new AuditEvent(t.minusSeconds(2), AuditRows.requestId(), "sub-dr", "dr-house", "viewer",
                Set.of("clinician"), "10.0.0.9", AuditAction.RETRIEVE, pid, "", "1.2.8.1", null, null,
                AuditOutcome.DENIED, 404, null, null, null);
        AuditEvent btg = new AuditEvent(t.minusSeconds(1), AuditRows.requestId(), "sub-dr", "dr-house", "viewer",
                Set.of("clinician", "emergency-access"), "10.0.0.9", AuditAction.RETRIEVE, pid, "", "1.2.8.1", null,
                null, AuditOutcome.SUCCESS, 200, "BTG", "unconscious, suspected stroke", null);
        AuditEvent otherIssuer = new AuditEvent(t, AuditRows.requestId(), "sub-dr", "dr-house", "viewer",
                Set.of("clinician"), null, AuditAction.RETRIEVE, pid, "OTHER-HOSPITAL", "1.2.8.2", null, null,
                AuditOutcome.SUCCESS, 200, null, null, null);
        events.fire(denied);
        events.fire(btg);
        events.fire(otherIssuer);
        String me = TestTokens.patient("pat-" + pid, pid);

        Api.as(me).get("/api/me/access-log").then().statusCode(200)
                .body("$", hasSize(2))
                .body("[0].breakGlass", equalTo(true))
                .body("[0].breakGlassReason", equalTo("unconscious, suspected stroke"))
                .body("[0].purposeOfUse", equalTo("BTG"))
                .body("[0].username", equalTo("dr-house"))
                .body("[1].outcome", equalTo("DENIED"))
                .body("[1].httpStatus", equalTo(404))
                .body("studyUid", everyItem(equalTo("1.2.8.1")));
        Api.as(me).get("/api/me/access-log?limit=1").then().body("$", hasSize(1)).body("[0].breakGlass", equalTo(true));
        Api.as(me).get("/api/me/access-log?limit=1&offset=1").then().body("$", hasSize(1))
                .body("[0].outcome", equalTo("DENIED"));
        Api.as(me).get("/api/me/access-log?offset=2").then().body("$", empty());
    }

    @Test
    void summaryGroupsAWeekOfViewingIntoOneRowPerWhoStudyAndAction() {
        String pid = patientId();
        Instant t = Instant.now().minusSeconds(600).truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
        for (int i = 0; i < 40; i++) {
            events.fire(new AuditEvent(t.plusSeconds(i), AuditRows.requestId(), "sub-dr", "dr-house", "viewer",
                    Set.of("clinician"), null, AuditAction.RETRIEVE, pid, "", "1.2.9.1", null, null,
                    i == 0 ? AuditOutcome.DENIED : AuditOutcome.SUCCESS, i == 0 ? 404 : 200, null, null, null));
        }
        events.fire(new AuditEvent(t.plusSeconds(100), AuditRows.requestId(), "sub-dr", "dr-house", "viewer",
                Set.of("clinician", "emergency-access"), null, AuditAction.RETRIEVE, pid, "", "1.2.9.2", null, null,
                AuditOutcome.SUCCESS, 200, "BTG", "trauma", null));
        events.fire(new AuditEvent(t.plusSeconds(50), AuditRows.requestId(), "sub-ct", "dr-cuddy", "viewer",
                Set.of("clinician"), null, AuditAction.SEARCH, pid, "", null, null, null, AuditOutcome.SUCCESS, 200,
                null, null, null));
        String me = TestTokens.patient("pat-" + pid, pid);
        JsonPath summary = Api.as(me).get("/api/me/access-log/summary").then().statusCode(200).extract().jsonPath();
        assertEquals(3, summary.getList("$").size(), summary.prettify());
        // Latest group first: the emergency access (t+100), the search (t+50), the 40 views (last at t+39).
        assertEquals(java.util.Arrays.asList("1.2.9.2", null, "1.2.9.1"), summary.getList("studyUid"));
        assertEquals(true, summary.getBoolean("[0].breakGlass"));
        assertEquals("trauma", summary.getString("[0].breakGlassReason"));
        assertEquals(40, summary.getInt("[2].count"));
        assertEquals(1, summary.getInt("[2].refused"));
        assertEquals("dr-house", summary.getString("[2].username"));
        assertEquals(t.toString(), summary.getString("[2].first"));
        assertEquals(t.plusSeconds(39).toString(), summary.getString("[2].last"));
        Api.as(me).get("/api/me/access-log/summary?limit=1&offset=2").then().body("studyUid", contains("1.2.9.1"));
        Api.as(me).get("/api/me/access-log/summary?limit=0").then().statusCode(400);
        Api.as(Api.ADMIN).get("/api/me/access-log/summary").then().statusCode(403);
    }

    @Test
    void readingOnesOwnLogIsAuditedButNotListed() {
        String pid = patientId();
        String me = TestTokens.patient("pat-" + pid, pid);
        String id = AuditRows.requestId();
        Api.as(me).header(AuditResponseFilter.REQUEST_ID, id).get("/api/me/access-log").then().statusCode(200);
        Map<String, Object> row = AuditRows.awaitByRequest(ds, id, 1).get(0);
        assertEquals("ACCESS_LOG_READ", row.get("action"));
        assertEquals(pid, row.get("patient_id"));
        Api.as(me).get("/api/me/access-log").then().statusCode(200).body("$", empty());
    }

    @Test
    void aPatientTokenWithoutPatientIdIs403() {
        String id = AuditRows.requestId();
        Api.as(TestTokens.user("no-claim", "patient")).header(AuditResponseFilter.REQUEST_ID, id)
                .get("/api/me/access-log").then().statusCode(403);
        Map<String, Object> row = AuditRows.awaitByRequest(ds, id, 1).get(0);
        assertEquals("ACCESS_LOG_READ", row.get("action"));
        assertEquals("DENIED", row.get("outcome"));
    }

    @ParameterizedTest
    @CsvSource({ "limit=0", "limit=501", "limit=x", "offset=-1" })
    void badPagingIs400(String query) {
        Api.as(TestTokens.patient("pager", "PAGER-1")).get("/api/me/access-log?" + query).then().statusCode(400);
    }
}
