package io.dicomgate.index;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;

import jakarta.inject.Inject;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import org.junit.jupiter.api.Test;

import io.dicomgate.storage.BlobStore;
import io.dicomgate.testsupport.Api;
import io.dicomgate.testsupport.DicomFixtures;
import io.dicomgate.testsupport.PostgresTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;

/** Crash recovery: blobs without index rows go, indexed blobs and uploads in flight stay. */
@QuarkusTest
@QuarkusTestResource(PostgresTestResource.class)
class OrphanSweeperTest {

    @Inject
    OrphanSweeper sweeper;
    @Inject
    BlobStore blobs;
    @ConfigProperty(name = "quarkus.datasource.jdbc.url")
    String url;
    @ConfigProperty(name = "quarkus.datasource.username")
    String user;
    @ConfigProperty(name = "quarkus.datasource.password")
    String password;

    @Test
    void removesOnlyUnindexedBlobsWrittenBeforeTheCutoff() throws Exception {
        var stored = DicomFixtures.instance();
        Api.store(stored.bytes()).then().statusCode(200);
        String indexedKey = key(sha256(stored.bytes()));

        String orphanKey = commit("a blob whose index transaction never committed");
        String inFlightKey = commit("a blob of an upload still being indexed");
        Instant cutoff = Instant.now();
        Files.setLastModifiedTime(blobs.path(orphanKey), FileTime.from(cutoff.minusSeconds(60)));
        Files.setLastModifiedTime(blobs.path(indexedKey), FileTime.from(cutoff.minusSeconds(60)));
        Files.setLastModifiedTime(blobs.path(inFlightKey), FileTime.from(cutoff.plusSeconds(60)));

        int removed = sweeper.sweep(cutoff);

        assertFalse(Files.exists(blobs.path(orphanKey)), "orphan removed");
        assertTrue(Files.exists(blobs.path(indexedKey)), "indexed blob kept");
        assertTrue(Files.exists(blobs.path(inFlightKey)), "blob newer than the cutoff kept");
        assertTrue(removed >= 1, "counted " + removed);
        Api.as(Api.ADMIN).accept("application/dicom; transfer-syntax=*")
                .get("/dicomweb/studies/" + stored.studyUid() + "/series/" + stored.seriesUid() + "/instances/"
                        + stored.sopUid())
                .then().statusCode(200);
    }

    @Test
    void oneNodeSweepsAtATimeAndADeadNodeDoesNotBlockTheNext() throws Exception {
        String orphanKey = commit("an orphan while another node sweeps");
        Files.setLastModifiedTime(blobs.path(orphanKey), FileTime.from(Instant.now().minus(Duration.ofDays(1))));

        try (Connection otherNode = DriverManager.getConnection(url, user, password)) {
            try (PreparedStatement lock = otherNode.prepareStatement("SELECT pg_advisory_lock(?, hashtext(?))")) {
                lock.setInt(1, 0x64676a62);
                lock.setString(2, "dicomgate.job.orphan-sweep");
                lock.execute();
            }
            assertEquals(-1, sweeper.sweepOnce(), "skipped while the other node holds the job");
            assertTrue(Files.exists(blobs.path(orphanKey)));
        } // the other node's session ends, as when its process dies mid-sweep

        int removed = -1;
        for (long deadline = System.nanoTime() + 10_000_000_000L; removed == -1 && System.nanoTime() < deadline; ) {
            removed = sweeper.sweepOnce(); // the server ends the closed session asynchronously
        }
        assertTrue(removed >= 1, "removed " + removed);
        assertFalse(Files.exists(blobs.path(orphanKey)), "swept by the next node");
    }

    @Test
    void stagingFilesOfInterruptedUploadsAreCleared() throws Exception {
        Path staging = blobs.newStagingFile();
        Files.writeString(staging, "half an upload");
        assertTrue(blobs.clearStaging() >= 1);
        assertFalse(Files.exists(staging));
    }

    private String commit(String content) throws Exception {
        Path staging = blobs.newStagingFile();
        Files.writeString(staging, content);
        return blobs.commit(staging, sha256(Files.readAllBytes(staging)));
    }

    private static String sha256(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }

    private static String key(String sha) {
        return sha.substring(0, 2) + "/" + sha.substring(2, 4) + "/" + sha + ".dcm";
    }
}
