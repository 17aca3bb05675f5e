package io.dicomgate.audit;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.startsWith;
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
import io.dicomgate.testsupport.PostgresTestResource;
import io.dicomgate.testsupport.TestTokens;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;

/** GET /api/audit: FHIR R4 AuditEvents (IHE BALP) in a searchset Bundle, filters, paging, roles. */
@QuarkusTest
@QuarkusTestResource(PostgresTestResource.class)
class AuditExportTest {

    static final String AUDITOR = TestTokens.user("auditor-export", "auditor");

    @Inject
    DataSource ds;
    @Inject
    Event<AuditEvent> events;

    private static String unique(String prefix) {
        return prefix + "-" + System.nanoTime();
    }

    private AuditEvent fire(String user, AuditAction action, String patient, String issuer, String study,
            AuditOutcome outcome, int status, Instant time, String reason) {
        AuditEvent e = new AuditEvent(time, AuditRows.requestId(), "sub-" + user, user, "dicomgate-viewer",
                Set.of("clinician", "emergency-access"), "10.1.2.3", action, patient, issuer, study,
                study == null ? null : study + ".1", null, outcome, status, reason == null ? null : "BTG", reason, null);
        events.fire(e);
        return e;
    }

    private JsonPath export(String query) {
        return Api.as(AUDITOR).get("/api/audit?" + query).then().statusCode(200)
                .contentType(startsWith("application/fhir+json")).extract().jsonPath();
    }

    @Test
    void auditEventShapeFollowsBalp() {
        String user = unique("fhir");
        AuditEvent e = fire(user, AuditAction.RETRIEVE, "PAT-F1", "1.2.840.99", "1.2.3.77", AuditOutcome.SUCCESS, 200,
                Instant.now(), "unconscious patient in ER");
        fire(user, AuditAction.SEARCH, null, null, null, AuditOutcome.DENIED, 403, Instant.now(), null);

        Api.as(AUDITOR).get("/api/audit?user=" + user).then().statusCode(200)
                .contentType(startsWith("application/fhir+json"))
                .body("resourceType", equalTo("Bundle"))
                .body("type", equalTo("searchset"))
                .body("entry", hasSize(2))
                .body("entry.search.mode", everyItem(equalTo("match")))
                .body("entry[0].resource.resourceType", equalTo("AuditEvent"))
                .body("entry[0].resource.type.system", equalTo("http://dicom.nema.org/resources/ontology/DCM"))
                .body("entry[0].resource.type.code", equalTo("110106"))
                .body("entry[0].resource.subtype.code", contains("read", "WADO-RS"))
                .body("entry[0].resource.action", equalTo("R"))
                .body("entry[0].resource.outcome", equalTo("0"))
                .body("entry[0].resource.recorded", equalTo(AuditChain.storedTime(e.time()).toString()))
                .body("entry[0].resource.purposeOfEvent[0].coding[0].system",
                        equalTo("http://terminology.hl7.org/CodeSystem/v3-ActReason"))
                .body("entry[0].resource.purposeOfEvent[0].coding[0].code", equalTo("BTG"))
                .body("entry[0].resource.purposeOfEvent[0].text", equalTo("unconscious patient in ER"))
                .body("entry[0].resource.agent[0].who.identifier.value", equalTo("sub-" + user))
                .body("entry[0].resource.agent[0].who.display", equalTo(user))
                .body("entry[0].resource.agent[0].requestor", equalTo(true))
                .body("entry[0].resource.agent[0].role.coding.code.flatten()", contains("clinician", "emergency-access"))
                .body("entry[0].resource.agent[0].network.address", equalTo("10.1.2.3"))
                .body("entry[0].resource.agent[1].who.identifier.value", equalTo("dicomgate-viewer"))
                .body("entry[0].resource.agent[1].requestor", equalTo(false))
                .body("entry[0].resource.source.observer.display", equalTo("dicomgate"))
                .body("entry[0].resource.entity[0].what.identifier.system", equalTo("urn:oid:1.2.840.99"))
                .body("entry[0].resource.entity[0].what.identifier.value", equalTo("PAT-F1"))
                .body("entry[0].resource.entity[0].role.code", equalTo("1"))
                .body("entry[0].resource.entity[1].what.identifier.system", equalTo("urn:dicom:uid"))
                .body("entry[0].resource.entity[1].what.identifier.value", equalTo("urn:oid:1.2.3.77"))
                .body("entry[0].resource.entity[2].type.code", equalTo("XrequestId"))
                .body("entry[0].resource.entity[2].what.identifier.value", equalTo(e.requestId()))
                .body("entry[1].resource.type.code", equalTo("110112"))
                .body("entry[1].resource.subtype.code", contains("search-type", "QIDO-RS"))
                .body("entry[1].resource.action", equalTo("E"))
                .body("entry[1].resource.outcome", equalTo("4"))
                .body("entry[1].resource.outcomeDesc", containsString("403"));
    }

