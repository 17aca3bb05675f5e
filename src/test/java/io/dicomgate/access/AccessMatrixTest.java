package io.dicomgate.access;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Stream;

import javax.sql.DataSource;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

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
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;

/**
 * Who may see which patient, on every DICOMweb resource: each caller × each patient situation ×
 * each resource, with the audit event of every request. Visible means 200 (WADO) or present
 * (QIDO); invisible means exactly the answer for data that does not exist.
 */
@QuarkusTest
@QuarkusTestResource(PostgresTestResource.class)
class AccessMatrixTest {

    /** The patient situations of the matrix. */
    enum Situation {
        OWN, CONSENTED, NO_CONSENT, REVOKED, EXPIRED, DENY_OVER_PERMIT, FUTURE, ONE_STUDY_ONLY, EHR_CONSENTED
    }

    /** Callers, each a token factory (fresh names where grants must not leak between cases). */
    enum Who {
        ADMIN(r -> TestTokens.user("admin", "imaging-admin")),
        CLINICIAN(r -> TestTokens.user(Fixture.CLINICIAN, "clinician")),
        OTHER_CLINICIAN(r -> TestTokens.user("dr.cuddy-" + Fixture.SUFFIX, "clinician")),
        CLINICIAN_HEADER_WITHOUT_ROLE(r -> TestTokens.user("dr.norole-" + UUID.randomUUID(), "clinician")),
        EMERGENCY_NO_REASON(r -> TestTokens.user("dr.er-" + UUID.randomUUID(), "clinician", "emergency-access")),
        EMERGENCY_WITH_REASON(r -> TestTokens.user("dr.er-" + UUID.randomUUID(), "clinician", "emergency-access")),
        PATIENT_PORTAL(r -> TestTokens.patient("alice-" + Fixture.SUFFIX, Fixture.pid(Situation.OWN))),
        PATIENT_VIEWER(r -> {
            Map<String, Object> c = TestTokens.claims("alice-" + Fixture.SUFFIX, "patient");
            c.put("patient_id", Fixture.pid(Situation.OWN));
            return TestTokens.sign(c);
        }),
        PATIENT_WITHOUT_CLAIM(r -> TestTokens.user("mallory-" + Fixture.SUFFIX, "patient")),
        /** A patient-scope token of an admin: the scope bounds it to its own compartment, roles or not. */
        ADMIN_WITH_PATIENT_SCOPE(r -> {
            Map<String, Object> c = TestTokens.claims("admin", "imaging-admin");
            c.put("scope", "openid patient/ImagingStudy.rs");
            c.put("patient_id", Fixture.pid(Situation.OWN));
            return TestTokens.sign(c);
        }),
        /** A clinician whose token carries no ImagingStudy scope: no reach at all. */
        CLINICIAN_WITHOUT_SCOPE(r -> {
            Map<String, Object> c = TestTokens.claims(Fixture.CLINICIAN, "clinician");
            c.put("scope", "openid profile");
            return TestTokens.sign(c);
        }),
        EHR(r -> TestTokens.system(Fixture.EHR_CLIENT, "system/ImagingStudy.rs", "integration"));

        final Function<Void, String> token;

        Who(Function<Void, String> token) {
            this.token = token;
        }
    }

    /** Data stored once for the whole class: one study per situation (two for ONE_STUDY_ONLY). */
    static final class Fixture {
        static final String SUFFIX = UUID.randomUUID().toString().substring(0, 8);
        static final String CLINICIAN = "dr.house-" + SUFFIX;
        static final String EHR_CLIENT = "ehr-" + SUFFIX;
        static final Map<Situation, DicomFixtures.Builder> STUDIES = new LinkedHashMap<>();
        static DicomFixtures.Builder secondStudy;
        static boolean ready;

        static String pid(Situation s) {
            return "MX-" + s.name() + "-" + SUFFIX;
        }
    }

