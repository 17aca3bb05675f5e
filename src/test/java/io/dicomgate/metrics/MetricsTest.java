package io.dicomgate.metrics;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import io.dicomgate.testsupport.Api;
import io.dicomgate.testsupport.DicomFixtures;
import io.dicomgate.testsupport.PostgresTestResource;
import io.dicomgate.testsupport.TestTokens;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;

/** {@code /q/metrics}: who may scrape it, that the meters move with the work, and that no label carries PHI. */
@QuarkusTest
@QuarkusTestResource(PostgresTestResource.class)
class MetricsTest {

    private static final String STORED = "dicomgate_stow_instances_stored_total";
    private static final String REFUSED = "dicomgate_stow_instances_refused_total";
    private static final String DENIALS = "dicomgate_access_denials_total";
    private static final String REQUESTS = "dicomgate_dicomweb_requests_seconds_count";
    private static final String SENT = "dicomgate_dicomweb_sent_bytes_total";
    private static final String CLINICIAN = TestTokens.user("dr.metrics", "clinician");

    @Test
    void onlyTheMonitoringRoleMayScrape() {
        given().get("/q/metrics").then().statusCode(401);
        Api.as(Api.ADMIN).get("/q/metrics").then().statusCode(403);
        Api.as(CLINICIAN).get("/q/metrics").then().statusCode(403);
        Api.as(TestTokens.system("ehr-integration", "system/ImagingStudy.rs", "integration")).get("/q/metrics")
                .then().statusCode(403);
        Api.as(Scrape.MONITORING).get("/q/metrics").then().statusCode(200)
                .body(containsString("\n" + STORED + " "));
    }

    @Test
    void stowMovesStoredAndRefusedByExactlyWhatItDid() {
        var good = DicomFixtures.instance();
        byte[] truncated = Arrays.copyOf(DicomFixtures.instance().bytes(), 300);
        Scrape before = Scrape.now();

        Api.store(good.bytes(), truncated).then().statusCode(202);

        Scrape after = Scrape.now();
        assertAll(
                () -> assertEquals(1, after.sum(STORED) - before.sum(STORED), "stored"),
                () -> assertEquals(1, after.sum(REFUSED, "reason", "cannot_understand")
                        - before.sum(REFUSED, "reason", "cannot_understand"), "refused, cannot_understand"),
                () -> assertEquals(1, after.sum(REFUSED) - before.sum(REFUSED), "refused, any reason"),
                () -> assertEquals(1, after.sum(REQUESTS, "transaction", "stow", "status", "202")
                        - before.sum(REQUESTS, "transaction", "stow", "status", "202"), "STOW request timed"),
                () -> assertTrue(after.sum(SENT, "transaction", "stow") > before.sum(SENT, "transaction", "stow"),
                        "response bytes counted"),
                () -> assertEquals(2, after.sum("dicomgate_blobstore_operations_seconds_count", "operation", "commit")
                        - before.sum("dicomgate_blobstore_operations_seconds_count", "operation", "commit"),
                        "two blobs committed: the instance, and the refused part kept in quarantine"));
    }

    @Test
    void aDuplicateIsRefusedUnderItsOwnReason() {
        var a = DicomFixtures.instance();
        Api.store(a.bytes()).then().statusCode(200);
        Scrape before = Scrape.now();

        Api.store(a.studyDescription("changed").bytes()).then().statusCode(409);

        Scrape after = Scrape.now();
        assertEquals(1, after.sum(REFUSED, "reason", "duplicate_sop_instance")
                - before.sum(REFUSED, "reason", "duplicate_sop_instance"));
        assertEquals(0, after.sum(STORED) - before.sum(STORED));
    }

    @Test
    void aHiddenRetrieveCountsAsADenialAndAnUnknownOneDoesNot() {
        var a = DicomFixtures.instance();
        Api.store(a.bytes()).then().statusCode(200);
        Scrape before = Scrape.now();

        Api.as(CLINICIAN).get("/dicomweb/studies/" + a.studyUid() + "/metadata").then().statusCode(404);
        Scrape afterHidden = Scrape.now();
        Api.as(CLINICIAN).get("/dicomweb/studies/" + DicomFixtures.uid() + "/metadata").then().statusCode(404);
        Scrape afterUnknown = Scrape.now();

        assertEquals(1, afterHidden.sum(DENIALS) - before.sum(DENIALS), "hidden");
        assertEquals(0, afterUnknown.sum(DENIALS) - afterHidden.sum(DENIALS), "unknown");
        assertEquals(2, afterUnknown.sum(REQUESTS, "transaction", "metadata", "status", "404")
                - before.sum(REQUESTS, "transaction", "metadata", "status", "404"), "both timed as metadata 404");
    }

