package io.dicomgate.share;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import javax.sql.DataSource;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.dicomgate.audit.AuditAction;
import io.dicomgate.audit.AuditEvent;
import io.dicomgate.audit.AuditOutcome;
import io.dicomgate.testsupport.Api;
import io.dicomgate.testsupport.DicomFixtures;
import io.dicomgate.testsupport.PostgresTestResource;
import io.dicomgate.testsupport.RecordedAuditEvents;
import io.dicomgate.testsupport.TestTokens;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;

/**
 * Share links (README "Share links"), rule by rule: scope, PIN lock-out, revocation, expiry, maximum
 * life, deny beats share, hidden = unknown through a share token, view-only, who may share what,
 * and the audit of creation, exchange and access.
 */
@QuarkusTest
@QuarkusTestResource(PostgresTestResource.class)
class ShareTest {

    private static final String SHARES = "/api/shares";
    private static final String SESSIONS = "/api/share-sessions";

    @Inject
    DataSource dataSource;
    @Inject
    RecordedAuditEvents audit;

    /** A patient with two studies, stored. */
    record Patient(String id, String token, DicomFixtures.Builder first, DicomFixtures.Builder second) {
    }

    private static Patient patientWithTwoStudies() {
        String id = "SHR-" + UUID.randomUUID().toString().substring(0, 8);
        DicomFixtures.Builder first = DicomFixtures.instance().patient(id, "Share^Patient").modality("CT");
        DicomFixtures.Builder second = DicomFixtures.instance().patient(id, "Share^Patient").modality("MR");
        Api.store(first.bytes(), second.bytes()).then().statusCode(200);
        return new Patient(id, TestTokens.patient("p-" + id, id), first, second);
    }

    private static JsonPath create(String token, String body) {
        return json(token, body).post(SHARES).then().statusCode(201).header("Cache-Control", "no-store")
                .extract().jsonPath();
    }

    private static RequestSpecification json(String token, String body) {
        return Api.as(token).contentType("application/json").body(body);
    }

    private static Response exchange(String link, String pin) {
        String secret = link.substring(link.indexOf('#') + 1);
        return given().contentType("application/json").body(Map.of("secret", secret, "pin", pin)).post(SESSIONS);
    }

    private static String tokenFor(JsonPath created) {
        return exchange(created.getString("link"), created.getString("pin")).then().statusCode(200)
                .extract().path("access_token");
    }

    @Test
    void aPatientSharesOneStudyAndTheRecipientSeesExactlyThat() {
        Patient p = patientWithTwoStudies();
        JsonPath created = create(p.token(), "{\"studies\":[\"" + p.first().studyUid() + "\"],\"label\":\"Dr. Rossi\"}");
        assertTrue(created.getString("link").matches(".*/share/#[A-Za-z0-9_-]{43}"), created.getString("link"));
        assertTrue(created.getString("pin").matches("[0-9]{8}"));
        assertEquals("active", created.getString("share.status"));

        String token = tokenFor(created);
        assertTrue(token.startsWith("dgs_"));
        List<String> studies = Api.as(token).get("/dicomweb/studies").then().statusCode(200)
                .extract().path("'0020000D'.Value[0]");
        assertEquals(List.of(p.first().studyUid()), studies, "the search sees the shared study only");
        Api.as(token).accept("application/dicom+json").get("/dicomweb/studies/" + p.first().studyUid() + "/metadata")
                .then().statusCode(200);

        // Another study of the same patient, another patient's study and an unknown UID answer alike.
        Patient other = patientWithTwoStudies();
        String unknown = "2.25." + UUID.randomUUID().getMostSignificantBits() * -1;
        String hiddenSame = metadataAnswer(token, p.second().studyUid());
        String hiddenOther = metadataAnswer(token, other.first().studyUid());
        String missing = metadataAnswer(token, unknown.replace("-", ""));
        assertEquals(missing, hiddenSame);
        assertEquals(missing, hiddenOther);
        assertTrue(missing.startsWith("404"), missing);

        // The list shows the share without secret or PIN, with its use.
        Api.as(p.token()).get(SHARES).then().statusCode(200)
                .body("find { it.id == '" + created.getString("share.id") + "' }.devices", equalTo(1))
                .body("find { it.id == '" + created.getString("share.id") + "' }.lastUsedAt", not(equalTo(null)))
                .body(not(containsString(created.getString("pin"))));
    }

