package io.dicomgate.imports.source;

import java.io.IOException;
import java.nio.file.Path;

/** Receives the objects a fetch finds. */
@FunctionalInterface
public interface ObjectConsumer {

    /** One object in a staging file; the consumer owns the file from now on (moves or deletes it). */
    void accept(String objectKey, Path file) throws IOException;

    /**
     * Something an item holds that is not handed over, with a short reason for the report: a file
     * that is neither a DICOM file nor a raw data set ("not DICOM"), a zip entry over the size
     * limits. Nothing is staged for it. The default ignores it.
     */
    default void skipped(String objectKey, String reason) throws IOException {
    }
}
