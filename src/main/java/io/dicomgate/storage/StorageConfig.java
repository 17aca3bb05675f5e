package io.dicomgate.storage;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Where instances are kept. */
@ConfigMapping(prefix = "dicomgate.storage")
public interface StorageConfig {

    /** Which blob store holds the instances. */
    enum Type {
        /** {@link FileSystemBlobStore}: a local (or mounted) directory. */
        FILESYSTEM,
        /** An S3-compatible object store (AWS S3, MinIO, Ceph RGW, s3proxy). */
        S3
    }

    /** {@code filesystem} (default) or {@code s3}. */
    @WithDefault("filesystem")
    Type type();

    /**
     * Root directory of the filesystem blob store ({@code blobs/}, staging {@code tmp/}); with S3 it
     * holds only the staging area, where an upload is validated before it is sent to the bucket.
     */
    Path root();

    /**
     * Age below which an object no index row refers to is left alone by the orphan sweep: an upload
     * between its commit and its index transaction (on any node) is that young.
     */
    @WithDefault("PT1H")
    Duration orphanGrace();

    /** How often one node sweeps orphans (objects of uploads that died before their index row). */
    @WithDefault("PT6H")
    Duration orphanSweepInterval();

    /** The S3 store, used when {@link #type()} is {@code s3}. */
    S3 s3();

    /** An S3-compatible bucket. */
    interface S3 {
        /** Endpoint URL of an S3-compatible server (MinIO, Ceph, s3proxy); absent for AWS itself. */
        Optional<URI> endpoint();

        /** Region name; S3-compatible servers accept any. */
        @WithDefault("us-east-1")
        String region();

        /** The bucket that holds the instances (created at start-up if missing). */
        Optional<String> bucket();

        /** Access key id; absent to use the AWS default credential chain (environment, instance role). */
        Optional<String> accessKeyId();

        /** Secret access key, with {@link #accessKeyId()}. */
        Optional<String> secretAccessKey();

        /** Path-style addressing ({@code endpoint/bucket/key}), what most S3-compatible servers need. */
        @WithDefault("true")
        boolean pathStyle();

        /** Objects larger than this are sent as a multipart upload, in parts of this size (bytes, at least 5 MiB). */
        @WithDefault("16777216")
        long multipartPartSize();

        /**
         * Most bytes of the local read cache (under the storage root's {@code cache/}) that holds copies
         * of objects for readers needing a local file: transcoding, rendering, frame decoding.
         */
        @WithDefault("2147483648")
        long readCacheSize();
    }
}
