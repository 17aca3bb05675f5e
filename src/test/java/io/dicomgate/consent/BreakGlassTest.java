package io.dicomgate.consent;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import io.dicomgate.access.BreakGlassConfig;
import io.dicomgate.access.Caller;
import io.dicomgate.access.PatientRef;
import io.dicomgate.audit.AuditAction;
import io.dicomgate.audit.AuditEvent;
import io.dicomgate.audit.AuditOutcome;
import io.dicomgate.dicom.InvalidRequestException;
import io.dicomgate.testsupport.Api;
import io.dicomgate.testsupport.PostgresTestResource;
import io.dicomgate.testsupport.RecordedAuditEvents;
import io.dicomgate.testsupport.TestTokens;
import io.quarkus.security.ForbiddenException;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;

/** Opening break-the-glass grants, and the auditors' review of them under {@code /api/break-glass}. */
@QuarkusTest
@QuarkusTestResource(PostgresTestResource.class)
class BreakGlassTest {

    private static final String BASE = "/api/break-glass";
    private static final String AUDITOR = TestTokens.user("ann.auditor", "auditor");

    @Inject
    BreakGlassService breakGlass;
    @Inject
    io.dicomgate.access.BreakGlassGrants grants;
    @Inject
    BreakGlassConfig config;
    @Inject
    RecordedAuditEvents auditRecorder;

    private static String newPatient() {
        return "BG-" + UUID.randomUUID().toString().substring(0, 13);
    }

    private static Caller emergencyClinician(String username) {
        return new Caller("sub-" + username, username, "dicomgate-viewer", Set.of("clinician", "emergency-access"),
                Set.of("openid", "user/ImagingStudy.rs"), null, "");
    }

    private BreakGlassGrant open(String username, String pid) {
        return breakGlass.get(grants.open(emergencyClinician(username), new PatientRef(pid, "HOSP"),
                "unconscious in ER", "ETREAT", config.timeBox()));
    }

    // ---- opening (the Java API the access layer calls) -------------------------------------------

    @Test
    void openRecordsAGrantForTheConfiguredTimeBox() {
        String pid = newPatient();
        Instant before = Instant.now().minusSeconds(1);
        BreakGlassGrant grant = open("dr.er", pid);
        assertEquals(Duration.ofMinutes(60), config.timeBox());
        assertEquals(Duration.ofMinutes(60), Duration.between(grant.createdAt(), grant.expiresAt()));
        assertTrue(grant.createdAt().isAfter(before) && grant.isOpenAt(Instant.now()));
        assertEquals("dr.er", grant.username());
        assertEquals("dicomgate-viewer", grant.clientId());
        assertEquals(new PatientRef(pid, "HOSP"), grant.patient());
        assertEquals("unconscious in ER", grant.reason());
        assertEquals("ETREAT", grant.purposeOfUse());
        assertNull(grant.reviewedAt());

        Api.as(AUDITOR).get(BASE + "/" + grant.id()).then().statusCode(200)
                .body("id", equalTo(grant.id().toString()))
                .body("username", equalTo("dr.er"))
                .body("clientId", equalTo("dicomgate-viewer"))
                .body("patientId", equalTo(pid))
                .body("issuer", equalTo("HOSP"))
                .body("reason", equalTo("unconscious in ER"))
                .body("purposeOfUse", equalTo("ETREAT"))
                .body("createdAt", equalTo(grant.createdAt().toString()))
                .body("expiresAt", equalTo(grant.expiresAt().toString()))
                .body("reviewedAt", nullValue())
                .body("reviewedBy", nullValue())
                .body("reviewComment", nullValue());
    }

    @Test
    void everyOpeningIsANewGrantToReview() {
        String pid = newPatient();
        BreakGlassGrant first = open("dr.twice", pid);
        BreakGlassGrant second = breakGlass.get(grants.open(emergencyClinician("dr.twice"),
                new PatientRef(pid, "HOSP"), "still unconscious", null, Duration.ofMinutes(5)));
        assertNotEquals(first.id(), second.id());
        assertEquals(Duration.ofMinutes(5), Duration.between(second.createdAt(), second.expiresAt()));
        Api.as(AUDITOR).queryParam("patient", pid).get(BASE).then().statusCode(200)
                .body("id", contains(second.id().toString(), first.id().toString()))
                .body("[0].purposeOfUse", nullValue());
    }

