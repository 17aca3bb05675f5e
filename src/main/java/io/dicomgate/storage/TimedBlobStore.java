package io.dicomgate.storage;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.time.Duration;

import jakarta.annotation.Priority;
import jakarta.decorator.Decorator;
import jakarta.decorator.Delegate;
import jakarta.inject.Inject;

import io.dicomgate.metrics.BlobOperation;
import io.dicomgate.metrics.DicomgateMetrics;

/**
 * Times {@link BlobStore#commit} and {@link BlobStore#open} of whichever blob store is in use (a CDI
 * decorator: every other method passes straight through, and the store itself knows nothing of it).
 */
@Decorator
@Priority(10)
abstract class TimedBlobStore implements BlobStore {

    private final BlobStore delegate;
    private final DicomgateMetrics metrics;

    @Inject
    TimedBlobStore(@Delegate BlobStore delegate, DicomgateMetrics metrics) {
        this.delegate = delegate;
        this.metrics = metrics;
    }

    @Override
    public String commit(Path stagingFile, String sha256) throws IOException {
        return timed(BlobOperation.COMMIT, () -> delegate.commit(stagingFile, sha256));
    }

    @Override
    public FileChannel open(String key) throws IOException {
        return timed(BlobOperation.OPEN, () -> delegate.open(key));
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
