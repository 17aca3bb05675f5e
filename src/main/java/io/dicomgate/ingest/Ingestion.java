package io.dicomgate.ingest;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;

import org.jboss.logging.Logger;

import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.DicomException;
import com.pixelmed.dicom.TagFromName;

import io.dicomgate.access.AccessPolicy;
import io.dicomgate.access.Caller;
import io.dicomgate.access.PatientRef;
import io.dicomgate.access.Roles;
import io.dicomgate.audit.AuditAction;
import io.dicomgate.audit.AuditBatch;
import io.dicomgate.audit.AuditContext;
import io.dicomgate.audit.AuditEvent;
import io.dicomgate.dicom.InvalidDicomException;
import io.dicomgate.dicom.Part10Repair;
import io.dicomgate.dicom.Part10Scanner;
import io.dicomgate.dicom.Part10Structure;
import io.dicomgate.dicom.Uid;
import io.dicomgate.index.IndexConflictException;
import io.dicomgate.index.IndexRecord;
import io.dicomgate.index.IndexWriter;
import io.dicomgate.index.Quarantine;
import io.dicomgate.index.StoreReceipt;
import io.dicomgate.ingest.IngestResult.Status;
import io.dicomgate.metrics.DicomgateMetrics;
import io.dicomgate.storage.BlobStore;
import io.dicomgate.storage.Sha256;

/**
 * The one pipeline every road in uses — STOW-RS, imports, DIMSE C-STORE: repair what is safe
 * ({@link Part10Repair}), validate ({@link InstanceValidator}), authorize, store durably, index,
 * quarantine what cannot be stored safely. Per object: the blob is committed (fsync'd) before its
 * index row, so a crash leaves at worst an unreferenced blob for the orphan sweep, never a row without
 * its blob; an object is acknowledged only after its index transaction commits.
 */
@ApplicationScoped
public class Ingestion {

    private static final Logger LOG = Logger.getLogger(Ingestion.class);

    private final BlobStore blobs;
    private final IndexWriter index;
    private final AccessPolicy access;
    private final Quarantine quarantine;
    private final DicomgateMetrics metrics;
    private final Event<AuditBatch> audit;

    public Ingestion(BlobStore blobs, IndexWriter index, AccessPolicy access, Quarantine quarantine,
            DicomgateMetrics metrics, Event<AuditBatch> audit) {
        this.blobs = blobs;
        this.index = index;
        this.access = access;
        this.quarantine = quarantine;
        this.metrics = metrics;
        this.audit = audit;
    }

    /** A new empty file in the blob store's staging area, for a caller to write an object into. */
    public Path newStagingFile() throws IOException {
        return blobs.newStagingFile();
    }

    /**
     * A session outside HTTP (import, DIMSE) with its own audit context.
     *
     * @param sourceAddress the peer's address, or null
     * @param detail a short, PHI-free text stored on the session's audit events
     */
    public IngestSession open(Caller caller, IngestChannel channel, String sourceAddress, String detail) {
        AuditContext trail = AuditContext.detached(AuditAction.STORE, sourceAddress).detail(detail);
        return new IngestSession(this, caller, channel, trail, null, true);
    }

    /**
     * The session of a STOW-RS request: its audit context is the request's, written by the response
     * filter with the final status.
     *
     * @param addressedStudyUid the Study Instance UID in the request path, or null (PS3.18 §10.5.1)
     */
    public IngestSession openForRequest(Caller caller, AuditContext request, String addressedStudyUid) {
        return new IngestSession(this, caller, IngestChannel.STOW, request, addressedStudyUid, false);
    }

    /** An object whose blob is committed, waiting for its index rows. */
    record Pending(IndexRecord record, String blobKey, IngestResult success) {
    }

    /** The object read far enough to decide: the file (repaired or not) with its layout and attributes. */
    private record Read(Path file, String sha256, Part10Structure structure, AttributeList list, List<String> fixes) {
    }

    /**
     * Repairs, validates, authorizes and durably stores one object; returns its {@link IngestResult}, or
     * a {@link Pending} when it waits to be indexed with its group.
     */
    Object storeOne(IngestSession session, Path file, String sha256) {
        Caller caller = session.caller();
        Read read;
        try {
            read = read(session, file, sha256);
        } catch (InvalidDicomException | DicomException | IOException | RuntimeException e) {
            String why = e instanceof InvalidDicomException ide ? ide.getMessage() : e.getClass().getSimpleName();
            LOG.debugf("object refused: %s", why);
            return refuse(session, file, sha256, FailureReason.CANNOT_UNDERSTAND,
                    "not a readable DICOM Part 10 file: " + why, Quarantine.Known.NOTHING, null, null);
        }
        try {
            return storeRead(session, file, sha256, read, caller);
        } finally {
            if (!read.file().equals(file)) {
                BlobStore.discardStaged(read.file());
            }
        }
    }

