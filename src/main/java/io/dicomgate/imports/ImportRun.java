package io.dicomgate.imports;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import org.jboss.logging.Logger;

import io.dicomgate.access.Caller;
import io.dicomgate.audit.AuditUnavailableException;
import io.dicomgate.imports.source.ImportSource;
import io.dicomgate.imports.source.ObjectConsumer;
import io.dicomgate.imports.source.SourceItem;
import io.dicomgate.ingest.FailureReason;
import io.dicomgate.ingest.IngestChannel;
import io.dicomgate.ingest.IngestResult;
import io.dicomgate.ingest.IngestSession;
import io.dicomgate.ingest.Ingestion;
import io.dicomgate.storage.BlobStore;
import io.dicomgate.storage.Sha256;

/**
 * One running import: a lister thread walks the source (streaming, bounded queue: a 20 TB share is
 * never listed into memory) and skips items checkpointed by an earlier import of the source; workers
 * fetch items into staging files and hand them to the ingest pipeline in groups, each group one audit
 * unit ({@link IngestSession}); an item is checkpointed once every object it holds is stored, present
 * already or quarantined — after the objects' index rows and audit events commit, so a crash at any
 * point re-imports at most a group, which then finds its objects present already.
 */
final class ImportRun implements Runnable {

    private static final Logger LOG = Logger.getLogger(ImportRun.class);
    private static final SourceItem END = new SourceItem("\0end", -1);
    private static final int LIST_BATCH = 500;
    private static final int ITEMS_PER_GROUP = 8;
    private static final int OBJECTS_PER_GROUP = 32;

    private final UUID id;
    private final String sourceKey;
    private final ImportSource source;
    private final int parallelism;
    private final Caller caller;
    private final Ingestion ingestion;
    private final ImportJobRepository jobs;
    private final Runnable onFinish;
    private final BlockingQueue<SourceItem> queue;

    private final AtomicLong discovered = new AtomicLong();
    private final AtomicLong skipped = new AtomicLong();
    private final AtomicLong stored = new AtomicLong();
    private final AtomicLong alreadyPresent = new AtomicLong();
    private final AtomicLong coerced = new AtomicLong();
    private final AtomicLong quarantined = new AtomicLong();
    private final AtomicLong sourceErrors = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final AtomicLong bytes = new AtomicLong();
    private volatile boolean listingDone;
    private volatile boolean cancelled;
    private volatile String error;

    ImportRun(UUID id, String sourceKey, ImportSource source, int parallelism, Caller caller, Ingestion ingestion,
            ImportJobRepository jobs, Runnable onFinish) {
        this.id = id;
        this.sourceKey = sourceKey;
        this.source = source;
        this.parallelism = parallelism;
        this.caller = caller;
        this.ingestion = ingestion;
        this.jobs = jobs;
        this.onFinish = onFinish;
        this.queue = new ArrayBlockingQueue<>(Math.max(64, parallelism * ITEMS_PER_GROUP * 4));
    }

    void cancel() {
        cancelled = true;
    }

