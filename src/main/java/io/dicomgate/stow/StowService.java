package io.dicomgate.stow;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.DicomException;
import com.pixelmed.dicom.DicomInputStream;
import com.pixelmed.dicom.TagFromName;

import io.dicomgate.access.AccessPolicy;
import io.dicomgate.access.Caller;
import io.dicomgate.access.PatientRef;
import io.dicomgate.access.Roles;
import io.dicomgate.audit.AuditAction;
import io.dicomgate.audit.AuditContext;
import io.dicomgate.dicom.ContentType;
import io.dicomgate.dicom.DicomMediaTypes;
import io.dicomgate.dicom.InvalidDicomException;
import io.dicomgate.dicom.InvalidRequestException;
import io.dicomgate.dicom.MalformedMultipartException;
import io.dicomgate.dicom.MultipartRelatedReader;
import io.dicomgate.dicom.NativePixelDataLength;
import io.dicomgate.dicom.Part10Scanner;
import io.dicomgate.dicom.Part10Structure;
import io.dicomgate.dicom.PixelDataLocation;
import io.dicomgate.dicom.TransferSyntaxes;
import io.dicomgate.dicom.Uid;
import io.dicomgate.dicom.UnsupportedMediaTypeException;
import io.dicomgate.index.IndexConflictException;
import io.dicomgate.index.IndexRecord;
import io.dicomgate.index.IndexWriter;
import io.dicomgate.index.Quarantine;
import io.dicomgate.index.StoreReceipt;
import io.dicomgate.metrics.DicomgateMetrics;
import io.dicomgate.stow.StowResult.Failed;
import io.dicomgate.stow.StowResult.Stored;
import io.dicomgate.storage.BlobStore;

/**
 * STOW-RS Store Instances (PS3.18 §10.5): receive every part to disk, then per instance
 * validate → store the file durably → index it.
 *
 * <p>The whole multipart body is received before anything is stored, so a malformed or truncated
 * request (400) leaves nothing behind. Memory use does not depend on the request size: parts are
 * streamed to staging files and only the attributes before Pixel Data are parsed into memory.
 */
@ApplicationScoped
public class StowService {

    private static final Logger LOG = Logger.getLogger(StowService.class);
    private static final String APPLICATION_DICOM = "application/dicom";

    private final BlobStore blobs;
    private final Quarantine quarantine;
    private final IndexWriter index;
    private final AccessPolicy access;
    private final AuditContext audit;
    private final DicomgateMetrics metrics;

    public StowService(BlobStore blobs, IndexWriter index, AccessPolicy access, AuditContext audit,
            DicomgateMetrics metrics, Quarantine quarantine) {
        this.blobs = blobs;
        this.index = index;
        this.access = access;
        this.audit = audit;
        this.metrics = metrics;
        this.quarantine = quarantine;
    }

    /**
     * @param contentType the request's Content-Type header
     * @param studyUid the Study Instance UID from the path, or null for {@code POST /studies}
     * @param serviceUrl absolute base URL of the DICOMweb service, for RetrieveURLs
     */
    public StowResult store(InputStream body, String contentType, String studyUid, String serviceUrl, Caller caller) {
        audit.action(AuditAction.STORE).target(studyUid, null, null);
        ContentType payload = requirePayload(contentType);
        String metadataType = metadataType(payload);
        List<ReceivedPart> parts = receive(body, payload.param("boundary"));
        List<Stored> stored = new ArrayList<>();
        List<Failed> failed = new ArrayList<>();
        List<ReceivedPart> instances = new ArrayList<>();
        try {
            if (metadataType != null) {
                instances.addAll(assemble(parts, metadataType, failed));
            } else {
                instances.addAll(parts);
            }
            // Validated and durably stored one by one; indexed in groups, one transaction each.
            List<Pending> group = new ArrayList<>();
            for (ReceivedPart part : instances) {
                Outcome outcome = storeOne(part, studyUid, serviceUrl, caller, group);
                if (outcome != null) {
                    add(outcome, stored, failed);
                }
                if (group.size() == IndexWriter.MAX_GROUP) {
                    index(group, caller).forEach(o -> add(o, stored, failed));
                    group.clear();
                }
            }
            index(group, caller).forEach(o -> add(o, stored, failed));
        } finally {
            parts.forEach(p -> deleteQuietly(p.file()));
            instances.forEach(p -> deleteQuietly(p.file()));
        }
        metrics.instancesStored(stored.size());
        failed.forEach(f -> metrics.instanceRefused(f.reason()));
        String studyUrl = studyUid != null ? serviceUrl + "/studies/" + studyUid : singleStudyUrl(stored);
        return new StowResult(studyUrl, stored, failed);
    }

