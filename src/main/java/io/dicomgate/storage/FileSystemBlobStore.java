package io.dicomgate.storage;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.function.Consumer;
import java.nio.file.attribute.FileTime;
import java.util.stream.Stream;

/**
 * {@link BlobStore} on a local filesystem: {@code blobs/ab/cd/<sha256>.dcm}, staging in {@code tmp/}.
 */
public class FileSystemBlobStore implements BlobStore {

    private final Path blobs;
    private final Path staging;

    public FileSystemBlobStore(Path root) throws IOException {
        Path normalized = root.toAbsolutePath().normalize();
        this.blobs = Files.createDirectories(normalized.resolve("blobs"));
        this.staging = StagingArea.create(normalized);
    }

    @Override
    public Path newStagingFile() throws IOException {
        return StagingArea.newFile(staging);
    }

    @Override
    public String commit(Path stagingFile, String sha256) throws IOException {
        String key = BlobStore.keyFor(sha256);
        Path target = blobs.resolve(key);
        if (Files.exists(target)) {
            try {
                Files.setLastModifiedTime(target, FileTime.from(Instant.now()));
                Files.deleteIfExists(stagingFile);
                return key;
            } catch (NoSuchFileException e) {
                // swept between the two calls: store this copy
            }
        }
        try (FileChannel channel = FileChannel.open(stagingFile, StandardOpenOption.WRITE)) {
            channel.force(false); // fdatasync: the data and the size, which is what reading it back needs
        }
        Path dir = target.getParent();
        Path created = createDirectories(dir);
        Files.move(stagingFile, target, StandardCopyOption.ATOMIC_MOVE);
        fsyncDirectory(dir);
        // A directory made for this blob is durable only once the entry in its parent is (as PostgreSQL
        // does after creating a file: fsync the parent path); paid once per new directory.
        for (Path d = dir; created != null; d = d.getParent()) {
            fsyncDirectory(d.getParent());
            if (d.equals(created)) {
                break;
            }
        }
        return key;
    }

    /**
     * Creates {@code dir} and any missing parents under the blob root; returns the topmost directory
     * it created, or null when {@code dir} existed. A concurrent store that creates one first is fine.
     */
    private Path createDirectories(Path dir) throws IOException {
        Path created = null;
        for (Path d = dir; !d.equals(blobs) && !Files.isDirectory(d); d = d.getParent()) {
            created = d;
        }
        if (created != null) {
            Files.createDirectories(dir);
        }
        return created;
    }

    @Override
    public FileChannel open(String key) throws IOException {
        return FileChannel.open(resolve(key), StandardOpenOption.READ);
    }

    @Override
    public Path path(String key) {
        return resolve(key);
    }

    @Override
    public void delete(String key) throws IOException {
        Files.deleteIfExists(resolve(key));
    }

    @Override
    public void forEachKeyWrittenBefore(Instant cutoff, Consumer<String> visitor) throws IOException {
        try (Stream<Path> files = Files.walk(blobs, 3)) {
            files.filter(Files::isRegularFile)
                    .filter(p -> writtenBefore(p, cutoff))
                    .map(p -> blobs.relativize(p).toString())
                    .filter(BlobStore::isKey)
                    .forEach(visitor);
        }
    }

    @Override
    public int clearStaging() throws IOException {
        return StagingArea.clear(staging);
    }

    private Path resolve(String key) {
        if (!BlobStore.isKey(key)) {
            throw new IllegalArgumentException("invalid blob key");
        }
        return blobs.resolve(key);
    }

    private static boolean writtenBefore(Path file, Instant cutoff) {
        try {
            return Files.getLastModifiedTime(file).toInstant().isBefore(cutoff);
        } catch (IOException e) {
            return false; // gone meanwhile, or unreadable: not ours to delete
        }
    }

    private static void fsyncDirectory(Path dir) throws IOException {
        // A rename is durable only once its directory entry is; Linux allows fsync on a directory fd.
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        }
    }
}
