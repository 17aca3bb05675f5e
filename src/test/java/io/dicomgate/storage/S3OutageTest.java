package io.dicomgate.storage;

import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.dicomgate.testsupport.Api;
import io.dicomgate.testsupport.DicomFixtures;
import io.dicomgate.testsupport.S3ProxyServer;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.RestAssured;

/**
 * The S3 server goes away and comes back (README "S3 object storage"): while it is gone a STOW answers
 * 409 with Failure Reason A700 (out of resources) for the instance and writes no index row, readiness
 * is 503 so a load balancer routes around the node, a frame cannot be read (503, never a 500); once it is
 * back, the same node stores again.
 * A server of its own, on a fixed port, so the test can stop and restart it.
 */
@QuarkusTest
@TestProfile(S3OutageTest.OwnS3.class)
class S3OutageTest {

    private static final String FAILED = "'00081198'.Value";

    @Test
    void aStoreDuringAnOutageFailsCleanlyAndReadinessFollowsTheBucket() {
        DicomFixtures.Builder before = DicomFixtures.instance();
        Api.store(before.bytes()).then().statusCode(200);
        RestAssured.get("/q/health/ready").then().statusCode(200);

        OwnServer.down();
        DicomFixtures.Builder during = DicomFixtures.instance();
        try {
            Api.store(during.bytes()).then().statusCode(409)
                    .body(FAILED + "[0].'00081197'.Value[0]", equalTo(0xA700))
                    .body("'00081199'", nullValue());
            RestAssured.get("/q/health/ready").then().statusCode(503);
            Api.as(Api.ADMIN).accept("multipart/related; type=\"application/octet-stream\"")
                    .get("/dicomweb/studies/" + before.studyUid() + "/series/" + before.seriesUid() + "/instances/"
                            + before.sopUid() + "/frames/1")
                    .then().statusCode(503).header("Retry-After", org.hamcrest.Matchers.notNullValue());
            RestAssured.get("/q/health/live").then().statusCode(200);
        } finally {
            OwnServer.up();
        }
        Api.as(Api.ADMIN).queryParam("SOPInstanceUID", during.sopUid()).get("/dicomweb/instances").then()
                .statusCode(204);
        RestAssured.get("/q/health/ready").then().statusCode(200);
        Api.store(during.bytes()).then().statusCode(200);
        Api.as(Api.ADMIN).accept("application/dicom")
                .get("/dicomweb/studies/" + before.studyUid() + "/series/" + before.seriesUid() + "/instances/" + before.sopUid())
                .then().statusCode(200);
    }

    /** The S3 store on a server only this test uses. */
    public static class OwnS3 implements QuarkusTestProfile {
        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(OwnServer.class));
        }
    }

    /** An s3proxy on a fixed free port and data directory, restartable by the test. */
    public static class OwnServer implements QuarkusTestResourceLifecycleManager {
        private static Path dataDir;
        private static int port;
        private static S3ProxyServer server;

        @Override
        public Map<String, String> start() {
            try {
                dataDir = Files.createTempDirectory(Path.of("target"), "s3-outage-");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            port = io.dicomgate.demo.LocalStack.freePort();
            up();
            return server.storageConfig("outage");
        }

        static synchronized void up() {
            server = S3ProxyServer.start(dataDir, port);
        }

        static synchronized void down() {
            server.close();
        }

        @Override
        public void stop() {
            if (server != null) {
                server.close();
            }
        }
    }
}
