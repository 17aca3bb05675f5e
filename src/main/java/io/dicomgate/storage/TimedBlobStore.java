package io.dicomgate.storage;

import java.io.Closeable;
import java.io.IOException;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.function.Consumer;

import io.dicomgate.metrics.BlobOperation;
import io.dicomgate.metrics.DicomgateMetrics;

/**
 * Times {@link BlobStore#commit} and {@link BlobStore#path} of whichever blob store is in use;
 * every other method passes straight through, and the store itself knows nothing of it.
 * {@link BlobStore#open} is not timed: its channel reads lazily, so its cost lands in the request.
 */
final class TimedBlobStore implements BlobStore, Closeable {

    private final BlobStore delegate;
    private final DicomgateMetrics metrics;

    TimedBlobStore(BlobStore delegate, DicomgateMetrics metrics) {
        this.delegate = delegate;
        this.metrics = metrics;
    }

    @Override
    public String commit(Path stagingFile, String sha256) throws IOException {
        return timed(BlobOperation.COMMIT, () -> delegate.commit(stagingFile, sha256));
    }

    @Override
    public Path path(String key) throws IOException {
        return timed(BlobOperation.LOCAL_COPY, () -> delegate.path(key));
    }

    @Override
    public Path newStagingFile() throws IOException {
        return delegate.newStagingFile();
    }

    @Override
    public SeekableByteChannel open(String key) throws IOException {
        return delegate.open(key);
    }

    @Override
    public void delete(String key) throws IOException {
        delegate.delete(key);
    }

    @Override
    public void forEachKeyWrittenBefore(Instant cutoff, Consumer<String> visitor) throws IOException {
        delegate.forEachKeyWrittenBefore(cutoff, visitor);
    }

    @Override
    public int clearStaging() throws IOException {
        return delegate.clearStaging();
    }

    @Override
    public void checkReachable() throws IOException {
        delegate.checkReachable();
    }

    @Override
    public void close() throws IOException {
        if (delegate instanceof Closeable closeable) {
            closeable.close();
        }
    }

    private <T> T timed(BlobOperation operation, IoCall<T> call) throws IOException {
        long start = System.nanoTime();
        boolean failed = true;
        try {
            T result = call.call();
            failed = false;
            return result;
        } finally {
            metrics.blobStore(operation, Duration.ofNanos(System.nanoTime() - start), failed);
        }
    }

    @FunctionalInterface
    private interface IoCall<T> {
        T call() throws IOException;
    }
}
