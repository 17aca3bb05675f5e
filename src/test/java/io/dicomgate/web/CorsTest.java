package io.dicomgate.web;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.nullValue;

import org.junit.jupiter.api.Test;

import io.dicomgate.testsupport.PostgresTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;

/** CORS by default: no other origin may call the API from a browser (CorsOriginsTest: configured). */
@QuarkusTest
@QuarkusTestResource(PostgresTestResource.class)
class CorsTest {

    @Test
    void anotherOriginIsNotAllowedByDefault() {
        given().header("Origin", CorsOriginsTest.VIEWER_ORIGIN).header("Access-Control-Request-Method", "GET")
                .header("Access-Control-Request-Headers", "authorization")
                .when().options("/dicomweb/studies")
                .then().header("Access-Control-Allow-Origin", nullValue());
    }
}
