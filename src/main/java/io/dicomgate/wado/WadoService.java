package io.dicomgate.wado;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.StreamingOutput;

import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.AttributeTag;
import com.pixelmed.dicom.DicomException;
import com.pixelmed.dicom.FileMetaInformation;
import com.pixelmed.dicom.TagFromName;

import io.dicomgate.access.Caller;
import io.dicomgate.dicom.AcceptHeader;
import io.dicomgate.dicom.ByteRange;
import io.dicomgate.dicom.DicomMediaTypes;
import io.dicomgate.dicom.DicomModelRepresentation;
import io.dicomgate.dicom.DicomXmlWriter;
import io.dicomgate.dicom.FrameLocator;
import io.dicomgate.dicom.InvalidDicomException;
import io.dicomgate.dicom.InvalidRequestException;
import io.dicomgate.dicom.MultipartWriter;
import io.dicomgate.dicom.NotAcceptableException;
import io.dicomgate.dicom.Part10Scanner;
import io.dicomgate.dicom.PixelDataLocation;
import io.dicomgate.dicom.ResourceNotFoundException;
import io.dicomgate.dicom.TransferSyntaxes;
import io.dicomgate.index.Instance;
import io.dicomgate.index.StudyMetadata;
import io.dicomgate.storage.BlobStore;
import io.dicomgate.web.OperationForbiddenException;
import io.dicomgate.web.ServiceBusyException;
import io.dicomgate.web.HeapBulkhead;

/**
 * WADO-RS Retrieve (PS3.18 §10.4): instances, metadata, bulk data and frames, streamed from the
 * stored files. Every request first resolves the study's patient and asks the access policy;
 * a refusal is indistinguishable from a study that does not exist.
 */
@ApplicationScoped
public class WadoService {

    private static final String PIXEL_DATA = "7FE00010";
    private static final org.jboss.logging.Logger LOG = org.jboss.logging.Logger.getLogger(WadoService.class);

    private final StudyMetadata metadata;
    private final BlobStore blobs;
    private final RetrieveGuard guard;
    private final HeapBulkhead bulkhead;

    public WadoService(StudyMetadata metadata, BlobStore blobs, RetrieveGuard guard, HeapBulkhead bulkhead) {
        this.bulkhead = bulkhead;
        this.metadata = metadata;
        this.blobs = blobs;
        this.guard = guard;
    }

    /**
     * PS3.18 §10.4.1.1.1: study, series or instance as {@code application/dicom}, in the stored or a
     * transcoded transfer syntax (§8.7.3.5.2; the matrix is {@link Transcoder}'s). A single instance
     * is transcoded before the response starts, so a bit stream the decoder rejects is still a 406;
     * in a multipart response of several instances each is transcoded when its turn comes.
     */
    public Response retrieve(RetrieveRequest request, AcceptHeader accept, Caller caller) {
        List<Instance> selected = select(request, caller);
        if (caller.share() != null && !caller.share().download()) {
            // Readable (else 404 above), but this link lets its recipient view, not take the files.
            throw new OperationForbiddenException("this shared link allows viewing the images, not downloading them");
        }
        List<Transcoder.Stored> stored = selected.stream().map(WadoService::stored).toList();
        RetrieveNegotiation.DicomChoice choice = RetrieveNegotiation.dicom(accept, stored,
                request.instanceUid() != null);
        if (selected.size() == 1) {
            Instance only = selected.get(0);
            String ts = sentSyntax(choice.transferSyntax(), only);
            byte[] transcoded = null;
            if (!ts.equals(only.transferSyntaxUid)) {
                try (HeapBulkhead.Permit permit = bulkhead.acquire(transcodeBytes(only))) {
                    transcoded = transcodeOr406(only, ts);
                }
            }
            byte[] converted = transcoded;
            StreamingOutput content = out -> {
                if (converted != null) {
                    out.write(converted);
                } else {
                    writeInstance(only, ts, out);
                }
            };
            if (!choice.multipart()) {
                return Response.ok(content, DicomMediaTypes.DICOM + "; transfer-syntax=" + ts).build();
            }
            String boundary = MultipartWriter.newBoundary();
            StreamingOutput body = out -> {
                MultipartWriter multipart = new MultipartWriter(out, boundary);
                multipart.startPart(DicomMediaTypes.DICOM + "; transfer-syntax=" + ts, null);
                content.write(multipart.body());
                multipart.endPart();
                multipart.finish();
            };
            return Response.ok(body, MultipartWriter.contentType(DicomMediaTypes.DICOM, boundary)).build();
        }
        // Transcoding holds one instance at a time: the bulkhead share of the largest, taken before the
        // response starts (503 when spent), returned when the body is written.
        long heap = 0;
        for (Instance instance : selected) {
            if (!sentSyntax(choice.transferSyntax(), instance).equals(instance.transferSyntaxUid)) {
                heap = Math.max(heap, transcodeBytes(instance));
            }
        }
        HeapBulkhead.Permit permit = heap == 0 ? null : bulkhead.acquire(heap);
        String boundary = MultipartWriter.newBoundary();
        StreamingOutput body = out -> {
            try {
                MultipartWriter multipart = new MultipartWriter(out, boundary);
                for (Instance instance : selected) {
                    String ts = sentSyntax(choice.transferSyntax(), instance);
                    multipart.startPart(DicomMediaTypes.DICOM + "; transfer-syntax=" + ts, null);
                    writeInstance(instance, ts, multipart.body());
                    multipart.endPart();
                }
                multipart.finish();
            } finally {
                if (permit != null) {
                    permit.close();
                }
            }
        };
        return Response.ok(body, MultipartWriter.contentType(DicomMediaTypes.DICOM, boundary)).build();
    }