    @Inject
    DataSource dataSource;
    @Inject
    RecordedAuditEvents audit;

    private synchronized void ensureFixture() throws Exception {
        if (Fixture.ready) {
            return;
        }
        for (Situation s : Situation.values()) {
            var b = DicomFixtures.instance().patient(Fixture.pid(s), "Matrix^" + s.name()).frames(2);
            Fixture.STUDIES.put(s, b);
            Api.store(b.bytes()).then().statusCode(200);
        }
        Fixture.secondStudy = DicomFixtures.instance().patient(Fixture.pid(Situation.ONE_STUDY_ONLY), "Matrix^ONE_STUDY_ONLY");
        Api.store(Fixture.secondStudy.bytes()).then().statusCode(200);
        Instant now = Instant.now();
        consent(Situation.CONSENTED, "user", Fixture.CLINICIAN, "permit", "active", now.minusSeconds(60), null, null);
        consent(Situation.REVOKED, "user", Fixture.CLINICIAN, "permit", "revoked", now.minusSeconds(60), null, null);
        consent(Situation.EXPIRED, "user", Fixture.CLINICIAN, "permit", "active", now.minus(2, ChronoUnit.DAYS),
                now.minusSeconds(1), null);
        consent(Situation.DENY_OVER_PERMIT, "user", Fixture.CLINICIAN, "permit", "active", now.minusSeconds(60), null, null);
        consent(Situation.DENY_OVER_PERMIT, "user", Fixture.CLINICIAN, "deny", "active", now.minusSeconds(60), null, null);
        consent(Situation.FUTURE, "user", Fixture.CLINICIAN, "permit", "active", now.plus(1, ChronoUnit.DAYS), null, null);
        consent(Situation.ONE_STUDY_ONLY, "user", Fixture.CLINICIAN, "permit", "active", now.minusSeconds(60), null,
                Fixture.STUDIES.get(Situation.ONE_STUDY_ONLY).studyUid());
        consent(Situation.EHR_CONSENTED, "client", Fixture.EHR_CLIENT, "permit", "active", now.minusSeconds(60), null, null);
        Fixture.ready = true;
    }

    private void consent(Situation s, String granteeType, String grantee, String decision, String status, Instant start,
            Instant end, String onlyStudy) throws Exception {
        try (Connection c = dataSource.getConnection()) {
            long pk;
            try (PreparedStatement ps = c.prepareStatement("""
                    INSERT INTO consent (id, patient_id, issuer, grantee_type, grantee, decision, all_studies, period_start,
                        period_end, status, created_by) VALUES (?, ?, '', ?, ?, ?, ?, ?, ?, ?, 'test') RETURNING pk""")) {
                ps.setObject(1, UUID.randomUUID());
                ps.setString(2, Fixture.pid(s));
                ps.setString(3, granteeType);
                ps.setString(4, grantee);
                ps.setString(5, decision);
                ps.setBoolean(6, onlyStudy == null);
                ps.setTimestamp(7, Timestamp.from(start));
                ps.setTimestamp(8, end == null ? null : Timestamp.from(end));
                ps.setString(9, status);
                var rs = ps.executeQuery();
                rs.next();
                pk = rs.getLong(1);
            }
            if (onlyStudy != null) {
                try (PreparedStatement ps = c.prepareStatement("INSERT INTO consent_study VALUES (?, ?)")) {
                    ps.setLong(1, pk);
                    ps.setString(2, onlyStudy);
                    ps.executeUpdate();
                }
            }
        }
    }

    /** The rule under test, written out independently of the SQL. */
    static boolean visible(Who who, Situation s) {
        return switch (who) {
            case ADMIN, EMERGENCY_WITH_REASON -> true;
            case CLINICIAN, CLINICIAN_HEADER_WITHOUT_ROLE, EMERGENCY_NO_REASON ->
                    who == Who.CLINICIAN && (s == Situation.CONSENTED || s == Situation.ONE_STUDY_ONLY);
            case PATIENT_PORTAL, PATIENT_VIEWER, ADMIN_WITH_PATIENT_SCOPE -> s == Situation.OWN;
            case EHR -> s == Situation.EHR_CONSENTED;
            case OTHER_CLINICIAN, PATIENT_WITHOUT_CLAIM, CLINICIAN_WITHOUT_SCOPE -> false;
        };
    }