    /** The metadata media type of a metadata and bulk data request (§10.5.1.2.2), null for PS3.10 instances. */
    private static String metadataType(ContentType payload) {
        String type = nonNull(payload.param("type")).trim();
        if (DicomMediaTypes.DICOM_JSON.equalsIgnoreCase(type)) {
            return DicomMediaTypes.DICOM_JSON;
        }
        return DicomMediaTypes.DICOM_XML.equalsIgnoreCase(type) ? DicomMediaTypes.DICOM_XML : null;
    }

    /**
     * PS3.18 §10.5.1.2: the payload is {@code multipart/related} with {@code type} absent or
     * {@code application/dicom} (PS3.10 instances), or {@code application/dicom+json} or
     * {@code application/dicom+xml} (metadata and bulk data, §10.5.1.2.2); other types are 415, a
     * missing boundary is a malformed request (400).
     */
    private static ContentType requirePayload(String header) {
        String expected = "Content-Type must be multipart/related; type=\"application/dicom\", "
                + "\"application/dicom+json\" or \"application/dicom+xml\"";
        ContentType type;
        try {
            type = ContentType.parse(header == null ? "" : header);
        } catch (IllegalArgumentException e) {
            throw new UnsupportedMediaTypeException(expected);
        }
        String partType = type.param("type");
        if (!"multipart/related".equals(type.mediaType())
                || (partType != null && !APPLICATION_DICOM.equalsIgnoreCase(partType.trim())
                        && !DicomMediaTypes.DICOM_JSON.equalsIgnoreCase(partType.trim())
                        && !DicomMediaTypes.DICOM_XML.equalsIgnoreCase(partType.trim()))) {
            throw new UnsupportedMediaTypeException(expected);
        }
        String boundary = type.param("boundary");
        if (boundary == null || boundary.isEmpty() || boundary.length() > 70) {
            throw new InvalidRequestException("multipart/related body without a valid boundary parameter");
        }
        return type;
    }

    /**
     * PS3.18 §10.5.1.2.2: builds one Part 10 staging file per data set of the metadata; those that
     * cannot be built are added to {@code failed} (0xC000, or 0xC122 for a bulk data media type
     * without a storable transfer syntax). A request without any metadata part is malformed (400).
     */
    private List<ReceivedPart> assemble(List<ReceivedPart> parts, String metadataType, List<Failed> failed) {
        List<MetadataBulkDataAssembler.Part> received = parts.stream()
                .map(p -> new MetadataBulkDataAssembler.Part(p.file(), p.contentType(), p.contentLocation()))
                .toList();
        if (received.stream().noneMatch(p -> MetadataBulkDataAssembler.isMetadata(p, metadataType))) {
            throw new InvalidRequestException("no " + metadataType + " metadata part");
        }
        List<ReceivedPart> instances = new ArrayList<>();
        for (MetadataBulkDataAssembler.Assembled a : MetadataBulkDataAssembler.assemble(received, metadataType, blobs)) {
            if (a.failure() != null) {
                failed.add(a.failure());
            } else {
                instances.add(new ReceivedPart(a.file(), a.sha256(), true, APPLICATION_DICOM, null));
            }
        }
        return instances;
    }

    private record ReceivedPart(Path file, String sha256, boolean dicomType, String contentType,
            String contentLocation) {
    }

    private List<ReceivedPart> receive(InputStream body, String boundary) {
        List<ReceivedPart> parts = new ArrayList<>();
        try {
            MultipartRelatedReader reader = new MultipartRelatedReader(body, boundary);
            MultipartRelatedReader.Part part;
            while ((part = reader.nextPart()) != null) {
                parts.add(receivePart(part));
            }
            if (parts.isEmpty()) {
                throw new InvalidRequestException("multipart/related body has no parts");
            }
            return parts;
        } catch (MalformedMultipartException e) {
            parts.forEach(p -> deleteQuietly(p.file()));
            throw new InvalidRequestException("malformed multipart/related body: " + e.getMessage());
        } catch (IOException | RuntimeException e) {
            parts.forEach(p -> deleteQuietly(p.file()));
            if (e instanceof RuntimeException re) {
                throw re;
            }
            throw new InvalidRequestException("request body could not be read");
        }
    }

