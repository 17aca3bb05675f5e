package io.dicomgate.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;
import java.util.Map;

import javax.sql.DataSource;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import io.dicomgate.testsupport.Api;
import io.dicomgate.testsupport.DicomFixtures;
import io.dicomgate.testsupport.Multipart;
import io.dicomgate.testsupport.PostgresTestResource;
import io.dicomgate.testsupport.TestTokens;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;

/** Every DICOMweb request leaves its audit row: action, outcome, status, caller, patient, study. */
@QuarkusTest
@QuarkusTestResource(PostgresTestResource.class)
class DicomWebAuditTest {

    private static final String ANY_TS = "multipart/related; type=\"application/dicom\"; transfer-syntax=*";

    @Inject
    DataSource ds;

    private Map<String, Object> single(String requestId) {
        List<Map<String, Object>> rows = AuditRows.awaitByRequest(ds, requestId, 1);
        assertEquals(1, rows.size(), "audit rows of request " + requestId);
        return rows.get(0);
    }

    @Test
    void storeSearchAndRetrieveAreAuditedWithPatientAndStudy() {
        var a = DicomFixtures.instance().patient("AUD-" + System.nanoTime(), "Doe^Jane");
        String store = AuditRows.requestId();
        Api.as(Api.ADMIN).header(AuditResponseFilter.REQUEST_ID, store).contentType(Multipart.DICOM_TYPE)
                .body(Multipart.of(a.bytes()).bytes()).post("/dicomweb/studies").then().statusCode(200)
                .header(AuditResponseFilter.REQUEST_ID, store);
        Map<String, Object> stored = AuditRows.awaitByRequest(ds, store, 1).get(0);
        assertEquals("STORE", stored.get("action"));
        assertEquals("SUCCESS", stored.get("outcome"));
        assertEquals(200, stored.get("http_status"));
        assertEquals("admin", stored.get("username"));
        assertEquals("dicomgate-viewer", stored.get("client_id"));
        assertEquals(a.patientId(), stored.get("patient_id"));
        assertEquals(a.studyUid(), stored.get("study_uid"), "POST /studies records each instance's study");

        String search = AuditRows.requestId();
        Api.as(Api.ADMIN).header(AuditResponseFilter.REQUEST_ID, search)
                .get("/dicomweb/studies/" + a.studyUid() + "/series").then().statusCode(200);
        Map<String, Object> searched = single(search);
        assertEquals("SEARCH", searched.get("action"));
        assertEquals("SUCCESS", searched.get("outcome"));
        assertEquals(a.studyUid(), searched.get("study_uid"));
        assertEquals(a.patientId(), searched.get("patient_id"));

        String retrieve = AuditRows.requestId();
        String path = "/dicomweb/studies/" + a.studyUid() + "/series/" + a.seriesUid() + "/instances/" + a.sopUid();
        Api.as(Api.ADMIN).header(AuditResponseFilter.REQUEST_ID, retrieve).accept(ANY_TS).get(path).then()
                .statusCode(200);
        Map<String, Object> retrieved = single(retrieve);
        assertEquals("RETRIEVE", retrieved.get("action"));
        assertEquals("SUCCESS", retrieved.get("outcome"));
        assertEquals(200, retrieved.get("http_status"));
        assertEquals(a.patientId(), retrieved.get("patient_id"));
        assertEquals("", retrieved.get("issuer"));
        assertEquals(a.studyUid(), retrieved.get("study_uid"));
        assertEquals(a.seriesUid(), retrieved.get("series_uid"));
        assertEquals(a.sopUid(), retrieved.get("instance_uid"));
        assertEquals("sub-admin", retrieved.get("subject"));
    }

    @ParameterizedTest(name = "{0} {1} -> {2} {3}")
    @CsvSource({
            // a role without access to QIDO/WADO is refused before the resource runs
            "auditor,       /dicomweb/studies,                  403, DENIED,    SEARCH",
            "consent-admin, /dicomweb/studies/1.2.999/metadata, 403, DENIED,    RETRIEVE",
            // nothing there
            "imaging-admin, /dicomweb/studies/1.2.999.404,   404, NOT_FOUND, RETRIEVE" })
    void refusalsAndNotFoundsAreAudited(String role, String path, int status, String outcome, String action) {
        String id = AuditRows.requestId();
        String user = "u-" + role;
        Api.as(TestTokens.user(user, role)).header(AuditResponseFilter.REQUEST_ID, id).accept(ANY_TS).get(path).then()
                .statusCode(status);
        Map<String, Object> row = single(id);
        assertEquals(action, row.get("action"));
        assertEquals(outcome, row.get("outcome"));
        assertEquals(status, row.get("http_status"));
        assertEquals(user, row.get("username"));
        String study = path.startsWith("/dicomweb/studies/") ? path.split("/")[3] : null;
        assertEquals(study, row.get("study_uid"));
        assertNull(row.get("patient_id"));
    }

    @Test
    void aHiddenStudyIsAnsweredAs404ButAuditedAsDeniedForItsPatient() {
        var a = DicomFixtures.instance().patient("HID-" + System.nanoTime(), "Doe^Hidden");
        Api.store(a.bytes()).then().statusCode(200);
        String id = AuditRows.requestId();
        Api.as(TestTokens.user("dr-no-consent", "clinician")).header(AuditResponseFilter.REQUEST_ID, id).accept(ANY_TS)
                .get("/dicomweb/studies/" + a.studyUid()).then().statusCode(404);
        Map<String, Object> row = single(id);
        assertEquals("RETRIEVE", row.get("action"));
        assertEquals("DENIED", row.get("outcome"));
        assertEquals(404, row.get("http_status"));
        assertEquals(a.patientId(), row.get("patient_id"));
        assertEquals(a.studyUid(), row.get("study_uid"));
    }

    @Test
    void aPathSegmentThatIsNoUidIsNotStored() {
        String id = AuditRows.requestId();
        Api.as(Api.ADMIN).header(AuditResponseFilter.REQUEST_ID, id).accept(ANY_TS)
                .get("/dicomweb/studies/Doe%5EJane").then().statusCode(org.hamcrest.Matchers.greaterThanOrEqualTo(400));
        assertNull(single(id).get("study_uid"));
    }
}
