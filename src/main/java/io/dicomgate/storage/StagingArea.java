package io.dicomgate.storage;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.UUID;
import java.util.stream.Stream;

/** The local directory {@code tmp/} where uploads are written and validated before a store commits them. */
final class StagingArea {

    private StagingArea() {
    }

    static Path create(Path root) throws IOException {
        return Files.createDirectories(root.resolve("tmp"));
    }

    static Path newFile(Path staging) throws IOException {
        return Files.createFile(staging.resolve(UUID.randomUUID() + ".part"));
    }

    static int clear(Path staging) throws IOException {
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
}
