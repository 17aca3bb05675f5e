package io.dicomgate.access;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import io.dicomgate.testsupport.Api;
import io.dicomgate.testsupport.DicomFixtures;
import io.dicomgate.testsupport.PostgresTestResource;
import io.dicomgate.testsupport.TestTokens;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;

/** The access matrix with locally signed tokens: every role, scope and claim combination we can mint. */
@QuarkusTest
@QuarkusTestResource(PostgresTestResource.class)
class AccessMatrixTest extends AccessMatrix {

    static final Caller ADMIN = new Caller("admin", false);
    static final Caller CLINICIAN = new Caller("clinician with consents", false);
    static final Caller OTHER_CLINICIAN = new Caller("clinician without consents", false);
    static final Caller HEADER_WITHOUT_ROLE = new Caller("clinician, break-glass header, no emergency role", true);
    static final Caller EMERGENCY_NO_REASON = new Caller("emergency clinician without header", false);
    static final Caller EMERGENCY_WITH_REASON = new Caller("emergency clinician with reason", true);
    static final Caller PATIENT_PORTAL = new Caller("patient via portal (patient/ scope)", false);
    static final Caller PATIENT_VIEWER = new Caller("patient via viewer (user/ scope)", false);
    static final Caller PATIENT_WITHOUT_CLAIM = new Caller("patient role without patient_id", false);
    static final Caller ADMIN_WITH_PATIENT_SCOPE = new Caller("admin with patient/ scope only", false);
    static final Caller CLINICIAN_WITHOUT_SCOPE = new Caller("clinician without ImagingStudy scope", false);
    static final Caller EHR = new Caller("EHR system client", false);

    @Override
    protected List<Caller> callers() {
        return List.of(ADMIN, CLINICIAN, OTHER_CLINICIAN, HEADER_WITHOUT_ROLE, EMERGENCY_NO_REASON, EMERGENCY_WITH_REASON,
                PATIENT_PORTAL, PATIENT_VIEWER, PATIENT_WITHOUT_CLAIM, ADMIN_WITH_PATIENT_SCOPE, CLINICIAN_WITHOUT_SCOPE,
                EHR);
    }

    @Override
    protected String token(Caller who) {
        // Fresh names where a break-the-glass grant of one case must not carry over to the next.
        return switch (who.name()) {
            case "admin" -> TestTokens.user("admin", "imaging-admin");
            case "clinician with consents" -> TestTokens.user(consentedClinician(), "clinician");
            case "clinician without consents" -> TestTokens.user("dr.cuddy-" + suffix, "clinician");
            case "clinician, break-glass header, no emergency role" -> TestTokens.user("dr.norole-" + UUID.randomUUID(), "clinician");
            case "emergency clinician without header", "emergency clinician with reason" ->
                    TestTokens.user("dr.er-" + UUID.randomUUID(), "clinician", "emergency-access");
            case "patient via portal (patient/ scope)" -> TestTokens.patient("alice-" + suffix, ownPatientId());
            case "patient via viewer (user/ scope)" -> {
                Map<String, Object> c = TestTokens.claims("alice-" + suffix, "patient");
                c.put("patient_id", ownPatientId());
                yield TestTokens.sign(c);
            }
            case "patient role without patient_id" -> TestTokens.user("mallory-" + suffix, "patient");
            case "admin with patient/ scope only" -> {
                // The scope bounds the token to its own compartment, whatever the roles.
                Map<String, Object> c = TestTokens.claims("admin", "imaging-admin");
                c.put("scope", "openid patient/ImagingStudy.rs");
                c.put("patient_id", ownPatientId());
                yield TestTokens.sign(c);
            }
            case "clinician without ImagingStudy scope" -> {
                Map<String, Object> c = TestTokens.claims(consentedClinician(), "clinician");
                c.put("scope", "openid profile");
                yield TestTokens.sign(c);
            }
            case "EHR system client" -> TestTokens.system(consentedClient(), "system/ImagingStudy.rs", "integration");
            default -> throw new IllegalArgumentException(who.name());
        };
    }