    private static String metadataAnswer(String token, String studyUid) {
        Response r = Api.as(token).accept("application/dicom+json").get("/dicomweb/studies/" + studyUid + "/metadata");
        return r.statusCode() + " " + r.body().asString();
    }

    @Test
    void wrongPinsLockTheShareAndItsCreatorSeesIt() {
        Patient p = patientWithTwoStudies();
        JsonPath created = create(p.token(), "{\"allStudies\":true,\"label\":\"second opinion\"}");
        String wrong = created.getString("pin").equals("00000000") ? "11111111" : "00000000";
        for (int left = 4; left >= 1; left--) {
            exchange(created.getString("link"), wrong).then().statusCode(401).body("attemptsLeft", equalTo(left));
        }
        exchange(created.getString("link"), wrong).then().statusCode(423).body("error", equalTo("locked"));
        exchange(created.getString("link"), created.getString("pin")).then().statusCode(423);
        Api.as(p.token()).get(SHARES).then().statusCode(200)
                .body("find { it.id == '" + created.getString("share.id") + "' }.status", equalTo("locked"))
                .body("find { it.id == '" + created.getString("share.id") + "' }.failedPins", equalTo(5));
        List<AuditEvent> exchanges = audit.all().stream()
                .filter(e -> e.action() == AuditAction.SHARE_EXCHANGE && e.subject().equals("share:" + created.getString("share.id")))
                .toList();
        assertEquals(6, exchanges.size(), "every attempt audited");
        assertTrue(exchanges.stream().allMatch(e -> e.outcome() == AuditOutcome.DENIED && p.id().equals(e.patientId())));
    }

    @Test
    void revocationExpiryAndALaterDenyTakeEffectOnTheNextRequest() throws Exception {
        Patient p = patientWithTwoStudies();
        String metadata = "/dicomweb/studies/" + p.first().studyUid() + "/metadata";

        JsonPath revoked = create(p.token(), "{\"allStudies\":true,\"label\":\"revoked one\"}");
        String token = tokenFor(revoked);
        Api.as(token).accept("application/dicom+json").get(metadata).then().statusCode(200);
        Api.as(p.token()).post(SHARES + "/" + revoked.getString("share.id") + "/revoke").then().statusCode(200)
                .body("status", equalTo("revoked")).body("devices", equalTo(1));
        Api.as(token).accept("application/dicom+json").get(metadata).then().statusCode(401);
        exchange(revoked.getString("link"), revoked.getString("pin")).then().statusCode(410).body("error", equalTo("revoked"));

        JsonPath expiring = create(p.token(), "{\"allStudies\":true,\"label\":\"expiring one\"}");
        String expiringToken = tokenFor(expiring);
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(
                "UPDATE share_link SET created_at = now() - interval '2 days', expires_at = now() - interval '1 second'"
                        + " WHERE id = CAST(? AS uuid)")) {
            ps.setString(1, expiring.getString("share.id"));
            assertEquals(1, ps.executeUpdate());
        }
        Api.as(expiringToken).accept("application/dicom+json").get(metadata).then().statusCode(401);
        exchange(expiring.getString("link"), expiring.getString("pin")).then().statusCode(410).body("error", equalTo("expired"));

