package io.dicomgate.storage;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.function.Consumer;

import org.jboss.logging.Logger;

import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.core.sync.ResponseTransformer;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;
import software.amazon.awssdk.services.s3.model.BucketAlreadyOwnedByYouException;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.NoSuchBucketException;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * {@link BlobStore} on an S3-compatible bucket (AWS S3, MinIO, Ceph RGW, s3proxy), for several
 * dicomgate nodes sharing one store.
 *
 * <p>Writes: an upload is validated in the local staging area first, its bytes checked against the
 * SHA-256 that names it, then sent in one PUT (up to {@code multipart-part-size}) or as a multipart
 * upload, every request carrying the MD5 of its bytes ({@code Content-MD5}, which every
 * S3-compatible server verifies, unlike the newer {@code x-amz-checksum-*} headers) so the server
 * refuses a corrupted transfer; the object becomes
 * visible only when complete (S3 semantics), and only then is its index row written. Reads: streamed
 * through {@link S3ReadChannel} with ranged GETs (frames and bulk data fetch only their bytes);
 * readers that need a local file get a copy from {@link S3ReadCache}.
 */
public final class S3BlobStore implements BlobStore, Closeable {

    private static final Logger LOG = Logger.getLogger(S3BlobStore.class);
    private static final String DICOM = "application/dicom";
    /** S3's minimum part size (all parts but the last). */
    private static final long MIN_PART = 5L * 1024 * 1024;

    private final S3Client s3;
    private final String bucket;
    private final Path staging;
    private final S3ReadCache cache;
    private final long partSize;

    S3BlobStore(S3Client s3, String bucket, Path root, long partSize, long cacheSize) throws IOException {
        this.s3 = s3;
        this.bucket = bucket;
        Path normalized = root.toAbsolutePath().normalize();
        this.staging = StagingArea.create(normalized);
        this.cache = new S3ReadCache(normalized.resolve("cache"), cacheSize);
        this.partSize = Math.max(MIN_PART, partSize);
    }

