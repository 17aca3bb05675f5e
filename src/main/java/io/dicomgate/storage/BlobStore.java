package io.dicomgate.storage;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.time.Instant;
import java.util.function.Consumer;

/**
 * Durable, content-addressed storage of DICOM Part 10 objects.
 *
 * <p>Keys are derived from the SHA-256 of the bytes, never from client-supplied strings, so no
 * request can steer where a file lands. Uploads are staged in {@link #newStagingFile()} and
 * {@link #commit(Path, String) committed} only once they are complete and validated.
 */
public interface BlobStore {

    /** A new empty file in the staging area, on the same filesystem as the store. */
    Path newStagingFile() throws IOException;

    /**
     * Makes a fully written staging file durable under the key for its digest: fsync the file,
     * rename it atomically into place, fsync the directory. If the key already exists the staging
     * file is deleted (same digest, same bytes).
     *
     * @return the key
     */
    String commit(Path stagingFile, String sha256) throws IOException;

    /** Opens a stored object for reading; the caller closes the channel. */
    FileChannel open(String key) throws IOException;

    /** The local file of a stored object, for readers that need random access by path. */
    Path path(String key);

    /** Deletes a stored object if present. */
    void delete(String key) throws IOException;

    /** Visits every stored key last written before {@code cutoff} (for orphan sweeps). */
    void forEachKeyWrittenBefore(Instant cutoff, Consumer<String> visitor) throws IOException;

    /** Removes everything left in the staging area by interrupted uploads. */
    int clearStaging() throws IOException;
}