    @Test
    void breakingTheGlassCountsOneGrantPerEmergency() {
        var a = DicomFixtures.instance();
        Api.store(a.bytes()).then().statusCode(200);
        String emergency = TestTokens.user("dr.metrics.emergency", "clinician", "emergency-access");
        Scrape before = Scrape.now();

        for (int i = 0; i < 2; i++) {
            Api.as(emergency).header("X-Break-Glass-Reason", "unconscious patient in the ED")
                    .get("/dicomweb/studies/" + a.studyUid() + "/metadata").then().statusCode(200);
        }

        Scrape after = Scrape.now();
        assertEquals(1, after.sum("dicomgate_breakglass_grants_total") - before.sum("dicomgate_breakglass_grants_total"));
    }

    @Test
    void refusedAndUnroutedRequestsAreMeasuredByTemplateNeverByPath() {
        Scrape before = Scrape.now();

        given().get("/dicomweb/studies/" + DicomFixtures.uid() + "/metadata").then().statusCode(401);
        Api.as(Api.ADMIN).get("/dicomweb/no-such-resource/" + DicomFixtures.uid()).then().statusCode(404);

        Scrape after = Scrape.now();
        assertEquals(1, after.sum(REQUESTS, "transaction", "metadata", "status", "401")
                - before.sum(REQUESTS, "transaction", "metadata", "status", "401"), "401 under its route");
        assertEquals(1, after.sum(REQUESTS, "transaction", "unmatched", "status", "404")
                - before.sum(REQUESTS, "transaction", "unmatched", "status", "404"), "no route: unmatched");
    }

    @Test
    void noLabelCarriesAUidAPatientOrAUser() {
        var a = DicomFixtures.instance().patient("PID-METRICS-4711", "QUIMBY^ZEBEDIAH").birthDate("19310203");
        Api.store(a.bytes()).then().statusCode(200);
        String study = "/dicomweb/studies/" + a.studyUid();
        String instance = study + "/series/" + a.seriesUid() + "/instances/" + a.sopUid();
        Api.as(Api.ADMIN).accept("application/dicom; transfer-syntax=*").get(instance).then().statusCode(200);
        Api.as(Api.ADMIN).get(study + "/metadata").then().statusCode(200);
        Api.as(Api.ADMIN).queryParam("PatientID", a.patientId()).get("/dicomweb/studies").then().statusCode(200);
        Api.as(Api.ADMIN).queryParam("PatientName", "QUIMBY*").get("/dicomweb/studies").then().statusCode(200);
        Api.as(CLINICIAN).get(study + "/metadata").then().statusCode(404);
        Api.as(Api.INGEST).get(study + "/metadata").then().statusCode(403);
        given().get(instance).then().statusCode(401);
        given().get("/api/consents/" + a.studyUid()).then().statusCode(401);
        Api.as(Api.ADMIN).get("/nothing/here/" + a.sopUid()).then().statusCode(404);

        Scrape scrape = Scrape.now();

        for (String secret : List.of(a.studyUid(), a.seriesUid(), a.sopUid(), a.patientId(), "QUIMBY", "ZEBEDIAH",
                "19310203", "dr.metrics", "admin", "sub-")) {
            assertFalse(scrape.text.contains(secret), secret + " in the scrape");
        }
        Pattern uidLike = Pattern.compile("[0-9]+\\.[0-9]+\\.[0-9]+");
        scrape.samples.stream().filter(s -> s.labels().containsKey("uri")).forEach(s -> assertFalse(
                uidLike.matcher(s.labels().get("uri")).find(), "uri label " + s.labels().get("uri")));
        assertTrue(scrape.samples.stream().anyMatch(s -> "/dicomweb/studies/{studyUid}/metadata".equals(s.labels().get("uri"))),
                "Quarkus' HTTP meters keep the route template");
    }
}