    private ReceivedPart receivePart(MultipartRelatedReader.Part part) throws IOException {
        Path file = blobs.newStagingFile();
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            try (OutputStream out = new DigestOutputStream(Files.newOutputStream(file), sha)) {
                part.body().transferTo(out);
            }
            String type = part.contentType();
            boolean dicom = type == null || isApplicationDicom(type);
            return new ReceivedPart(file, HexFormat.of().formatHex(sha.digest()), dicom, type,
                    part.headers().get("content-location"));
        } catch (IOException | RuntimeException e) {
            deleteQuietly(file);
            throw e;
        } catch (NoSuchAlgorithmException e) {
            deleteQuietly(file);
            throw new IllegalStateException(e);
        }
    }

    private static boolean isApplicationDicom(String type) {
        try {
            return APPLICATION_DICOM.equals(ContentType.parse(type).mediaType());
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private record Outcome(Stored stored, Failed failed) {
        static Outcome failure(String sopClassUid, String sopInstanceUid, FailureReason reason) {
            return new Outcome(null, new Failed(sopClassUid, sopInstanceUid, reason));
        }
    }

    /**
     * Validates, authorizes and durably stores one part; returns its outcome, or null when it waits
     * in {@code group} to be indexed (its blob committed, so a crash before the index commit leaves
     * only an unreferenced blob for the orphan sweep, never an index row without its blob).
     */
    private Outcome storeOne(ReceivedPart part, String studyUid, String serviceUrl, Caller caller,
            List<Pending> group) {
        if (!part.dicomType()) {
            return Outcome.failure(null, null, FailureReason.CANNOT_UNDERSTAND);
        }
        Part10Structure structure;
        AttributeList list;
        try {
            structure = Part10Scanner.scan(part.file());
            list = readUpToPixelData(part.file());
        } catch (InvalidDicomException | DicomException | IOException | RuntimeException e) {
            String why = e instanceof InvalidDicomException ide ? ide.getMessage() : e.getClass().getSimpleName();
            LOG.debugf("part refused: %s", why);
            quarantine(part, FailureReason.CANNOT_UNDERSTAND, "not a readable DICOM Part 10 file: " + why,
                    Quarantine.Known.NOTHING, caller);
            return Outcome.failure(null, null, FailureReason.CANNOT_UNDERSTAND);
        }
        String sopClass = IndexRecordBuilder.string(list, TagFromName.SOPClassUID);
        String sopInstance = IndexRecordBuilder.string(list, TagFromName.SOPInstanceUID);
        PatientRef patient = new PatientRef(nonNull(IndexRecordBuilder.string(list, TagFromName.PatientID)),
                nonNull(IndexRecordBuilder.string(list, TagFromName.IssuerOfPatientID)));
        Quarantine.Known known = new Quarantine.Known(Uid.isValid(sopInstance) ? sopInstance : null,
                IndexRecordBuilder.string(list, TagFromName.StudyInstanceUID), patient);
        Optional<FailureReason> invalid = validate(list, structure, studyUid);
        if (invalid.isPresent()) {
            // A study UID other than the addressed one is the client's mistake, not a damaged object.
            boolean misaddressed = studyUid != null && !studyUid.equals(known.studyUid()) && validate(list, structure, null).isEmpty();
            if (!misaddressed) {
                quarantine(part, invalid.get(), describe(invalid.get()), known, caller);
            }
            return Outcome.failure(sopClass, sopInstance, invalid.get());
        }
        audit.touch(patient, IndexRecordBuilder.string(list, TagFromName.StudyInstanceUID));
        if (!access.canStore(caller, patient)) {
            return Outcome.failure(sopClass, sopInstance, FailureReason.NOT_AUTHORIZED);
        }
        String instanceStudy = IndexRecordBuilder.string(list, TagFromName.StudyInstanceUID);
        String series = IndexRecordBuilder.string(list, TagFromName.SeriesInstanceUID);
        Stored success = new Stored(sopClass, sopInstance,
                serviceUrl + "/studies/" + instanceStudy + "/series/" + series + "/instances/" + sopInstance);

        Optional<String> existing = index.storedDigest(sopInstance);
        if (existing.isPresent()) {
            if (existing.get().equals(part.sha256())) {
                return new Outcome(success, null);
            }
            quarantine(part, FailureReason.DUPLICATE_SOP_INSTANCE,
                    "conflict: this SOP Instance UID is stored with other bytes", known, caller);
            return Outcome.failure(sopClass, sopInstance, FailureReason.DUPLICATE_SOP_INSTANCE);
        }
        String key;
        try {
            key = blobs.commit(part.file(), part.sha256());
        } catch (IOException e) {
            LOG.warnf("storing an instance failed: %s", e.getClass().getSimpleName());
            return Outcome.failure(sopClass, sopInstance, FailureReason.OUT_OF_RESOURCES);
        }
        try {
            group.add(new Pending(IndexRecordBuilder.build(list, structure, part.sha256(), key), key, success));
            return null;
        } catch (RuntimeException e) {
            LOG.warnf("indexing an instance failed: %s", e.getClass().getSimpleName());
            removeUnreferenced(key);
            return Outcome.failure(sopClass, sopInstance, FailureReason.PROCESSING_FAILURE);
        }
    }

    /** A stored instance waiting for its index rows. */
    private record Pending(IndexRecord record, String blobKey, Stored success) {
    }

    /**
     * Indexes a group in one transaction ({@link IndexWriter#insertGroup}); an instance refused by the
     * index, or the whole group when the transaction fails, loses its blob unless another row uses it.
     */
    private List<Outcome> index(List<Pending> group, Caller caller) {
        if (group.isEmpty()) {
            return List.of();
        }
        StoreReceipt receipt = new StoreReceipt(audit.requestId(), caller.subject(), caller.username(),
                caller.clientId(), caller.roles(), audit.sourceAddress());
        List<IndexWriter.GroupResult> results;
        try {
            results = index.insertGroup(group.stream().map(Pending::record).toList(), receipt);
        } catch (RuntimeException e) {
            LOG.warnf("indexing %d instance(s) failed: %s", group.size(), e.getClass().getSimpleName());
            results = group.stream().map(p -> new IndexWriter.GroupResult(null, null, true)).toList();
        }
        List<Outcome> outcomes = new ArrayList<>(group.size());
        for (int i = 0; i < group.size(); i++) {
            Pending p = group.get(i);
            IndexWriter.GroupResult r = results.get(i);
            if (r.outcome() != null) {
                outcomes.add(new Outcome(p.success(), null));
                continue;
            }
            if (r.conflict() == IndexConflictException.Kind.DUPLICATE_SOP_INSTANCE && mayQuarantine(caller)) {
                // Stored by another request meanwhile, with other bytes: keep ours for a human decision.
                IndexRecord.InstanceRow row = p.record().instance();
                quarantine.keepStored(p.blobKey(), row.sizeBytes(), row.sha256(), "stow",
                        FailureReason.DUPLICATE_SOP_INSTANCE.name(), "conflict: this SOP Instance UID is stored with other bytes",
                        new Quarantine.Known(row.sopInstanceUid(), p.record().study().studyUid(),
                                new PatientRef(p.record().patient().patientId(), p.record().patient().issuer())), caller);
            }
            removeUnreferenced(p.blobKey());
            FailureReason reason = r.failed() ? FailureReason.PROCESSING_FAILURE
                    : r.conflict() == IndexConflictException.Kind.DUPLICATE_SOP_INSTANCE
                            ? FailureReason.DUPLICATE_SOP_INSTANCE
                            : FailureReason.DATASET_MISMATCH;
            outcomes.add(Outcome.failure(p.success().sopClassUid(), p.success().sopInstanceUid(), reason));
        }
        return outcomes;
    }

    /**
     * Keeps a refused part in quarantine (README "Quarantine") — only for callers that may store at all
     * (ingest, imaging-admin): what a patient's own upload could not store is not kept.
     */
    private void quarantine(ReceivedPart part, FailureReason reason, String detail, Quarantine.Known known, Caller caller) {
        if (part.dicomType() && mayQuarantine(caller)) {
            quarantine.keep(part.file(), part.sha256(), "stow", reason.name(), detail, known, caller);
        }
    }

    private static boolean mayQuarantine(Caller caller) {
        return caller.hasRole(Roles.INGEST) || caller.hasRole(Roles.IMAGING_ADMIN);
    }

    private static String describe(FailureReason reason) {
        return switch (reason) {
            case TRANSFER_SYNTAX_NOT_SUPPORTED -> "transfer syntax not supported";
            case DATASET_MISMATCH -> "missing or invalid UIDs, or File Meta Information that disagrees with the data set";
            case CANNOT_UNDERSTAND -> "incomplete: Pixel Data missing or shorter than its frames";
            default -> reason.name().toLowerCase(java.util.Locale.ROOT);
        };
    }

    private static void add(Outcome outcome, List<Stored> stored, List<Failed> failed) {
        if (outcome.stored() != null) {
            stored.add(outcome.stored());
        } else {
            failed.add(outcome.failed());
        }
    }

    /**
     * Required attributes of every stored object (PS3.18 §10.5.1: SOP Class, SOP Instance, Study and
     * Series Instance UIDs; the File Meta Information must describe the same instance, PS3.10 §7.1),
     * and the Study Instance UID of the target resource when one is addressed.
     */
    private static Optional<FailureReason> validate(AttributeList list, Part10Structure structure, String studyUid) {
        if (!TransferSyntaxes.isSupported(structure.transferSyntaxUid())) {
            return Optional.of(FailureReason.TRANSFER_SYNTAX_NOT_SUPPORTED);
        }
        String sopClass = IndexRecordBuilder.string(list, TagFromName.SOPClassUID);
        String sopInstance = IndexRecordBuilder.string(list, TagFromName.SOPInstanceUID);
        String study = IndexRecordBuilder.string(list, TagFromName.StudyInstanceUID);
        String series = IndexRecordBuilder.string(list, TagFromName.SeriesInstanceUID);
        if (!Uid.isValid(sopClass) || !Uid.isValid(sopInstance) || !Uid.isValid(study) || !Uid.isValid(series)) {
            return Optional.of(FailureReason.DATASET_MISMATCH);
        }
        String metaClass = IndexRecordBuilder.string(list, TagFromName.MediaStorageSOPClassUID);
        String metaInstance = IndexRecordBuilder.string(list, TagFromName.MediaStorageSOPInstanceUID);
        if (!sopClass.equals(metaClass) || !sopInstance.equals(metaInstance)) {
            return Optional.of(FailureReason.DATASET_MISMATCH);
        }
        if (studyUid != null && !studyUid.equals(study)) {
            return Optional.of(FailureReason.DATASET_MISMATCH);
        }
        return pixelDataComplete(list, structure) ? Optional.empty() : Optional.of(FailureReason.CANNOT_UNDERSTAND);
    }

    /**
     * A file cut right after a complete element is structurally valid, so check what the Image Pixel
     * module (PS3.3 C.7.6.3) promises: an image has Pixel Data, and native Pixel Data holds every
     * frame (PS3.5 §8.1.1).
     */
    private static boolean pixelDataComplete(AttributeList list, Part10Structure structure) {
        Integer rows = IndexRecordBuilder.integer(list, TagFromName.Rows);
        Integer columns = IndexRecordBuilder.integer(list, TagFromName.Columns);
        Integer bits = IndexRecordBuilder.integer(list, TagFromName.BitsAllocated);
        if (rows == null || columns == null || bits == null
                || TransferSyntaxes.DEFLATED_EXPLICIT_VR_LITTLE_ENDIAN.equals(structure.transferSyntaxUid())) {
            return true;
        }
        PixelDataLocation pixels = structure.pixelData();
        if (pixels == null) {
            return list.get(TagFromName.FloatPixelData) != null || list.get(TagFromName.DoubleFloatPixelData) != null;
        }
        if (pixels.encapsulated()) {
            return true;
        }
        Integer samples = IndexRecordBuilder.integer(list, TagFromName.SamplesPerPixel);
        Integer frames = IndexRecordBuilder.integer(list, TagFromName.NumberOfFrames);
        return pixels.valueLength() >= NativePixelDataLength.expectedBytes(rows, columns, samples == null ? 1 : samples,
                bits, frames == null ? 1 : frames, IndexRecordBuilder.string(list, TagFromName.PhotometricInterpretation));
    }

    /** Everything before Pixel Data: the pixel values never enter the heap. */
    static AttributeList readUpToPixelData(Path file) throws IOException, DicomException {
        AttributeList list = new AttributeList();
        try (DicomInputStream in = new DicomInputStream(new BufferedInputStream(Files.newInputStream(file), 65536))) {
            list.read(in, TagFromName.PixelData);
        }
        return list;
    }

    private void removeUnreferenced(String key) {
        try {
            if (!index.isReferenced(key)) {
                blobs.delete(key);
            }
        } catch (IOException | RuntimeException e) {
            // The start-up orphan sweep removes what is left.
            LOG.warnf("could not remove an unindexed blob: %s", e.getClass().getSimpleName());
        }
    }

    private static String singleStudyUrl(List<Stored> stored) {
        if (stored.isEmpty()) {
            return null;
        }
        String first = studyPart(stored.get(0).retrieveUrl());
        for (Stored s : stored) {
            if (!studyPart(s.retrieveUrl()).equals(first)) {
                return null;
            }
        }
        return first;
    }

    private static String studyPart(String instanceUrl) {
        return instanceUrl.substring(0, instanceUrl.indexOf("/series/"));
    }

    private static String nonNull(String value) {
        return value == null ? "" : value;
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            LOG.debugf("staging file not deleted: %s", e.getClass().getSimpleName());
        }
    }
}
