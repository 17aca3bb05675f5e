package io.dicomgate.imports;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.enterprise.event.Observes;

import org.jboss.logging.Logger;

import io.dicomgate.access.Caller;
import io.dicomgate.audit.AuditAction;
import io.dicomgate.audit.AuditBatch;
import io.dicomgate.audit.AuditContext;
import io.dicomgate.dicom.InvalidRequestException;
import io.dicomgate.dicom.ResourceNotFoundException;
import io.dicomgate.imports.source.ImportSource;
import io.dicomgate.imports.source.ImportSources;
import io.dicomgate.imports.source.SourceSpec;
import io.dicomgate.ingest.Ingestion;
import io.dicomgate.web.TooManyRequestsException;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;

/**
 * Starts, follows and cancels imports (README "Moving in from an open archive"). A job runs on the
 * node that accepted it, in threads of its own; its credentials live only in that node's memory for
 * the job's lifetime (never in the database, logs or reports), so resuming after a restart means
 * starting the import of the same source again — checkpoints make it skip what is done.
 */
@ApplicationScoped
public class ImportService {

    private static final Logger LOG = Logger.getLogger(ImportService.class);
    /** Imports running at once on one node; each has its own workers. */
    static final int MAX_RUNNING = 4;
    static final int MAX_PARALLELISM = 16;

    /** A job started, or the one already running for that source. */
    public record Started(ImportJob job, boolean alreadyRunning) {
    }

    private final ImportJobRepository jobs;
    private final Ingestion ingestion;
    private final Event<AuditBatch> audit;
    private final ImportConfig config;
    private final Map<UUID, ImportRun> running = new ConcurrentHashMap<>();

    public ImportService(ImportJobRepository jobs, Ingestion ingestion, Event<AuditBatch> audit, ImportConfig config) {
        this.jobs = jobs;
        this.ingestion = ingestion;
        this.audit = audit;
        this.config = config;
    }

    void onStart(@Observes StartupEvent event) {
        int expired = jobs.expireStale();
        if (expired > 0) {
            LOG.infof("%d import(s) were interrupted by a stop; importing their sources again resumes them", expired);
        }
    }

    void onStop(@Observes ShutdownEvent event) {
        running.values().forEach(ImportRun::cancel);
    }

    /**
     * @throws InvalidRequestException (400) for a source that is not valid or cannot be opened
     */
    public Started start(SourceSpec spec, int parallelism, Caller caller, AuditContext requestAudit) {
        if (parallelism < 1 || parallelism > MAX_PARALLELISM) {
            throw new InvalidRequestException("parallelism must be from 1 to " + MAX_PARALLELISM);
        }
        if (running.size() >= MAX_RUNNING) {
            throw new TooManyRequestsException(MAX_RUNNING + " imports are running on this node; try again later", 60);
        }
        List<java.nio.file.Path> roots = config.folderRoots().orElse(List.of());
        if (SourceSpec.FOLDER.equalsIgnoreCase(String.valueOf(spec.type()).strip()) && roots.isEmpty()) {
            throw new InvalidRequestException("folder imports are off: set dicomgate.imports.folder-roots to the folders "
                    + "that may be imported");
        }
        ImportSource source;
        try {
            source = ImportSources.open(spec, roots);
        } catch (IllegalArgumentException e) {
            throw new InvalidRequestException(ImportRun.describe(e));
        } catch (IOException | RuntimeException e) {
            throw new InvalidRequestException("the source could not be opened: " + ImportRun.describe(e));
        }
        UUID id = UUID.randomUUID();
        Optional<UUID> inserted = jobs.insert(id, source.key(), spec.type(), source.display(), caller.username(),
                caller.subject(), parallelism);
        if (inserted.isEmpty()) {
            closeQuietly(source);
            Optional<UUID> other = jobs.running(source.key());
            return new Started(other.flatMap(jobs::find).orElseThrow(
                    () -> new InvalidRequestException("an import of this source just ended; start it again")), true);
        }
        requestAudit.detail("import " + id + " from " + source.display());
        ImportRun run = new ImportRun(id, source.key(), source, parallelism, caller, ingestion, jobs,
                () -> finished(id, caller));
        running.put(id, run);
        Thread thread = new Thread(run, "import-" + id.toString().substring(0, 8));
        thread.setDaemon(true);
        thread.start();
        return new Started(job(id), false);
    }

    /** Asks a running import to stop; it ends CANCELLED once its workers finish their current group. */
    public ImportJob cancel(UUID id) {
        ImportJob job = job(id);
        ImportRun run = running.get(id);
        if (run != null) {
            run.cancel();
        }
        return job;
    }

    public ImportJob job(UUID id) {
        return jobs.find(id).orElseThrow(ResourceNotFoundException::new);
    }

    public List<ImportJob> list() {
        return jobs.list(100);
    }

    public List<ImportJobRepository.ReportRow> report(UUID id, long offset, int limit) {
        job(id);
        return jobs.report(id, offset, limit);
    }

    /** The job's end in the audit trail, with its counts (the objects have STORE events of their own). */
    private void finished(UUID id, Caller caller) {
        running.remove(id);
        jobs.find(id).ifPresent(job -> {
            ImportJob.Counts n = job.counts();
            String detail = "import %s %s: %d stored, %d repaired and stored, %d present already, %d skipped, %d quarantined, %d source errors, %d failed"
                    .formatted(id, job.state().name().toLowerCase(java.util.Locale.ROOT), n.stored(), n.coerced(),
                            n.alreadyPresent(), n.skipped(), n.quarantined(), n.sourceErrors(), n.failed());
            int status = job.state() == ImportJob.State.DONE ? 200 : 500;
            try {
                audit.fire(new AuditBatch(AuditContext.detached(AuditAction.IMPORT, null).detail(detail)
                        .events(caller, status, null, null, null)));
            } catch (RuntimeException e) {
                LOG.warnf("import %s: its end was not audited: %s", id, e.getClass().getSimpleName());
            }
        });
    }

    private static void closeQuietly(ImportSource source) {
        try {
            source.close();
        } catch (IOException | RuntimeException e) {
            LOG.debugf("source not closed cleanly: %s", e.getClass().getSimpleName());
        }
    }
}