    /**
     * PS3.18 §10.4.1.1.2: metadata as a DICOM JSON array (default), or as
     * {@code multipart/related; type="application/dicom+xml"} with one PS3.19 document per instance
     * (§10.4.3.3.2); both come from the DICOM JSON precomputed at store time, so no file is opened, read
     * page by page while the response is written ({@link StudyMetadata}).
     * BulkDataURIs point at this service as the client addressed it.
     */
    public Response metadata(RetrieveRequest request, AcceptHeader accept, Caller caller, String serviceUrl) {
        DicomModelRepresentation representation = DicomModelRepresentation.choose(accept, "metadata");
        guard.requireStudy(request, caller);
        StudyMetadata.Page first = metadata.page(request.studyUid(), request.seriesUid(), request.instanceUid(), null);
        if (first.members().isEmpty()) {
            throw new ResourceNotFoundException();
        }
        String from = "\"" + "{+SERVICE}" + "/";
        String to = "\"" + serviceUrl + "/";
        if (representation == DicomModelRepresentation.XML) {
            String boundary = MultipartWriter.newBoundary();
            StreamingOutput body = out -> {
                MultipartWriter multipart = new MultipartWriter(out, boundary);
                forEachMetadata(request, first, (index, members) -> {
                    multipart.startPart(DicomMediaTypes.DICOM_XML, null);
                    DicomXmlWriter.writeMembers(multipart.body(), members.replace(from, to));
                    multipart.endPart();
                });
                multipart.finish();
            };
            return Response.ok(body, MultipartWriter.contentType(DicomMediaTypes.DICOM_XML, boundary)).build();
        }
        StreamingOutput body = out -> {
            out.write('[');
            forEachMetadata(request, first, (index, members) -> {
                if (index > 0) {
                    out.write(',');
                }
                out.write('{');
                out.write(members.replace(from, to).getBytes(StandardCharsets.UTF_8));
                out.write('}');
            });
            out.write(']');
        };
        return Response.ok(body, DicomMediaTypes.DICOM_JSON).build();
    }

    /** What is done with the metadata of one instance, the {@code index}th of the response. */
    private interface MetadataSink {
        void accept(int index, String members) throws IOException;
    }

    /** The metadata of the instances addressed, page by page from {@code first} ({@link StudyMetadata}). */
    private void forEachMetadata(RetrieveRequest request, StudyMetadata.Page first, MetadataSink sink)
            throws IOException {
        int index = 0;
        for (StudyMetadata.Page page = first; ; page = metadata.page(request.studyUid(), request.seriesUid(),
                request.instanceUid(), page.next())) {
            for (String members : page.members()) {
                sink.accept(index++, members);
            }
            if (page.next() == null) {
                return;
            }
        }
    }

