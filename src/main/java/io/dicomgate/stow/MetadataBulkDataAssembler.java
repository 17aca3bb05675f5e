package io.dicomgate.stow;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.pixelmed.dicom.AttributeTag;
import com.pixelmed.dicom.TagFromName;

import io.dicomgate.dicom.ContentType;
import io.dicomgate.dicom.DicomJsonReader;
import io.dicomgate.dicom.DicomMediaTypes;
import io.dicomgate.dicom.DicomXmlReader;
import io.dicomgate.dicom.InvalidDicomException;
import io.dicomgate.dicom.Part10Writer;
import io.dicomgate.dicom.TransferSyntaxes;
import io.dicomgate.ingest.FailureReason;
import io.dicomgate.storage.BlobStore;
import io.dicomgate.storage.Sha256;

/**
 * Turns a STOW-RS request of metadata and bulk data (PS3.18 §10.5.1.2.2,
 * {@code multipart/related; type="application/dicom+json"} or {@code type="application/dicom+xml"})
 * into PS3.10 staging files, which then go through the same validation, access check, storage and
 * indexing as binary instances.
 *
 * <p>JSON metadata: an array of DICOM JSON Model objects (Annex F) in a single part, as §10.5.1.2.2
 * requires (several such parts are accepted too). XML metadata: one PS3.19 Native DICOM Model
 * document per instance, each in its own {@code application/dicom+xml} part (§10.5.1.2.2), read by
 * {@link DicomXmlReader} into the JSON Model so that both take the same path from there. Bulk data:
 * every other part, found by its
 * {@code Content-Location}, which must equal the BulkDataURI in the metadata character for
 * character. Uncompressed values are {@code application/octet-stream} in Little Endian (§8.7.3.3.2);
 * compressed Pixel Data comes in the media type of its transfer syntax (Table 8.7.3-5/-6), one part
 * per frame when several parts carry the same Content-Location. Bulk data stays in its staging file
 * and is streamed into the Part 10 file.
 */
final class MetadataBulkDataAssembler {

    private static final Logger LOG = Logger.getLogger(MetadataBulkDataAssembler.class);

    private static final ObjectMapper MAPPER = new ObjectMapper()
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .configure(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES, false);

    /** Nested BulkDataURIs (inside sequence items) are read into memory; this bounds them. */
    private static final long MAX_NESTED_BULK = 16L * 1024 * 1024;

    /** Default transfer syntax of each compressed pixel data media type (PS3.18 Table 8.7.3-5/-6). */
    private static final Map<String, String> DEFAULT_SYNTAX = Map.of(
            "image/jpeg", "1.2.840.10008.1.2.4.50",
            "image/jls", "1.2.840.10008.1.2.4.80",
            "image/jp2", "1.2.840.10008.1.2.4.90",
            "image/jpx", "1.2.840.10008.1.2.4.92",
            "image/jphc", "1.2.840.10008.1.2.4.201",
            "image/dicom-rle", "1.2.840.10008.1.2.5",
            "video/mpeg", "1.2.840.10008.1.2.4.100",
            "video/mp4", "1.2.840.10008.1.2.4.102",
            "video/h265", "1.2.840.10008.1.2.4.107");

    /** One part of the request, received to a staging file. */
    record Part(Path file, String contentType, String contentLocation) {
    }

    /** A Part 10 staging file, or why none could be built. */
    record Assembled(Path file, String sha256, StowResult.Failed failure) {
    }

    private MetadataBulkDataAssembler() {
    }

    /**
     * True for the parts that hold metadata.
     *
     * @param metadataType {@link DicomMediaTypes#DICOM_JSON} or {@link DicomMediaTypes#DICOM_XML}: the
     *     request's {@code type} parameter
     */
    static boolean isMetadata(Part part, String metadataType) {
        return metadataType.equals(mediaType(part.contentType()));
    }

