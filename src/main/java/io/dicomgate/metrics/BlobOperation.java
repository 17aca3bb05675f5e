package io.dicomgate.metrics;

import java.util.Locale;

/** Blob store operations that are timed, the {@code operation} tag of the blob store timer. */
public enum BlobOperation {
    /** Making a staged upload durable (fsync, atomic rename). */
    COMMIT,
    /** Opening a stored object for reading. */
    OPEN;

    String tag() {
        return name().toLowerCase(Locale.ROOT);
    }
}
