package io.dicomgate.web;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;

import java.util.Map;

import org.junit.jupiter.api.Test;

import io.dicomgate.testsupport.PostgresTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/** A viewer hosted on a configured origin may call the API with a bearer token; others may not. */
@QuarkusTest
@QuarkusTestResource(PostgresTestResource.class)
@TestProfile(CorsOriginsTest.ViewerElsewhere.class)
class CorsOriginsTest {

    static final String VIEWER_ORIGIN = "https://viewer.example.org";

    public static class ViewerElsewhere implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("quarkus.http.cors.origins", VIEWER_ORIGIN);
        }
    }

    @Test
    void preflightAllowsTheBearerTokenFromThatOrigin() {
        given().header("Origin", VIEWER_ORIGIN).header("Access-Control-Request-Method", "GET")
                .header("Access-Control-Request-Headers", "authorization")
                .when().options("/dicomweb/studies")
                .then().header("Access-Control-Allow-Origin", equalTo(VIEWER_ORIGIN))
                .header("Access-Control-Allow-Headers", containsString("Authorization"));
    }

    @Test
    void otherOriginsStayRefused() {
        given().header("Origin", "https://evil.example.com").header("Access-Control-Request-Method", "GET")
                .when().options("/dicomweb/studies")
                .then().header("Access-Control-Allow-Origin", nullValue());
    }
}