    @Override
    public void run() {
        AtomicInteger n = new AtomicInteger();
        String prefix = "import-" + id.toString().substring(0, 8);
        ExecutorService workers = Executors.newFixedThreadPool(parallelism, r -> {
            Thread t = new Thread(r, prefix + "-worker-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        ScheduledExecutorService heartbeat = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, prefix + "-heartbeat");
            t.setDaemon(true);
            return t;
        });
        heartbeat.scheduleWithFixedDelay(this::writeProgress, 1, 1, TimeUnit.SECONDS);
        ImportJob.State state = ImportJob.State.DONE;
        try {
            for (int i = 0; i < parallelism; i++) {
                workers.submit(this::work);
            }
            try {
                list();
                listingDone = !cancelled;
            } catch (CancellationException e) {
                // cancelled: the listing stops where it was
            } catch (IOException | RuntimeException e) {
                error = "the source could not be listed: " + describe(e);
                state = ImportJob.State.FAILED;
                cancelled = true;
            } finally {
                for (int i = 0; i < parallelism; i++) {
                    putQuietly(END);
                }
            }
            workers.shutdown();
            while (!workers.awaitTermination(1, TimeUnit.MINUTES)) {
                LOG.debugf("import %s: waiting for its workers", id);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            state = ImportJob.State.INTERRUPTED;
            workers.shutdownNow();
        } finally {
            heartbeat.shutdownNow();
            closeQuietly();
            if (state == ImportJob.State.DONE && cancelled) {
                state = error != null ? ImportJob.State.FAILED : ImportJob.State.CANCELLED;
            }
            try {
                jobs.finish(id, progress(), state, error);
            } catch (RuntimeException e) {
                LOG.warnf("import %s: final state not written: %s", id, e.getClass().getSimpleName());
            }
            onFinish.run();
        }
    }

    /** Lists the source, skipping what earlier imports of it finished (checked in batches). */
    private void list() throws IOException {
        List<SourceItem> batch = new ArrayList<>(LIST_BATCH);
        source.list(item -> {
            if (cancelled) {
                throw new CancellationException();
            }
            batch.add(item);
            if (batch.size() == LIST_BATCH) {
                enqueue(batch);
            }
        }, (item, message) -> sourceError(item, message));
        enqueue(batch);
    }

    private void enqueue(List<SourceItem> batch) {
        if (batch.isEmpty()) {
            return;
        }
        Map<String, SourceItem> byDigest = new LinkedHashMap<>();
        batch.forEach(item -> byDigest.put(Sha256.of(item.key()), item));
        Set<String> done = jobs.done(sourceKey, byDigest.keySet());
        discovered.addAndGet(batch.size());
        skipped.addAndGet(done.size());
        byDigest.forEach((digest, item) -> {
            if (!done.contains(digest) && !cancelled) {
                putQuietly(item);
            }
        });
        batch.clear();
    }

    private void work() {
        try {
            while (true) {
                SourceItem first = queue.take();
                if (first == END) {
                    return;
                }
                List<SourceItem> items = new ArrayList<>(ITEMS_PER_GROUP);
                items.add(first);
                while (items.size() < ITEMS_PER_GROUP) {
                    SourceItem next = queue.poll();
                    if (next == null) {
                        break;
                    }
                    if (next == END) {
                        putQuietly(END);
                        break;
                    }
                    items.add(next);
                }
                if (!cancelled) {
                    importGroup(items);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            // A database failure while recording: this worker stops, the job fails, a new import resumes.
            error = "import stopped: " + e.getClass().getSimpleName();
            cancelled = true;
            LOG.warnf("import %s: worker stopped: %s", id, e.getClass().getSimpleName());
        }
    }

    /** An item's objects waiting for the pipeline, and whether everything of the item went well so far. */
    private final class Group {
        final IngestSession session;
        final List<String> doneDigests = new ArrayList<>();
        final List<ImportJobRepository.ReportRow> report = new ArrayList<>();
        final List<Path> files = new ArrayList<>();
        final List<String> objectKeys = new ArrayList<>();
        final List<String> itemOfObject = new ArrayList<>();
        final Map<String, Boolean> itemComplete = new LinkedHashMap<>();

        Group(IngestSession session) {
            this.session = session;
        }

        void add(String item, String objectKey, Path file) {
            files.add(file);
            objectKeys.add(objectKey);
            itemOfObject.add(item);
            if (files.size() >= OBJECTS_PER_GROUP) {
                flush();
            }
        }

        /** Drops the objects of an item that failed half-way and are not in the pipeline yet. */
        void discard(String item) {
            for (int i = files.size() - 1; i >= 0; i--) {
                if (itemOfObject.get(i).equals(item)) {
                    BlobStore.discardStaged(files.remove(i));
                    objectKeys.remove(i);
                    itemOfObject.remove(i);
                }
            }
        }

        void flush() {
            if (files.isEmpty()) {
                return;
            }
            List<IngestResult> results = session.storeAll(List.copyOf(files));
            for (int i = 0; i < results.size(); i++) {
                if (!count(itemOfObject.get(i), objectKeys.get(i), results.get(i), report)) {
                    itemComplete.put(itemOfObject.get(i), false);
                }
            }
            files.clear();
            objectKeys.clear();
            itemOfObject.clear();
        }
    }

    private void importGroup(List<SourceItem> items) {
        Group group;
        try (IngestSession session = ingestion.open(caller, IngestChannel.IMPORT, null, "import " + id)) {
            Group g = new Group(session);
            group = g;
            for (SourceItem item : items) {
                g.itemComplete.put(item.key(), true);
                List<Path> fetched = new ArrayList<>();
                try {
                    source.fetch(item, ingestion::newStagingFile, new ObjectConsumer() {
                        @Override
                        public void accept(String objectKey, Path file) throws IOException {
                            fetched.add(file);
                            bytes.addAndGet(Files.size(file));
                            g.add(item.key(), objectKey, file);
                        }

                        @Override
                        public void skipped(String objectKey, String reason) {
                            // Not DICOM, empty, a nested zip...: reported, never staged.
                            g.report.add(new ImportJobRepository.ReportRow(item.key(), objectKey, "SKIPPED", null,
                                    reason, null, null));
                        }
                    });
                } catch (IOException | RuntimeException e) {
                    g.discard(item.key());
                    fetched.forEach(BlobStore::discardStaged);
                    g.itemComplete.put(item.key(), false);
                    sourceErrors.incrementAndGet();
                    g.report.add(new ImportJobRepository.ReportRow(item.key(), null, "SOURCE_ERROR", null,
                            describe(e), null, null));
                }
            }
            g.flush();
        } catch (AuditUnavailableException e) {
            // Stored but not audited yet: their store receipts remain and the recovery job audits them;
            // not checkpointed, so the next import of the source finds them present and records them.
            failed.addAndGet(items.size());
            return;
        }
        group.itemComplete.forEach((item, complete) -> {
            if (complete) {
                group.doneDigests.add(Sha256.of(item));
            }
        });
        jobs.record(id, sourceKey, group.doneDigests, group.report);
    }

    /** Counts one object's outcome; false when its item must be tried again by a later import. */
    private boolean count(String item, String objectKey, IngestResult r, List<ImportJobRepository.ReportRow> report) {
        String fixes = r.fixes().isEmpty() ? null : String.join("; ", r.fixes());
        switch (r.status()) {
            case STORED -> {
                if (fixes != null) {
                    coerced.incrementAndGet();
                    report.add(row(item, objectKey, "COERCED", r, fixes));
                } else {
                    stored.incrementAndGet();
                }
                return true;
            }
            case ALREADY_PRESENT -> {
                alreadyPresent.incrementAndGet();
                return true;
            }
            case QUARANTINED -> {
                quarantined.incrementAndGet();
                report.add(row(item, objectKey,
                        r.reason() == FailureReason.DUPLICATE_SOP_INSTANCE ? "CONFLICT" : "QUARANTINED", r, fixes));
                return true;
            }
            default -> {
                // Neither stored nor kept (transient, or not authorized): the next import tries it again.
                failed.incrementAndGet();
                report.add(row(item, objectKey, "FAILED", r, fixes));
                return false;
            }
        }
    }

    private static ImportJobRepository.ReportRow row(String item, String objectKey, String outcome, IngestResult r,
            String fixes) {
        return new ImportJobRepository.ReportRow(item, objectKey, outcome, r.reason() == null ? null : r.reason().name(),
                r.detail(), fixes, r.sopInstanceUid());
    }

    private void sourceError(String item, String message) {
        sourceErrors.incrementAndGet();
        try {
            jobs.record(id, sourceKey, List.of(), List.of(new ImportJobRepository.ReportRow(item, null, "SOURCE_ERROR",
                    null, message, null, null)));
        } catch (RuntimeException e) {
            LOG.warnf("import %s: a source error was not recorded: %s", id, e.getClass().getSimpleName());
        }
    }

    ImportJobRepository.Progress progress() {
        return new ImportJobRepository.Progress(listingDone, new ImportJob.Counts(discovered.get(), skipped.get(),
                stored.get(), alreadyPresent.get(), coerced.get(), quarantined.get(), sourceErrors.get(), failed.get()),
                bytes.get());
    }

    private void writeProgress() {
        try {
            jobs.progress(id, progress());
        } catch (RuntimeException e) {
            LOG.debugf("import %s: progress not written: %s", id, e.getClass().getSimpleName());
        }
    }

    private void putQuietly(SourceItem item) {
        try {
            queue.put(item);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            cancelled = true;
        }
    }

    private void closeQuietly() {
        try {
            source.close();
        } catch (IOException | RuntimeException e) {
            LOG.debugf("import %s: source not closed cleanly: %s", id, e.getClass().getSimpleName());
        }
    }

    /** A source failure for the report: its message (sources never put credentials in one), one line, bounded. */
    static String describe(Exception e) {
        String message = e.getMessage() == null || e.getMessage().isBlank() ? e.getClass().getSimpleName() : e.getMessage();
        message = message.replaceAll("\\p{Cntrl}", " ").strip();
        return message.length() > 300 ? message.substring(0, 300) + "…" : message;
    }
}
