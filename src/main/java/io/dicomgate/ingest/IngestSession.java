package io.dicomgate.ingest;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import io.dicomgate.access.Caller;
import io.dicomgate.audit.AuditContext;
import io.dicomgate.storage.BlobStore;
import io.dicomgate.storage.Sha256;

/**
 * One unit of work and of audit — a STOW-RS request, an import batch, a DIMSE C-STORE: the objects
 * offered to it are validated, stored and indexed by {@link Ingestion}; its audit events (one STORE
 * event per patient and study) are written by {@link #close()}, except for STOW, whose events the
 * HTTP response filter writes with the response status. Not thread-safe: one session per thread.
 */
public final class IngestSession implements AutoCloseable {

    /** A staged file and its SHA-256 when the caller already computed it while receiving (else null). */
    public record Staged(Path file, String sha256) {
    }

    private final Ingestion ingestion;
    private final Caller caller;
    private final IngestChannel channel;
    private final AuditContext trail;
    private final String addressedStudyUid;
    private final boolean ownsAudit;
    private int stored;
    private int notStored;

    IngestSession(Ingestion ingestion, Caller caller, IngestChannel channel, AuditContext trail,
            String addressedStudyUid, boolean ownsAudit) {
        this.ingestion = ingestion;
        this.caller = caller;
        this.channel = channel;
        this.trail = trail;
        this.addressedStudyUid = addressedStudyUid;
        this.ownsAudit = ownsAudit;
    }

    /** The id stored with this session's audit events and store receipts. */
    public String requestId() {
        return trail.requestId();
    }

    /** Stores one object; the file is consumed (moved into the store or the quarantine, or deleted). */
    public IngestResult store(Path stagedFile) {
        return storeAll(List.of(stagedFile)).get(0);
    }

    /** Stores several objects, indexed in groups (one transaction per group): faster than one by one. */
    public List<IngestResult> storeAll(List<Path> stagedFiles) {
        return storeStaged(stagedFiles.stream().map(f -> new Staged(f, null)).toList());
    }

    /** As {@link #storeAll}, for files whose digest the caller computed while receiving them. */
    public List<IngestResult> storeStaged(List<Staged> staged) {
        List<IngestResult> results = new ArrayList<>(Collections.nCopies(staged.size(), null));
        List<Ingestion.Pending> group = new ArrayList<>();
        List<Integer> positions = new ArrayList<>();
        try {
            for (int i = 0; i < staged.size(); i++) {
                Staged s = staged.get(i);
                Object outcome = ingestion.storeOne(this, s.file(), s.sha256() != null ? s.sha256() : sha256(s.file()));
                if (outcome instanceof IngestResult r) {
                    results.set(i, r);
                } else {
                    group.add((Ingestion.Pending) outcome);
                    positions.add(i);
                }
                if (group.size() == io.dicomgate.index.IndexWriter.MAX_GROUP) {
                    flush(group, positions, results);
                }
            }
            flush(group, positions, results);
        } finally {
            staged.forEach(s -> BlobStore.discardStaged(s.file()));
        }
        for (IngestResult r : results) {
            if (r.isStored()) {
                stored++;
            } else {
                notStored++;
            }
        }
        ingestion.count(results);
        return results;
    }

    private void flush(List<Ingestion.Pending> group, List<Integer> positions, List<IngestResult> results) {
        List<IngestResult> indexed = ingestion.index(this, group);
        for (int j = 0; j < indexed.size(); j++) {
            results.set(positions.get(j), indexed.get(j));
        }
        group.clear();
        positions.clear();
    }

    /**
     * Writes the session's audit events, with the status a STOW-RS request would have had (PS3.18
     * Table 10.5.3-1: 200 all stored, 202 some, 409 none); throws
     * {@link io.dicomgate.audit.AuditUnavailableException} when they cannot be recorded. A STOW
     * session's events are written by the response filter instead.
     */
    @Override
    public void close() {
        if (ownsAudit && stored + notStored > 0) {
            int status = notStored == 0 ? 200 : stored == 0 ? 409 : 202;
            ingestion.audit(trail.events(caller, status, null, null, null));
        }
    }

    Caller caller() {
        return caller;
    }

    IngestChannel channel() {
        return channel;
    }

    AuditContext trail() {
        return trail;
    }

    String addressedStudyUid() {
        return addressedStudyUid;
    }

    private static String sha256(Path file) {
        try {
            return Sha256.of(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

}
