package io.dicomgate.storage;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import jakarta.enterprise.context.ApplicationScoped;

/**
 * {@link BlobStore} on a local filesystem: {@code blobs/ab/cd/<sha256>.dcm}, staging in {@code tmp/}.
 */
@ApplicationScoped
public class FileSystemBlobStore implements BlobStore {

    private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");
    private static final Pattern KEY = Pattern.compile("[0-9a-f]{2}/[0-9a-f]{2}/[0-9a-f]{64}\\.dcm");

    private final Path blobs;
    private final Path staging;

    public FileSystemBlobStore(StorageConfig config) throws IOException {
        Path root = config.root().toAbsolutePath().normalize();
        this.blobs = Files.createDirectories(root.resolve("blobs"));
        this.staging = Files.createDirectories(root.resolve("tmp"));
    }

    @Override
    public Path newStagingFile() throws IOException {
        return Files.createFile(staging.resolve(UUID.randomUUID() + ".part"));
    }

    @Override
    public String commit(Path stagingFile, String sha256) throws IOException {
        if (!SHA256.matcher(sha256).matches()) {
            throw new IllegalArgumentException("not a SHA-256 hex digest");
        }
        String key = sha256.substring(0, 2) + "/" + sha256.substring(2, 4) + "/" + sha256 + ".dcm";
        Path target = blobs.resolve(key);
        if (Files.exists(target)) {
            Files.deleteIfExists(stagingFile);
            return key;
        }
        try (FileChannel channel = FileChannel.open(stagingFile, StandardOpenOption.WRITE)) {
            channel.force(true);
        }
        Path dir = Files.createDirectories(target.getParent());
        Files.move(stagingFile, target, StandardCopyOption.ATOMIC_MOVE);
        fsyncDirectory(dir);
        return key;
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
                    .filter(k -> KEY.matcher(k).matches())
                    .forEach(visitor);
        }
    }

    @Override
    public int clearStaging() throws IOException {
        int removed = 0;
        try (Stream<Path> files = Files.list(staging)) {
            for (Path file : (Iterable<Path>) files::iterator) {
                try {
                    Files.delete(file);
                    removed++;
                } catch (NoSuchFileException ignored) {
                    // removed concurrently
                }
            }
        }
        return removed;
    }

    private Path resolve(String key) {
        if (!KEY.matcher(key).matches()) {
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
