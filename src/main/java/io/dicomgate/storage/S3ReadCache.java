package io.dicomgate.storage;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

import org.jboss.logging.Logger;

/**
 * Local copies of S3 objects for readers that need a file. Objects never change (content-addressed
 * keys), so a copy is valid for as long as it exists; the least recently used copies are removed
 * once the cache holds more than its size, sparing those used in the last minute (a reader may
 * still be opening them; one already reading keeps its open file).
 */
final class S3ReadCache {

    private static final Logger LOG = Logger.getLogger(S3ReadCache.class);
    private static final String PARTIAL = ".partial";

    /** Writes an object's bytes to a file. */
    interface Download {
        void to(Path target) throws IOException;
    }

    private final Path dir;
    private final long maxBytes;
    private final AtomicLong bytes = new AtomicLong();

    S3ReadCache(Path dir, long maxBytes) throws IOException {
        this.dir = Files.createDirectories(dir);
        this.maxBytes = maxBytes;
        try (Stream<Path> files = Files.walk(dir)) {
            files.filter(Files::isRegularFile).forEach(f -> bytes.addAndGet(sizeOf(f)));
        }
    }

    Path get(String key, Download download) throws IOException {
        Path file = dir.resolve(key);
        try {
            Files.setLastModifiedTime(file, FileTime.from(Instant.now()));
            return file;
        } catch (NoSuchFileException absent) {
            // fetch it
        }
        Files.createDirectories(file.getParent());
        Path partial = file.resolveSibling(UUID.randomUUID() + PARTIAL);
        try {
            download.to(partial);
            Files.move(partial, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(partial);
        }
        if (bytes.addAndGet(sizeOf(file)) > maxBytes) {
            shrink();
        }
        return file;
    }

    void evict(String key) throws IOException {
        Path file = dir.resolve(key);
        long size = sizeOf(file);
        if (Files.deleteIfExists(file)) {
            bytes.addAndGet(-size);
        }
    }

    /** Removes downloads an earlier process left unfinished. */
    void clearPartial() throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path f : files.filter(p -> p.getFileName().toString().endsWith(PARTIAL)).toList()) {
                Files.deleteIfExists(f);
            }
        }
    }

    private synchronized void shrink() {
        if (bytes.get() <= maxBytes) {
            return;
        }
        Instant recent = Instant.now().minusSeconds(60);
        try (Stream<Path> files = Files.walk(dir)) {
            List<Path> oldestFirst = files.filter(Files::isRegularFile)
                    .filter(p -> !p.getFileName().toString().endsWith(PARTIAL))
                    .sorted(Comparator.comparing(S3ReadCache::modified)).toList();
            for (Path f : oldestFirst) {
                if (bytes.get() <= maxBytes * 8 / 10 || !modified(f).isBefore(recent)) {
                    break;
                }
                long size = sizeOf(f);
                if (Files.deleteIfExists(f)) {
                    bytes.addAndGet(-size);
                }
            }
        } catch (IOException | RuntimeException e) {
            LOG.warnf("read cache clean-up stopped: %s", e.getClass().getSimpleName());
        }
    }

    private static Instant modified(Path file) {
        try {
            return Files.getLastModifiedTime(file).toInstant();
        } catch (IOException e) {
            return Instant.EPOCH;
        }
    }

    private static long sizeOf(Path file) {
        try {
            return Files.size(file);
        } catch (IOException e) {
            return 0;
        }
    }
}