    @Override
    protected boolean visible(Caller who, Situation s) {
        if (who == ADMIN || who == EMERGENCY_WITH_REASON) {
            return true;
        }
        if (who == CLINICIAN) {
            return s == Situation.CONSENTED || s == Situation.ONE_STUDY_ONLY;
        }
        if (who == PATIENT_PORTAL || who == PATIENT_VIEWER || who == ADMIN_WITH_PATIENT_SCOPE) {
            return s == Situation.OWN;
        }
        if (who == EHR) {
            return s == Situation.EHR_CONSENTED;
        }
        return false;
    }

    @Override
    protected boolean opensGrant(Caller who, Situation s) {
        return who == EMERGENCY_WITH_REASON;
    }

    @Override
    protected String consentedClinician() {
        return "dr.house-" + suffix;
    }

    @Override
    protected String consentedClient() {
        return "ehr-" + suffix;
    }

    @Override
    protected String ownPatientId() {
        return "MX-OWN-" + suffix;
    }

    @Override
    protected void store(byte[] instance) {
        Api.store(instance).then().statusCode(200);
    }

    /** An unknown study answers exactly like a hidden one: status, body and headers. */
    @Test
    void hiddenAndUnknownAreIndistinguishable() throws Exception {
        ensureFixture();
        String hidden = "/dicomweb/studies/" + study(Situation.NO_CONSENT).studyUid() + "/metadata";
        String unknown = "/dicomweb/studies/" + DicomFixtures.uid() + "/metadata";
        String token = token(CLINICIAN);
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
        String s = "/dicomweb/studies/" + study(Situation.NO_CONSENT).studyUid() + "/metadata";
        Api.as(token(EMERGENCY_NO_REASON)).header("X-Break-Glass-Reason", " ").get(s).then().statusCode(400);
        Api.as(token(OTHER_CLINICIAN)).header("X-Break-Glass-Reason", " ").get(s).then().statusCode(404);
    }

