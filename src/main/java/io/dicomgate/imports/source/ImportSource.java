package io.dicomgate.imports.source;

import java.io.IOException;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * Where an import reads from. Implementations stream: a 20 TB share is never listed into memory.
 * Thread-safe fetch: the engine calls fetch from several worker threads at once.
 */
public interface ImportSource extends AutoCloseable {

    /** For the report and the audit trail: e.g. "ftp://host:21/dir" — never a password or token. */
    String display();

    /** A stable checkpoint key: the same source gives the same key in a later run (no credentials in it). */
    String key();

    /**
     * Enumerates the items in a stable order, one by one, to the consumer; errors listing one
     * directory/series are reported through errors.accept(itemKeyOrPath, shortMessage) and listing goes on.
     */
    void list(Consumer<SourceItem> items, BiConsumer<String, String> errors) throws IOException;

    /**
     * Fetches one item: every DICOM object it holds is written into a new file from staging.get() and
     * handed to objects.accept(objectKey, file) (the consumer then owns the file). Throws IOException
     * for a source error.
     */
    void fetch(SourceItem item, StagingFiles staging, ObjectConsumer objects) throws IOException;

    @Override
    void close() throws IOException;
}
