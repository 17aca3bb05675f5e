package io.dicomgate.product;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.dicomgate.demo.DemoStack;
import io.dicomgate.demo.DicomWebClient;
import io.dicomgate.demo.LocalStack;
import io.dicomgate.testsupport.DicomFixtures;
import io.dicomgate.testsupport.S3ProxyServer;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * Several stateless nodes (README, "Running in production"): two packaged dicomgate processes on
 * one PostgreSQL, one Keycloak and one S3 bucket (s3proxy, a real S3 server). What one node writes
 * the other serves; consent decisions taken through one govern the other's next request; the same
 * instances sent through both are stored once; both write one audit chain; a node killed during a
 * STOW load leaves the other serving and no index row without its object.
 */
class TwoNodesIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final String BUCKET = "dicomgate-two-nodes";

    private static S3ProxyServer s3;
    private static S3Client bucket;
    private static LocalStack stack;
    private static LocalStack.Node nodeB;
    private static String issuer;

    @BeforeAll
    static void startTwoNodes() {
        Path dataDir = LocalStack.pathSetting("dicomgate.two-nodes.data-dir", "target/two-nodes-it");
        LocalStack.deleteRecursively(dataDir);
        s3 = S3ProxyServer.start(dataDir.resolve("s3"), 0);
        Map<String, String> s3Env = Map.of("DICOMGATE_STORAGE_TYPE", "s3",
                "DICOMGATE_STORAGE_S3_ENDPOINT", s3.endpoint().toString(),
                "DICOMGATE_STORAGE_S3_BUCKET", BUCKET,
                "DICOMGATE_STORAGE_S3_ACCESS_KEY_ID", S3ProxyServer.ACCESS_KEY,
                "DICOMGATE_STORAGE_S3_SECRET_ACCESS_KEY", S3ProxyServer.SECRET_KEY);
        stack = LocalStack.start(new LocalStack.Config(dataDir, 0, 0, 0, false,
                LocalStack.pathSetting("keycloak.home", "target/keycloak-26.7.3"),
                LocalStack.pathSetting("dicomgate.realm.file", "keycloak-realm/dicomgate-realm.json"),
                LocalStack.pathSetting("dicomgate.app-jar", "target/quarkus-app/quarkus-run.jar"), List.of(), s3Env));
        nodeB = stack.startNode("b", Map.of());
        issuer = stack.keycloak().issuerUrl();
        bucket = S3Client.builder().region(Region.US_EAST_1).forcePathStyle(true).endpointOverride(s3.endpoint())
                .credentialsProvider(() -> AwsBasicCredentials.create(S3ProxyServer.ACCESS_KEY, S3ProxyServer.SECRET_KEY))
                .build();
    }

    @AfterAll
    static void stop() {
        try {
            if (nodeB != null) {
                nodeB.close();
            }
            if (stack != null) {
                stack.close();
            }
        } finally {
            if (bucket != null) {
                bucket.close();
            }
            if (s3 != null) {
                s3.close();
            }
        }
    }

    @Test
    void aStudyStoredThroughOneNodeIsServedByteIdenticallyByTheOther() {
        DicomFixtures.Builder instance = DicomFixtures.instance().patient("TWO-" + System.nanoTime(), "Two^Nodes");
        assertEquals(200, client(stack.dicomwebUrl(), ingest()).store(List.of(instance.bytes())).statusCode());

        DicomWebClient adminOnB = client(nodeB.url() + "/dicomweb", admin());
        JsonNode found = adminOnB.search("/studies", Map.of("PatientID", instance.patientId()));
        assertEquals(1, found.size(), found.toString());
        HttpResponse<byte[]> retrieved = adminOnB.getBytes(instancePath(instance),
                "multipart/related; type=\"application/dicom\"; transfer-syntax=*");
        assertEquals(200, retrieved.statusCode());
        assertArrayEquals(instance.bytes(), DicomWebClient.parts(retrieved).get(0));
    }

    @Test
    void aConsentGrantedAndRevokedThroughOneNodeGovernsTheOthersNextRequest() throws Exception {
        DicomFixtures.Builder instance = DicomFixtures.instance().patient("TWO-CONSENT-" + System.nanoTime(), "Consent^Two");
        assertEquals(200, client(stack.dicomwebUrl(), ingest()).store(List.of(instance.bytes())).statusCode());
        DicomWebClient clinicianOnB = client(nodeB.url() + "/dicomweb", DicomWebClient.Tokens.password(issuer, "dr.cuddy", "demo"));
        String metadata = "/studies/" + instance.studyUid() + "/metadata";
        assertEquals(404, clinicianOnB.get(metadata, "application/dicom+json").statusCode(), "no consent yet");

        DicomWebClient.Tokens consentAdmin = DicomWebClient.Tokens.password(issuer, "consent.admin", "demo");
        HttpResponse<String> granted = api("POST", stack.appUrl() + "/api/consents", consentAdmin,
                JSON.writeValueAsString(Map.of("patientId", instance.patientId(),
                        "grantee", Map.of("type", "user", "id", "dr.cuddy"), "decision", "permit")));
        assertEquals(201, granted.statusCode(), granted.body());
        assertEquals(200, clinicianOnB.get(metadata, "application/dicom+json").statusCode(), "permit through A, read on B");

        String id = JSON.readTree(granted.body()).path("id").asText();
        HttpResponse<String> revoked = api("POST", stack.appUrl() + "/api/consents/" + id + "/revoke", consentAdmin, "{}");
        assertTrue(revoked.statusCode() / 100 == 2, revoked.statusCode() + " " + revoked.body());
        assertEquals(404, clinicianOnB.get(metadata, "application/dicom+json").statusCode(), "revoked through A, hidden on B");
    }

    @Test
    void theSameInstancesSentThroughBothNodesAtOnceAreStoredOnce() throws Exception {
        String patientId = "TWO-RACE-" + System.nanoTime();
        DicomFixtures.Builder first = DicomFixtures.instance().patient(patientId, "Race^Two");
        List<byte[]> instances = new ArrayList<>();
        for (int i = 0; i < 24; i++) {
            instances.add(DicomFixtures.instance().inSeriesOf(first).instanceNumber(i + 1).bytes());
        }
        List<DicomWebClient> clients = List.of(client(stack.dicomwebUrl(), ingest()), client(nodeB.url() + "/dicomweb", ingest()));
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<Integer>> results = new ArrayList<>();
            for (int round = 0; round < 4; round++) {
                DicomWebClient client = clients.get(round % 2);
                for (byte[] one : instances) {
                    results.add(pool.submit(() -> client.store(List.of(one)).statusCode()));
                }
            }
            for (Future<Integer> result : results) {
                assertEquals(200, result.get(), "a re-sent identical instance is a success");
            }
        } finally {
            pool.shutdownNow();
        }
        try (Connection c = stack.connection(); PreparedStatement ps = c.prepareStatement(
                "SELECT count(*), count(DISTINCT i.blob_key) FROM instance i JOIN series s ON s.pk = i.series_fk"
                        + " JOIN study st ON st.pk = s.study_fk WHERE st.study_uid = ?")) {
            ps.setString(1, first.studyUid());
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                assertEquals(24, rs.getInt(1), "one row per instance");
                assertEquals(24, rs.getInt(2), "one object per instance");
            }
        }
        JsonNode series = client(nodeB.url() + "/dicomweb", admin()).search("/studies/" + first.studyUid() + "/series", Map.of());
        assertEquals("24", series.get(0).path("00201209").path("Value").get(0).asText(), "series counters not doubled");
    }

    @Test
    void bothNodesWriteOneAuditChain() throws Exception {
        DicomFixtures.Builder instance = DicomFixtures.instance().patient("TWO-AUDIT-" + System.nanoTime(), "Audit^Two");
        assertEquals(200, client(nodeB.url() + "/dicomweb", ingest()).store(List.of(instance.bytes())).statusCode());
        for (String node : List.of(stack.appUrl(), nodeB.url())) {
            assertEquals(200, client(node + "/dicomweb", admin()).get("/studies/" + instance.studyUid() + "/metadata",
                    "application/dicom+json").statusCode());
        }
        HttpResponse<String> verify = api("GET", nodeB.url() + "/api/audit/verify",
                DicomWebClient.Tokens.password(issuer, "auditor", "demo"), null);
        assertEquals(200, verify.statusCode(), verify.body());
        JsonNode result = JSON.readTree(verify.body());
        assertTrue(result.path("valid").asBoolean(), verify.body());
        assertTrue(result.path("checked").asLong() >= 3, verify.body());
    }

    @Test
    void aNodeKilledDuringAStowLoadLeavesTheOtherServingAndNoRowWithoutItsObject() throws Exception {
        LocalStack.Node doomed = stack.startNode("doomed", Map.of());
        DicomWebClient ingestDoomed = client(doomed.url() + "/dicomweb", ingest());
        String patientId = "TWO-KILL-" + System.nanoTime();
        DicomFixtures.Builder first = DicomFixtures.instance().patient(patientId, "Kill^Two").size(256, 256);
        AtomicInteger sent = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            for (int t = 0; t < 4; t++) {
                pool.submit(() -> {
                    while (!Thread.currentThread().isInterrupted()) {
                        List<byte[]> batch = new ArrayList<>();
                        for (int i = 0; i < 5; i++) {
                            batch.add(DicomFixtures.instance().inSeriesOf(first).size(256, 256).instanceNumber(sent.incrementAndGet()).bytes());
                        }
                        try {
                            ingestDoomed.store(batch);
                        } catch (RuntimeException e) {
                            return; // the node is gone
                        }
                    }
                    return;
                });
            }
            Thread.sleep(4000);
            doomed.kill();
        } finally {
            pool.shutdownNow();
        }
        assertTrue(sent.get() > 10, "the load ran: " + sent.get() + " instance(s) sent");

        DicomWebClient adminOnB = client(nodeB.url() + "/dicomweb", admin());
        adminOnB.search("/studies", Map.of("PatientID", patientId)); // B answers (throws otherwise)
        Set<String> objects = objects();
        List<String> rows = blobKeys();
        assertTrue(objects.containsAll(rows), "an index row without its object");

        // A node started with no grace sweeps once, alone: stray objects go, indexed ones stay.
        try (LocalStack.Node sweeper = stack.startNode("sweeper", Map.of("DICOMGATE_STORAGE_ORPHAN_GRACE", "PT0S"))) {
            Set<String> indexed = new HashSet<>(blobKeys());
            long deadline = System.nanoTime() + 60_000_000_000L;
            while (!indexed.containsAll(objects()) && System.nanoTime() < deadline) {
                Thread.sleep(500);
            }
            Set<String> left = objects();
            Set<String> stray = new HashSet<>(left);
            stray.removeAll(indexed);
            Set<String> lost = new HashSet<>(indexed);
            lost.removeAll(left);
            assertTrue(stray.isEmpty() && lost.isEmpty(), "after the sweep the bucket must hold exactly the indexed objects: "
                    + stray.size() + " stray, " + lost.size() + " indexed but gone");
        }
        JsonNode study = adminOnB.search("/studies", Map.of("PatientID", patientId));
        if (study.size() == 1) {
            String studyUid = study.get(0).path("0020000D").path("Value").get(0).asText();
            assertEquals(200, adminOnB.get("/studies/" + studyUid + "/metadata", "application/dicom+json").statusCode());
        }
    }

    private static Set<String> objects() {
        Set<String> keys = new HashSet<>();
        bucket.listObjectsV2Paginator(b -> b.bucket(BUCKET)).contents().stream().map(S3Object::key)
                .filter(key -> key.endsWith(".dcm")).forEach(keys::add); // not s3proxy's directory entries
        return keys;
    }

    private static List<String> blobKeys() throws Exception {
        List<String> keys = new ArrayList<>();
        try (Connection c = stack.connection(); PreparedStatement ps = c.prepareStatement("SELECT blob_key FROM instance");
                ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                keys.add(rs.getString(1));
            }
        }
        return keys;
    }

    private static String instancePath(DicomFixtures.Builder instance) {
        return "/studies/" + instance.studyUid() + "/series/" + instance.seriesUid() + "/instances/" + instance.sopUid();
    }

    private static DicomWebClient client(String dicomweb, DicomWebClient.Tokens tokens) {
        return new DicomWebClient(dicomweb, tokens);
    }

    private static DicomWebClient.Tokens ingest() {
        return DicomWebClient.Tokens.clientCredentials(issuer, DemoStack.INGEST_CLIENT, DemoStack.INGEST_SECRET);
    }

    private static DicomWebClient.Tokens admin() {
        return DicomWebClient.Tokens.password(issuer, "admin", "demo");
    }

    private static HttpResponse<String> api(String method, String url, DicomWebClient.Tokens tokens, String json)
            throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).header("Authorization", "Bearer " + tokens.get())
                .header("Accept", "application/json");
        if (json != null) {
            request.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(json));
        } else {
            request.method(method, HttpRequest.BodyPublishers.noBody());
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