    /** PS3.18 §10.4.1.1.3: the value of one bulk data attribute of an instance. */
    public Response bulkdata(RetrieveRequest request, String tag, AcceptHeader accept, Caller caller) {
        if (!tag.matches("[0-9A-Fa-f]{8}")) {
            throw new InvalidRequestException("bulk data is addressed by an 8-digit hexadecimal tag");
        }
        Instance instance = selectOne(request, caller);
        if (tag.equalsIgnoreCase(PIXEL_DATA)) {
            int frames = instance.numberOfFrames == null ? 1 : instance.numberOfFrames;
            List<Integer> all = new ArrayList<>();
            for (int f = 1; f <= frames; f++) {
                all.add(f);
            }
            return frames(instance, all, accept);
        }
        RetrieveNegotiation.OctetChoice choice = RetrieveNegotiation.octets(accept,
                new Transcoder.Stored(TransferSyntaxes.EXPLICIT_VR_LITTLE_ENDIAN, 8, 1));
        byte[] value = attributeValue(instance, tag);
        String boundary = MultipartWriter.newBoundary();
        StreamingOutput body = out -> {
            MultipartWriter multipart = new MultipartWriter(out, boundary);
            multipart.startPart(choice.partType(), null);
            out.write(value);
            multipart.endPart();
            multipart.finish();
        };
        return Response.ok(body, MultipartWriter.contentType(choice.partType(), boundary)).build();
    }

    /** PS3.18 §10.4.1.1.4: frames of an instance, in the order asked, one part each. */
    public Response frames(RetrieveRequest request, String frameList, AcceptHeader accept, Caller caller) {
        List<Integer> numbers = parseFrameList(frameList);
        Instance instance = selectOne(request, caller);
        return frames(instance, numbers, accept);
    }

    private Response frames(Instance instance, List<Integer> numbers, AcceptHeader accept) {
        if (instance.pixelLength == null) {
            // No Pixel Data, or an encoding (deflate) whose frames cannot be located in the file.
            if (TransferSyntaxes.DEFLATED_EXPLICIT_VR_LITTLE_ENDIAN.equals(instance.transferSyntaxUid)) {
                throw new NotAcceptableException("frames of deflated instances are not available");
            }
            throw new ResourceNotFoundException();
        }
        int frameCount = instance.numberOfFrames == null ? 1 : instance.numberOfFrames;
        for (int n : numbers) {
            if (n > frameCount) {
                throw new ResourceNotFoundException();
            }
        }
        RetrieveNegotiation.OctetChoice choice = RetrieveNegotiation.octets(accept, stored(instance));
        if (choice.decode()) {
            return decodedFrames(localFile(instance), instance.transferSyntaxUid, numbers);
        }
        // Native Pixel Data is located from the index (its value offset and length were recorded from the
        // same immutable bytes when the object was stored); encapsulated needs its fragment items, scanned
        // through the object's channel (on S3, ranged GETs of the header and item tags only). Either way the
        // object is opened and sized here, so an unreachable store is a 503 before the response starts.
        List<List<ByteRange>> ranges = new ArrayList<>();
        try (SeekableByteChannel channel = blobs.open(instance.blobKey)) {
            long size = channel.size();
            PixelDataLocation pixels = nativePixels(instance);
            if (pixels == null) {
                pixels = Part10Scanner.scan(channel).pixelData();
            }
            for (int n : numbers) {
                ranges.add(FrameLocator.frame(size, pixels, n, frameCount, nz(instance.rows), nz(instance.columns),
                        instance.samplesPerPixel == null ? 1 : instance.samplesPerPixel, nz(instance.bitsAllocated)));
            }
        } catch (InvalidDicomException e) {
            throw new NotAcceptableException("frames of this instance cannot be located");
        } catch (IOException e) {
            LOG.warnf("stored object unavailable: %s", e.getClass().getSimpleName());
            throw new ServiceBusyException("the image store is unavailable", 5);
        }
        boolean swap = TransferSyntaxes.EXPLICIT_VR_BIG_ENDIAN.equals(instance.transferSyntaxUid)
                && nz(instance.bitsAllocated) == 16;
        String partType = choice.partType() + "; transfer-syntax=" + choice.transferSyntax();
        String boundary = MultipartWriter.newBoundary();
        StreamingOutput body = out -> {
            MultipartWriter multipart = new MultipartWriter(out, boundary);
            try (SeekableByteChannel channel = blobs.open(instance.blobKey)) {
                for (List<ByteRange> frame : ranges) {
                    multipart.startPart(partType, null);
                    for (ByteRange range : frame) {
                        StoredBytes.copy(channel, range.offset(), range.length(), out, swap);
                    }
                    multipart.endPart();
                }
            }
            multipart.finish();
        };
        return Response.ok(body, MultipartWriter.contentType(choice.partType(), boundary)).build();
    }

