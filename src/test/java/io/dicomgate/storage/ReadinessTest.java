package io.dicomgate.storage;

import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItems;

import java.nio.file.Files;
import java.nio.file.Path;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import io.dicomgate.testsupport.PostgresTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;

/**
 * Readiness names the database, the blob store and the audit writer; a staging area that cannot take
 * a file makes the node not ready until it can again. Liveness does no I/O and stays UP.
 */
@QuarkusTest
@QuarkusTestResource(PostgresTestResource.class)
class ReadinessTest {

    @ConfigProperty(name = "dicomgate.storage.root")
    String root;

    @Test
    void readinessCoversDatabaseBlobStoreAndAuditAndFollowsTheStagingArea() throws Exception {
        RestAssured.get("/q/health/ready").then().statusCode(200)
                .body("checks.name", hasItems("blob-store", "audit-log", "Database connections health check"));
        Path staging = Path.of(root).toAbsolutePath().normalize().resolve("tmp");
        Path aside = staging.resolveSibling("tmp-aside");
        // A file where the staging directory should be: no file can be created in it, even by root.
        Files.move(staging, aside);
        Files.writeString(staging, "not a directory");
        try {
            RestAssured.get("/q/health/ready").then().statusCode(503);
            RestAssured.get("/q/health/live").then().statusCode(200).body("status", equalTo("UP"));
        } finally {
            Files.delete(staging);
            Files.move(aside, staging);
        }
        RestAssured.get("/q/health/ready").then().statusCode(200);
    }
}
