package io.dicomgate.storage;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Random;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.dicomgate.testsupport.S3ProxyServer;

/** {@link S3BlobStore} against a real S3 server (s3proxy), object by object. */
class S3BlobStoreTest {

    private static final long PART = 5L * 1024 * 1024;

    @TempDir
    Path root;
    private S3BlobStore store;
    private String bucket;

    @BeforeEach
    void open() throws IOException {
        bucket = "blobstore-" + System.nanoTime();
        store = S3BlobStore.create(root, config(bucket));
    }

    @AfterEach
    void close() {
        store.close();
    }

    @Test
    void storesAndStreamsBackWithSeeks() throws Exception {
        byte[] bytes = random(3 * 1024 * 1024 + 17, 1);
        String key = store.commit(staged(bytes), sha256(bytes));

        assertEquals(BlobStore.keyFor(sha256(bytes)), key);
        try (SeekableByteChannel channel = store.open(key)) {
            assertEquals(bytes.length, channel.size());
            assertArrayEquals(bytes, readAll(channel));
            assertRange(channel, bytes, 1_500_000, 1000);     // backwards: a new window
            assertRange(channel, bytes, 1_501_000 + 4096, 5000); // a short skip forward inside it
            assertRange(channel, bytes, 17, 100);
            assertRange(channel, bytes, bytes.length - 10, 10);
            channel.position(bytes.length);
            assertEquals(-1, channel.read(ByteBuffer.allocate(10)));
        }
        assertFalse(Files.list(root.resolve("tmp")).findAny().isPresent(), "staging file left behind");
    }

    @Test
    void largeObjectsGoUpInPartsAndComeBackWhole() throws Exception {
        byte[] bytes = random((int) (2 * PART + 123_456), 2);
        String key = store.commit(staged(bytes), sha256(bytes));

        try (SeekableByteChannel channel = store.open(key)) {
            assertArrayEquals(bytes, readAll(channel));
        }
        Path local = store.path(key);
        assertArrayEquals(bytes, Files.readAllBytes(local));
        assertEquals(local, store.path(key), "second use served from the read cache");
    }

    @Test
    void stagedBytesThatDoNotMatchTheirDigestAreNotStored() throws Exception {
        byte[] bytes = random(200_000, 3);
        String claimed = sha256(random(200_000, 4));

        assertThrows(IOException.class, () -> store.commit(staged(bytes), claimed));
        assertTrue(keys(Instant.now().plusSeconds(60)).isEmpty());
    }

    @Test
    void theServerRefusesATransferWhoseBytesDifferFromTheirMd5() throws Exception {
        byte[] bytes = random(200_000, 7);
        byte[] md5OfOther = MessageDigest.getInstance("MD5").digest(random(200_000, 8));
        String key = BlobStore.keyFor(sha256(bytes));

        assertThrows(software.amazon.awssdk.services.s3.model.S3Exception.class,
                () -> store.upload(staged(bytes), key, bytes.length, md5OfOther));
        assertTrue(keys(Instant.now().plusSeconds(60)).isEmpty(), "a corrupted transfer must not leave an object");
    }

    @Test
    void sameBytesTwiceKeepOneObjectAndRefreshItsWriteTime() throws Exception {
        byte[] bytes = random(10_000, 5);
        String key = store.commit(staged(bytes), sha256(bytes));
        Thread.sleep(1100); // S3 times have one-second resolution
        Instant between = Instant.now();
        Thread.sleep(1100);
        Path second = staged(bytes);

        assertEquals(key, store.commit(second, sha256(bytes)));
        assertFalse(Files.exists(second));
        assertEquals(List.of(key), keys(Instant.now().plusSeconds(60)));
        assertTrue(keys(between).isEmpty(), "a re-sent object is not old for the orphan sweep");
    }

    @Test
    void deletesAndRefusesForeignKeys() throws Exception {
        byte[] bytes = random(1000, 6);
        String key = store.commit(staged(bytes), sha256(bytes));
        store.delete(key);

        assertTrue(keys(Instant.now().plusSeconds(60)).isEmpty());
        assertThrows(IOException.class, () -> {
            try (SeekableByteChannel channel = store.open(key)) {
                channel.read(ByteBuffer.allocate(10));
            }
        });
        assertThrows(IllegalArgumentException.class, () -> store.open("../../etc/passwd"));
        assertThrows(IllegalArgumentException.class, () -> store.path("ab/cd/x.dcm"));
    }

    @Test
    void readinessSeesTheBucketGo() throws Exception {
        store.checkReachable();
        S3BlobStore other = new S3BlobStore(software.amazon.awssdk.services.s3.S3Client.builder()
                .region(software.amazon.awssdk.regions.Region.US_EAST_1).forcePathStyle(true)
                .endpointOverride(S3ProxyServer.shared().endpoint())
                .credentialsProvider(() -> software.amazon.awssdk.auth.credentials.AwsBasicCredentials.create(
                        S3ProxyServer.ACCESS_KEY, S3ProxyServer.SECRET_KEY))
                .build(), "no-such-bucket-" + System.nanoTime(), root, PART, 1 << 20);
        assertThrows(IOException.class, other::checkReachable);
        other.close();
    }

    private List<String> keys(Instant cutoff) throws IOException {
        List<String> keys = new ArrayList<>();
        store.forEachKeyWrittenBefore(cutoff, keys::add);
        return keys;
    }

    private Path staged(byte[] bytes) throws IOException {
        Path file = store.newStagingFile();
        Files.write(file, bytes);
        return file;
    }

    private static void assertRange(SeekableByteChannel channel, byte[] bytes, int offset, int length) throws IOException {
        channel.position(offset);
        ByteBuffer buffer = ByteBuffer.allocate(length);
        while (buffer.hasRemaining() && channel.read(buffer) > 0) {
            // fill
        }
        assertArrayEquals(Arrays.copyOfRange(bytes, offset, offset + length), buffer.array(), "bytes at " + offset);
        assertEquals(offset + length, channel.position());
    }

    private static byte[] readAll(SeekableByteChannel channel) throws IOException {
        channel.position(0);
        ByteBuffer buffer = ByteBuffer.allocate((int) channel.size());
        while (buffer.hasRemaining() && channel.read(buffer) > 0) {
            // fill
        }
        return buffer.array();
    }

    private static byte[] random(int length, long seed) {
        byte[] bytes = new byte[length];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }

    private static String sha256(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }

    private static StorageConfig.S3 config(String bucket) {
        URI endpoint = S3ProxyServer.shared().endpoint();
        return new StorageConfig.S3() {
            public Optional<URI> endpoint() { return Optional.of(endpoint); }
            public String region() { return "us-east-1"; }
            public Optional<String> bucket() { return Optional.of(bucket); }
            public Optional<String> accessKeyId() { return Optional.of(S3ProxyServer.ACCESS_KEY); }
            public Optional<String> secretAccessKey() { return Optional.of(S3ProxyServer.SECRET_KEY); }
            public boolean pathStyle() { return true; }
            public long multipartPartSize() { return PART; }
            public long readCacheSize() { return 1L << 30; }
        };
    }
}
