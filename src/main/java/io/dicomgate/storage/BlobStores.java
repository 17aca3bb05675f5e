package io.dicomgate.storage;

import java.io.Closeable;
import java.io.IOException;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;

import io.dicomgate.metrics.DicomgateMetrics;

/** Produces the {@link BlobStore} that {@code dicomgate.storage.type} names, timed for the metrics. */
@ApplicationScoped
public class BlobStores {

    @Produces
    @ApplicationScoped
    BlobStore blobStore(StorageConfig config, DicomgateMetrics metrics) throws IOException {
        BlobStore store = switch (config.type()) {
            case FILESYSTEM -> new FileSystemBlobStore(config.root());
            case S3 -> S3BlobStore.create(config.root(), config.s3());
        };
        return new TimedBlobStore(store, metrics);
    }

    void close(@Disposes BlobStore store) throws IOException {
        if (store instanceof Closeable closeable) {
            closeable.close();
        }
    }
}