    /** A store on the configured bucket, created if it does not exist yet. */
    static S3BlobStore create(Path root, StorageConfig.S3 config) throws IOException {
        String bucket = config.bucket().filter(b -> !b.isBlank()).orElseThrow(() -> new IllegalStateException(
                "dicomgate.storage.s3.bucket is required when dicomgate.storage.type=s3"));
        S3ClientBuilder builder = S3Client.builder()
                .region(Region.of(config.region()))
                .forcePathStyle(config.pathStyle())
                .credentialsProvider(credentials(config))
                // Integrity is ours (Content-MD5 on every body), not the SDK's default streaming
                // checksum trailer, which not every S3-compatible server reads.
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED);
        config.endpoint().ifPresent(builder::endpointOverride);
        S3BlobStore store = new S3BlobStore(builder.build(), bucket, root, config.multipartPartSize(),
                config.readCacheSize());
        store.ensureBucket();
        return store;
    }

    private static AwsCredentialsProvider credentials(StorageConfig.S3 config) {
        if (config.accessKeyId().isPresent()) {
            return StaticCredentialsProvider.create(AwsBasicCredentials.create(config.accessKeyId().get(),
                    config.secretAccessKey().orElseThrow(() -> new IllegalStateException(
                            "dicomgate.storage.s3.secret-access-key is required with an access key id"))));
        }
        return DefaultCredentialsProvider.builder().build();
    }

    private void ensureBucket() throws IOException {
        try {
            s3.headBucket(b -> b.bucket(bucket));
        } catch (NoSuchBucketException e) {
            try {
                s3.createBucket(b -> b.bucket(bucket));
                LOG.infof("created bucket %s", bucket);
            } catch (BucketAlreadyOwnedByYouException raced) {
                // another node created it first
            } catch (SdkException ex) {
                throw failure("create bucket", ex);
            }
        } catch (SdkException e) {
            throw failure("head bucket", e);
        }
    }

    @Override
    public Path newStagingFile() throws IOException {
        return StagingArea.newFile(staging);
    }

    @Override
    public String commit(Path stagingFile, String sha256) throws IOException {
        String key = BlobStore.keyFor(sha256);
        try {
            // No existence check first: the key is the bytes' digest, so writing an object that is already
            // there stores the same bytes again — and moves its Last-Modified to now, which keeps a
            // concurrent orphan sweep off it. One request per new object instead of three.
            long size = Files.size(stagingFile);
            if (size <= partSize) {
                putOne(stagingFile, key, size, sha256);
            } else {
                putMultipart(stagingFile, key, size, sha256);
            }
        } catch (SdkException e) {
            throw failure("upload", e);
        }
        Files.deleteIfExists(stagingFile);
        return key;
    }

    private void putOne(Path file, String key, long size, String sha256) throws IOException {
        byte[] md5;
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            MessageDigest whole = digest("SHA-256");
            md5 = digest(channel, 0, size, whole);
            requireDigest(whole, sha256);
        }
        upload(file, key, size, md5);
    }

    /** One PUT whose Content-MD5 the server checks (400 BadDigest for a corrupted transfer). */
    void upload(Path file, String key, long size, byte[] md5) {
        s3.putObject(b -> b.bucket(bucket).key(key).contentType(DICOM).contentLength(size)
                .contentMD5(base64(md5)), RequestBody.fromFile(file));
    }

    private void putMultipart(Path file, String key, long size, String sha256) throws IOException {
        String uploadId = s3.createMultipartUpload(b -> b.bucket(bucket).key(key).contentType(DICOM)).uploadId();
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            MessageDigest whole = digest("SHA-256");
            List<CompletedPart> parts = new ArrayList<>();
            int number = 1;
            for (long offset = 0; offset < size; offset += partSize, number++) {
                long length = Math.min(partSize, size - offset);
                String md5 = base64(digest(channel, offset, length, whole));
                int partNumber = number;
                long from = offset;
                var response = s3.uploadPart(b -> b.bucket(bucket).key(key).uploadId(uploadId)
                        .partNumber(partNumber).contentLength(length).contentMD5(md5),
                        RequestBody.fromContentProvider(() -> new RegionInputStream(channel, from, length), length, DICOM));
                parts.add(CompletedPart.builder().partNumber(partNumber).eTag(response.eTag()).build());
            }
            requireDigest(whole, sha256);
            s3.completeMultipartUpload(b -> b.bucket(bucket).key(key).uploadId(uploadId)
                    .multipartUpload(m -> m.parts(parts)));
            HeadObjectResponse head = s3.headObject(b -> b.bucket(bucket).key(key));
            if (head.contentLength() == null || head.contentLength() != size) {
                throw new IOException("object store holds " + head.contentLength() + " bytes of " + size);
            }
        } catch (IOException | RuntimeException e) {
            try {
                s3.abortMultipartUpload(b -> b.bucket(bucket).key(key).uploadId(uploadId));
            } catch (SdkException ignored) {
                // the bucket's lifecycle rule for incomplete uploads removes the parts
            }
            throw e;
        }
    }

    /** The staging file must be what the caller hashed: the key is that hash. */
    private static void requireDigest(MessageDigest whole, String sha256) throws IOException {
        if (!HexFormat.of().formatHex(whole.digest()).equals(sha256)) {
            throw new IOException("staging file does not match its digest");
        }
    }

    @Override
    public SeekableByteChannel open(String key) throws IOException {
        requireKey(key);
        return new S3ReadChannel(s3, bucket, key);
    }

    @Override
    public Path path(String key) throws IOException {
        requireKey(key);
        return cache.get(key, target -> {
            try {
                s3.getObject(b -> b.bucket(bucket).key(key), ResponseTransformer.toFile(target));
            } catch (SdkException e) {
                throw failure("download", e);
            }
        });
    }

    @Override
    public void delete(String key) throws IOException {
        requireKey(key);
        try {
            s3.deleteObject(b -> b.bucket(bucket).key(key));
        } catch (SdkException e) {
            throw failure("delete", e);
        }
        cache.evict(key);
    }

    @Override
    public void forEachKeyWrittenBefore(Instant cutoff, Consumer<String> visitor) throws IOException {
        try {
            for (S3Object object : s3.listObjectsV2Paginator(b -> b.bucket(bucket)).contents()) {
                if (object.lastModified().isBefore(cutoff) && BlobStore.isKey(object.key())) {
                    visitor.accept(object.key());
                }
            }
        } catch (SdkException e) {
            throw failure("list", e);
        }
    }

    @Override
    public int clearStaging() throws IOException {
        cache.clearPartial();
        return StagingArea.clear(staging);
    }

    @Override
    public void checkReachable() throws IOException {
        try {
            s3.headBucket(b -> b.bucket(bucket));
        } catch (SdkException e) {
            throw failure("head bucket", e);
        }
    }

    @Override
    public void close() {
        s3.close();
    }

    private static void requireKey(String key) {
        if (!BlobStore.isKey(key)) {
            throw new IllegalArgumentException("invalid blob key");
        }
    }

    /** The SDK's messages name the bucket and key, never patient data; only the class reaches logs here. */
    static IOException failure(String what, SdkException e) {
        return new IOException("object store " + what + " failed: " + e.getClass().getSimpleName(), e);
    }

    private static String base64(byte[] bytes) {
        return Base64.getEncoder().encodeToString(bytes);
    }

    private static MessageDigest digest(String algorithm) {
        try {
            return MessageDigest.getInstance(algorithm);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** MD5 of a region of the file, also fed to {@code whole}. */
    private static byte[] digest(FileChannel channel, long offset, long length, MessageDigest whole) throws IOException {
        MessageDigest md5 = digest("MD5");
        ByteBuffer buffer = ByteBuffer.allocate(256 * 1024);
        long position = offset;
        long end = offset + length;
        while (position < end) {
            buffer.clear().limit((int) Math.min(buffer.capacity(), end - position));
            int n = channel.read(buffer, position);
            if (n < 0) {
                throw new IOException("staging file shorter than expected");
            }
            buffer.flip();
            md5.update(buffer.duplicate());
            whole.update(buffer);
            position += n;
        }
        return md5.digest();
    }

    /** One part of the staging file, read by position (the channel is shared by all parts). */
    private static final class RegionInputStream extends InputStream {
        private final FileChannel channel;
        private long position;
        private final long end;

        RegionInputStream(FileChannel channel, long offset, long length) {
            this.channel = channel;
            this.position = offset;
            this.end = offset + length;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xFF;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (position >= end) {
                return -1;
            }
            int n = channel.read(ByteBuffer.wrap(b, off, (int) Math.min(len, end - position)), position);
            if (n > 0) {
                position += n;
            }
            return n;
        }
    }
}
