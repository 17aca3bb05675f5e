package io.dicomgate.storage;

import java.io.IOException;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Path;
import java.time.Instant;
import java.util.function.Consumer;

/**
 * Durable, content-addressed storage of DICOM Part 10 objects: a local directory
 * ({@link FileSystemBlobStore}) or an S3-compatible bucket ({@link S3BlobStore}), chosen by
 * {@code dicomgate.storage.type}.
 *
 * <p>Keys are derived from the SHA-256 of the bytes, never from client-supplied strings, so no
 * request can steer where an object lands; stored objects never change. Uploads are staged in
 * {@link #newStagingFile()} on local disk and {@link #commit(Path, String) committed} only once
 * they are complete and validated, before their index row is written: no index row ever points at
 * a missing or partial object.
 */
public interface BlobStore {

    /** A new empty file in the local staging area. */
    Path newStagingFile() throws IOException;

    /**
     * Deletes a staging file that is not to be committed; one that cannot be deleted now is removed
     * with the staging area (cleared at start-up, {@link #clearStaging()}).
     */
    static void discardStaged(Path file) {
        try {
            java.nio.file.Files.deleteIfExists(file);
        } catch (IOException e) {
            // left for the staging area's clean-up
        }
    }

    /**
     * Makes a fully written staging file durable under the key for its digest (filesystem: fsync,
     * atomic rename, fsync of the directory; S3: an upload verified by its checksum). If the key
     * already exists the staging file is deleted (same digest, same bytes) and the object's write
     * time is refreshed, so an orphan sweep running meanwhile does not take it.
     *
     * @return the key
     */
    String commit(Path stagingFile, String sha256) throws IOException;

    /**
     * Opens a stored object for reading from any position, streamed (S3: ranged GETs); the caller
     * closes the channel.
     */
    SeekableByteChannel open(String key) throws IOException;

    /**
     * A local file with the object's bytes, for readers that need a path (PixelMed's parsers,
     * transcoding, rendering). The filesystem store returns the object itself; the S3 store a copy
     * in its bounded local read cache, fetched on first use.
     */
    Path path(String key) throws IOException;

    /** Deletes a stored object if present. */
    void delete(String key) throws IOException;

    /** Visits every stored key last written before {@code cutoff} (for orphan sweeps). */
    void forEachKeyWrittenBefore(Instant cutoff, Consumer<String> visitor) throws IOException;

    /** Removes everything left in the staging area by interrupted uploads. */
    int clearStaging() throws IOException;

    /** Throws if the store cannot be reached right now (readiness). */
    default void checkReachable() throws IOException {
    }

    /** Validates a key against the one layout all stores use: {@code ab/cd/<sha256>.dcm}. */
    static String keyFor(String sha256) {
        if (sha256 == null || !sha256.matches("[0-9a-f]{64}")) {
            throw new IllegalArgumentException("not a SHA-256 hex digest");
        }
        return sha256.substring(0, 2) + "/" + sha256.substring(2, 4) + "/" + sha256 + ".dcm";
    }

    /** Whether {@code key} has the layout of {@link #keyFor(String)}. */
    static boolean isKey(String key) {
        return key != null && key.matches("[0-9a-f]{2}/[0-9a-f]{2}/[0-9a-f]{64}\\.dcm");
    }
}
