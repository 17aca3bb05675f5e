package io.dicomgate.storage;

import java.io.Closeable;
import java.io.IOException;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;

/** Produces the {@link BlobStore} that {@code dicomgate.storage.type} names. */
@ApplicationScoped
public class BlobStores {

    @Produces
    @ApplicationScoped
    BlobStore blobStore(StorageConfig config) throws IOException {
        return switch (config.type()) {
            case FILESYSTEM -> new FileSystemBlobStore(config.root());
            case S3 -> S3BlobStore.create(config.root(), config.s3());
        };
    }

    void close(@Disposes BlobStore store) throws IOException {
        if (store instanceof Closeable closeable) {
            closeable.close();
        }
    }
}
