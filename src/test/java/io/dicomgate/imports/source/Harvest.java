package io.dicomgate.imports.source;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What a test engine gathers from a source: the listed items and listing errors, then per fetch the
 * objects (their bytes, the staging file deleted as the real consumer would move it) and the skipped
 * entries. Thread-safe, so several workers can fetch at once.
 */
final class Harvest implements ObjectConsumer {

    final List<SourceItem> items = Collections.synchronizedList(new ArrayList<>());
    final Map<String, String> listErrors = Collections.synchronizedMap(new LinkedHashMap<>());
    final Map<String, byte[]> objects = Collections.synchronizedMap(new TreeMap<>());
    final Map<String, String> skipped = Collections.synchronizedMap(new TreeMap<>());
    final Map<String, String> fetchErrors = Collections.synchronizedMap(new TreeMap<>());
    private final Path staging;

    Harvest(Path staging) {
        this.staging = staging;
    }

    StagingFiles staging() {
        return () -> Files.createTempFile(staging, "staged-", ".tmp");
    }

    static Harvest listed(ImportSource source, Path staging) throws IOException {
        Harvest harvest = new Harvest(staging);
        source.list(harvest.items::add, harvest.listErrors::put);
        return harvest;
    }

    List<String> keys() {
        return items.stream().map(SourceItem::key).toList();
    }

    /** Fetches every listed item; a source error is recorded against the item, as the engine would. */
    Harvest fetchAll(ImportSource source) {
        for (SourceItem item : List.copyOf(items)) {
            fetch(source, item);
        }
        return this;
    }

    void fetch(ImportSource source, SourceItem item) {
        try {
            source.fetch(item, staging(), this);
        } catch (IOException e) {
            fetchErrors.put(item.key(), e.getMessage());
        }
    }

    @Override
    public void accept(String objectKey, Path file) throws IOException {
        if (objects.put(objectKey, Files.readAllBytes(file)) != null) {
            throw new IllegalStateException("object key handed over twice: " + objectKey);
        }
        Files.delete(file);
    }

    @Override
    public void skipped(String objectKey, String reason) {
        skipped.put(objectKey, reason);
    }

    /** Files left in staging: none once every object was consumed. */
    long leftInStaging() throws IOException {
        try (var files = Files.list(staging)) {
            return files.count();
        }
    }
}
