package io.dicomgate.consent;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.allOf;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.endsWith;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import javax.sql.DataSource;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import io.dicomgate.audit.AuditAction;
import io.dicomgate.audit.AuditEvent;
import io.dicomgate.audit.AuditOutcome;
import io.dicomgate.testsupport.Api;
import io.dicomgate.testsupport.PostgresTestResource;
import io.dicomgate.testsupport.RecordedAuditEvents;
import io.dicomgate.testsupport.TestTokens;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;

/** {@code /api/consents}: validation, who may write and read which consent, revocation, expiry, audit. */
@QuarkusTest
@QuarkusTestResource(PostgresTestResource.class)
class ConsentTest {

    private static final String CONSENTS = "/api/consents";
    private static final String CONSENT_ADMIN = TestTokens.user("records.clerk", "consent-admin");

    @Inject
    DataSource dataSource;
    @Inject
    RecordedAuditEvents auditRecorder;

    /** Each test works on its own patients and clinicians, so tests never see each other's rows. */
    private static String newId(String prefix) {
        return prefix + UUID.randomUUID().toString().substring(0, 13);
    }

    private static RequestSpecification json(String token, String body) {
        return Api.as(token).contentType("application/json").body(body);
    }

    private static String grant(String grantee) {
        return "{\"grantee\":{\"type\":\"user\",\"id\":\"" + grantee + "\"},\"decision\":\"permit\"}";
    }

    private static String grantFor(String patientId, String grantee) {
        return "{\"patientId\":\"" + patientId + "\",\"grantee\":{\"type\":\"user\",\"id\":\"" + grantee
                + "\"},\"decision\":\"permit\"}";
    }

    private static String create(String token, String body) {
        return json(token, body).post(CONSENTS).then().statusCode(201).extract().path("id");
    }

    private static String patientWithIssuer(String username, String patientId, String issuer) {
        Map<String, Object> claims = TestTokens.claims(username, "patient");
        claims.put("patient_id", patientId);
        claims.put("patient_id_issuer", issuer);
        return TestTokens.sign(claims);
    }

    // ---- validation --------------------------------------------------------------------------

