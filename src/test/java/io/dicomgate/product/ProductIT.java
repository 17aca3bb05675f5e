package io.dicomgate.product;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.dicomgate.demo.DemoStack;
import io.dicomgate.demo.DicomWebClient;
import io.dicomgate.demo.LocalStack;
import io.dicomgate.testsupport.DicomFixtures;

/**
 * dicomgate as it ships (README, "Running the packaged application"): {@code java -jar
 * target/quarkus-app/quarkus-run.jar} in a process of its own, with the Dockerfile's memory limits,
 * configured through environment variables only, against PostgreSQL (zonky binaries) and the real
 * Keycloak distribution with the demo realm — nothing of the test classpath in that process.
 */
class ProductIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private static LocalStack stack;
    private static long appPid;
    private static Path dataDir;

    @BeforeAll
    static void startProduct() {
        dataDir = LocalStack.pathSetting("dicomgate.product.data-dir", "target/product-it");
        LocalStack.deleteRecursively(dataDir);
        stack = LocalStack.start(new LocalStack.Config(dataDir, 0, 0, 0, false,
                LocalStack.pathSetting("keycloak.home", "target/keycloak-26.7.3"),
                LocalStack.pathSetting("dicomgate.realm.file", "keycloak-realm/dicomgate-realm.json"),
                LocalStack.pathSetting("dicomgate.app-jar", "target/quarkus-app/quarkus-run.jar"), List.of()));
        appPid = stack.appPid();
    }

    @AfterAll
    static void stopProduct() {
        if (stack != null) {
            stack.close();
            assertFalse(ProcessHandle.of(appPid).map(ProcessHandle::isAlive).orElse(false),
                    "dicomgate (pid " + appPid + ") outlived the test");
        }
    }

    @Test
    void runsThePackagedJarWithMemoryLimitsAndNoSystemProperties() {
        List<String> arguments = List.of(ProcessHandle.of(appPid).orElseThrow().info().arguments().orElseThrow());
        List<String> expected = new ArrayList<>(LocalStack.MEMORY_LIMITS);
        expected.add("-jar");
        expected.add(LocalStack.pathSetting("dicomgate.app-jar", "target/quarkus-app/quarkus-run.jar").toString());
        assertEquals(expected, arguments, "the command line carries the memory limits and the jar, no -D or -cp");
        assertEquals(List.of("DICOMGATE_DIRECTORY_CLIENT_SECRET", "DICOMGATE_IMPORTS_FOLDER_ROOTS", "DICOMGATE_STORAGE_ROOT", "QUARKUS_DATASOURCE_JDBC_URL",
                "QUARKUS_DATASOURCE_PASSWORD", "QUARKUS_DATASOURCE_USERNAME", "QUARKUS_HTTP_HOST", "QUARKUS_HTTP_PORT",
                "QUARKUS_OIDC_AUTH_SERVER_URL"), stack.appEnvironment().keySet().stream().sorted().toList());
    }

    @Test
    void readinessIsUp() throws Exception {
        HttpResponse<String> ready = get("/q/health/ready", null);
        assertEquals(200, ready.statusCode(), ready.body());
        JsonNode health = JSON.readTree(ready.body());
        assertEquals("UP", health.path("status").asText(), ready.body());
        List<String> checks = new ArrayList<>();
        health.path("checks").forEach(check -> checks.add(check.path("name").asText()));
        assertTrue(checks.containsAll(List.of("blob-store", "audit-log")), "readiness checks: " + checks);
    }

    @Test
    void aRequestWithoutTokenIs401() throws Exception {
        assertEquals(401, get("/dicomweb/studies", null).statusCode());
        assertEquals(401, get("/dicomweb/studies", "not-a-token").statusCode());
    }

    /** A Keycloak token with a forged signature is 401, and the product's log holds no part of it. */
    @Test
    void aForgedTokenIs401AndStaysOutOfTheLog() throws Exception {
        String token = DicomWebClient.Tokens.password(stack.keycloak().issuerUrl(), "admin", "demo").get();
        String signature = token.substring(token.lastIndexOf('.') + 1);
        String forged = token.substring(0, token.lastIndexOf('.') + 1) + (signature.startsWith("A") ? "B" : "A")
                + signature.substring(1);
        assertEquals(401, get("/dicomweb/studies", forged).statusCode());
        Path log = dataDir.resolve("dicomgate.log");
        String claims = token.split("\\.")[1];
        long deadline = System.nanoTime() + 10_000_000_000L;
        String text = Files.readString(log);
        while (!text.contains("[token removed]") && System.nanoTime() < deadline) {
            Thread.sleep(100);
            text = Files.readString(log);
        }
        assertTrue(text.contains("[token removed]"), "quarkus-oidc's WARN line about the forged token, token removed");
        assertFalse(text.contains(claims), "the token's claims are in the log");
        assertFalse(text.contains(signature.substring(1)), "the token's signature is in the log");
    }

    @Test
    void storeSearchAndRetrieveTheSameBytesWithKeycloakTokens() {
        String issuer = stack.keycloak().issuerUrl();
        DicomWebClient ingest = new DicomWebClient(stack.dicomwebUrl(),
                DicomWebClient.Tokens.clientCredentials(issuer, DemoStack.INGEST_CLIENT, DemoStack.INGEST_SECRET));
        DicomWebClient admin = new DicomWebClient(stack.dicomwebUrl(),
                DicomWebClient.Tokens.password(issuer, "admin", "demo"));
        DicomFixtures.Builder instance = DicomFixtures.instance().patient("PAT-PRODUCT-" + System.nanoTime(),
                "Product^Test");
        byte[] stored = instance.bytes();

        HttpResponse<String> stow = ingest.store(List.of(stored));
        assertEquals(200, stow.statusCode(), stow.body());

        JsonNode studies = admin.search("/studies", Map.of("PatientID", instance.patientId()));
        assertEquals(1, studies.size(), studies.toString());
        assertEquals(instance.studyUid(), studies.get(0).path("0020000D").path("Value").get(0).asText());

        HttpResponse<byte[]> wado = admin.getBytes("/studies/" + instance.studyUid() + "/series/"
                + instance.seriesUid() + "/instances/" + instance.sopUid(),
                "multipart/related; type=\"application/dicom\"; transfer-syntax=*");
        assertEquals(200, wado.statusCode());
        List<byte[]> parts = DicomWebClient.parts(wado);
        assertEquals(1, parts.size());
        assertArrayEquals(stored, parts.get(0), "retrieved bytes differ from the stored ones");
    }

    private static HttpResponse<String> get(String path, String bearer) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(stack.appUrl() + path));
        if (bearer != null) {
            request.header("Authorization", "Bearer " + bearer);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
