package io.dicomgate.consent;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import com.fasterxml.jackson.databind.JsonNode;

import io.dicomgate.testsupport.DicomFixtures;
import io.dicomgate.testsupport.KeycloakLogOnFailure;
import io.dicomgate.testsupport.KeycloakServer;
import io.dicomgate.testsupport.Multipart;
import io.dicomgate.testsupport.RealKeycloakProfile;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

/**
 * A consent binds to the clinician's account, resolved through Keycloak's directory when it is made:
 * an account deleted and created again under the same username is another person and sees nothing.
 * Real Keycloak, real tokens, the production {@link KeycloakDirectory}.
 */
@QuarkusTest
@TestProfile(RealKeycloakProfile.class)
@ExtendWith(KeycloakLogOnFailure.class)
class ConsentAccountIT {

    private static final KeycloakServer KEYCLOAK = KeycloakServer.shared();

    @Test
    void aRecreatedAccountWithTheSameUsernameDoesNotInheritTheConsent() {
        String username = "temp.doc." + System.nanoTime() % 1_000_000;
        String firstAccount = createClinician(username, "Tess", "Temple");
        var study = DicomFixtures.instance().patient("ACCT-" + System.nanoTime() % 1_000_000_000L, "Account^Test");
        String ingest = KEYCLOAK.clientCredentialsToken("dicomgate-ingest", "dicomgate-ingest-demo-secret");
        given().auth().oauth2(ingest).contentType(Multipart.DICOM_TYPE).accept("application/dicom+json")
                .body(Multipart.of(study.bytes()).bytes()).post("/dicomweb/studies").then().statusCode(200);

        String consentAdmin = KEYCLOAK.passwordToken("consent.admin", "demo");
        given().auth().oauth2(consentAdmin).contentType("application/json")
                .body(Map.of("patientId", study.patientId(), "grantee", Map.of("type", "user", "id", username),
                        "decision", "permit"))
                .post("/api/consents").then().statusCode(201)
                .body("grantee.id", equalTo(username)).body("grantee.name", equalTo("Tess Temple"));

        given().auth().oauth2(KEYCLOAK.passwordToken(username, "demo")).queryParam("PatientID", study.patientId())
                .get("/dicomweb/studies").then().statusCode(200).body("'0020000D'.Value[0]", equalTo(List.of(study.studyUid())));

        // The account goes; a new one takes the same username.
        assertEquals(204, KEYCLOAK.adminSend("DELETE", "/users/" + firstAccount, null).statusCode());
        String secondAccount = createClinician(username, "Other", "Person");
        org.junit.jupiter.api.Assertions.assertNotEquals(firstAccount, secondAccount);
        String newcomer = KEYCLOAK.passwordToken(username, "demo");
        given().auth().oauth2(newcomer).queryParam("PatientID", study.patientId()).get("/dicomweb/studies").then()
                .statusCode(204);
        given().auth().oauth2(newcomer).accept("application/dicom+json").get("/dicomweb/studies/" + study.studyUid() + "/metadata")
                .then().statusCode(404);
        given().auth().oauth2(newcomer).get("/api/consents").then().statusCode(200).body("size()", equalTo(0));
    }

    @Test
    void aUsernameWithoutAccountIsRefused() {
        String consentAdmin = KEYCLOAK.passwordToken("consent.admin", "demo");
        given().auth().oauth2(consentAdmin).contentType("application/json")
                .body(Map.of("patientId", "ANY-1", "grantee", Map.of("type", "user", "id", "nobody." + System.nanoTime()),
                        "decision", "permit"))
                .post("/api/consents").then().statusCode(400).body(org.hamcrest.Matchers.containsString("no user account"));
    }

    /** A clinician account with password "demo"; returns its id (the sub of its tokens). */
    private static String createClinician(String username, String first, String last) {
        String user = """
                {"username": "%s", "enabled": true, "emailVerified": true, "firstName": "%s", "lastName": "%s",
                 "credentials": [{"type": "password", "value": "demo", "temporary": false}]}""".formatted(username, first, last);
        var created = KEYCLOAK.adminSend("POST", "/users", user);
        assertEquals(201, created.statusCode(), created.body());
        String id = KEYCLOAK.adminGet("/users?exact=true&username=" + username).get(0).path("id").asText();
        JsonNode clinician = KEYCLOAK.adminGet("/roles/clinician");
        var mapped = KEYCLOAK.adminSend("POST", "/users/" + id + "/role-mappings/realm", "[" + clinician + "]");
        assertEquals(204, mapped.statusCode(), mapped.body());
        return id;
    }
}
