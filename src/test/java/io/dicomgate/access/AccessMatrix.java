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
import java.util.stream.Stream;

import javax.sql.DataSource;

import jakarta.inject.Inject;

import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import io.dicomgate.audit.AuditAction;
import io.dicomgate.audit.AuditEvent;
import io.dicomgate.audit.AuditOutcome;
import io.dicomgate.testsupport.Api;
import io.dicomgate.testsupport.DicomFixtures;
import io.dicomgate.testsupport.RecordedAuditEvents;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;

/**
 * Who may see which patient, on every DICOMweb resource: each caller × each patient situation ×
 * each resource, with the audit event of every request. Visible means 200 (WADO) or present
 * (QIDO); invisible means exactly the answer for data that does not exist. Subclasses supply the
 * callers and their tokens: locally signed ({@link AccessMatrixTest}) or issued by the real
 * Keycloak ({@link KeycloakAccessMatrixIT}).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class AccessMatrix {

    /** The patient situations of the matrix. */
    enum Situation {
        OWN, CONSENTED, NO_CONSENT, REVOKED, EXPIRED, DENY_OVER_PERMIT, FUTURE, ONE_STUDY_ONLY, EHR_CONSENTED
    }

    /** A caller of the matrix: its name in the table, and whether it sends a break-the-glass reason. */
    protected record Caller(String name, boolean breakGlassHeader) {
        @Override
        public String toString() {
            return name;
        }
    }

    protected abstract List<Caller> callers();

    /** A token for the caller, minted or fetched for each case. */
    protected abstract String token(Caller caller);

    /** The rule under test, written out independently of the SQL. */
    protected abstract boolean visible(Caller caller, Situation situation);

    /** Username the CONSENTED (and related) consents are granted to. */
    protected abstract String consentedClinician();

    /** Client id the EHR consent is granted to. */
    protected abstract String consentedClient();

    /** Patient ID of the OWN situation (the patient caller's). */
    protected abstract String ownPatientId();

    /** Whether break-the-glass cases must see their reason in the audit. */
    protected abstract boolean opensGrant(Caller caller, Situation situation);

    /** Hook before every case, e.g. to close grants left by an earlier case of the same user. */
    protected void beforeCase(Caller caller) throws Exception {
    }

    protected final String suffix = UUID.randomUUID().toString().substring(0, 8);
    private final Map<Situation, DicomFixtures.Builder> studies = new LinkedHashMap<>();
    private DicomFixtures.Builder secondStudy;
    private boolean ready;

    /** The study stored for a situation. */
    protected DicomFixtures.Builder study(Situation s) {
        return studies.get(s);
    }

    protected String pid(Situation s) {
        return s == Situation.OWN ? ownPatientId() : "MX-" + s.name() + "-" + suffix;
    }

    @Inject
    protected DataSource dataSource;
    @Inject
    RecordedAuditEvents audit;

    protected synchronized void ensureFixture() throws Exception {
        if (ready) {
            return;
        }
        for (Situation s : Situation.values()) {
            var b = DicomFixtures.instance().patient(pid(s), "Matrix^" + s.name()).frames(2);
            studies.put(s, b);
            store(b.bytes());
        }
        secondStudy = DicomFixtures.instance().patient(pid(Situation.ONE_STUDY_ONLY), "Matrix^ONE_STUDY_ONLY");
        store(secondStudy.bytes());
        Instant now = Instant.now();
        consent(Situation.CONSENTED, "user", consentedClinician(), "permit", "active", now.minusSeconds(60), null, null);
        consent(Situation.REVOKED, "user", consentedClinician(), "permit", "revoked", now.minusSeconds(60), null, null);
        consent(Situation.EXPIRED, "user", consentedClinician(), "permit", "active", now.minus(2, ChronoUnit.DAYS),
                now.minusSeconds(1), null);
        consent(Situation.DENY_OVER_PERMIT, "user", consentedClinician(), "permit", "active", now.minusSeconds(60), null, null);
        consent(Situation.DENY_OVER_PERMIT, "user", consentedClinician(), "deny", "active", now.minusSeconds(60), null, null);
        consent(Situation.FUTURE, "user", consentedClinician(), "permit", "active", now.plus(1, ChronoUnit.DAYS), null, null);
        consent(Situation.ONE_STUDY_ONLY, "user", consentedClinician(), "permit", "active", now.minusSeconds(60), null,
                studies.get(Situation.ONE_STUDY_ONLY).studyUid());
        consent(Situation.EHR_CONSENTED, "client", consentedClient(), "permit", "active", now.minusSeconds(60), null, null);
        ready = true;
    }

    private void consent(Situation s, String granteeType, String grantee, String decision, String status, Instant start,
            Instant end, String onlyStudy) throws Exception {
        try (Connection c = dataSource.getConnection()) {
            long pk;
            try (PreparedStatement ps = c.prepareStatement("""
                    INSERT INTO consent (id, patient_id, issuer, grantee_type, grantee, decision, all_studies, period_start,
                        period_end, status, created_by) VALUES (?, ?, '', ?, ?, ?, ?, ?, ?, ?, 'test') RETURNING pk""")) {
                ps.setObject(1, UUID.randomUUID());
                ps.setString(2, pid(s));
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

    enum Resource {
        STUDY, SERIES, INSTANCE, STUDY_METADATA, SERIES_METADATA, INSTANCE_METADATA, FRAMES, BULKDATA, RENDERED,
        THUMBNAIL,
        QIDO_STUDIES, QIDO_SERIES, QIDO_INSTANCES, QIDO_STUDY_SERIES, QIDO_STUDY_INSTANCES, QIDO_SERIES_INSTANCES
    }

    /** Stores through STOW-RS with a token allowed to. */
    protected abstract void store(byte[] instance);

    Stream<Arguments> matrix() {
        List<Arguments> cases = new ArrayList<>();
        for (Caller who : callers()) {
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
    void matrix(Caller who, Situation situation, Resource resource) throws Exception {
        ensureFixture();
        beforeCase(who);
        DicomFixtures.Builder b = studies.get(situation);
        String requestId = "req-" + UUID.randomUUID();
        RequestSpecification request = Api.as(token(who)).header("X-Request-Id", requestId);
        if (who.breakGlassHeader()) {
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
            case RENDERED -> request.get(i + "/rendered");
            case THUMBNAIL -> request.get(s + "/thumbnail");
            case QIDO_STUDIES -> request.queryParam("PatientID", pid(situation)).get("/dicomweb/studies");
            case QIDO_SERIES -> request.queryParam("PatientID", pid(situation)).get("/dicomweb/series");
            case QIDO_INSTANCES -> request.queryParam("PatientID", pid(situation)).get("/dicomweb/instances");
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
                if (situation == Situation.ONE_STUDY_ONLY && !visible(who, Situation.NO_CONSENT)) {
                    assertTrue(!body.contains(secondStudy.studyUid()), "study outside the consent leaked");
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
            assertTrue(patientsAudited.contains(pid(situation)), patientsAudited.toString());
            assertEquals(AuditOutcome.SUCCESS, first.outcome());
        } else if (!search) {
            assertEquals(AuditOutcome.DENIED, first.outcome(), "a hidden retrieve is audited as a denial");
            assertEquals(pid(situation), first.patientId());
        } else {
            assertTrue(!patientsAudited.contains(pid(situation)), "a search names only patients it returned");
        }
        if (opensGrant(who, situation)) {
            assertTrue(events.stream().anyMatch(e -> "unconscious patient in the ED".equals(e.breakGlassReason())),
                    "break-the-glass is audited with its reason");
        }
    }
}