    /** The native Pixel Data's location as indexed, or null when it is encapsulated (or was not indexed). */
    private static PixelDataLocation nativePixels(Instance instance) {
        if (instance.pixelVr == null || instance.pixelOffset == null || instance.pixelLength == null
                || instance.pixelLength < 0) {
            return null;
        }
        return new PixelDataLocation(instance.pixelVr, instance.pixelOffset, instance.pixelLength, List.of(), new long[0]);
    }

    /**
     * Encapsulated frames asked for as uncompressed {@code application/octet-stream} (PS3.18
     * §8.7.3.5.2 default Explicit VR Little Endian), decoded one frame at a time from that frame's
     * fragments only ({@link SingleFrameDecoder}): a viewer paging through N frames pays N frame
     * decodes, not N instance decodes. The first frame is decoded before the response starts (406 if
     * the bit stream cannot be decoded); one decoded frame is held at a time, under the heap bulkhead.
     */
    private Response decodedFrames(Path file, String transferSyntax, List<Integer> numbers) {
        SingleFrameDecoder frames;
        byte[] first;
        try {
            frames = SingleFrameDecoder.open(file, transferSyntax);
            bulkhead.acquire(frames.frameBytes() * 4); // held while the frames are written, returned at request end
            first = frames.decode(numbers.get(0));
        } catch (Transcoder.TranscodeException e) {
            LOG.debugf(e, "decoding frames failed");
            throw new NotAcceptableException("the frames of this instance cannot be decoded");
        }
        String partType = DicomMediaTypes.OCTET_STREAM + "; transfer-syntax=" + TransferSyntaxes.EXPLICIT_VR_LITTLE_ENDIAN;
        String boundary = MultipartWriter.newBoundary();
        StreamingOutput body = out -> {
            MultipartWriter multipart = new MultipartWriter(out, boundary);
            for (int k = 0; k < numbers.size(); k++) {
                byte[] pixels;
                try {
                    pixels = k == 0 ? first : frames.decode(numbers.get(k));
                } catch (Transcoder.TranscodeException e) {
                    // The response has started: all that is left is to end it short of its closing boundary.
                    throw new IOException("frame " + numbers.get(k) + " cannot be decoded", e);
                }
                multipart.startPart(partType, null);
                out.write(pixels);
                multipart.endPart();
            }
            multipart.finish();
        };
        return Response.ok(body, MultipartWriter.contentType(DicomMediaTypes.OCTET_STREAM, boundary)).build();
    }

    /** "1,3,5" → [1, 3, 5]; 1-based, as PS3.18 §10.4.1.1.4 lists them. */
    static List<Integer> parseFrameList(String frameList) {
        List<Integer> numbers = new ArrayList<>();
        for (String part : frameList.split(",", -1)) {
            try {
                int n = Integer.parseInt(part.trim());
                if (n < 1) {
                    throw new NumberFormatException();
                }
                numbers.add(n);
            } catch (NumberFormatException e) {
                throw new InvalidRequestException("frame list must be positive integers separated by commas");
            }
        }
        return numbers;
    }

