package io.dicomgate.metrics;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.dicomgate.testsupport.Api;
import io.dicomgate.testsupport.DicomFixtures;
import io.dicomgate.testsupport.PostgresTestResource;
import io.dicomgate.testsupport.TestTokens;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/**
 * With JSON logs on (quarkus-logging-json), every line is one JSON object, and a STOW of a patient
 * leaves neither the patient's name, ID or birth date nor the caller's token in any of them — nor does
 * a token with a forged signature, which quarkus-oidc quotes at WARN ({@code TokenRedaction}).
 */
@QuarkusTest
@QuarkusTestResource(PostgresTestResource.class)
@TestProfile(JsonLogTest.JsonLogs.class)
class JsonLogTest {

    static final Path LOG = Path.of("target/json-log-test/dicomgate.log");

    /** The file handler with the same JSON formatter the console gets from QUARKUS_LOG_CONSOLE_JSON_ENABLED=true. */
    public static class JsonLogs implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of(
                    "quarkus.log.file.enabled", "true",
                    "quarkus.log.file.path", LOG.toString(),
                    "quarkus.log.file.json.enabled", "true",
                    "quarkus.log.file.rotation.rotate-on-boot", "true");
        }
    }

    @Test
    void jsonLinesCarryNoPatientDataAndNoToken() throws IOException {
        String token = TestTokens.user("json.log.admin", "imaging-admin");
        var a = DicomFixtures.instance().patient("PID-JSONLOG-7731", "ZEBULON^QUIXOTE").birthDate("19230417");
        byte[] truncated = Arrays.copyOf(DicomFixtures.instance().patient("PID-JSONLOG-7731", "ZEBULON^QUIXOTE")
                .birthDate("19230417").bytes(), 300);
        Api.as(token).contentType(io.dicomgate.testsupport.Multipart.DICOM_TYPE)
                .body(io.dicomgate.testsupport.Multipart.of(a.bytes(), truncated).bytes())
                .post("/dicomweb/studies").then().statusCode(202);
        Api.as(token).queryParam("PatientID", "PID-JSONLOG-7731").get("/dicomweb/studies").then().statusCode(200);
        Api.as(TestTokens.user("json.log.clinician", "clinician"))
                .get("/dicomweb/studies/" + a.studyUid() + "/metadata").then().statusCode(404);
        // quarkus-oidc quotes a token whose signature fails at WARN; the log filter takes it out.
        String signature = token.substring(token.lastIndexOf('.') + 1);
        String forged = token.substring(0, token.lastIndexOf('.') + 1)
                + (signature.startsWith("A") ? "B" : "A") + signature.substring(1);
        Api.as(forged).get("/dicomweb/studies").then().statusCode(401);
        String claims = token.split("\\.")[1];

        List<String> lines = Files.readAllLines(LOG, StandardCharsets.UTF_8);
        ObjectMapper json = new ObjectMapper();
        boolean stowLogged = false;
        boolean tokenRemoved = false;
        for (String line : lines) {
            JsonNode record;
            try {
                record = json.readTree(line);
            } catch (IOException e) {
                fail("not JSON: " + line);
                return;
            }
            assertTrue(record.isObject() && record.has("message") && record.has("level"), line);
            stowLogged |= record.path("loggerName").asText().endsWith("ingest.Ingestion");
            tokenRemoved |= record.path("message").asText().contains("[token removed]");
            for (String secret : List.of("PID-JSONLOG-7731", "ZEBULON", "QUIXOTE", "19230417", "1923-04-17", token,
                    signature, forged, claims)) {
                assertFalse(line.contains(secret), () -> "log line holds " + secret + ": " + line);
            }
        }
        boolean stowWasLogged = stowLogged;
        boolean forgedWasLogged = tokenRemoved;
        assertAll(() -> assertTrue(lines.size() > 10, "lines: " + lines.size()),
                () -> assertTrue(stowWasLogged, "the refused part's DEBUG line reached the JSON log"),
                () -> assertTrue(forgedWasLogged, "the forged token's WARN line reached the log, token removed"));
    }
}