    @Test
    void breakGlassGrantIsTimeBoxedToOnePatientAndRecorded() throws Exception {
        ensureFixture();
        String token = TestTokens.user("dr.er-" + UUID.randomUUID(), "clinician", "emergency-access");
        String target = "/dicomweb/studies/" + study(Situation.NO_CONSENT).studyUid() + "/metadata";
        String other = "/dicomweb/studies/" + study(Situation.REVOKED).studyUid() + "/metadata";
        Api.as(token).get(target).then().statusCode(404);
        Api.as(token).header("X-Break-Glass-Reason", "stroke alert").header("X-Break-Glass-Purpose", "ETREAT").get(target)
                .then().statusCode(200);
        // The grant stays open for this patient without the header, and for this patient only.
        Api.as(token).get(target).then().statusCode(200);
        Api.as(token).get(other).then().statusCode(404);
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement("SELECT reason, purpose_of_use, expires_at - created_at"
                        + " FROM break_glass WHERE patient_id = ? AND reason = 'stroke alert'")) {
            ps.setString(1, pid(Situation.NO_CONSENT));
            var rs = ps.executeQuery();
            assertTrue(rs.next(), "grant recorded");
            assertEquals("ETREAT", rs.getString(2));
            assertEquals("01:00:00", rs.getString(3), "default time box 60 min");
        }
    }

    @Test
    void breakGlassSearchNamesExactlyOnePatient() throws Exception {
        // One PatientID under two issuers: the ID alone is ambiguous and opens nothing.
        String pid = "MX-BG-" + UUID.randomUUID().toString().substring(0, 8);
        var a = DicomFixtures.instance().patient(pid, "Glass^A").issuer("HOSP-A");
        var b = DicomFixtures.instance().patient(pid, "Glass^B").issuer("HOSP-B");
        Api.store(a.bytes()).then().statusCode(200);
        Api.store(b.bytes()).then().statusCode(200);
        String token = TestTokens.user("dr.er-" + UUID.randomUUID(), "clinician", "emergency-access");
        Api.as(token).header("X-Break-Glass-Reason", "trauma").queryParam("PatientName", "Glass*")
                .get("/dicomweb/studies").then().statusCode(400);
        Api.as(token).header("X-Break-Glass-Reason", "trauma").queryParam("PatientID", pid)
                .get("/dicomweb/studies").then().statusCode(400);
        Api.as(token).header("X-Break-Glass-Reason", "trauma").queryParam("PatientID", pid)
                .queryParam("IssuerOfPatientID", "HOSP-*").get("/dicomweb/studies").then().statusCode(400);
        assertEquals(0, grants(pid));
        Api.as(token).header("X-Break-Glass-Reason", "trauma").queryParam("PatientID", pid)
                .queryParam("IssuerOfPatientID", "HOSP-A").get("/dicomweb/studies").then().statusCode(200)
                .body("'0020000D'.Value[0]", org.hamcrest.Matchers.contains(a.studyUid()));
        assertEquals(1, grants(pid), "one grant, for HOSP-A only");
        // The other issuer's patient stays hidden.
        Api.as(token).get("/dicomweb/studies/" + b.studyUid() + "/metadata").then().statusCode(404);
        // One study names one patient too.
        Api.as(token).header("X-Break-Glass-Reason", "trauma").get("/dicomweb/studies/" + b.studyUid() + "/series")
                .then().statusCode(200);
        assertEquals(2, grants(pid));
    }

    @Test
    void repeatedBreakGlassRequestsOpenOneGrant() throws Exception {
        var x = DicomFixtures.instance().patient("MX-BG1-" + UUID.randomUUID().toString().substring(0, 8), "Once^Only")
                .issuer("HOSP");
        Api.store(x.bytes()).then().statusCode(200);
        String token = TestTokens.user("dr.once-" + UUID.randomUUID(), "clinician", "emergency-access");
        String path = "/dicomweb/studies/" + x.studyUid() + "/metadata";
        for (int i = 0; i < 5; i++) {
            Api.as(token).header("X-Break-Glass-Reason", "cardiac arrest").get(path).then().statusCode(200);
            Api.as(token).header("X-Break-Glass-Reason", "cardiac arrest").queryParam("PatientID", x.patientId())
                    .queryParam("IssuerOfPatientID", "HOSP").get("/dicomweb/studies").then().statusCode(200);
        }
        assertEquals(1, grants(x.patientId()), "one emergency, one grant, one review item");
    }

    @Test
    void breakGlassOpensNothingWhenConsentAlreadyAllows() throws Exception {
        // A clinician with a permit for the patient and emergency-access too: the header opens no grant.
        String clinician = "dr.consented-" + UUID.randomUUID();
        var x = DicomFixtures.instance().patient("MX-BG2-" + UUID.randomUUID().toString().substring(0, 8), "Has^Consent");
        Api.store(x.bytes()).then().statusCode(200);
        permitAll(x.patientId(), clinician);
        String token = TestTokens.user(clinician, "clinician", "emergency-access");
        Api.as(token).header("X-Break-Glass-Reason", "just in case").get("/dicomweb/studies/" + x.studyUid() + "/metadata")
                .then().statusCode(200);
        assertEquals(0, grants(x.patientId()));
    }

    /** An active permit on all of the patient's studies for the clinician, written as the consent API would. */
    private void permitAll(String patientId, String clinician) throws Exception {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement("""
                INSERT INTO consent (id, patient_id, issuer, grantee_type, grantee, decision, all_studies, period_start,
                    status, created_by) VALUES (?, ?, '', 'user', ?, 'permit', true, now() - interval '1 minute', 'active', 'test')""")) {
            ps.setObject(1, UUID.randomUUID());
            ps.setString(2, patientId);
            ps.setString(3, clinician);
            ps.executeUpdate();
        }
    }

    private int grants(String patientId) throws Exception {
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM break_glass WHERE patient_id = ?")) {
            ps.setString(1, patientId);
            var rs = ps.executeQuery();
            rs.next();
            return rs.getInt(1);
        }
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
        permitAll(b.patientId(), clinician);
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
        var b = DicomFixtures.instance().patient(pid(Situation.OWN), "Matrix^OWN");
        Api.as(TestTokens.patient("alice-" + suffix, ownPatientId()))
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