    private Object storeRead(IngestSession session, Path original, String originalSha, Read read, Caller caller) {
        AttributeList list = read.list();
        String sopClass = InstanceValidator.string(list, TagFromName.SOPClassUID);
        String sopInstance = InstanceValidator.string(list, TagFromName.SOPInstanceUID);
        String studyUid = InstanceValidator.string(list, TagFromName.StudyInstanceUID);
        String seriesUid = InstanceValidator.string(list, TagFromName.SeriesInstanceUID);
        PatientRef patient = new PatientRef(nonNull(InstanceValidator.string(list, TagFromName.PatientID)),
                nonNull(InstanceValidator.string(list, TagFromName.IssuerOfPatientID)));
        Quarantine.Known known = new Quarantine.Known(Uid.isValid(sopInstance) ? sopInstance : null, studyUid, patient);
        String addressed = session.addressedStudyUid();
        Optional<FailureReason> invalid = InstanceValidator.validate(list, read.structure(), addressed);
        if (invalid.isPresent()) {
            // A study UID other than the addressed one is the client's mistake, not a damaged object.
            boolean misaddressed = addressed != null && !addressed.equals(studyUid)
                    && InstanceValidator.validate(list, read.structure(), null).isEmpty();
            if (misaddressed) {
                return IngestResult.failed(Status.REFUSED, sopClass, sopInstance, invalid.get(),
                        "the Study Instance UID is not the one addressed");
            }
            return refuse(session, original, originalSha, invalid.get(), InstanceValidator.describe(invalid.get()),
                    known, sopClass, sopInstance);
        }
        session.trail().touch(patient, studyUid);
        if (!access.canStore(caller, patient)) {
            return IngestResult.failed(Status.REFUSED, sopClass, sopInstance, FailureReason.NOT_AUTHORIZED,
                    "not authorized to store for this patient");
        }
        IngestResult success = new IngestResult(Status.STORED, sopClass, sopInstance, studyUid, seriesUid, null, null,
                read.fixes());
        Optional<IndexWriter.StoredObject> existing = index.stored(sopInstance);
        if (existing.isPresent()) {
            if (existing.get().sha256().equals(read.sha256())) {
                return new IngestResult(Status.ALREADY_PRESENT, sopClass, sopInstance, studyUid, seriesUid, null,
                        "stored before with identical bytes", read.fixes());
            }
            if (SameDataSet.compare(blobs, existing.get().blobKey(), read.file(), read.structure())) {
                // Another File Meta around the same data set (written by another archive or a C-GET).
                return new IngestResult(Status.ALREADY_PRESENT, sopClass, sopInstance, studyUid, seriesUid, null,
                        "stored before with an identical data set (other File Meta Information)", read.fixes());
            }
            return refuse(session, original, originalSha, FailureReason.DUPLICATE_SOP_INSTANCE,
                    "conflict: this SOP Instance UID is stored with other bytes", known, sopClass, sopInstance);
        }
        String key;
        try {
            key = blobs.commit(read.file(), read.sha256());
        } catch (IOException e) {
            LOG.warnf("storing an instance failed: %s", e.getClass().getSimpleName());
            return IngestResult.failed(Status.REFUSED, sopClass, sopInstance, FailureReason.OUT_OF_RESOURCES,
                    "the object store failed; try again");
        }
        try {
            String coercions = read.fixes().isEmpty() ? null : String.join("; ", read.fixes());
            return new Pending(IndexRecordBuilder.build(list, read.structure(), read.sha256(), key, coercions), key,
                    success);
        } catch (RuntimeException e) {
            LOG.warnf("indexing an instance failed: %s", e.getClass().getSimpleName());
            removeUnreferenced(key);
            return IngestResult.failed(Status.REFUSED, sopClass, sopInstance, FailureReason.PROCESSING_FAILURE,
                    "the object could not be indexed");
        }
    }

    /**
     * Reads the object; when it is refused only for what {@link Part10Repair} may repair (File Meta
     * group length, UIDs that disagree with the data set, a missing preamble; on import a missing File
     * Meta), repairs a copy and reads that instead.
     */
    private Read read(IngestSession session, Path file, String sha256)
            throws InvalidDicomException, DicomException, IOException {
        Part10Structure structure;
        try {
            structure = Part10Scanner.scan(file);
        } catch (InvalidDicomException e) {
            Read repaired = repaired(session, file);
            if (repaired == null) {
                throw e;
            }
            return repaired;
        }
        AttributeList list = InstanceValidator.readUpToPixelData(file);
        if (InstanceValidator.metaDisagrees(list)) {
            Read repaired = repaired(session, file);
            if (repaired != null) {
                return repaired;
            }
        }
        return new Read(file, sha256, structure, list, List.of());
    }