    /**
     * @return one entry per data set in the metadata, in order; a metadata part that is not a JSON
     *     array of objects, or not a NativeDicomModel document, gives one failure (0xC000) with no UIDs
     */
    static List<Assembled> assemble(List<Part> parts, String metadataType, BlobStore blobs) {
        Map<String, List<Part>> bulk = new LinkedHashMap<>();
        for (Part part : parts) {
            if (!isMetadata(part, metadataType) && part.contentLocation() != null) {
                bulk.computeIfAbsent(part.contentLocation().trim(), k -> new ArrayList<>()).add(part);
            }
        }
        List<Assembled> assembled = new ArrayList<>();
        for (Part part : parts) {
            if (!isMetadata(part, metadataType)) {
                continue;
            }
            if (DicomMediaTypes.DICOM_XML.equals(metadataType)) {
                assembled.add(assembleXml(part, bulk, blobs));
                continue;
            }
            JsonNode metadata;
            try {
                metadata = MAPPER.readTree(part.file().toFile());
            } catch (IOException | RuntimeException e) {
                assembled.add(failure(null, null, FailureReason.CANNOT_UNDERSTAND));
                continue;
            }
            if (metadata != null && metadata.isObject()) {
                metadata = MAPPER.createArrayNode().add(metadata);
            }
            if (metadata == null || !metadata.isArray() || metadata.isEmpty()) {
                assembled.add(failure(null, null, FailureReason.CANNOT_UNDERSTAND));
                continue;
            }
            for (JsonNode dataset : metadata) {
                assembled.add(assembleOne(dataset, bulk, blobs));
            }
        }
        return assembled;
    }

    /** PS3.19: one document, one data set. */
    private static Assembled assembleXml(Part part, Map<String, List<Part>> bulk, BlobStore blobs) {
        JsonNode dataset;
        try (InputStream in = Files.newInputStream(part.file())) {
            dataset = DicomXmlReader.toJson(in);
        } catch (InvalidDicomException e) {
            LOG.debugf("metadata refused: %s", e.getMessage());
            return failure(null, null, FailureReason.CANNOT_UNDERSTAND);
        } catch (IOException | RuntimeException e) {
            return failure(null, null, FailureReason.CANNOT_UNDERSTAND);
        }
        return assembleOne(dataset, bulk, blobs);
    }

    private static Assembled assembleOne(JsonNode dataset, Map<String, List<Part>> bulk, BlobStore blobs) {
        String sopClass = uid(dataset, "00080016");
        String sopInstance = uid(dataset, "00080018");
        try {
            DicomJsonReader.Result read = DicomJsonReader.read(dataset, uri -> nested(bulk, uri));
            String transferSyntax = TransferSyntaxes.EXPLICIT_VR_LITTLE_ENDIAN;
            Map<AttributeTag, Part10Writer.FileValue> values = new LinkedHashMap<>();
            for (DicomJsonReader.Deferred deferred : read.deferred().values()) {
                List<Part> found = bulk.get(deferred.uri().trim());
                if (found == null) {
                    LOG.debugf("no bulk data part for a BulkDataURI");
                    return failure(sopClass, sopInstance, FailureReason.CANNOT_UNDERSTAND);
                }
                String syntax = syntaxOf(found.get(0).contentType());
                if (syntax == null) {
                    return failure(sopClass, sopInstance, FailureReason.TRANSFER_SYNTAX_NOT_SUPPORTED);
                }
                boolean encapsulated = !TransferSyntaxes.isNative(syntax);
                if (encapsulated) {
                    if (!deferred.tag().equals(TagFromName.PixelData) || !TransferSyntaxes.isSupported(syntax)) {
                        return failure(sopClass, sopInstance, encapsulated && !TransferSyntaxes.isSupported(syntax)
                                ? FailureReason.TRANSFER_SYNTAX_NOT_SUPPORTED
                                : FailureReason.CANNOT_UNDERSTAND);
                    }
                    for (Part frame : found) {
                        if (!syntax.equals(syntaxOf(frame.contentType()))) {
                            return failure(sopClass, sopInstance, FailureReason.CANNOT_UNDERSTAND);
                        }
                    }
                    transferSyntax = syntax;
                }
                // Compressed frames are OB (PS3.5 §A.4); native values keep the metadata's VR.
                values.put(deferred.tag(), new Part10Writer.FileValue(encapsulated ? "OB" : deferred.vr(),
                        found.stream().map(Part::file).toList(), encapsulated));
            }
            return write(read, transferSyntax, values, blobs, sopClass, sopInstance);
        } catch (InvalidDicomException e) {
            LOG.debugf("metadata refused: %s", e.getMessage());
            return failure(sopClass, sopInstance, FailureReason.CANNOT_UNDERSTAND);
        } catch (IOException | RuntimeException e) {
            LOG.debugf("metadata refused: %s", e.getClass().getSimpleName());
            return failure(sopClass, sopInstance, FailureReason.CANNOT_UNDERSTAND);
        }
    }

