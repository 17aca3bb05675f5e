package io.dicomgate.guard;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import io.dicomgate.testsupport.DicomFixtures;
import io.dicomgate.testsupport.KeycloakLogOnFailure;
import io.dicomgate.testsupport.KeycloakServer;
import io.dicomgate.testsupport.Multipart;
import io.dicomgate.testsupport.RealKeycloakProfile;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;

/**
 * A harvesting script against the real stack: Keycloak's tokens, PostgreSQL, the opt-out policy (a
 * clinician may open any patient who did not object) and the guard with a small clinician limit. A
 * stolen clinician account walks the patient list, search then metadata, as a scraper would; it gets
 * exactly the limit's worth of patients, then 429s, and the auditor's queue names the account.
 */
@QuarkusTest
@TestProfile(GuardHarvestIT.RealStackSmallLimits.class)
@ExtendWith(KeycloakLogOnFailure.class)
class GuardHarvestIT {

    public static class RealStackSmallLimits extends RealKeycloakProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("dicomgate.guard.enabled", "true",
                    "dicomgate.access.policy-mode", "opt-out",
                    "dicomgate.guard.role.clinician.patients-per-hour", "10",
                    "dicomgate.guard.role.clinician.anomaly-patients-per-hour", "6");
        }
    }

    private static final int PATIENTS = 15;

    @Test
    void aHarvestingClinicianGetsTheLimitThenRefusalsAndAnAlert() {
        KeycloakServer keycloak = KeycloakServer.shared();
        String run = "HRV" + System.nanoTime() % 1_000_000_000L;
        List<byte[]> instances = new ArrayList<>();
        List<String> patientIds = new ArrayList<>();
        for (int i = 0; i < PATIENTS; i++) {
            DicomFixtures.Builder b = DicomFixtures.instance().patient(run + "-" + i, "Harvest^Victim" + i);
            patientIds.add(b.patientId());
            instances.add(b.bytes());
        }
        String ingest = keycloak.clientCredentialsToken("dicomgate-ingest", "dicomgate-ingest-demo-secret");
        given().auth().oauth2(ingest).contentType(Multipart.DICOM_TYPE)
                .body(Multipart.of(instances.toArray(byte[][]::new)).bytes()).post("/dicomweb/studies").then()
                .statusCode(200);

        String stolen = keycloak.passwordToken("dr.cuddy", "demo");
        int harvested = 0;
        Response refusal = null;
        for (String patientId : patientIds) {
            Response search = given().auth().oauth2(stolen).queryParam("PatientID", patientId).get("/dicomweb/studies");
            if (search.statusCode() == 429) {
                refusal = search;
                break;
            }
            search.then().statusCode(200);
            String study = search.jsonPath().getString("[0].'0020000D'.Value[0]");
            given().auth().oauth2(stolen).accept("application/dicom+json").get("/dicomweb/studies/" + study + "/metadata")
                    .then().statusCode(200);
            harvested++;
        }
        assertEquals(10, harvested, "patients the stolen account could open in the hour");
        refusal.then().statusCode(429).header("Retry-After", org.hamcrest.Matchers.notNullValue())
                .body(containsString("10 distinct patients per hour"));

        // Another clinician is not affected.
        given().auth().oauth2(keycloak.passwordToken("dr.house", "demo")).queryParam("PatientID", patientIds.get(14))
                .get("/dicomweb/studies").then().statusCode(200);

        String auditor = keycloak.passwordToken("auditor", "demo");
        List<String> kinds = awaitAlerts(auditor, "dr.cuddy", 2);
        assertTrue(kinds.contains("ANOMALY_PATIENTS_PER_HOUR"), kinds.toString());
        assertTrue(kinds.contains("PATIENTS_PER_HOUR"), kinds.toString());
        // The refusal itself is in the audit trail, for the auditor to export.
        List<String> outcomes = given().auth().oauth2(auditor).queryParam("user", "dr.cuddy").queryParam("action", "SEARCH")
                .get("/api/audit").then().statusCode(200).extract().jsonPath().getList("entry.resource.outcomeDesc");
        assertTrue(outcomes.stream().anyMatch(o -> o.contains("HTTP 429")), outcomes.toString());
    }

    private static List<String> awaitAlerts(String auditor, String username, int atLeast) {
        long deadline = System.nanoTime() + 10_000_000_000L;
        List<String> kinds;
        do {
            kinds = new ArrayList<>();
            List<Map<String, Object>> alerts = given().auth().oauth2(auditor).queryParam("open", "true")
                    .get("/api/alerts").then().statusCode(200).extract().jsonPath().getList("$");
            for (Map<String, Object> alert : alerts) {
                if (username.equals(alert.get("username"))) {
                    kinds.add((String) alert.get("kind"));
                }
            }
            if (kinds.size() >= atLeast) {
                return kinds;
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
        } while (System.nanoTime() < deadline);
        return kinds;
    }
}