    @Test
    void openRefusesCallersWithoutEmergencyAccessAndBadInput() {
        PatientRef patient = new PatientRef(newPatient(), "");
        Caller plain = new Caller("sub-x", "dr.plain", "dicomgate-viewer", Set.of("clinician"),
                Set.of("user/ImagingStudy.rs"), null, "");
        assertThrows(ForbiddenException.class, () -> grants.open(plain, patient, "reason", null, config.timeBox()));
        Caller patientScoped = new Caller("sub-y", "dr.portal", "dicomgate-portal",
                Set.of("clinician", "emergency-access"), Set.of("patient/ImagingStudy.rs"), null, "");
        assertThrows(ForbiddenException.class, () -> grants.open(patientScoped, patient, "reason", null, config.timeBox()));
        Caller er = emergencyClinician("dr.bad");
        assertThrows(InvalidRequestException.class, () -> grants.open(er, patient, "  ", null, config.timeBox()));
        assertThrows(InvalidRequestException.class, () -> grants.open(er, patient, null, null, config.timeBox()));
        assertThrows(InvalidRequestException.class, () -> grants.open(er, patient, "r".repeat(1001), null, config.timeBox()));
        assertThrows(InvalidRequestException.class, () -> grants.open(er, patient, "reason", "not a code", config.timeBox()));
        assertThrows(IllegalArgumentException.class, () -> grants.open(er, patient, "reason", null, Duration.ZERO));
        Api.as(AUDITOR).queryParam("patient", patient.patientId()).get(BASE).then().body("$", empty());
    }

    // ---- review ----------------------------------------------------------------------------------

    @Test
    void reviewFlow() {
        String pid = newPatient();
        BreakGlassGrant grant = open("dr.flow", pid);
        String id = grant.id().toString();
        Api.as(AUDITOR).queryParam("patient", pid).queryParam("reviewed", "false").get(BASE).then()
                .body("id", contains(id));
        Api.as(AUDITOR).queryParam("patient", pid).queryParam("reviewed", "true").get(BASE).then().body("$", empty());

        Response reviewed = Api.as(AUDITOR).contentType("application/json")
                .body("{\"comment\":\"justified: trauma call 14:02\"}").post(BASE + "/" + id + "/review");
        reviewed.then().statusCode(200)
                .body("reviewedBy", equalTo("ann.auditor"))
                .body("reviewedAt", notNullValue())
                .body("reviewComment", equalTo("justified: trauma call 14:02"));

        Api.as(AUDITOR).queryParam("patient", pid).queryParam("reviewed", "false").get(BASE).then().body("$", empty());
        Api.as(AUDITOR).queryParam("patient", pid).queryParam("reviewed", "true").get(BASE).then()
                .body("id", contains(id))
                .body("[0].reviewedAt", equalTo(reviewed.path("reviewedAt")));

        // Once only: the first verdict stands.
        Api.as(TestTokens.user("bob.auditor", "auditor")).contentType("application/json")
                .body("{\"comment\":\"second opinion\"}").post(BASE + "/" + id + "/review").then().statusCode(409)
                .body(equalTo("grant already reviewed"));
        Api.as(AUDITOR).get(BASE + "/" + id).then()
                .body("reviewedBy", equalTo("ann.auditor"))
                .body("reviewComment", equalTo("justified: trauma call 14:02"));
    }

    @Test
    void filtersByUsername() {
        String pid = newPatient();
        BreakGlassGrant a = open("dr.one-" + pid, pid);
        open("dr.two-" + pid, pid);
        Api.as(AUDITOR).queryParam("username", "dr.one-" + pid).get(BASE).then().body("id", contains(a.id().toString()));
        Api.as(AUDITOR).queryParam("patient", pid).queryParam("issuer", "OTHER").get(BASE).then().body("$", empty());
        Api.as(AUDITOR).queryParam("patient", pid).queryParam("limit", "1").get(BASE).then().body("$",
                org.hamcrest.Matchers.hasSize(1));
    }

    @Test
    void auditorsDoNotReviewTheirOwnGrants() {
        String pid = newPatient();
        BreakGlassGrant grant = open("dr.both", pid);
        Api.as(TestTokens.user("dr.both", "auditor")).contentType("application/json").body("{\"comment\":\"fine\"}")
                .post(BASE + "/" + grant.id() + "/review").then().statusCode(403);
        Api.as(AUDITOR).get(BASE + "/" + grant.id()).then().body("reviewedAt", nullValue());
    }

