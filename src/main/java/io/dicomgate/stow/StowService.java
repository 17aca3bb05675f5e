package io.dicomgate.stow;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import io.dicomgate.access.Caller;
import io.dicomgate.audit.AuditAction;
import io.dicomgate.audit.AuditContext;
import io.dicomgate.dicom.ContentType;
import io.dicomgate.dicom.DicomMediaTypes;
import io.dicomgate.dicom.InvalidRequestException;
import io.dicomgate.dicom.MalformedMultipartException;
import io.dicomgate.dicom.MultipartRelatedReader;
import io.dicomgate.dicom.UnsupportedMediaTypeException;
import io.dicomgate.ingest.FailureReason;
import io.dicomgate.ingest.IngestResult;
import io.dicomgate.ingest.IngestSession;
import io.dicomgate.ingest.Ingestion;
import io.dicomgate.metrics.DicomgateMetrics;
import io.dicomgate.storage.Sha256;
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

    /** Bytes written to a staging file at a time. */
    private static final int WRITE_BLOCK = 256 * 1024;

    private static final String APPLICATION_DICOM = "application/dicom";

    private final BlobStore blobs;
    private final Ingestion ingestion;
    private final AuditContext audit;
    private final DicomgateMetrics metrics;

    public StowService(BlobStore blobs, Ingestion ingestion, AuditContext audit, DicomgateMetrics metrics) {
        this.blobs = blobs;
        this.ingestion = ingestion;
        this.audit = audit;
        this.metrics = metrics;
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
            List<IngestSession.Staged> staged = new ArrayList<>();
            for (ReceivedPart part : instances) {
                if (part.dicomType()) {
                    staged.add(new IngestSession.Staged(part.file(), part.sha256()));
                } else {
                    failed.add(new Failed(null, null, FailureReason.CANNOT_UNDERSTAND));
                }
            }
            // Parts refused before the pipeline are counted here, the pipeline counts its own.
            failed.forEach(f -> metrics.instanceRefused(f.reason()));
            // Validated and durably stored one by one; indexed in groups, one transaction each.
            for (IngestResult r : ingestion.openForRequest(caller, audit, studyUid).storeStaged(staged)) {
                if (r.isStored()) {
                    stored.add(new Stored(r.sopClassUid(), r.sopInstanceUid(), serviceUrl + "/studies/" + r.studyUid()
                            + "/series/" + r.seriesUid() + "/instances/" + r.sopInstanceUid(), !r.fixes().isEmpty()));
                } else {
                    failed.add(new Failed(r.sopClassUid(), r.sopInstanceUid(), r.reason()));
                }
            }
        } finally {
            parts.forEach(p -> BlobStore.discardStaged(p.file()));
            instances.forEach(p -> BlobStore.discardStaged(p.file()));
        }
        String studyUrl = studyUid != null ? serviceUrl + "/studies/" + studyUid : singleStudyUrl(stored);
        return new StowResult(studyUrl, stored, failed);
    }

    /** The metadata media type of a metadata and bulk data request (§10.5.1.2.2), null for PS3.10 instances. */
    private static String metadataType(ContentType payload) {
        String given = payload.param("type");
        String type = given == null ? "" : given.trim();
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
            parts.forEach(p -> BlobStore.discardStaged(p.file()));
            throw new InvalidRequestException("malformed multipart/related body: " + e.getMessage());
        } catch (IOException | RuntimeException e) {
            parts.forEach(p -> BlobStore.discardStaged(p.file()));
            if (e instanceof RuntimeException re) {
                throw re;
            }
            throw new InvalidRequestException("request body could not be read");
        }
    }

    private ReceivedPart receivePart(MultipartRelatedReader.Part part) throws IOException {
        Path file = blobs.newStagingFile();
        try {
            MessageDigest sha = Sha256.newDigest();
            copy(part.body(), file, sha);
            String type = part.contentType();
            boolean dicom = type == null || isApplicationDicom(type);
            return new ReceivedPart(file, Sha256.hex(sha), dicom, type, part.headers().get("content-location"));
        } catch (IOException | RuntimeException e) {
            BlobStore.discardStaged(file);
            throw e;
        }
    }

    /**
     * Copies the part into the staging file and digests it, in writes of up to {@value #WRITE_BLOCK}
     * bytes: the body arrives in network-sized pieces, and one write per piece was one system call per
     * 16 KiB.
     */
    private static void copy(InputStream body, Path file, MessageDigest sha) throws IOException {
        byte[] block = new byte[WRITE_BLOCK];
        try (FileChannel out = FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
            int filled = 0;
            int n;
            while ((n = body.read(block, filled, block.length - filled)) >= 0) {
                filled += n;
                if (filled == block.length) {
                    write(out, block, filled, sha);
                    filled = 0;
                }
            }
            write(out, block, filled, sha);
        }
    }

    private static void write(FileChannel out, byte[] block, int length, MessageDigest sha) throws IOException {
        sha.update(block, 0, length);
        ByteBuffer buffer = ByteBuffer.wrap(block, 0, length);
        while (buffer.hasRemaining()) {
            out.write(buffer);
        }
    }

    private static boolean isApplicationDicom(String type) {
        try {
            return APPLICATION_DICOM.equals(ContentType.parse(type).mediaType());
        } catch (IllegalArgumentException e) {
            return false;
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

}