    private static Assembled write(DicomJsonReader.Result read, String transferSyntax,
            Map<AttributeTag, Part10Writer.FileValue> values, BlobStore blobs, String sopClass, String sopInstance)
            throws IOException, InvalidDicomException {
        Path file = blobs.newStagingFile();
        try {
            MessageDigest sha = Sha256.newDigest();
            try (OutputStream out = new DigestOutputStream(Files.newOutputStream(file), sha)) {
                Part10Writer.write(out, read.attributes(), transferSyntax, values);
            }
            return new Assembled(file, Sha256.hex(sha), null);
        } catch (IOException e) {
            BlobStore.discardStaged(file);
            LOG.warnf("assembling an instance failed: %s", e.getClass().getSimpleName());
            return failure(sopClass, sopInstance, FailureReason.OUT_OF_RESOURCES);
        } catch (InvalidDicomException | RuntimeException e) {
            BlobStore.discardStaged(file);
            throw e;
        }
    }

    private static byte[] nested(Map<String, List<Part>> bulk, String uri) throws IOException, InvalidDicomException {
        List<Part> found = bulk.get(uri.trim());
        if (found == null || found.size() != 1 || syntaxOf(found.get(0).contentType()) == null
                || !TransferSyntaxes.isNative(syntaxOf(found.get(0).contentType()))) {
            throw new InvalidDicomException("no uncompressed bulk data part for a nested BulkDataURI");
        }
        if (Files.size(found.get(0).file()) > MAX_NESTED_BULK) {
            throw new InvalidDicomException("nested bulk data too large");
        }
        return Files.readAllBytes(found.get(0).file());
    }

    /**
     * The transfer syntax a bulk data part is in: its {@code transfer-syntax} parameter, else the
     * media type's default; {@code application/octet-stream} is Explicit VR Little Endian
     * (§8.7.3.3.2). Null for a media type that carries no DICOM bulk data.
     */
    static String syntaxOf(String contentType) {
        ContentType type;
        try {
            type = ContentType.parse(contentType == null ? DicomMediaTypes.OCTET_STREAM : contentType);
        } catch (IllegalArgumentException e) {
            return null;
        }
        String given = type.param("transfer-syntax");
        String media = type.mediaType();
        if (media.equals(DicomMediaTypes.OCTET_STREAM)) {
            if (given == null || given.equals("*") || TransferSyntaxes.isNative(given.trim())) {
                return TransferSyntaxes.EXPLICIT_VR_LITTLE_ENDIAN;
            }
            return given.trim();
        }
        String fallback = DEFAULT_SYNTAX.get(media.toLowerCase(Locale.ROOT));
        if (fallback == null) {
            return null;
        }
        return given == null ? fallback : given.trim();
    }

    private static String mediaType(String contentType) {
        try {
            return contentType == null ? null : ContentType.parse(contentType).mediaType();
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static String uid(JsonNode dataset, String key) {
        JsonNode value = dataset == null ? null : dataset.path(key).path("Value").path(0);
        return value != null && value.isTextual() ? value.asText() : null;
    }

    private static Assembled failure(String sopClass, String sopInstance, FailureReason reason) {
        return new Assembled(null, null, new StowResult.Failed(sopClass, sopInstance, reason));
    }
}
