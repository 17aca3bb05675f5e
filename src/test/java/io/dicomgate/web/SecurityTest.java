package io.dicomgate.web;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;

import java.time.Instant;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import io.dicomgate.testsupport.Api;
import io.dicomgate.testsupport.Multipart;
import io.dicomgate.testsupport.PostgresTestResource;
import io.dicomgate.testsupport.TestTokens;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * Deny by default: every DICOMweb route refuses a missing or invalid token (401) and a caller
 * without a role for it (403); health stays open.
 */
@QuarkusTest
@QuarkusTestResource(PostgresTestResource.class)
class SecurityTest {

    private static final String STUDY = "1.2.3.4";
    private static final String SERIES = "1.2.3.4.5";
    private static final String INSTANCE = "1.2.3.4.5.6";

    static Stream<String> readPaths() {
        String s = "/dicomweb/studies/" + STUDY;
        String se = s + "/series/" + SERIES;
        String i = se + "/instances/" + INSTANCE;
        return Stream.of("/dicomweb/studies", "/dicomweb/series", "/dicomweb/instances", s + "/series",
                s + "/instances", se + "/instances", s, se, i, s + "/metadata", se + "/metadata", i + "/metadata",
                i + "/frames/1", i + "/bulkdata/7FE00010");
    }

    static Stream<Arguments> invalidTokens() {
        Function<Map<String, Object>, Map<String, Object>> expired = c -> {
            c.put("exp", Instant.now().getEpochSecond() - 600);
            c.put("iat", Instant.now().getEpochSecond() - 900);
            return c;
        };
        Map<String, Object> wrongAudience = TestTokens.claims("admin", "imaging-admin");
        wrongAudience.put("aud", "some-other-api");
        Map<String, Object> wrongIssuer = TestTokens.claims("admin", "imaging-admin");
        wrongIssuer.put("iss", "https://evil.example/realms/dicomgate");
        return Stream.of(
                Arguments.of("expired", TestTokens.sign(expired.apply(TestTokens.claims("admin", "imaging-admin")))),
                Arguments.of("wrong audience", TestTokens.sign(wrongAudience)),
                Arguments.of("wrong issuer", TestTokens.sign(wrongIssuer)),
                Arguments.of("untrusted signature", TestTokens.signWithUntrustedKey(TestTokens.claims("admin", "imaging-admin"))),
                Arguments.of("alg none", TestTokens.unsigned(TestTokens.claims("admin", "imaging-admin"))),
                Arguments.of("garbage", "not-a-jwt"));
    }

    @ParameterizedTest
    @MethodSource("readPaths")
    void readWithoutTokenIs401(String path) {
        given().get(path).then().statusCode(401);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalidTokens")
    void invalidTokensAre401(String why, String token) {
        Api.as(token).get("/dicomweb/studies").then().statusCode(401);
        Api.as(token).contentType(Multipart.DICOM_TYPE).body(new byte[0]).post("/dicomweb/studies").then()
                .statusCode(401);
    }

    @ParameterizedTest
    @MethodSource("readPaths")
    void rolesThatNeverReadImagesAre403(String path) {
        for (String role : new String[] { "ingest", "auditor", "consent-admin", "emergency-access" }) {
            Api.as(TestTokens.user("u-" + role, role)).get(path).then().statusCode(403);
        }
        Api.as(TestTokens.user("nobody")).get(path).then().statusCode(403);
    }

    @ParameterizedTest
    @ValueSource(strings = { "clinician", "patient", "auditor", "consent-admin", "emergency-access" })
    void storeNeedsIngestOrAdmin(String role) {
        Api.as(TestTokens.user("u-" + role, role)).contentType(Multipart.DICOM_TYPE).body(new byte[0])
                .post("/dicomweb/studies").then().statusCode(403);
    }

    @ParameterizedTest
    @ValueSource(strings = { "/q/health", "/q/health/ready", "/q/health/live" })
    void healthIsOpenAndCarriesNoData(String path) {
        given().get(path).then().statusCode(200).body("status", equalTo("UP"));
    }

    @org.junit.jupiter.api.Test
    void unknownRoutesAreNotAnAnonymousWayIn() {
        given().get("/dicomweb/whatever").then().statusCode(org.hamcrest.Matchers.anyOf(equalTo(401), equalTo(404)));
        given().get("/").then().statusCode(org.hamcrest.Matchers.anyOf(equalTo(401), equalTo(404)));
    }
}
