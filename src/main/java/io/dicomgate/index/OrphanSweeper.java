package io.dicomgate.index;

import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.jboss.logging.Logger;

import io.dicomgate.storage.BlobStore;
import io.quarkus.runtime.StartupEvent;

/**
 * Start-up clean-up after a crash: staging files of interrupted uploads are deleted, and so are
 * blobs that were renamed into place but whose index transaction never committed. Index rows are
 * only written after their file is durable, so the reverse (a row without a file) cannot arise.
 *
 * <p>The blob sweep walks the whole store, so it runs in the background rather than delaying
 * start-up, and it only considers blobs written before this process started: a blob written since
 * may belong to an upload whose index row is about to commit.
 */
@ApplicationScoped
public class OrphanSweeper {

    private static final Logger LOG = Logger.getLogger(OrphanSweeper.class);
    private static final int BATCH = 500;

    private final BlobStore blobs;
    private final IndexWriter index;

    public OrphanSweeper(BlobStore blobs, IndexWriter index) {
        this.blobs = blobs;
        this.index = index;
    }

    void onStart(@Observes StartupEvent event) throws IOException {
        Instant started = Instant.now();
        int staging = blobs.clearStaging();
        if (staging > 0) {
            LOG.infof("start-up clean-up: %d staging file(s) of interrupted uploads removed", staging);
        }
        Thread.ofVirtual().name("orphan-sweep").start(() -> {
            try {
                int orphans = sweep(started);
                if (orphans > 0) {
                    LOG.infof("start-up clean-up: %d unindexed blob(s) removed", orphans);
                }
            } catch (IOException | RuntimeException e) {
                LOG.warnf("orphan sweep stopped: %s", e.getClass().getSimpleName());
            }
        });
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