    enum Resource {
        STUDY, SERIES, INSTANCE, STUDY_METADATA, SERIES_METADATA, INSTANCE_METADATA, FRAMES, BULKDATA,
        QIDO_STUDIES, QIDO_SERIES, QIDO_INSTANCES, QIDO_STUDY_SERIES, QIDO_STUDY_INSTANCES, QIDO_SERIES_INSTANCES
    }

    static Stream<Arguments> matrix() {
        List<Arguments> cases = new ArrayList<>();
        for (Who who : Who.values()) {
            for (Situation s : Situation.values()) {
                for (Resource r : Resource.values()) {
                    cases.add(Arguments.of(who, s, r));
                }
            }
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0} × {1} × {2}")
    @MethodSource("matrix")
    void matrix(Who who, Situation situation, Resource resource) throws Exception {
        ensureFixture();
        DicomFixtures.Builder b = Fixture.STUDIES.get(situation);
        String requestId = "req-" + UUID.randomUUID();
        RequestSpecification request = Api.as(who.token.apply(null)).header("X-Request-Id", requestId);
        if (who == Who.EMERGENCY_WITH_REASON || who == Who.CLINICIAN_HEADER_WITHOUT_ROLE) {
            request.header("X-Break-Glass-Reason", "unconscious patient in the ED");
        }
        String s = "/dicomweb/studies/" + b.studyUid();
        String se = s + "/series/" + b.seriesUid();
        String i = se + "/instances/" + b.sopUid();
        boolean expected = visible(who, situation);
        boolean search = resource.name().startsWith("QIDO");
        Response response = switch (resource) {
            case STUDY -> request.accept("multipart/related; type=\"application/dicom\"; transfer-syntax=*").get(s);
            case SERIES -> request.accept("multipart/related; type=\"application/dicom\"; transfer-syntax=*").get(se);
            case INSTANCE -> request.accept("multipart/related; type=\"application/dicom\"; transfer-syntax=*").get(i);
            case STUDY_METADATA -> request.get(s + "/metadata");
            case SERIES_METADATA -> request.get(se + "/metadata");
            case INSTANCE_METADATA -> request.get(i + "/metadata");
            case FRAMES -> request.get(i + "/frames/2");
            case BULKDATA -> request.get(i + "/bulkdata/7FE00010");
            case QIDO_STUDIES -> request.queryParam("PatientID", Fixture.pid(situation)).get("/dicomweb/studies");
            case QIDO_SERIES -> request.queryParam("PatientID", Fixture.pid(situation)).get("/dicomweb/series");
            case QIDO_INSTANCES -> request.queryParam("PatientID", Fixture.pid(situation)).get("/dicomweb/instances");
            case QIDO_STUDY_SERIES -> request.get(s + "/series");
            case QIDO_STUDY_INSTANCES -> request.get(s + "/instances");
            case QIDO_SERIES_INSTANCES -> request.get(se + "/instances");
        };

        if (search) {
            if (expected) {
                response.then().statusCode(200);
                String body = response.asString();
                assertTrue(body.contains(b.studyUid()), body);
                // The second study of ONE_STUDY_ONLY is outside the consent and must not show.
                if (situation == Situation.ONE_STUDY_ONLY && who == Who.CLINICIAN) {
                    assertTrue(!body.contains(Fixture.secondStudy.studyUid()), "study outside the consent leaked");
                }
            } else {
                response.then().statusCode(204);
                assertNull(response.getHeader("Warning"), "no Warning may hint at hidden data");
                assertEquals("", response.asString());
            }
        } else {
            response.then().statusCode(expected ? 200 : 404);
            if (!expected) {
                assertEquals("not found", response.asString(), "same body as an unknown UID");
            }
        }

        List<AuditEvent> events = audit.forRequest(requestId);
        assertTrue(!events.isEmpty(), "every request is audited");
        AuditEvent first = events.get(0);
        assertEquals(search ? AuditAction.SEARCH : AuditAction.RETRIEVE, first.action());
        assertEquals(response.statusCode(), first.httpStatus());
        List<String> patientsAudited = events.stream().map(AuditEvent::patientId).toList();
        if (expected) {
            assertTrue(patientsAudited.contains(Fixture.pid(situation)), patientsAudited.toString());
            assertEquals(AuditOutcome.SUCCESS, first.outcome());
        } else if (!search) {
            assertEquals(AuditOutcome.DENIED, first.outcome(), "a hidden retrieve is audited as a denial");
            assertEquals(Fixture.pid(situation), first.patientId());
        } else {
            assertTrue(!patientsAudited.contains(Fixture.pid(situation)), "a search names only patients it returned");
        }
        if (who == Who.EMERGENCY_WITH_REASON && expected && situation != Situation.OWN) {
            assertTrue(events.stream().anyMatch(e -> "unconscious patient in the ED".equals(e.breakGlassReason())),
                    "break-the-glass is audited with its reason");
        }
    }

    /** An unknown study answers exactly like a hidden one: status, body and headers. */
    @Test
    void hiddenAndUnknownAreIndistinguishable() throws Exception {
        ensureFixture();
        String hidden = "/dicomweb/studies/" + Fixture.STUDIES.get(Situation.NO_CONSENT).studyUid() + "/metadata";
        String unknown = "/dicomweb/studies/" + DicomFixtures.uid() + "/metadata";
        String token = Who.CLINICIAN.token.apply(null);
        Response a = Api.as(token).get(hidden);
        Response b = Api.as(token).get(unknown);
        assertEquals(b.statusCode(), a.statusCode());
        assertEquals(b.asString(), a.asString());
        assertEquals(b.getContentType(), a.getContentType());
        assertEquals(headerNames(b), headerNames(a));
    }

    private static List<String> headerNames(Response r) {
        return r.getHeaders().asList().stream().map(h -> h.getName().toLowerCase()).filter(n -> !n.equals("x-request-id"))
                .sorted().toList();
    }

    @Test
    void emptyBreakGlassReasonIs400ForTheRoleAndIgnoredWithout() throws Exception {
        ensureFixture();
        String s = "/dicomweb/studies/" + Fixture.STUDIES.get(Situation.NO_CONSENT).studyUid() + "/metadata";
        Api.as(Who.EMERGENCY_NO_REASON.token.apply(null)).header("X-Break-Glass-Reason", " ").get(s).then().statusCode(400);
        Api.as(Who.OTHER_CLINICIAN.token.apply(null)).header("X-Break-Glass-Reason", " ").get(s).then().statusCode(404);
    }

    @Test
    void breakGlassGrantIsTimeBoxedToOnePatientAndRecorded() throws Exception {
        ensureFixture();
        String token = TestTokens.user("dr.er-" + UUID.randomUUID(), "clinician", "emergency-access");
        String target = "/dicomweb/studies/" + Fixture.STUDIES.get(Situation.NO_CONSENT).studyUid() + "/metadata";
        String other = "/dicomweb/studies/" + Fixture.STUDIES.get(Situation.REVOKED).studyUid() + "/metadata";
        Api.as(token).get(target).then().statusCode(404);
        Api.as(token).header("X-Break-Glass-Reason", "stroke alert").header("X-Break-Glass-Purpose", "ETREAT").get(target)
                .then().statusCode(200);
        // The grant stays open for this patient without the header, and for this patient only.
        Api.as(token).get(target).then().statusCode(200);
        Api.as(token).get(other).then().statusCode(404);
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement("SELECT reason, purpose_of_use, expires_at - created_at"
                        + " FROM break_glass WHERE patient_id = ? AND reason = 'stroke alert'")) {
            ps.setString(1, Fixture.pid(Situation.NO_CONSENT));
            var rs = ps.executeQuery();
            assertTrue(rs.next(), "grant recorded");
            assertEquals("ETREAT", rs.getString(2));
            assertEquals("01:00:00", rs.getString(3), "default time box 60 min");
        }
    }

