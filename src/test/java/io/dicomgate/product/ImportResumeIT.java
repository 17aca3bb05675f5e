package io.dicomgate.product;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.dicomgate.demo.DemoStack;
import io.dicomgate.demo.DicomWebClient;
import io.dicomgate.demo.LocalStack;
import io.dicomgate.testsupport.DicomFixtures;
import io.dicomgate.testsupport.KeycloakServer;

/**
 * An import survives its node's death (README "Moving in from an open archive"): the packaged
 * dicomgate imports a folder of 300 instances, is killed with SIGKILL mid-way, a new process on the
 * same database and storage marks the job INTERRUPTED, and importing the folder again resumes from
 * the checkpoints — every instance indexed once and audited once stored.
 */
class ImportResumeIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final int INSTANCES = 300;
    /** Short, so the new node finds the killed node's job stale at its start (default 30 s). */
    private static final Duration STALE_AFTER = Duration.ofSeconds(5);

    private static LocalStack stack;
    private static Path share;
    private static DicomWebClient.Tokens admin;

    @BeforeAll
    static void start() throws IOException {
        Path dataDir = LocalStack.pathSetting("dicomgate.import-resume.data-dir", "target/import-resume-it");
        LocalStack.deleteRecursively(dataDir);
        Path roots = Files.createDirectories(dataDir.resolve("shares"));
        share = Files.createDirectories(roots.resolve("old-pacs"));
        stack = LocalStack.start(new LocalStack.Config(dataDir, 0, 0, 0, false,
                LocalStack.pathSetting("keycloak.home", "target/keycloak-26.7.3"),
                LocalStack.pathSetting("dicomgate.realm.file", "keycloak-realm/dicomgate-realm.json"),
                LocalStack.pathSetting("dicomgate.app-jar", "target/quarkus-app/quarkus-run.jar"), List.of(),
                Map.of("DICOMGATE_IMPORTS_FOLDER_ROOTS", roots.toString(),
                        "DICOMGATE_IMPORTS_STALE_AFTER", STALE_AFTER.toSeconds() + "s",
                        // Receipts of instances the killed node stored but never audited are recovered soon.
                        "DICOMGATE_AUDIT_STORE_RECEIPT_GRACE", "PT2S")));
        // Who runs a migration: the ingest service account (system/ImagingStudy.cruds, it may store) with
        // imaging-admin granted here (it may start imports). The demo realm has no account with both: its
        // admin user's token (dicomgate-viewer) has no store scope, so each object of its import is REFUSED.
        KeycloakServer keycloak = stack.keycloak();
        String account = keycloak.adminGet("/users?username=service-account-" + DemoStack.INGEST_CLIENT).get(0)
                .path("id").asText();
        JsonNode role = keycloak.adminGet("/roles/imaging-admin");
        HttpResponse<String> granted = keycloak.adminSend("POST", "/users/" + account + "/role-mappings/realm",
                "[" + role + "]");
        assertEquals(204, granted.statusCode(), granted.body());
        admin = DicomWebClient.Tokens.clientCredentials(keycloak.issuerUrl(), DemoStack.INGEST_CLIENT,
                DemoStack.INGEST_SECRET);
    }

    @AfterAll
    static void stop() {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    void anImportKilledMidwayIsInterruptedAndResumedFromItsCheckpoints() throws Exception {
        Set<String> sopUids = new TreeSet<>();
        DicomFixtures.Builder first = null;
        for (int i = 0; i < INSTANCES; i++) {
            DicomFixtures.Builder instance;
            if (i % 50 == 0) {
                instance = DicomFixtures.instance().patient("RESUME-" + i / 50, "Resume^Import").size(128, 128);
                first = instance;
            } else {
                instance = DicomFixtures.instance().inSeriesOf(first).instanceNumber(i % 50 + 1).size(128, 128);
            }
            Path file = share.resolve("P" + i / 50 + "/IM" + String.format("%04d", i));
            Files.createDirectories(file.getParent());
            Files.write(file, instance.bytes());
            sopUids.add(instance.sopUid());
        }
        assertEquals(INSTANCES, sopUids.size());
        assertTrue(share.startsWith(stack.dataDir()));

        String killed = startImport();
        JsonNode progress = waitFor(killed, job -> done(job) > 0 || !"RUNNING".equals(job.path("state").asText()));
        assertEquals("RUNNING", progress.path("state").asText(), "the import ended before it could be killed: " + progress);
        assertTrue(done(progress) < INSTANCES, progress.toString());
        ProcessHandle node = ProcessHandle.of(stack.appPid()).orElseThrow();
        node.destroyForcibly();
        node.onExit().get(30, TimeUnit.SECONDS);
        Instant killedAt = Instant.now();

        // The new node expires jobs whose heartbeat is older than STALE_AFTER when it starts.
        Duration left = Duration.between(Instant.now(), killedAt.plus(STALE_AFTER).plusSeconds(1));
        if (!left.isNegative()) {
            Thread.sleep(left.toMillis());
        }
        stack.startApp(List.of());
        JsonNode interrupted = job(killed);
        assertEquals("INTERRUPTED", interrupted.path("state").asText(), interrupted.toString());

        String resumed = startImport();
        JsonNode second = waitFor(resumed, job -> !"RUNNING".equals(job.path("state").asText()));
        JsonNode first1 = job(killed);
        System.out.printf("[import-resume] killed job: %s%n[import-resume] resumed job: %s%n", first1.path("counts"),
                second.path("counts"));
        assertEquals("DONE", second.path("state").asText(), second.toString());
        JsonNode c2 = second.path("counts");
        assertEquals(INSTANCES, c2.path("discovered").asLong(), second.toString());
        assertTrue(c2.path("skipped").asLong() > 0, "the checkpoints of the killed job were used: " + second);
        assertEquals(INSTANCES, c2.path("skipped").asLong() + done(second), "each item skipped or ingested: " + second);
        assertEquals(0, c2.path("failed").asLong() + c2.path("quarantined").asLong() + c2.path("sourceErrors").asLong(),
                second.toString());
        // The killed job's counts are those of its last heartbeat (written every second), a lower bound of
        // what it stored: what covers all is the resumed job's skipped + ingested, and the index below.

        Map<String, Integer> indexed = new HashMap<>();
        try (Connection c = stack.connection(); PreparedStatement ps = c.prepareStatement(
                "SELECT sop_instance_uid, count(*) FROM instance GROUP BY sop_instance_uid");
                ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                indexed.put(rs.getString(1), rs.getInt(2));
            }
        }
        for (String uid : sopUids) {
            assertEquals(1, indexed.getOrDefault(uid, 0), "indexed exactly once: " + uid);
        }

        // Every instance is audited: by its import's STORE event, or by a recovered one for what the
        // killed node stored but could not audit (StoreAuditRecovery, at start-up and every minute).
        waitForNoReceipts();
        List<String> unaudited = new ArrayList<>();
        try (Connection c = stack.connection(); PreparedStatement ps = c.prepareStatement("""
                SELECT i.sop_instance_uid FROM instance i
                JOIN series se ON se.pk = i.series_fk JOIN study st ON st.pk = se.study_fk
                WHERE i.sop_instance_uid = ANY (?) AND NOT EXISTS (
                    SELECT 1 FROM audit_log a WHERE a.action = 'STORE' AND a.study_uid = st.study_uid
                      AND (a.detail IN (?, ?) OR (a.detail LIKE 'recovered:%' AND a.instance_uid = i.sop_instance_uid)))""")) {
            ps.setArray(1, c.createArrayOf("text", sopUids.toArray()));
            ps.setString(2, "import " + killed);
            ps.setString(3, "import " + resumed);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    unaudited.add(rs.getString(1));
                }
            }
        }
        assertEquals(List.of(), unaudited, "instances without a STORE audit event");
    }

    private static long done(JsonNode job) {
        JsonNode c = job.path("counts");
        return c.path("stored").asLong() + c.path("alreadyPresent").asLong() + c.path("coerced").asLong();
    }

    private static String startImport() throws Exception {
        HttpResponse<String> started = api("POST", "/api/imports", JSON.writeValueAsString(
                Map.of("source", Map.of("type", "folder", "path", share.toString()), "parallelism", 2)));
        assertEquals(202, started.statusCode(), started.body());
        return JSON.readTree(started.body()).path("id").asText();
    }

    private static JsonNode job(String id) throws Exception {
        HttpResponse<String> r = api("GET", "/api/imports/" + id, null);
        assertEquals(200, r.statusCode(), r.body());
        return JSON.readTree(r.body());
    }

    private static JsonNode waitFor(String id, java.util.function.Predicate<JsonNode> until) throws Exception {
        Instant deadline = Instant.now().plus(Duration.ofMinutes(5));
        while (Instant.now().isBefore(deadline)) {
            JsonNode job = job(id);
            if (until.test(job)) {
                return job;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("import " + id + " did not get there: " + job(id));
    }

    private static void waitForNoReceipts() throws Exception {
        Instant deadline = Instant.now().plus(Duration.ofMinutes(3));
        while (Instant.now().isBefore(deadline)) {
            try (Connection c = stack.connection(); PreparedStatement ps = c.prepareStatement(
                    "SELECT count(*) FROM store_receipt"); ResultSet rs = ps.executeQuery()) {
                rs.next();
                if (rs.getLong(1) == 0) {
                    return;
                }
            }
            Thread.sleep(1000);
        }
    }

    private static HttpResponse<String> api(String method, String path, String json)
            throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(stack.appUrl() + path))
                .header("Authorization", "Bearer " + admin.get()).header("Accept", "application/json");
        if (json != null) {
            request.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(json));
        } else {
            request.method(method, HttpRequest.BodyPublishers.noBody());
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
