package io.dicomgate.access;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import io.dicomgate.testsupport.DicomFixtures;
import io.dicomgate.testsupport.KeycloakLogOnFailure;
import io.dicomgate.testsupport.KeycloakServer;
import io.dicomgate.testsupport.Multipart;
import io.dicomgate.testsupport.RealKeycloakProfile;
import io.dicomgate.testsupport.TestTokens;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

/**
 * dicomgate against the real Keycloak distribution and the realm of keycloak-realm/: tokens issued
 * by Keycloak are accepted for the roles that may act, refused otherwise.
 */
@QuarkusTest
@TestProfile(RealKeycloakProfile.class)
@ExtendWith(KeycloakLogOnFailure.class)
class KeycloakAccessIT {

    private static final String INGEST_SECRET = "dicomgate-ingest-demo-secret";

    private static String token(String user) {
        return KeycloakServer.shared().passwordToken(user, "demo");
    }

    @Test
    void ingestServiceAccountStoresAndAdminFindsAndRetrieves() {
        String ingest = KeycloakServer.shared().clientCredentialsToken("dicomgate-ingest", INGEST_SECRET);
        var a = DicomFixtures.instance().patient("PAT-KC-" + System.nanoTime(), "Keycloak^Test");
        byte[] bytes = a.bytes();
        given().auth().oauth2(ingest).contentType(Multipart.DICOM_TYPE).body(Multipart.of(bytes).bytes())
                .post("/dicomweb/studies").then().statusCode(200);
        given().auth().oauth2(ingest).get("/dicomweb/studies").then().statusCode(403);

        String admin = token("admin");
        given().auth().oauth2(admin).queryParam("PatientID", a.patientId()).get("/dicomweb/studies").then()
                .statusCode(200).body("$", hasSize(1)).body("[0].'0020000D'.Value[0]", equalTo(a.studyUid()));
        given().auth().oauth2(admin).accept("application/dicom; transfer-syntax=*")
                .get("/dicomweb/studies/" + a.studyUid() + "/series/" + a.seriesUid() + "/instances/" + a.sopUid())
                .then().statusCode(200);
    }

    @ParameterizedTest(name = "{0} → {1}")
    @CsvSource({ "admin, 204", "dr.house, 204", "dr.cuddy, 204", "alice, 204", "bob, 204", "auditor, 403",
            "consent.admin, 403" })
    void searchByRole(String user, int status) {
        given().auth().oauth2(token(user)).queryParam("PatientID", "nobody-" + System.nanoTime())
                .get("/dicomweb/studies").then().statusCode(status);
    }

    @Test
    void ehrIntegrationSearchesButSeesNothingWithoutConsent() {
        String ehr = KeycloakServer.shared().clientCredentialsToken("ehr-integration", "ehr-integration-demo-secret");
        given().auth().oauth2(ehr).get("/dicomweb/studies").then().statusCode(204);
    }

    @Test
    void tokensKeycloakDidNotIssueAre401() {
        given().get("/dicomweb/studies").then().statusCode(401);
        given().auth().oauth2("garbage").get("/dicomweb/studies").then().statusCode(401);
        // Right shape and claims, signed by a key Keycloak does not hold.
        var claims = TestTokens.claims("admin", "imaging-admin");
        claims.put("iss", KeycloakServer.shared().issuerUrl());
        given().auth().oauth2(TestTokens.sign(claims)).get("/dicomweb/studies").then().statusCode(401);
        given().auth().oauth2(TestTokens.unsigned(claims)).get("/dicomweb/studies").then().statusCode(401);
        // A real Keycloak token with a tampered payload.
        String real = token("admin");
        String[] jwt = real.split("\\.");
        String tampered = jwt[0] + "." + jwt[1].substring(0, jwt[1].length() - 4) + "AAAA." + jwt[2];
        given().auth().oauth2(tampered).get("/dicomweb/studies").then().statusCode(401);
    }
}
