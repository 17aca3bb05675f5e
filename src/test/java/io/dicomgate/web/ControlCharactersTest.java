package io.dicomgate.web;

import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.ResultSet;
import java.util.Set;
import java.util.UUID;

import javax.sql.DataSource;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import io.dicomgate.access.BreakGlassGrants;
import io.dicomgate.access.Caller;
import io.dicomgate.access.PatientRef;
import io.dicomgate.testsupport.Api;
import io.dicomgate.testsupport.PostgresTestResource;
import io.dicomgate.testsupport.TestTokens;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * A NUL or other control character in any value a client sends is a {@code 400} at the edge — never a
 * 500 — and the refusal itself is audited without a gap in the chain (every value an audit record
 * holds is storable).
 */
@QuarkusTest
@QuarkusTestResource(PostgresTestResource.class)
class ControlCharactersTest {

    static final String AUDITOR = TestTokens.user("auditor-ctl", "auditor");
    static final String NUL = "\u0000";

    @Inject
    DataSource dataSource;
    @Inject
    BreakGlassGrants grants;

    @ParameterizedTest
    @ValueSource(strings = { "PatientName", "PatientID", "IssuerOfPatientID", "PatientBirthDate", "PatientSex",
            "StudyInstanceUID", "StudyDate", "AccessionNumber", "StudyID", "StudyDescription", "ReferringPhysicianName",
            "ModalitiesInStudy", "includefield", "limit", "00100010" })
    void qidoKeyWithNulIs400(String key) throws Exception {
        long before = maxSeq();
        Api.as(Api.ADMIN).queryParam(key, "A" + NUL + "B").get("/dicomweb/studies").then().statusCode(400)
                .body(containsString("'" + key + "'")).body(containsString("control character"));
        Api.as(Api.ADMIN).queryParam(key, "line\nbreak").get("/dicomweb/series").then().statusCode(400);
        assertChainWithoutGap(before, 2);
    }

    @ParameterizedTest
    @CsvSource({ "'\t', 400", "'\u007f', 400", "'\u001b', 400" })
    void otherControlCharactersToo(String ch, int status) {
        Api.as(Api.ADMIN).queryParam("PatientName", "DOE" + ch).get("/dicomweb/studies").then().statusCode(status);
    }

    @Test
    void ordinaryTextStillPasses() {
        Api.as(Api.ADMIN).queryParam("PatientName", "Müller^Jürgen*").get("/dicomweb/studies").then()
                .statusCode(org.hamcrest.Matchers.oneOf(200, 204));
    }

    @Test
    void nulInAParameterNameIs400() {
        Api.as(Api.ADMIN).queryParam("Patient" + NUL + "Name", "X").get("/dicomweb/studies").then().statusCode(400);
    }

    @Test
    void auditFiltersWithNulAre400() throws Exception {
        long before = maxSeq();
        for (String filter : new String[] { "patient", "issuer", "user", "action", "from" }) {
            Api.as(AUDITOR).queryParam(filter, "x" + NUL).get("/api/audit").then().statusCode(400);
        }
        assertChainWithoutGap(before, 5);
    }

    @Test
    void consentReasonsWithNulAre400AndTheConsentStaysAsItWas() throws Exception {
        String pid = "CTL-" + UUID.randomUUID().toString().substring(0, 8);
        String patient = TestTokens.patient("p-" + pid, pid);
        long before = maxSeq();
        Api.as(patient).contentType("application/json")
                .body("{\"grantee\":{\"type\":\"user\",\"id\":\"dr.x\"},\"decision\":\"permit\",\"reason\":\"a\\u0000b\"}")
                .post("/api/consents").then().statusCode(400).body(containsString("reason"));
        Api.as(patient).contentType("application/json")
                .body("{\"grantee\":{\"type\":\"user\",\"id\":\"dr\\u0000x\"},\"decision\":\"permit\"}")
                .post("/api/consents").then().statusCode(400);
        String id = Api.as(patient).contentType("application/json")
                .body("{\"grantee\":{\"type\":\"user\",\"id\":\"dr.x\"},\"decision\":\"permit\"}")
                .post("/api/consents").then().statusCode(201).extract().path("id");
        Api.as(patient).contentType("application/json").body("{\"reason\":\"changed\\u0000 my mind\"}")
                .post("/api/consents/" + id + "/revoke").then().statusCode(400);
        Api.as(patient).get("/api/consents/" + id).then().statusCode(200).body("status", equalTo("active"));
        Api.as(patient).contentType("application/json").body("{\"reason\":\"changed my mind\"}")
                .post("/api/consents/" + id + "/revoke").then().statusCode(200).body("status", equalTo("revoked"));
        assertChainWithoutGap(before, 6);
    }

    @Test
    void reviewCommentWithNulIs400() throws Exception {
        Caller clinician = new Caller("sub-ctl", "dr.ctl", "dicomgate-viewer", Set.of("clinician", "emergency-access"),
                Set.of("openid", "user/ImagingStudy.rs"), null, "");
        UUID grant = grants.open(clinician, new PatientRef("CTL-BG", "HOSP"), "unconscious", null,
                java.time.Duration.ofMinutes(5));
        long before = maxSeq();
        Api.as(AUDITOR).contentType("application/json").body("{\"comment\":\"ok\\u0000\"}")
                .post("/api/break-glass/" + grant + "/review").then().statusCode(400);
        Api.as(AUDITOR).contentType("application/json").body("{\"comment\":\"line one\\nline two\"}")
                .post("/api/break-glass/" + grant + "/review").then().statusCode(200);
        assertChainWithoutGap(before, 2);
    }

    @Test
    void auditValuesAreAlwaysStorable() {
        assertEquals("a\uFFFDb", io.dicomgate.audit.AuditEventsForTests.storable("a\u0000b"));
        assertEquals("plain", io.dicomgate.audit.AuditEventsForTests.storable("plain"));
    }

    /** The requests since {@code before} left at least {@code atLeast} rows and no hole in the sequence. */
    private void assertChainWithoutGap(long before, int atLeast) throws Exception {
        Api.as(AUDITOR).get("/api/audit/verify").then().statusCode(200).body("valid", equalTo(true));
        try (Connection c = dataSource.getConnection(); ResultSet rs = c.createStatement().executeQuery(
                "SELECT count(*), coalesce(min(seq), 0), coalesce(max(seq), 0) FROM audit_log WHERE seq > " + before)) {
            assertTrue(rs.next());
            long count = rs.getLong(1);
            assertTrue(count >= atLeast, "every refusal audited: " + count + " rows");
            assertEquals(rs.getLong(3) - rs.getLong(2) + 1, count, "no audit record lost (no gap in seq)");
        }
    }

    private long maxSeq() throws Exception {
        try (Connection c = dataSource.getConnection();
                ResultSet rs = c.createStatement().executeQuery("SELECT coalesce(max(seq), 0) FROM audit_log")) {
            rs.next();
            assertFalse(rs.wasNull());
            return rs.getLong(1);
        }
    }
}
