package io.dicomgate.audit;

import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.sql.Connection;
import java.sql.Statement;

import javax.sql.DataSource;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.dicomgate.testsupport.Api;
import io.dicomgate.testsupport.DicomFixtures;
import io.dicomgate.testsupport.PostgresTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;

/**
 * No unaudited access: while the audit table refuses writes, retrieves and searches are {@code 503}
 * with {@code Retry-After} and none of the data, readiness is DOWN; once writes work again, so do they.
 */
@QuarkusTest
@QuarkusTestResource(PostgresTestResource.class)
class AuditFailClosedTest {

    @Inject
    DataSource dataSource;

    @Test
    void accessWhoseAuditCannotBeWrittenIsNotServed() throws Exception {
        var b = DicomFixtures.instance();
        Api.store(b.bytes()).then().statusCode(200);
        String metadata = "/dicomweb/studies/" + b.studyUid() + "/metadata";
        Api.as(Api.ADMIN).get(metadata).then().statusCode(200);
        sql("CREATE OR REPLACE FUNCTION test_audit_block() RETURNS trigger AS $$ BEGIN"
                + " RAISE EXCEPTION 'audit table unwritable (test)'; END $$ LANGUAGE plpgsql",
                "CREATE TRIGGER test_audit_block BEFORE INSERT ON audit_log FOR EACH ROW EXECUTE FUNCTION test_audit_block()");
        try {
            for (Response r : new Response[] {
                    Api.as(Api.ADMIN).get(metadata),
                    Api.as(Api.ADMIN).accept("multipart/related; type=\"application/dicom\"")
                            .get("/dicomweb/studies/" + b.studyUid()),
                    Api.as(Api.ADMIN).queryParam("StudyInstanceUID", b.studyUid()).get("/dicomweb/studies"),
                    Api.as(Api.ADMIN).get("/dicomweb/studies/" + b.studyUid() + "/series/" + b.seriesUid()
                            + "/instances/" + b.sopUid() + "/frames/1") }) {
                r.then().statusCode(503).header("Retry-After", "30").contentType(not(equalTo("application/dicom+json")));
                assertFalse(r.asString().contains(b.studyUid()), "no data in a refused answer");
            }
            Api.as(Api.ADMIN).get("/q/health/ready").then().statusCode(503);
        } finally {
            sql("DROP TRIGGER test_audit_block ON audit_log");
        }
        Api.as(Api.ADMIN).get(metadata).then().statusCode(200);
        Api.as(Api.ADMIN).get("/q/health/ready").then().statusCode(200);
    }

    private void sql(String... statements) throws Exception {
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
            for (String statement : statements) {
                s.execute(statement);
            }
        }
    }
}
