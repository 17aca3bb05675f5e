package io.dicomgate.metrics;

import java.util.Locale;

/** Blob store operations that are timed, the {@code operation} tag of the blob store timer. */
public enum BlobOperation {
    /** Making a staged upload durable (filesystem: fsync, atomic rename; S3: the verified upload). */
    COMMIT,
    /** A local file of a stored object for PixelMed readers (S3: a read-cache hit or a download). */
    LOCAL_COPY;

    String tag() {
        return name().toLowerCase(Locale.ROOT);
    }
}