    private Read repaired(IngestSession session, Path file) throws InvalidDicomException, DicomException, IOException {
        Path target = blobs.newStagingFile();
        try {
            List<String> fixes = Part10Repair.repair(file, target, session.channel() == IngestChannel.IMPORT);
            if (fixes.isEmpty()) {
                BlobStore.discardStaged(target);
                return null;
            }
            Part10Structure structure = Part10Scanner.scan(target);
            AttributeList list = InstanceValidator.readUpToPixelData(target);
            return new Read(target, Sha256.of(target), structure, list, fixes);
        } catch (InvalidDicomException | DicomException | IOException | RuntimeException e) {
            BlobStore.discardStaged(target);
            throw e;
        }
    }

    /** Indexes a group in one transaction ({@link IndexWriter#insertGroup}). */
    List<IngestResult> index(IngestSession session, List<Pending> group) {
        if (group.isEmpty()) {
            return List.of();
        }
        Caller caller = session.caller();
        AuditContext trail = session.trail();
        StoreReceipt receipt = new StoreReceipt(trail.requestId(), caller.subject(), caller.username(),
                caller.clientId(), caller.roles(), trail.sourceAddress());
        List<IndexWriter.GroupResult> results;
        try {
            results = index.insertGroup(group.stream().map(Pending::record).toList(), receipt);
        } catch (RuntimeException e) {
            LOG.warnf("indexing %d instance(s) failed: %s", group.size(), e.getClass().getSimpleName());
            results = group.stream().map(p -> new IndexWriter.GroupResult(null, null, true)).toList();
        }
        List<IngestResult> outcomes = new ArrayList<>(group.size());
        for (int i = 0; i < group.size(); i++) {
            Pending p = group.get(i);
            IndexWriter.GroupResult r = results.get(i);
            if (r.outcome() != null) {
                outcomes.add(p.success());
                continue;
            }
            IngestResult s = p.success();
            boolean duplicate = r.conflict() == IndexConflictException.Kind.DUPLICATE_SOP_INSTANCE;
            Status status = Status.REFUSED;
            if (duplicate && mayQuarantine(caller)) {
                // Stored by another request meanwhile, with other bytes: keep ours for a human decision.
                IndexRecord.InstanceRow row = p.record().instance();
                quarantine.keepStored(p.blobKey(), row.sizeBytes(), row.sha256(), session.channel().sourceName(),
                        FailureReason.DUPLICATE_SOP_INSTANCE.name(), "conflict: this SOP Instance UID is stored with other bytes",
                        new Quarantine.Known(row.sopInstanceUid(), p.record().study().studyUid(),
                                new PatientRef(p.record().patient().patientId(), p.record().patient().issuer())), caller);
                status = Status.QUARANTINED;
            }
            removeUnreferenced(p.blobKey());
            FailureReason reason = r.failed() ? FailureReason.PROCESSING_FAILURE
                    : duplicate ? FailureReason.DUPLICATE_SOP_INSTANCE : FailureReason.DATASET_MISMATCH;
            outcomes.add(IngestResult.failed(status, s.sopClassUid(), s.sopInstanceUid(), reason,
                    r.failed() ? "the index transaction failed; try again" : InstanceValidator.describe(reason)));
        }
        return outcomes;
    }

    /**
     * Refuses an object, keeping it in the quarantine (README "Quarantine") when the caller may store
     * at all (ingest, imaging-admin): what a patient's own upload could not store is not kept.
     */
    private IngestResult refuse(IngestSession session, Path file, String sha256, FailureReason reason, String detail,
            Quarantine.Known known, String sopClass, String sopInstance) {
        Caller caller = session.caller();
        if (mayQuarantine(caller)
                && quarantine.keep(file, sha256, session.channel().sourceName(), reason.name(), detail, known, caller)
                        .isPresent()) {
            return IngestResult.failed(Status.QUARANTINED, sopClass, sopInstance, reason, detail);
        }
        return IngestResult.failed(Status.REFUSED, sopClass, sopInstance, reason, detail);
    }

    private static boolean mayQuarantine(Caller caller) {
        return caller.hasRole(Roles.INGEST) || caller.hasRole(Roles.IMAGING_ADMIN);
    }

    void count(List<IngestResult> results) {
        int stored = 0;
        for (IngestResult r : results) {
            if (r.isStored()) {
                stored++;
            } else {
                metrics.instanceRefused(r.reason());
            }
        }
        metrics.instancesStored(stored);
    }

    /** Writes a session's audit events in one transaction; AuditUnavailableException when that fails. */
    void audit(List<AuditEvent> events) {
        audit.fire(new AuditBatch(events));
    }

    private void removeUnreferenced(String key) {
        try {
            if (!index.isReferenced(key)) {
                blobs.delete(key);
            }
        } catch (IOException | RuntimeException e) {
            // The orphan sweep removes what is left.
            LOG.warnf("could not remove an unindexed blob: %s", e.getClass().getSimpleName());
        }
    }

    private static String nonNull(String value) {
        return value == null ? "" : value;
    }
}