    @Test
    void filtersByPatientIssuerActionAndTime() {
        String patient = unique("PAT-FILTER");
        String user = unique("filter");
        Instant day1 = Instant.parse("2001-01-01T10:00:00Z");
        Instant day2 = Instant.parse("2001-01-02T10:00:00Z");
        fire(user, AuditAction.RETRIEVE, patient, "A", "1.2.5.1", AuditOutcome.SUCCESS, 200, day1, null);
        fire(user, AuditAction.SEARCH, patient, "B", null, AuditOutcome.SUCCESS, 200, day2, null);
        fire(user, AuditAction.STORE, unique("PAT-OTHER"), "A", "1.2.5.2", AuditOutcome.SUCCESS, 200, day2, null);

        record Case(String query, List<String> actions) {
        }
        for (Case c : List.of(
                new Case("patient=" + patient, List.of("R", "E")),
                new Case("patient=" + patient + "&issuer=A", List.of("R")),
                new Case("patient=" + patient + "&issuer=C", List.of()),
                new Case("user=" + user + "&action=STORE", List.of("C")),
                new Case("user=" + user + "&action=search", List.of("E")),
                new Case("user=" + user + "&from=2001-01-02T00:00:00Z", List.of("E", "C")),
                new Case("user=" + user + "&to=2001-01-02T00:00:00Z", List.of("R")),
                new Case("user=" + user + "&from=2001-01-01T10:00:00Z&to=2001-01-01T10:00:00.000001Z", List.of("R")))) {
            List<String> actions = export(c.query()).getList("entry.resource.action");
            assertEquals(c.actions(), actions, c.query());
        }
    }

    @Test
    void pagesInSeqOrderThroughTheNextLink() {
        String user = unique("page");
        for (int i = 0; i < 5; i++) {
            fire(user, AuditAction.SEARCH, null, null, null, AuditOutcome.SUCCESS, 200, Instant.now(), null);
        }
        List<Long> seen = new java.util.ArrayList<>();
        String url = "/api/audit?user=" + user + "&_count=2";
        int pages = 0;
        while (url != null) {
            JsonPath page = Api.as(AUDITOR).get(url.replaceFirst("^https?://[^/]+", "")).then().statusCode(200)
                    .extract().jsonPath();
            page.getList("entry.resource.id", String.class).forEach(id -> seen.add(Long.parseLong(id)));
            List<Map<String, String>> links = page.getList("link");
            url = links.stream().filter(l -> "next".equals(l.get("relation"))).map(l -> l.get("url")).findFirst()
                    .orElse(null);
            pages++;
            if (pages > 5) {
                throw new AssertionError("paging does not end");
            }
        }
        assertEquals(5, seen.size());
        assertEquals(seen.stream().sorted().toList(), seen);
        assertEquals(3, pages);
    }

    @ParameterizedTest
    @CsvSource({ "_count=0", "_count=1001", "_count=abc", "from=yesterday", "to=2001-13-01T00:00:00Z",
            "action=DELETE_EVERYTHING", "issuer=A", "_after=-1" })
    void badFiltersAre400(String query) {
        Api.as(AUDITOR).get("/api/audit?" + query).then().statusCode(400);
    }

    @Test
    void countDefaultsTo100() {
        String user = unique("bulk");
        for (int i = 0; i < 101; i++) {
            fire(user, AuditAction.SEARCH, null, null, null, AuditOutcome.SUCCESS, 200, Instant.now(), null);
        }
        Api.as(AUDITOR).get("/api/audit?user=" + user).then().statusCode(200).body("entry", hasSize(100))
                .body("link.relation", hasItem("next"));
        Api.as(AUDITOR).get("/api/audit?_count=1000&user=" + user).then().statusCode(200).body("entry", hasSize(101))
                .body("link.relation", contains("self"));
    }

    @Test
    void readingTheAuditIsAuditedUnderThePatientSearchedFor() {
        String patient = unique("PAT-READ");
        String id = AuditRows.requestId();
        Api.as(AUDITOR).header(AuditResponseFilter.REQUEST_ID, id).get("/api/audit?patient=" + patient).then()
                .statusCode(200);
        Map<String, Object> row = AuditRows.awaitByRequest(ds, id, 1).get(0);
        assertEquals("AUDIT_READ", row.get("action"));
        assertEquals("export", row.get("detail"));
        assertEquals(patient, row.get("patient_id"));
        assertEquals("SUCCESS", row.get("outcome"));
        // and it shows in the export like any other event
        export("user=auditor-export&action=AUDIT_READ&patient=" + patient).getList("entry.resource.action")
                .forEach(a -> assertEquals("E", a));
    }

    @ParameterizedTest(name = "{0} as {1} -> {2}")
    @CsvSource({
            "/api/audit,          imaging-admin, 403",
            "/api/audit,          clinician,     403",
            "/api/audit,          patient,       403",
            "/api/audit,          consent-admin, 403",
            "/api/audit,          auditor,       200",
            "/api/audit/verify,   imaging-admin, 403",
            "/api/audit/verify,   clinician,     403",
            "/api/audit/verify,   auditor,       200",
            "/api/me/access-log,  auditor,       403",
            "/api/me/access-log,  clinician,     403",
            "/api/me/access-log,  imaging-admin, 403" })
    void roles(String path, String role, int status) {
        Api.as(TestTokens.user("role-" + role, role)).get(path).then().statusCode(status);
    }

    @ParameterizedTest
    @CsvSource({ "/api/audit", "/api/audit/verify", "/api/me/access-log" })
    void noTokenIs401(String path) {
        given().get(path).then().statusCode(401);
    }

    @Test
    void refusedAuditReadsAreAuditedToo() {
        String id = AuditRows.requestId();
        Api.as(TestTokens.user("curious-clinician", "clinician")).header(AuditResponseFilter.REQUEST_ID, id)
                .get("/api/audit").then().statusCode(403);
        List<Map<String, Object>> rows = AuditRows.awaitByRequest(ds, id, 1);
        assertEquals(1, rows.size());
        assertEquals("AUDIT_READ", rows.get(0).get("action"));
        assertEquals("DENIED", rows.get(0).get("outcome"));
        export("user=curious-clinician").getList("entry.resource.outcome").forEach(o -> assertEquals("4", o));
        Api.as(AUDITOR).get("/api/audit?user=curious-clinician").then().body("entry.resource.type.code",
                hasItem("rest"));
    }
}