    /**
     * The instances a retrieve addresses, after the access decision and with the audit filled in —
     * for other representations of the same resources (rendered, thumbnails). Throws as
     * {@link #retrieve} does: 404 for unknown or hidden, 400 for malformed UIDs.
     */
    public List<Instance> authorizedInstances(RetrieveRequest request, Caller caller) {
        return select(request, caller);
    }

    /**
     * A local file with a stored instance's bytes, for readers that need a path (on S3 a copy in the
     * read cache); 503 when the store cannot be reached.
     */
    public java.nio.file.Path file(Instance instance) {
        return localFile(instance);
    }

    private Path localFile(Instance instance) {
        try {
            return blobs.path(instance.blobKey);
        } catch (IOException e) {
            LOG.warnf("stored object unavailable: %s", e.getClass().getSimpleName());
            throw new ServiceBusyException("the image store is unavailable", 5);
        }
    }

    private List<Instance> select(RetrieveRequest request, Caller caller) {
        return guard.select(request, caller);
    }

    private Instance selectOne(RetrieveRequest request, Caller caller) {
        return select(request, caller).get(0);
    }

    private static String sentSyntax(String chosen, Instance instance) {
        return chosen.equals(RetrieveNegotiation.AS_STORED) ? instance.transferSyntaxUid : chosen;
    }

    /**
     * Heap a transcoding of this instance may hold (the whole instance is converted in memory): its
     * decoded pixels about three times over, and its stored bytes twice.
     */
    private static long transcodeBytes(Instance i) {
        long decoded = (long) nz(i.rows) * nz(i.columns) * (i.samplesPerPixel == null ? 1 : i.samplesPerPixel)
                * Math.max(1, (nz(i.bitsAllocated) + 7) / 8) * (i.numberOfFrames == null ? 1 : Math.max(1, i.numberOfFrames));
        return decoded * 3 + i.sizeBytes * 2;
    }

    private static Transcoder.Stored stored(Instance instance) {
        return new Transcoder.Stored(instance.transferSyntaxUid, nz(instance.bitsAllocated),
                instance.samplesPerPixel == null ? 1 : instance.samplesPerPixel);
    }

    private byte[] transcodeOr406(Instance instance, String transferSyntax) {
        try {
            return Transcoder.transcode(localFile(instance), transferSyntax);
        } catch (Transcoder.TranscodeException e) {
            LOG.debugf(e, "transcoding failed");
            throw new NotAcceptableException("this instance cannot be transcoded to " + transferSyntax);
        }
    }

    /** The stored bytes, or a transcoding the negotiation admitted. */
    private void writeInstance(Instance instance, String transferSyntax, OutputStream out) throws IOException {
        if (transferSyntax.equals(instance.transferSyntaxUid)) {
            try (SeekableByteChannel channel = blobs.open(instance.blobKey)) {
                StoredBytes.copy(channel, 0, channel.size(), out, false);
            }
            return;
        }
        try {
            out.write(Transcoder.transcode(localFile(instance), transferSyntax));
        } catch (Transcoder.TranscodeException e) {
            // Headers are sent: the client sees a truncated multipart body, never a wrong instance.
            LOG.errorf("transcoding %s to %s failed mid-response", instance.transferSyntaxUid, transferSyntax);
            throw new IOException("transcoding failed", e);
        }
    }

    private byte[] attributeValue(Instance instance, String tag) {
        int t = (int) Long.parseLong(tag, 16);
        AttributeTag attributeTag = new AttributeTag(t >>> 16, t & 0xFFFF);
        try {
            AttributeList list = new AttributeList();
            list.read(localFile(instance).toString(), TagFromName.PixelData);
            Attribute attribute = list.get(attributeTag);
            if (attribute == null || !isBinary(attribute.getVRAsString())) {
                throw new ResourceNotFoundException();
            }
            return attribute.getByteValues(true);
        } catch (IOException | DicomException e) {
            throw new ResourceNotFoundException();
        }
    }

    private static boolean isBinary(String vr) {
        return switch (vr) {
            case "OB", "OD", "OF", "OL", "OV", "OW", "UN" -> true;
            default -> false;
        };
    }

    private static int nz(Integer value) {
        return value == null ? 0 : value;
    }
}
