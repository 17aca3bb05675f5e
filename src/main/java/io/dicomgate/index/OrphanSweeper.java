package io.dicomgate.index;

import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.jboss.logging.Logger;

import io.dicomgate.storage.BlobStore;
import io.dicomgate.storage.StorageConfig;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;

/**
 * Clean-up after crashes: at start-up this node's staging files of interrupted uploads are deleted;
 * and blobs that were committed to the store but whose index transaction never committed are
 * removed by a sweep that runs at start-up and then every {@code dicomgate.storage.orphan-sweep-interval},
 * on one node at a time ({@link ExclusiveJobs}). Index rows are only written after their blob is
 * durable, so the reverse (a row without a blob) cannot arise.
 *
 * <p>The sweep walks the whole store in the background and only considers blobs older than
 * {@code dicomgate.storage.orphan-grace}: a younger one may belong to an upload, on any node, whose
 * index row is about to commit (and a store refreshes the write time of an object it is asked to
 * store again, so a re-sent old orphan is young again before it is indexed).
 */
@ApplicationScoped
public class OrphanSweeper {

    private static final Logger LOG = Logger.getLogger(OrphanSweeper.class);
    private static final int BATCH = 500;

    private final BlobStore blobs;
    private final IndexWriter index;
    private final ExclusiveJobs jobs;
    private final StorageConfig config;
    private volatile Thread worker;

    public OrphanSweeper(BlobStore blobs, IndexWriter index, ExclusiveJobs jobs, StorageConfig config) {
        this.blobs = blobs;
        this.index = index;
        this.jobs = jobs;
        this.config = config;
    }

    void onStart(@Observes StartupEvent event) throws IOException {
        int staging = blobs.clearStaging(); // this node's own staging area
        if (staging > 0) {
            LOG.infof("start-up clean-up: %d staging file(s) of interrupted uploads removed", staging);
        }
        worker = Thread.ofVirtual().name("orphan-sweep").start(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                try {
                    sweepOnce();
                    Thread.sleep(config.orphanSweepInterval());
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
    }

    void onStop(@Observes ShutdownEvent event) {
        Thread running = worker;
        if (running != null) {
            running.interrupt();
        }
    }

    /**
     * One sweep of objects older than the grace period, on one node of all that share the store
     * (the others skip it); returns how many it removed, -1 when another node was sweeping.
     */
    public int sweepOnce() {
        int[] removed = {-1};
        try {
            jobs.runAlone("orphan-sweep", () -> removed[0] = sweep(Instant.now().minus(config.orphanGrace())));
        } catch (Exception e) {
            LOG.warnf("orphan sweep stopped: %s", e.getClass().getSimpleName());
            return 0;
        }
        if (removed[0] > 0) {
            LOG.infof("orphan sweep: %d unindexed blob(s) removed", removed[0]);
        }
        return removed[0];
    }

    /** Deletes blobs written before {@code cutoff} that no instance row refers to; returns how many. */
    public int sweep(Instant cutoff) throws IOException {
        List<String> batch = new ArrayList<>(BATCH);
        int[] removed = {0};
        blobs.forEachKeyWrittenBefore(cutoff, key -> {
            batch.add(key);
            if (batch.size() == BATCH) {
                removed[0] += removeUnreferenced(batch);
                batch.clear();
            }
        });
        removed[0] += removeUnreferenced(batch);
        return removed[0];
    }

    private int removeUnreferenced(List<String> keys) {
        if (keys.isEmpty()) {
            return 0;
        }
        int removed = 0;
        for (String key : index.unreferenced(keys)) {
            try {
                blobs.delete(key);
                removed++;
            } catch (IOException e) {
                LOG.warnf("could not remove an orphan blob: %s", e.getClass().getSimpleName());
            }
        }
        return removed;
    }
}
