package io.dicomgate.qido;

import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.util.UUID;

import javax.sql.DataSource;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import com.pixelmed.dicom.TagFromName;

import io.dicomgate.testsupport.Api;
import io.dicomgate.testsupport.DicomFixtures;
import io.dicomgate.testsupport.PostgresTestResource;
import io.dicomgate.testsupport.TestTokens;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;

/**
 * A caller sees only patient attribute values that come from studies they may see: the Patient
 * module is kept per study, so a clinician whose consent names study S1 never sees the name, birth
 * date, comments or other IDs that only the patient's hidden study S2 carries — at any QIDO level,
 * with includefield=all, nor by matching on them — and a later study renames nobody.
 */
@QuarkusTest
@QuarkusTestResource(PostgresTestResource.class)
class PatientAttributesPerStudyTest {

    @Inject
    DataSource dataSource;

    @Test
    void hiddenStudyPatientAttributesNeverShow() throws Exception {
        String pid = "PPS-" + UUID.randomUUID().toString().substring(0, 8);
        var s1 = DicomFixtures.instance().patient(pid, "Alpha^Ann").birthDate("19800101")
                .text(TagFromName.OtherPatientIDs, "OTHER-ONE").text(TagFromName.PatientComments, "first visit");
        var s2 = DicomFixtures.instance().patient(pid, "Zeta^Zoe").birthDate("19700707")
                .text(TagFromName.OtherPatientIDs, "OTHER-TWO").text(TagFromName.PatientComments, "psychiatry referral");
        Api.store(s1.bytes()).then().statusCode(200);
        Api.store(s2.bytes()).then().statusCode(200);
        String clinician = "dr.pps-" + UUID.randomUUID();
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement("""
                INSERT INTO consent (id, patient_id, issuer, grantee_type, grantee, decision, all_studies, period_start,
                    status, created_by) VALUES (?, ?, '', 'user', ?, 'permit', false, now() - interval '1 minute', 'active', 'test')
                RETURNING pk""")) {
            ps.setObject(1, UUID.randomUUID());
            ps.setString(2, pid);
            ps.setString(3, clinician);
            var rs = ps.executeQuery();
            rs.next();
            try (PreparedStatement st = c.prepareStatement("INSERT INTO consent_study (consent_fk, study_uid) VALUES (?, ?)")) {
                st.setLong(1, rs.getLong(1));
                st.setString(2, s1.studyUid());
                st.executeUpdate();
            }
        }
        String token = TestTokens.user(clinician, "clinician");
        for (String path : new String[] { "/dicomweb/studies", "/dicomweb/series", "/dicomweb/instances",
                "/dicomweb/studies/" + s1.studyUid() + "/series", "/dicomweb/studies/" + s1.studyUid() + "/instances" }) {
            Response r = Api.as(token).queryParam("PatientID", pid).queryParam("includefield", "all").get(path);
            r.then().statusCode(200);
            String body = r.asString();
            for (String secret : new String[] { "Zeta", "19700707", "OTHER-TWO", "psychiatry", s2.studyUid() }) {
                assertFalse(body.contains(secret), path + " leaked " + secret + ": " + body);
            }
        }
        Api.as(token).queryParam("PatientID", pid).queryParam("includefield", "all").get("/dicomweb/studies").then()
                .body("[0].'00100010'.Value[0].Alphabetic", equalTo("Alpha^Ann"))
                .body("[0].'00104000'.Value[0]", equalTo("first visit"));
        // Matching on a hidden study's values finds nothing either.
        Api.as(token).queryParam("PatientName", "Zeta*").get("/dicomweb/studies").then().statusCode(204);
        Api.as(token).queryParam("PatientBirthDate", "19700707").get("/dicomweb/studies").then().statusCode(204);
        Api.as(token).queryParam("PatientName", "Zeta*").queryParam("fuzzymatching", "true").get("/dicomweb/studies")
                .then().statusCode(204);

        // The admin sees each study with what it was stored with: nobody was renamed by the second study.
        Api.as(Api.ADMIN).queryParam("PatientID", pid).get("/dicomweb/studies").then().statusCode(200)
                .body("'00100010'.Value.Alphabetic.flatten()", containsInAnyOrder("Alpha^Ann", "Zeta^Zoe"));
        Api.as(Api.ADMIN).queryParam("PatientName", "Alpha*").queryParam("PatientID", pid).get("/dicomweb/studies")
                .then().statusCode(200).body("'0020000D'.Value.flatten()", containsInAnyOrder(s1.studyUid()));
    }

    @Test
    void withinOneStudyTheLastInstanceStoredWins() {
        String pid = "PPS-" + UUID.randomUUID().toString().substring(0, 8);
        var first = DicomFixtures.instance().patient(pid, "Before^Name");
        var second = DicomFixtures.instance().inStudyOf(first).patient(pid, "After^Name");
        Api.store(first.bytes()).then().statusCode(200);
        Api.store(second.bytes()).then().statusCode(200);
        Api.as(Api.ADMIN).queryParam("StudyInstanceUID", first.studyUid()).get("/dicomweb/studies").then()
                .statusCode(200).body("[0].'00100010'.Value[0].Alphabetic", equalTo("After^Name"));
    }
}