    static Stream<Arguments> invalidBodies() {
        String ok = "\"grantee\":{\"type\":\"user\",\"id\":\"dr.house\"},\"decision\":\"permit\"";
        String secretUid = "1.2.3." + "9".repeat(60);
        return Stream.of(
                Arguments.of("array body", "[]", "body must be a JSON object"),
                Arguments.of("malformed JSON", "{\"decision\": SECRET", "body is not valid JSON"),
                Arguments.of("empty body", "", "body must be a JSON object"),
                Arguments.of("misspelt studies", "{" + ok + ",\"studys\":[\"1.2.3\"]}", "unknown field studys"),
                Arguments.of("unknown grantee field", "{\"grantee\":{\"type\":\"user\",\"id\":\"a\",\"role\":\"x\"},"
                        + "\"decision\":\"permit\"}", "unknown field grantee.role"),
                Arguments.of("odd unknown field", "{" + ok + ",\"SECRET Doe\":1}", "unknown field"),
                Arguments.of("no grantee", "{\"decision\":\"permit\"}", "grantee is required"),
                Arguments.of("grantee not object", "{\"grantee\":\"dr.house\",\"decision\":\"permit\"}",
                        "grantee must be an object"),
                Arguments.of("grantee type unknown", "{\"grantee\":{\"type\":\"group\",\"id\":\"a\"},\"decision\":\"permit\"}",
                        "grantee.type must be 'user' or 'client'"),
                Arguments.of("grantee type missing", "{\"grantee\":{\"id\":\"a\"},\"decision\":\"permit\"}",
                        "grantee.type must be 'user' or 'client'"),
                Arguments.of("grantee id missing", "{\"grantee\":{\"type\":\"user\"},\"decision\":\"permit\"}",
                        "grantee.id is required"),
                Arguments.of("grantee id blank", "{\"grantee\":{\"type\":\"user\",\"id\":\"  \"},\"decision\":\"permit\"}",
                        "grantee.id is required"),
                Arguments.of("grantee id too long", "{\"grantee\":{\"type\":\"user\",\"id\":\"" + "S".repeat(256)
                        + "\"},\"decision\":\"permit\"}", "grantee.id must be at most 255 characters"),
                Arguments.of("grantee id padded", "{\"grantee\":{\"type\":\"user\",\"id\":\" SECRET\"},\"decision\":\"permit\"}",
                        "surrounding spaces"),
                Arguments.of("grantee id number", "{\"grantee\":{\"type\":\"user\",\"id\":42},\"decision\":\"permit\"}",
                        "grantee.id must be a string"),
                Arguments.of("no decision", "{\"grantee\":{\"type\":\"user\",\"id\":\"a\"}}", "decision must be 'permit' or 'deny'"),
                Arguments.of("unknown decision", "{\"grantee\":{\"type\":\"user\",\"id\":\"a\"},\"decision\":\"SECRET\"}",
                        "decision must be 'permit' or 'deny'"),
                Arguments.of("decision upper case", "{\"grantee\":{\"type\":\"user\",\"id\":\"a\"},\"decision\":\"PERMIT\"}",
                        "decision must be 'permit' or 'deny'"),
                Arguments.of("studies not array", "{" + ok + ",\"studies\":\"1.2.3\"}", "studies must be an array"),
                Arguments.of("study UID leading zero", "{" + ok + ",\"studies\":[\"1.2.3\",\"1.02.3\"]}",
                        "studies[1] is not a valid DICOM UID"),
                Arguments.of("study UID too long", "{" + ok + ",\"studies\":[\"" + secretUid + "\"]}",
                        "studies[0] is not a valid DICOM UID"),
                Arguments.of("study UID not text", "{" + ok + ",\"studies\":[123]}", "studies[0] is not a valid DICOM UID"),
                Arguments.of("study UID null", "{" + ok + ",\"studies\":[null]}", "studies[0] is not a valid DICOM UID"),
                Arguments.of("too many studies", "{" + ok + ",\"studies\":[" + IntStream.range(0, 1001)
                        .mapToObj(i -> "\"1.2." + i + "\"").collect(Collectors.joining(",")) + "]}", "at most 1000"),
                Arguments.of("start not a time", "{" + ok + ",\"start\":\"SECRET\"}", "start must be an ISO 8601"),
                Arguments.of("start without offset", "{" + ok + ",\"start\":\"2030-01-01T10:00:00\"}", "start must be an ISO 8601"),
                Arguments.of("end bad date", "{" + ok + ",\"end\":\"2030-13-01\"}", "end must be an ISO 8601"),
                Arguments.of("end number", "{" + ok + ",\"end\":1893456000}", "end must be a string"),
                Arguments.of("end before start", "{" + ok + ",\"start\":\"2090-01-02T00:00:00Z\",\"end\":\"2090-01-01T00:00:00Z\"}",
                        "end must be after start"),
                Arguments.of("end equals start", "{" + ok + ",\"start\":\"2090-01-01T00:00:00Z\",\"end\":\"2090-01-01T00:00:00Z\"}",
                        "end must be after start"),
                Arguments.of("end in the past", "{" + ok + ",\"start\":\"2020-01-01T00:00:00Z\",\"end\":\"2021-01-01\"}",
                        "end must be in the future"),
                Arguments.of("end now-ish without start", "{" + ok + ",\"end\":\"2000-01-01T00:00:00Z\"}", "end must be after start"),
                Arguments.of("reason too long", "{" + ok + ",\"reason\":\"" + "S".repeat(1001) + "\"}",
                        "reason must be at most 1000 characters"),
                Arguments.of("reason not text", "{" + ok + ",\"reason\":{\"x\":1}}", "reason must be a string"),
                Arguments.of("patientId too long", "{\"patientId\":\"" + "SECRET".repeat(11) + "\"," + ok + "}", "patientId must be"),
                Arguments.of("patientId with backslash", "{\"patientId\":\"SECRET\\\\1\"," + ok + "}", "patientId must be"),
                Arguments.of("patientId blank", "{\"patientId\":\" \"," + ok + "}", "patientId must be"),
                Arguments.of("patientId number", "{\"patientId\":7," + ok + "}", "patientId must be a string"),
                Arguments.of("issuer too long", "{\"patientId\":\"P1\",\"issuer\":\"" + "SECRET".repeat(11) + "\"," + ok + "}",
                        "issuer must be"),
                Arguments.of("admin without patientId", "{" + ok + "}", "patientId is required"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalidBodies")
    void invalidBodiesAre400WithAReasonAndCreateNothing(String why, String body, String message) {
        String clerk = newId("clerk-");
        String token = TestTokens.user(clerk, "consent-admin");
        json(token, body).post(CONSENTS).then().statusCode(400).contentType(containsString("text/plain"))
                .body(allOf(containsString(message), not(containsString("SECRET"))));
        // Nothing was written by this clerk (createdBy is unique to the test case).
        Api.as(token).get(CONSENTS + "?limit=1000").then().statusCode(200)
                .body("findAll { it.createdBy == '" + clerk + "' }", empty());
    }

    @Test
    void studiesPlainTextBodyIsRefused() {
        Api.as(CONSENT_ADMIN).contentType("text/plain").body(grantFor("P1", "a")).post(CONSENTS).then().statusCode(415);
    }

    // ---- create --------------------------------------------------------------------------------

    @Test
    void patientCreatesForThemselfWithDefaultsFromTheToken() {
        String pid = newId("PAT-");
        String token = patientWithIssuer("alice-" + pid, pid, "HOSP-A");
        Instant before = Instant.now().minusSeconds(1);
        Response created = json(token, "{\"grantee\":{\"type\":\"user\",\"id\":\"dr.house\"},\"decision\":\"permit\","
                + "\"studies\":[\"1.2.840.1\",\"1.2.840.2\",\"1.2.840.1\"],\"end\":\"2099-12-31\",\"reason\":\"second opinion\"}")
                .post(CONSENTS);
        created.then().statusCode(201)
                .header("Location", endsWith(CONSENTS + "/" + created.path("id")))
                .body("patientId", equalTo(pid))
                .body("issuer", equalTo("HOSP-A"))
                .body("grantee.type", equalTo("user"))
                .body("grantee.id", equalTo("dr.house"))
                .body("decision", equalTo("permit"))
                .body("studies", contains("1.2.840.1", "1.2.840.2"))
                .body("end", equalTo("2100-01-01T00:00:00Z"))
                .body("status", equalTo("active"))
                .body("active", equalTo(true))
                .body("reason", equalTo("second opinion"))
                .body("createdBy", equalTo("alice-" + pid))
                .body("revokedBy", nullValue())
                .body("revokedAt", nullValue());
        Instant start = Instant.parse(created.path("start"));
        assertTrue(!start.isBefore(before) && !start.isAfter(Instant.now()), "start defaults to now");
        assertEquals(start, Instant.parse(created.path("createdAt")));

        // The Location answers the same consent, as stored.
        Api.as(token).get(created.header("Location")).then().statusCode(200)
                .body("id", equalTo(created.path("id")))
                .body("start", equalTo(created.path("start")))
                .body("studies", contains("1.2.840.1", "1.2.840.2"));
    }

    @Test
    void consentWithoutStudiesCoversAllAndMayBeOpenEnded() {
        String pid = newId("PAT-");
        json(TestTokens.patient("p-" + pid, pid), "{\"grantee\":{\"type\":\"client\",\"id\":\"research-app\"},"
                + "\"decision\":\"deny\",\"studies\":[],\"start\":\"2020-05-01T08:00:00+02:00\"}")
                .post(CONSENTS).then().statusCode(201)
                .body("issuer", equalTo(""))
                .body("grantee.type", equalTo("client"))
                .body("decision", equalTo("deny"))
                .body("studies", empty())
                .body("start", equalTo("2020-05-01T06:00:00Z"))
                .body("end", nullValue())
                .body("active", equalTo(true));
    }

    @Test
    void futureConsentIsNotYetActive() {
        String pid = newId("PAT-");
        json(TestTokens.patient("p-" + pid, pid), "{\"grantee\":{\"type\":\"user\",\"id\":\"dr.x\"},"
                + "\"decision\":\"permit\",\"start\":\"2090-01-01\",\"end\":\"2090-01-31\"}")
                .post(CONSENTS).then().statusCode(201)
                .body("start", equalTo("2090-01-01T00:00:00Z"))
                .body("end", equalTo("2090-02-01T00:00:00Z"))
                .body("status", equalTo("active"))
                .body("active", equalTo(false));
    }

    static Stream<Arguments> patientWritesForOthers() {
        return Stream.of(
                Arguments.of("other patientId", "{\"patientId\":\"SOMEONE-ELSE\",", 403),
                Arguments.of("other issuer", "{\"issuer\":\"OTHER-HOSP\",", 403),
                Arguments.of("own patientId, other issuer", "{\"patientId\":\"%s\",\"issuer\":\"X\",", 403),
                Arguments.of("own patientId", "{\"patientId\":\"%s\",", 201),
                Arguments.of("own patientId and issuer", "{\"patientId\":\"%s\",\"issuer\":\"\",", 201));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("patientWritesForOthers")
    void patientsWriteOnlyTheirOwnConsents(String why, String head, int status) {
        String pid = newId("PAT-");
        String token = TestTokens.patient("p-" + pid, pid);
        Response r = json(token, head.formatted(pid) + "\"grantee\":{\"type\":\"user\",\"id\":\"dr.x\"},\"decision\":\"permit\"}")
                .post(CONSENTS);
        r.then().statusCode(status);
        if (status == 403) {
            r.then().body(equalTo("patients manage only their own consents"));
            Api.as(CONSENT_ADMIN).queryParam("patient", "SOMEONE-ELSE").get(CONSENTS).then().body("$", empty());
        } else {
            r.then().body("patientId", equalTo(pid));
        }
    }

    @Test
    void patientTokenWithoutPatientIdCannotCreate() {
        json(TestTokens.user("no-id", "patient"), grant("dr.x")).post(CONSENTS).then().statusCode(403);
    }

    @Test
    void consentAdminRecordsPaperConsentForAnyPatient() {
        String pid = newId("PAT-");
        json(CONSENT_ADMIN, "{\"patientId\":\"" + pid + "\",\"issuer\":\"HOSP-B\",\"grantee\":{\"type\":\"user\","
                + "\"id\":\"dr.y\"},\"decision\":\"permit\",\"start\":\"2024-01-01T00:00:00Z\",\"reason\":\"paper form 17\"}")
                .post(CONSENTS).then().statusCode(201)
                .body("patientId", equalTo(pid))
                .body("issuer", equalTo("HOSP-B"))
                .body("createdBy", equalTo("records.clerk"))
                .body("start", equalTo("2024-01-01T00:00:00Z"))
                .body("active", equalTo(true));
    }

    // ---- who sees what ---------------------------------------------------------------------------

    @Test
    void ownershipPatientsClinicianAndAdmin() {
        String alicePid = newId("ALICE-");
        String bobPid = newId("BOB-");
        String drA = newId("dr.a-");
        String drB = newId("dr.b-");
        String alice = TestTokens.patient("alice-" + alicePid, alicePid);
        String bob = TestTokens.patient("bob-" + bobPid, bobPid);
        String aliceToA = create(alice, grant(drA));
        String bobToB = create(bob, grant(drB));
        String bobToA = create(bob, grant(drA));
        // A client grantee with the clinician's name is not the clinician.
        String aliceToClientA = create(alice, "{\"grantee\":{\"type\":\"client\",\"id\":\"" + drA + "\"},\"decision\":\"permit\"}");

        // alice: her own only; bob's is "not found", for reading and revoking alike.
        Api.as(alice).get(CONSENTS).then().statusCode(200).body("id", contains(aliceToClientA, aliceToA));
        Api.as(alice).get(CONSENTS + "/" + aliceToA).then().statusCode(200);
        Api.as(alice).get(CONSENTS + "/" + bobToB).then().statusCode(404).body(equalTo("not found"));
        Api.as(alice).post(CONSENTS + "/" + bobToB + "/revoke").then().statusCode(404);
        Api.as(alice).queryParam("patient", bobPid).get(CONSENTS).then().statusCode(200).body("$", empty());
        Api.as(CONSENT_ADMIN).get(CONSENTS + "/" + bobToB).then().body("status", equalTo("active"));

        // Clinician A: the user grants to A from both patients, nothing else.
        String clinicianA = TestTokens.user(drA, "clinician");
        Api.as(clinicianA).get(CONSENTS).then().statusCode(200).body("id", contains(bobToA, aliceToA));
        Api.as(clinicianA).queryParam("patient", alicePid).get(CONSENTS).then().body("id", contains(aliceToA));
        Api.as(clinicianA).get(CONSENTS + "/" + bobToA).then().statusCode(200).body("grantee.id", equalTo(drA));
        Api.as(clinicianA).get(CONSENTS + "/" + bobToB).then().statusCode(404);
        Api.as(clinicianA).get(CONSENTS + "/" + aliceToClientA).then().statusCode(404);
        Api.as(TestTokens.user(newId("dr.c-"), "clinician")).get(CONSENTS).then().body("$", empty());

        // consent-admin: everything, filtered by patient (and issuer).
        Api.as(CONSENT_ADMIN).queryParam("patient", bobPid).get(CONSENTS).then().statusCode(200)
                .body("id", contains(bobToA, bobToB));
        Api.as(CONSENT_ADMIN).queryParam("patient", bobPid).queryParam("issuer", "").get(CONSENTS).then()
                .body("id", hasSize(2));
        Api.as(CONSENT_ADMIN).queryParam("patient", bobPid).queryParam("issuer", "ELSEWHERE").get(CONSENTS).then()
                .body("$", empty());
        Api.as(CONSENT_ADMIN).get(CONSENTS + "/" + aliceToClientA).then().statusCode(200);
    }

    @Test
    void callerWithSeveralRolesSeesTheUnion() {
        String pid = newId("PAT-");
        String other = newId("OTHER-");
        String name = newId("dr.patient-");
        Map<String, Object> claims = TestTokens.claims(name, "patient", "clinician");
        claims.put("patient_id", pid);
        String both = TestTokens.sign(claims);
        String own = create(both, grant("dr.z"));
        String toThem = create(TestTokens.patient("o-" + other, other), grant(name));
        Api.as(both).get(CONSENTS).then().body("id", contains(toThem, own));
        // Seeing a consent as its grantee does not make it theirs to revoke.
        Api.as(both).post(CONSENTS + "/" + toThem + "/revoke").then().statusCode(403);
        Api.as(both).post(CONSENTS + "/" + own + "/revoke").then().statusCode(200);
    }

    static Stream<Arguments> endpoints() {
        String id = UUID.randomUUID().toString();
        return Stream.of(
                Arguments.of("POST", CONSENTS),
                Arguments.of("GET", CONSENTS),
                Arguments.of("GET", CONSENTS + "/" + id),
                Arguments.of("POST", CONSENTS + "/" + id + "/revoke"));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("endpoints")
    void noTokenIs401(String method, String path) {
        given().contentType("application/json").body(grant("x")).request(method, path).then().statusCode(401);
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("endpoints")
    void rolesWithoutConsentBusinessAre403(String method, String path) {
        for (String role : List.of("auditor", "ingest", "imaging-admin", "emergency-access")) {
            json(TestTokens.user("u-" + role, role), grantFor("P1", "x")).request(method, path).then()
                    .statusCode(403);
        }
        json(TestTokens.user("nobody"), grantFor("P1", "x")).request(method, path).then().statusCode(403);
    }

    @Test
    void cliniciansCannotCreateOrRevoke() {
        String pid = newId("PAT-");
        String id = create(TestTokens.patient("p-" + pid, pid), grant("dr.house"));
        String house = TestTokens.user("dr.house", "clinician");
        json(house, grantFor(pid, "dr.house")).post(CONSENTS).then().statusCode(403);
        Api.as(house).post(CONSENTS + "/" + id + "/revoke").then().statusCode(403);
        Api.as(house).get(CONSENTS + "/" + id).then().statusCode(200).body("status", equalTo("active"));
    }

    @ParameterizedTest
    @ValueSource(strings = { "00000000-0000-0000-0000-000000000000", "not-a-uuid", "1" })
    void unknownOrMalformedIdIs404(String id) {
        Api.as(CONSENT_ADMIN).get(CONSENTS + "/" + id).then().statusCode(404);
        Api.as(CONSENT_ADMIN).post(CONSENTS + "/" + id + "/revoke").then().statusCode(404);
    }

    // ---- revoke ----------------------------------------------------------------------------------

    @Test
    void revokeLifecycle() {
        String pid = newId("PAT-");
        String username = "p-" + pid;
        String patient = TestTokens.patient(username, pid);
        String id = create(patient, grant("dr.house"));
        String house = TestTokens.user("dr.house", "clinician");
        Api.as(house).get(CONSENTS + "/" + id).then().body("active", equalTo(true));

        Response revoked = json(patient, "{\"reason\":\"changed my mind\"}").post(CONSENTS + "/" + id + "/revoke");
        revoked.then().statusCode(200)
                .body("status", equalTo("revoked"))
                .body("active", equalTo(false))
                .body("revokedBy", equalTo(username))
                .body("revokedAt", notNullValue())
                .body("revokeReason", equalTo("changed my mind"));
        // Takes effect on the very next request, for the grantee too: a revoked consent is no longer theirs
        // to see (only permits in force are), answered like one that does not exist.
        Api.as(house).get(CONSENTS + "/" + id).then().statusCode(404).body(equalTo("not found"));
        Api.as(house).get(CONSENTS).then().body("id", not(hasItem(id)));

        // Twice: 409, and the first revocation stays as recorded.
        Api.as(CONSENT_ADMIN).post(CONSENTS + "/" + id + "/revoke").then().statusCode(409)
                .body(equalTo("consent already revoked"));
        Api.as(patient).get(CONSENTS + "/" + id).then()
                .body("revokedBy", equalTo(username)).body("revokeReason", equalTo("changed my mind"))
                .body("revokedAt", equalTo(revoked.path("revokedAt")));

        Api.as(patient).queryParam("status", "revoked").get(CONSENTS).then().body("id", contains(id));
        Api.as(patient).queryParam("status", "active").get(CONSENTS).then().body("$", empty());
    }

    @Test
    void consentAdminRevokesWithoutBody() {
        String pid = newId("PAT-");
        String id = create(TestTokens.patient("p-" + pid, pid), grant("dr.house"));
        Api.as(CONSENT_ADMIN).post(CONSENTS + "/" + id + "/revoke").then().statusCode(200)
                .body("status", equalTo("revoked"))
                .body("revokedBy", equalTo("records.clerk"))
                .body("revokeReason", nullValue());
    }

    @ParameterizedTest
    @ValueSource(strings = { "[]", "{\"reason\":5}", "{\"why\":\"x\"}", "{\"reason\":" })
    void badRevokeBodyIs400AndRevokesNothing(String body) {
        String pid = newId("PAT-");
        String patient = TestTokens.patient("p-" + pid, pid);
        String id = create(patient, grant("dr.house"));
        json(patient, body).post(CONSENTS + "/" + id + "/revoke").then().statusCode(400);
        Api.as(patient).get(CONSENTS + "/" + id).then().body("status", equalTo("active"));
    }

    // ---- expiry ----------------------------------------------------------------------------------

    @Test
    void expiredConsentIsListedButNotActive() throws Exception {
        String pid = newId("PAT-");
        String patient = TestTokens.patient("p-" + pid, pid);
        UUID expired = insert(pid, "dr.exp", Instant.parse("2020-01-01T00:00:00Z"), Instant.parse("2021-01-01T00:00:00Z"));
        String current = create(patient, grant("dr.exp"));

        Api.as(patient).get(CONSENTS + "/" + expired).then().statusCode(200)
                .body("status", equalTo("active"))
                .body("active", equalTo(false))
                .body("end", equalTo("2021-01-01T00:00:00Z"));
        Api.as(patient).get(CONSENTS).then().body("id", contains(current, expired.toString()));
        Api.as(patient).queryParam("active", "true").get(CONSENTS).then().body("id", contains(current));
        Api.as(patient).queryParam("active", "false").get(CONSENTS).then().body("id", contains(expired.toString()));
    }

    @Test
    void expiryTakesEffectOnTheNextRequest() throws Exception {
        String pid = newId("PAT-");
        String patient = TestTokens.patient("p-" + pid, pid);
        String doctor = newId("dr.soon-");
        UUID id = insert(pid, doctor, Instant.now().minus(Duration.ofDays(1)), Instant.now().plus(Duration.ofDays(1)));
        Api.as(patient).get(CONSENTS + "/" + id).then().body("active", equalTo(true));
        Api.as(TestTokens.user(doctor, "clinician")).get(CONSENTS + "/" + id).then().statusCode(200);
        // Time passes the end of the period (moved in the row rather than waited for).
        try (var c = dataSource.getConnection();
                var s = c.prepareStatement("UPDATE consent SET period_end = now() - interval '1 second' WHERE id = ?")) {
            s.setObject(1, id);
            s.executeUpdate();
        }
        Api.as(patient).get(CONSENTS + "/" + id).then().body("active", equalTo(false));
        Api.as(patient).queryParam("active", "true").get(CONSENTS).then().body("$", empty());
        Api.as(TestTokens.user(doctor, "clinician")).get(CONSENTS + "/" + id).then().statusCode(404);
    }

    @Test
    void granteeSeesOnlyPermitsInForceAndNoReasons() throws Exception {
        String pid = newId("PAT-");
        String patient = TestTokens.patient("p-" + pid, pid);
        String doctor = newId("dr.grantee-");
        String permit = create(patient, "{\"grantee\":{\"type\":\"user\",\"id\":\"" + doctor + "\"},"
                + "\"decision\":\"permit\",\"reason\":\"my GP, private note\"}");
        String deny = create(patient, "{\"grantee\":{\"type\":\"user\",\"id\":\"" + doctor + "\"},"
                + "\"decision\":\"deny\",\"reason\":\"he treated my sister badly\"}");
        String clinician = TestTokens.user(doctor, "clinician");
        Api.as(clinician).get(CONSENTS).then().statusCode(200).body("id", contains(permit))
                .body("[0].reason", nullValue());
        Api.as(clinician).get(CONSENTS + "/" + permit).then().statusCode(200).body("reason", nullValue())
                .body("decision", equalTo("permit"));
        // The deny is not theirs to read: same answer as an unknown id.
        Response hidden = Api.as(clinician).get(CONSENTS + "/" + deny);
        Response unknown = Api.as(clinician).get(CONSENTS + "/" + UUID.randomUUID());
        hidden.then().statusCode(404);
        assertEquals(unknown.asString(), hidden.asString());
        assertEquals(unknown.getContentType(), hidden.getContentType());
        Api.as(clinician).queryParam("patient", pid).get(CONSENTS).then().body("id", contains(permit));
        // The patient still sees both, with their reasons.
        Api.as(patient).get(CONSENTS + "/" + deny).then().statusCode(200)
                .body("reason", equalTo("he treated my sister badly"));
    }

    private UUID insert(String pid, String grantee, Instant start, Instant end) throws Exception {
        UUID id = UUID.randomUUID();
        try (var c = dataSource.getConnection(); var s = c.prepareStatement("INSERT INTO consent (id, patient_id, "
                + "issuer, grantee_type, grantee, decision, all_studies, period_start, period_end, status, created_by, "
                + "created_at) VALUES (?, ?, '', 'user', ?, 'permit', TRUE, ?, ?, 'active', 'sql', ?)")) {
            s.setObject(1, id);
            s.setString(2, pid);
            s.setString(3, grantee);
            s.setTimestamp(4, Timestamp.from(start));
            s.setTimestamp(5, Timestamp.from(end));
            s.setTimestamp(6, Timestamp.from(start));
            s.executeUpdate();
        }
        return id;
    }

    // ---- effect on DICOMweb (through access.AccessPolicy) --------------------------------------------

    @Test
    void consentOpensAndRevocationClosesTheStudyOnTheNextRequest() {
        String pid = newId("PAT-");
        var instance = io.dicomgate.testsupport.DicomFixtures.instance().patient(pid, "Consent^Flow");
        Api.store(instance.bytes()).then().statusCode(200);
        String patient = TestTokens.patient("p-" + pid, pid);
        String doctor = TestTokens.user(newId("dr.e2e-"), "clinician");
        String doctorName = io.dicomgate.testsupport.TokenClaims.of(doctor).string("preferred_username").orElseThrow();
        java.util.function.Supplier<io.restassured.response.ValidatableResponse> search = () -> Api.as(doctor)
                .accept("application/dicom+json").queryParam("PatientID", pid).get("/dicomweb/studies").then();

        search.get().statusCode(org.hamcrest.Matchers.anyOf(equalTo(200), equalTo(204)))
                .body(not(containsString(instance.studyUid())));
        String id = create(patient, grant(doctorName));
        search.get().statusCode(200).body(containsString(instance.studyUid()));

        Api.as(patient).post(CONSENTS + "/" + id + "/revoke").then().statusCode(200);
        search.get().statusCode(org.hamcrest.Matchers.anyOf(equalTo(200), equalTo(204)))
                .body(not(containsString(instance.studyUid())));
    }

    // ---- paging and filters ----------------------------------------------------------------------

    @Test
    void newestFirstWithLimitAndOffset() {
        String pid = newId("PAT-");
        String first = create(CONSENT_ADMIN, grantFor(pid, "dr.1"));
        String second = create(CONSENT_ADMIN, grantFor(pid, "dr.2"));
        String third = create(CONSENT_ADMIN, grantFor(pid, "dr.3"));
        RequestSpecification admin = Api.as(CONSENT_ADMIN).queryParam("patient", pid);
        admin.get(CONSENTS).then().body("id", contains(third, second, first));
        Api.as(CONSENT_ADMIN).queryParam("patient", pid).queryParam("limit", 2).get(CONSENTS).then()
                .body("id", contains(third, second));
        Api.as(CONSENT_ADMIN).queryParam("patient", pid).queryParam("limit", 2).queryParam("offset", 2).get(CONSENTS)
                .then().body("id", contains(first));
    }

    @ParameterizedTest
    @ValueSource(strings = { "limit=0", "limit=1001", "limit=abc", "offset=-1", "status=expired", "active=yes",
            "patient=%5C", "issuer=xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx" })
    void badListParametersAre400(String query) {
        Api.as(CONSENT_ADMIN).urlEncodingEnabled(false).get(CONSENTS + "?" + query).then().statusCode(400)
                .contentType(containsString("text/plain"));
    }

    // ---- audit -----------------------------------------------------------------------------------

    private List<AuditEvent> audited(Response response) {
        String requestId = response.header("X-Request-Id");
        assertTrue(requestId != null, "X-Request-Id");
        return auditRecorder.forRequest(requestId);
    }

    private static void assertEvent(List<AuditEvent> events, AuditAction action, AuditOutcome outcome, int status,
            Set<String> patients) {
        assertFalse(events.isEmpty(), "audit events");
        events.forEach(e -> {
            assertEquals(action, e.action());
            assertEquals(outcome, e.outcome());
            assertEquals(status, e.httpStatus());
        });
        assertEquals(patients, events.stream().map(AuditEvent::patientId).collect(Collectors.toSet()));
    }

    @Test
    void everyConsentRequestIsAuditedWithItsPatient() {
        String alicePid = newId("ALICE-");
        String bobPid = newId("BOB-");
        String alice = TestTokens.patient("alice-" + alicePid, alicePid);
        String bob = TestTokens.patient("bob-" + bobPid, bobPid);

        Response created = json(alice, grant("dr.audit")).post(CONSENTS);
        assertEvent(audited(created), AuditAction.CONSENT_CREATE, AuditOutcome.SUCCESS, 201, Set.of(alicePid));
        assertEquals("consent " + created.path("id"), audited(created).get(0).detail());
        String aliceId = created.path("id");
        String bobId = create(bob, grant("dr.audit"));

        assertEvent(audited(Api.as(alice).get(CONSENTS + "/" + aliceId)), AuditAction.CONSENT_READ,
                AuditOutcome.SUCCESS, 200, Set.of(alicePid));
        // A hidden consent: 404 to the caller, a denial for that patient in the trail.
        assertEvent(audited(Api.as(alice).get(CONSENTS + "/" + bobId)), AuditAction.CONSENT_READ,
                AuditOutcome.DENIED, 404, Set.of(bobPid));
        assertEvent(audited(Api.as(TestTokens.user("dr.audit", "clinician")).get(CONSENTS)), AuditAction.CONSENT_READ,
                AuditOutcome.SUCCESS, 200, Set.of(alicePid, bobPid));
        assertEvent(audited(json(alice, "{\"patientId\":\"" + bobPid + "\"," + grant("x").substring(1)).post(CONSENTS)),
                AuditAction.CONSENT_CREATE, AuditOutcome.DENIED, 403, Set.of(bobPid));
        assertEvent(audited(Api.as(alice).post(CONSENTS + "/" + aliceId + "/revoke")), AuditAction.CONSENT_REVOKE,
                AuditOutcome.SUCCESS, 200, Set.of(alicePid));
        assertEvent(audited(Api.as(alice).post(CONSENTS + "/" + aliceId + "/revoke")), AuditAction.CONSENT_REVOKE,
                AuditOutcome.INVALID_REQUEST, 409, Set.of(alicePid));
        assertEvent(audited(json(TestTokens.user("aud", "auditor"), grant("x")).post(CONSENTS)),
                AuditAction.CONSENT_CREATE, AuditOutcome.DENIED, 403, java.util.Collections.singleton(null));
    }
}
