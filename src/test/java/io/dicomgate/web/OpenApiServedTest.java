package io.dicomgate.web;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Set;
import java.util.TreeSet;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.dicomgate.testsupport.ApiSurface;
import io.dicomgate.testsupport.PostgresTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * The document served at {@code /q/openapi} (the file merged with what SmallRye scans from the
 * JAX-RS annotations) has exactly the file's operations: a scanned endpoint the file lacks shows up
 * as a difference. It is a discovery endpoint, reachable without a token.
 */
@QuarkusTest
@QuarkusTestResource(PostgresTestResource.class)
class OpenApiServedTest {

    @Test
    void servedDocumentIsTheFileAndNeedsNoToken() throws Exception {
        String json = given().accept("application/json").queryParam("format", "json").get("/q/openapi").then()
                .statusCode(200).extract().asString();
        JsonNode served = new ObjectMapper().readTree(json);
        JsonNode file = ApiSurface.openapiFile();
        Set<String> servedOps = ApiSurface.operations(served);
        Set<String> fileOps = ApiSurface.operations(file);
        Set<String> onlyServed = new TreeSet<>(servedOps);
        onlyServed.removeAll(fileOps);
        Set<String> onlyFile = new TreeSet<>(fileOps);
        onlyFile.removeAll(servedOps);
        // SmallRye leaves the non-application /q/ routes out of what it serves.
        onlyFile.removeAll(ApiSurface.EXTENSION_ROUTES);
        assertEquals(Set.of(), onlyServed, "served (scanned) operations not in openapi/dicomgate.yaml");
        assertEquals(Set.of(), onlyFile, "operations of openapi/dicomgate.yaml not served");
        assertEquals(file.at("/info/title").asText(), served.at("/info/title").asText());
        // The hand-written descriptions are what is served, not only the scanned skeleton.
        assertEquals(file.at("/components/parameters/fuzzymatching/description").asText(),
                served.at("/components/parameters/fuzzymatching/description").asText());
        assertEquals(file.at("/paths/~1api~1consents/post/summary").asText(),
                served.at("/paths/~1api~1consents/post/summary").asText());
        given().get("/q/openapi").then().statusCode(200);
    }

    @Test
    void otherRoutesStillNeedAToken() {
        given().get("/dicomweb/studies").then().statusCode(401);
        given().get("/api/audit").then().statusCode(401);
    }
}