    static Stream<Arguments> badReviews() {
        return Stream.of(
                Arguments.of("no body", null, "comment"),
                Arguments.of("not an object", "[\"ok\"]", "comment"),
                Arguments.of("no comment", "{}", "comment is required"),
                Arguments.of("null comment", "{\"comment\":null}", "comment is required"),
                Arguments.of("empty comment", "{\"comment\":\"\"}", "comment is required"),
                Arguments.of("blank comment", "{\"comment\":\" \\n \"}", "comment is required"),
                Arguments.of("comment too long", "{\"comment\":\"" + "c".repeat(2001) + "\"}", "at most 2000"),
                Arguments.of("comment not text", "{\"comment\":42}", "comment must be a string"),
                Arguments.of("unknown field", "{\"comment\":\"ok\",\"verdict\":\"ok\"}", "unknown field verdict"),
                Arguments.of("malformed", "{\"comment\":", "not valid JSON"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badReviews")
    void badReviewBodiesAre400AndReviewNothing(String why, String body, String message) {
        BreakGlassGrant grant = open("dr.bad-review", newPatient());
        var request = Api.as(AUDITOR).contentType("application/json");
        if (body != null) {
            request.body(body);
        }
        request.post(BASE + "/" + grant.id() + "/review").then().statusCode(400).body(containsString(message));
        Api.as(AUDITOR).get(BASE + "/" + grant.id()).then().body("reviewedAt", nullValue());
    }

    @Test
    void longestCommentIsAccepted() {
        BreakGlassGrant grant = open("dr.long", newPatient());
        Api.as(AUDITOR).contentType("application/json").body("{\"comment\":\"" + "c".repeat(2000) + "\"}")
                .post(BASE + "/" + grant.id() + "/review").then().statusCode(200);
    }

    @ParameterizedTest
    @ValueSource(strings = { "00000000-0000-0000-0000-000000000000", "nope" })
    void unknownGrantIs404(String id) {
        Api.as(AUDITOR).get(BASE + "/" + id).then().statusCode(404);
        Api.as(AUDITOR).contentType("application/json").body("{\"comment\":\"x\"}").post(BASE + "/" + id + "/review")
                .then().statusCode(404);
    }

    @ParameterizedTest
    @ValueSource(strings = { "reviewed=maybe", "limit=0", "offset=x", "patient=a%5Cb", "issuer=%01" })
    void badListParametersAre400(String query) {
        Api.as(AUDITOR).urlEncodingEnabled(false).get(BASE + "?" + query).then().statusCode(400);
    }

    // ---- roles -----------------------------------------------------------------------------------

    static Stream<Arguments> endpoints() {
        String id = UUID.randomUUID().toString();
        return Stream.of(Arguments.of("GET", BASE), Arguments.of("GET", BASE + "/" + id),
                Arguments.of("POST", BASE + "/" + id + "/review"));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("endpoints")
    void onlyAuditorsReview(String method, String path) {
        given().contentType("application/json").body("{\"comment\":\"x\"}").request(method, path).then().statusCode(401);
        for (String role : List.of("clinician", "emergency-access", "patient", "consent-admin", "imaging-admin", "ingest")) {
            Api.as(TestTokens.user("u-" + role, role)).contentType("application/json").body("{\"comment\":\"x\"}")
                    .request(method, path).then().statusCode(403);
        }
    }

    @Test
    void aClinicianCannotReviewTheirOwnGrantEvenWithTheUrl() {
        BreakGlassGrant grant = open("dr.self", newPatient());
        Api.as(TestTokens.user("dr.self", "clinician", "emergency-access")).contentType("application/json")
                .body("{\"comment\":\"all good\"}").post(BASE + "/" + grant.id() + "/review").then().statusCode(403);
        Api.as(AUDITOR).get(BASE + "/" + grant.id()).then().body("reviewedAt", nullValue());
    }

    // ---- audit -----------------------------------------------------------------------------------

    @Test
    void readsAndReviewsAreAuditedWithThePatient() {
        String pid = newPatient();
        BreakGlassGrant grant = open("dr.audited", pid);
        Response read = Api.as(AUDITOR).get(BASE + "/" + grant.id());
        assertAudit(read, AuditAction.BREAK_GLASS_READ, AuditOutcome.SUCCESS, Set.of(pid));
        Response list = Api.as(AUDITOR).queryParam("patient", pid).get(BASE);
        assertAudit(list, AuditAction.BREAK_GLASS_READ, AuditOutcome.SUCCESS, Set.of(pid));
        Response review = Api.as(AUDITOR).contentType("application/json").body("{\"comment\":\"ok\"}")
                .post(BASE + "/" + grant.id() + "/review");
        assertAudit(review, AuditAction.BREAK_GLASS_REVIEW, AuditOutcome.SUCCESS, Set.of(pid));
        assertEquals("break-glass " + grant.id(), events(review).get(0).detail());
        Response denied = Api.as(TestTokens.user("dr.audited", "clinician")).contentType("application/json")
                .body("{\"comment\":\"ok\"}").post(BASE + "/" + grant.id() + "/review");
        assertEquals(AuditOutcome.DENIED, events(denied).get(0).outcome());
        assertEquals(AuditAction.BREAK_GLASS_REVIEW, events(denied).get(0).action());
    }

    private List<AuditEvent> events(Response response) {
        return auditRecorder.forRequest(response.header("X-Request-Id"));
    }

    private void assertAudit(Response response, AuditAction action, AuditOutcome outcome, Set<String> patients) {
        response.then().statusCode(200);
        List<AuditEvent> events = events(response);
        assertTrue(!events.isEmpty(), "audit events");
        events.forEach(e -> {
            assertEquals(action, e.action());
            assertEquals(outcome, e.outcome());
        });
        assertEquals(patients, events.stream().map(AuditEvent::patientId).collect(Collectors.toSet()));
    }
}