    @Test
    void breakGlassSearchNeedsAnExactPatientId() throws Exception {
        ensureFixture();
        String token = TestTokens.user("dr.er-" + UUID.randomUUID(), "clinician", "emergency-access");
        Api.as(token).header("X-Break-Glass-Reason", "trauma").queryParam("PatientName", "Matrix*")
                .get("/dicomweb/studies").then().statusCode(400);
        Api.as(token).header("X-Break-Glass-Reason", "trauma")
                .queryParam("PatientID", Fixture.pid(Situation.NO_CONSENT)).get("/dicomweb/studies").then()
                .statusCode(200);
    }

    @Test
    void revocationTakesEffectOnTheNextRequest() throws Exception {
        ensureFixture();
        var b = DicomFixtures.instance().patient("MX-REVOKE-" + UUID.randomUUID().toString().substring(0, 8), "Re^Voke");
        Api.store(b.bytes()).then().statusCode(200);
        String clinician = "dr.rev-" + UUID.randomUUID();
        String token = TestTokens.user(clinician, "clinician");
        String path = "/dicomweb/studies/" + b.studyUid() + "/metadata";
        Api.as(token).get(path).then().statusCode(404);
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement("""
                INSERT INTO consent (id, patient_id, issuer, grantee_type, grantee, decision, all_studies, period_start,
                    status, created_by) VALUES (?, ?, '', 'user', ?, 'permit', true, now() - interval '1 minute', 'active', 'test')""")) {
            ps.setObject(1, UUID.randomUUID());
            ps.setString(2, b.patientId());
            ps.setString(3, clinician);
            ps.executeUpdate();
        }
        Api.as(token).get(path).then().statusCode(200);
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement("UPDATE consent SET status = 'revoked', revoked_at = now() WHERE grantee = ?")) {
            ps.setString(1, clinician);
            ps.executeUpdate();
        }
        Api.as(token).get(path).then().statusCode(404);
    }

    @Test
    void patientScopeCannotStore() throws Exception {
        var b = DicomFixtures.instance().patient(Fixture.pid(Situation.OWN), "Matrix^OWN");
        Api.as(TestTokens.patient("alice-" + Fixture.SUFFIX, Fixture.pid(Situation.OWN)))
                .contentType(io.dicomgate.testsupport.Multipart.DICOM_TYPE)
                .body(io.dicomgate.testsupport.Multipart.of(b.bytes()).bytes()).post("/dicomweb/studies").then()
                .statusCode(403);
    }

    @Test
    void storeWithoutCreateScopeIsRefusedPerInstance() {
        var b = DicomFixtures.instance();
        String readOnlyIngest = TestTokens.system("dicomgate-ingest", "system/ImagingStudy.rs", "ingest");
        Api.as(readOnlyIngest).contentType(io.dicomgate.testsupport.Multipart.DICOM_TYPE)
                .body(io.dicomgate.testsupport.Multipart.of(b.bytes()).bytes()).post("/dicomweb/studies").then()
                .statusCode(409).body("'00081198'.Value[0].'00081197'.Value[0]", org.hamcrest.Matchers.equalTo(0x0124));
        Api.as(Api.ADMIN).queryParam("StudyInstanceUID", b.studyUid()).get("/dicomweb/studies").then().statusCode(204);
    }
}
