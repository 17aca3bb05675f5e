package io.dicomgate.consent;

import static io.restassured.RestAssured.given;

import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import io.dicomgate.testsupport.PostgresTestResource;
import io.dicomgate.testsupport.TestTokens;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;

/** SMART scopes bound the consent API like DICOMweb: the token's Consent scope, whatever the roles. */
@QuarkusTest
@QuarkusTestResource(PostgresTestResource.class)
class ConsentScopeTest {

    @ParameterizedTest(name = "{0} with scope \"{1}\" creating for {2} → {3}")
    @CsvSource(delimiter = '|', value = {
            "patient       | openid patient/Consent.cruds     | self  | 201",
            "patient       | openid patient/Consent.rs        | self  | 403",
            "patient       | openid patient/ImagingStudy.rs   | self  | 403",
            "patient       | openid user/Consent.cruds        | self  | 201",
            "patient       | openid patient/*.cruds           | self  | 201",
            "patient       | openid patient/Consent.write     | self  | 201",
            "consent-admin | openid user/Consent.cruds        | other | 201",
            "consent-admin | openid patient/Consent.cruds     | other | 403",
            "consent-admin | openid user/Consent.rs           | other | 403",
            "consent-admin | openid system/Consent.cruds      | other | 403",
    })
    void createNeedsACreateScopeInAReachingCompartment(String role, String scope, String target, int status) {
        String patientId = "SCOPE-" + UUID.randomUUID().toString().substring(0, 12);
        Map<String, Object> claims = TestTokens.claims("u-" + UUID.randomUUID(), role);
        claims.put("scope", scope);
        if (role.equals("patient")) {
            claims.put("patient_id", patientId);
        }
        String body = target.equals("self")
                ? "{\"grantee\":{\"type\":\"user\",\"id\":\"dr.house\"},\"decision\":\"permit\"}"
                : "{\"patientId\":\"" + patientId + "\",\"grantee\":{\"type\":\"user\",\"id\":\"dr.house\"},\"decision\":\"permit\"}";
        given().auth().oauth2(TestTokens.sign(claims)).contentType("application/json").body(body)
                .post("/api/consents").then().statusCode(status);
    }
}
