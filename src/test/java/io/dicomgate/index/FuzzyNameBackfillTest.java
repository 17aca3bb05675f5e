package io.dicomgate.index;

import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.UUID;

import javax.sql.DataSource;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.dicomgate.testsupport.Api;
import io.dicomgate.testsupport.DicomFixtures;
import io.dicomgate.testsupport.PostgresTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;

/** Rows indexed before V6 get their fuzzy name words at start-up, folded like new rows. */
@QuarkusTest
@QuarkusTestResource(PostgresTestResource.class)
class FuzzyNameBackfillTest {

    @Inject
    FuzzyNameBackfill backfill;
    @Inject
    DataSource dataSource;

    @Test
    void rowsWithoutFuzzyWordsAreFilledAndThenFound() throws Exception {
        String issuer = "BACKFILL-" + UUID.randomUUID().toString().substring(0, 8);
        var a = DicomFixtures.instance().patient("OLD", "Ñúñez^Íñigo").issuer(issuer).characterSet("ISO_IR 192")
                .referringPhysician("Brontë^Charlotte");
        Api.store(a.bytes()).then().statusCode(200);
        try (var c = dataSource.getConnection(); var s = c.createStatement()) {
            s.executeUpdate("UPDATE study SET patient_name_fuzzy = NULL, referring_physician_name_fuzzy = NULL"
                    + " WHERE study_uid = '" + a.studyUid() + "'");
        }
        Api.as(Api.ADMIN).queryParam("IssuerOfPatientID", issuer).queryParam("PatientName", "nunez")
                .queryParam("fuzzymatching", "true").get("/dicomweb/studies").then().statusCode(204);

        backfill.onStart(null);

        try (var c = dataSource.getConnection(); var s = c.prepareStatement(
                "SELECT array_to_string(patient_name_fuzzy, ' ') FROM study WHERE study_uid = ?")) {
            s.setString(1, a.studyUid());
            try (var rs = s.executeQuery()) {
                rs.next();
                assertEquals("INIGO NUNEZ", rs.getString(1));
            }
        }
        Api.as(Api.ADMIN).queryParam("IssuerOfPatientID", issuer).queryParam("PatientName", "nunez")
                .queryParam("fuzzymatching", "true").get("/dicomweb/studies").then().statusCode(200)
                .body("[0].'00100020'.Value[0]", equalTo("OLD"));
        Api.as(Api.ADMIN).queryParam("IssuerOfPatientID", issuer).queryParam("ReferringPhysicianName", "bronte")
                .queryParam("fuzzymatching", "true").get("/dicomweb/studies").then().statusCode(200);
        assertEquals(0, backfill.fill("study", "patient_name", "patient_name_fuzzy"), "nothing left to do");
    }
}