        JsonPath denied = create(p.token(), "{\"allStudies\":true,\"label\":\"denied one\"}");
        String deniedToken = tokenFor(denied);
        Api.as(deniedToken).accept("application/dicom+json").get(metadata).then().statusCode(200);
        json(p.token(), "{\"grantee\":{\"type\":\"client\",\"id\":\"anyone\"},\"decision\":\"deny\"}")
                .post("/api/consents").then().statusCode(201);
        Api.as(deniedToken).accept("application/dicom+json").get(metadata).then().statusCode(404);
        Api.as(deniedToken).get("/dicomweb/studies").then().statusCode(204);
    }

    @Test
    void nobodyGoesBeyondTheMaximumLifeOrSharesWhatTheyMayNotSee() {
        Patient p = patientWithTwoStudies();
        String tooLong = Instant.now().plus(31, ChronoUnit.DAYS).toString();
        json(p.token(), "{\"allStudies\":true,\"label\":\"x\",\"expiresAt\":\"" + tooLong + "\"}").post(SHARES)
                .then().statusCode(400).body(containsString("30 days"));
        json(p.token(), "{\"allStudies\":true,\"label\":\"x\",\"expiresAt\":\"2020-01-01T00:00:00Z\"}").post(SHARES)
                .then().statusCode(400);
        json(p.token(), "{\"allStudies\":true,\"studys\":[],\"label\":\"x\"}").post(SHARES).then().statusCode(400);

        // A patient cannot share another patient's study: answered like an unknown one.
        Patient other = patientWithTwoStudies();
        json(p.token(), "{\"studies\":[\"" + other.first().studyUid() + "\"],\"label\":\"x\"}").post(SHARES)
                .then().statusCode(404);

        // A clinician shares only what they may read today, naming studies and a reason.
        String clinician = TestTokens.user("dr.share", "clinician");
        String body = "{\"studies\":[\"" + p.first().studyUid() + "\"],\"label\":\"Dr. Rossi, Ospedale X\",\"reason\":\"referral\"}";
        json(clinician, body).post(SHARES).then().statusCode(404);
        json(p.token(), "{\"grantee\":{\"type\":\"user\",\"id\":\"dr.share\"},\"decision\":\"permit\"}")
                .post("/api/consents").then().statusCode(201);
        json(clinician, body).post(SHARES).then().statusCode(201).body("share.creatorKind", equalTo("clinician"));
        json(clinician, "{\"allStudies\":true,\"label\":\"x\",\"reason\":\"y\"}").post(SHARES).then().statusCode(400);
        json(clinician, "{\"studies\":[\"" + p.first().studyUid() + "\"],\"label\":\"x\"}").post(SHARES).then().statusCode(400);
        Api.as(clinician).get(SHARES).then().statusCode(200).body("label", hasItem("Dr. Rossi, Ospedale X"));
        // The patient sees the clinician's share of their data, and may revoke it.
        Api.as(p.token()).get(SHARES).then().statusCode(200).body("createdBy", hasItem("dr.share"));

        // Roles without sharing.
        json(TestTokens.user("aud", "auditor"), body).post(SHARES).then().statusCode(403);
        json(Api.ADMIN, body).post(SHARES).then().statusCode(403);
    }

    @Test
    void anEhrSharesForAReferralWithItsOwnRoleAndScopeOnlyWhatItMayRead() {
        Patient p = patientWithTwoStudies();
        String client = "ehr-" + UUID.randomUUID().toString().substring(0, 8);
        String withScope = TestTokens.system(client, "system/ImagingStudy.rs system/ShareLink.c", "integration", "share-issuer");
        String withoutScope = TestTokens.system(client, "system/ImagingStudy.rs", "integration", "share-issuer");
        String withoutRole = TestTokens.system(client, "system/ImagingStudy.rs system/ShareLink.c", "integration");
        String body = "{\"studies\":[\"" + p.second().studyUid() + "\"],\"label\":\"Referral to Dr. Rossi\","
                + "\"reason\":\"referral letter 4711\",\"download\":true}";

        json(withScope, body).post(SHARES).then().statusCode(404); // no consent: it may not read the study
        json(p.token(), "{\"grantee\":{\"type\":\"client\",\"id\":\"" + client + "\"},\"decision\":\"permit\"}")
                .post("/api/consents").then().statusCode(201);
        json(withoutScope, body).post(SHARES).then().statusCode(403);
        json(withoutRole, body).post(SHARES).then().statusCode(403);
        JsonPath created = create(withScope, body);
        assertEquals("system", created.getString("share.creatorKind"));
        String token = tokenFor(created);
        Api.as(token).accept("multipart/related; type=\"application/dicom\"").get("/dicomweb/studies/" + p.second().studyUid())
                .then().statusCode(200);
        Api.as(token).accept("application/dicom+json").get("/dicomweb/studies/" + p.first().studyUid() + "/metadata")
                .then().statusCode(404);
    }

    @Test
    void aViewOnlyShareShowsButDoesNotHandOverFilesAndTheTokenReachesNothingElse() {
        Patient p = patientWithTwoStudies();
        String instance = "/dicomweb/studies/" + p.first().studyUid() + "/series/" + p.first().seriesUid()
                + "/instances/" + p.first().sopUid();
        String viewOnly = tokenFor(create(p.token(), "{\"allStudies\":true,\"label\":\"view only\"}"));
        Api.as(viewOnly).accept("application/dicom").get(instance).then().statusCode(403);
        Api.as(viewOnly).accept("image/jpeg").get(instance + "/rendered").then().statusCode(200);
        Api.as(viewOnly).accept("multipart/related; type=\"application/octet-stream\"").get(instance + "/frames/1")
                .then().statusCode(200);

        String download = tokenFor(create(p.token(), "{\"allStudies\":true,\"label\":\"with download\",\"download\":true}"));
        Api.as(download).accept("application/dicom").get(instance).then().statusCode(200);

        // The link's token is not an account: no consents, no shares, no store, no made-up token.
        Api.as(download).get("/api/consents").then().statusCode(403);
        Api.as(download).get(SHARES).then().statusCode(403);
        Api.as(download).contentType("multipart/related; type=\"application/dicom\"; boundary=x").body("--x--".getBytes(java.nio.charset.StandardCharsets.US_ASCII))
                .post("/dicomweb/studies").then().statusCode(403);
        Api.as("dgs_" + "A".repeat(43)).get("/dicomweb/studies").then().statusCode(401);
        given().contentType("application/json").body(Map.of("secret", "B".repeat(43), "pin", "12345678"))
                .post(SESSIONS).then().statusCode(404);
        // Malformed exchanges are the client's error, never a 500.
        given().contentType("application/json").body("{not json").post(SESSIONS).then().statusCode(400);
        given().contentType("application/json").body("").post(SESSIONS).then().statusCode(404);
        given().contentType("application/json").body("[1,2]").post(SESSIONS).then().statusCode(404);
        given().contentType("text/plain").body("x").post(SESSIONS).then().statusCode(415);
    }

    @Test
    void accessesThroughALinkAreAuditedAsTheLinkAndShowInThePatientsAccessLog() {
        Patient p = patientWithTwoStudies();
        JsonPath created = create(p.token(), "{\"allStudies\":true,\"label\":\"Dr. Who\"}");
        String shareId = created.getString("share.id");
        String token = tokenFor(created);
        String requestId = UUID.randomUUID().toString();
        Api.as(token).header("X-Request-Id", requestId).accept("application/dicom+json")
                .get("/dicomweb/studies/" + p.first().studyUid() + "/metadata").then().statusCode(200);

        AuditEvent read = audit.forRequest(requestId).get(0);
        assertEquals("share:" + shareId, read.subject());
        assertEquals("shared link 'Dr. Who'", read.username());
        assertEquals(AuditAction.RETRIEVE, read.action());
        assertEquals(p.id(), read.patientId());
        assertTrue(audit.all().stream().anyMatch(e -> e.action() == AuditAction.SHARE_CREATE && p.id().equals(e.patientId())
                && e.detail() != null && e.detail().contains(shareId)));
        assertTrue(audit.all().stream().anyMatch(e -> e.action() == AuditAction.SHARE_EXCHANGE
                && e.outcome() == AuditOutcome.SUCCESS && e.subject().equals("share:" + shareId)));
        Api.as(p.token()).get("/api/me/access-log").then().statusCode(200)
                .body("username", hasItem("shared link 'Dr. Who'"));
        Api.as(p.token()).get("/api/me/access-log").then().body(not(containsString(created.getString("pin"))));
        given().get("/api/shares").then().statusCode(401);
        Api.as(p.token()).get(SHARES).then().body("id", hasItem(shareId)).body(not(containsString("link")));
        Api.as(p.token()).get(SHARES).then().body(not(containsString(created.getString("link").substring(
                created.getString("link").indexOf('#') + 1))));
    }
}
