package io.dicomgate.storage;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * Reports under {@code /q/health/ready} ({@code blob-store}) whether a staging file can be created
 * and removed and the store itself answers (the bucket, for S3), i.e. whether STOW can store right now (a full or read-only volume makes it DOWN), so
 * a load balancer routes around the node. The database has Agroal's own readiness check, the audit
 * writer {@code audit-log}; liveness stays cheap (no I/O).
 */
@Readiness
public class BlobStoreHealthCheck implements HealthCheck {

    private final BlobStore blobs;

    public BlobStoreHealthCheck(BlobStore blobs) {
        this.blobs = blobs;
    }

    @Override
    public HealthCheckResponse call() {
        try {
            Path probe = blobs.newStagingFile();
            Files.write(probe, new byte[] {0});
            Files.delete(probe);
            blobs.checkReachable();
            return HealthCheckResponse.up("blob-store");
        } catch (IOException | RuntimeException e) {
            return HealthCheckResponse.named("blob-store").down().withData("error", e.getClass().getSimpleName()).build();
        }
    }
}
