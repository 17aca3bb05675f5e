package io.dicomgate.imports;

import static org.hamcrest.Matchers.equalTo;

import java.time.Duration;
import java.time.Instant;

import io.dicomgate.testsupport.Api;
import io.dicomgate.testsupport.DicomFixtures;
import io.restassured.path.json.JsonPath;

/** What the import API tests do over and over: run an import to its end, retrieve what it stored. */
final class ImportJobs {

    private ImportJobs() {
    }

    /** POSTs {@code /api/imports} as an imaging admin and polls the job until it is no longer RUNNING. */
    static JsonPath runToEnd(String requestJson) throws InterruptedException {
        return awaitEnd(start(requestJson));
    }

    /** POSTs {@code /api/imports} as an imaging admin; the job's id. */
    static String start(String requestJson) {
        return Api.as(Api.ADMIN).contentType("application/json").body(requestJson)
                .post("/api/imports").then().statusCode(202).body("state", equalTo("RUNNING"))
                .extract().jsonPath().getString("id");
    }

    /** Polls a job until it is no longer RUNNING (two minutes at most). */
    static JsonPath awaitEnd(String id) throws InterruptedException {
        Instant deadline = Instant.now().plus(Duration.ofMinutes(2));
        while (Instant.now().isBefore(deadline)) {
            JsonPath job = Api.as(Api.ADMIN).get("/api/imports/" + id).then().statusCode(200).extract().jsonPath();
            if (!"RUNNING".equals(job.getString("state"))) {
                return job;
            }
            Thread.sleep(200);
        }
        throw new AssertionError("import " + id + " did not end");
    }

    /** The stored Part 10 object, as stored (PS3.18 §10.4, any transfer syntax). */
    static byte[] retrieve(DicomFixtures.Builder instance) {
        return Api.as(Api.ADMIN).accept("application/dicom; transfer-syntax=*").get("/dicomweb/studies/"
                + instance.studyUid() + "/series/" + instance.seriesUid() + "/instances/" + instance.sopUid())
                .then().statusCode(200).extract().asByteArray();
    }
}
