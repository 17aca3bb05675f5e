package io.dicomgate.render;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.BiFunction;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.StreamingOutput;

import org.jboss.logging.Logger;

import io.dicomgate.access.Caller;
import io.dicomgate.dicom.AcceptHeader;
import io.dicomgate.dicom.InvalidRequestException;
import io.dicomgate.dicom.MultipartWriter;
import io.dicomgate.dicom.NotAcceptableException;
import io.dicomgate.dicom.ResourceNotFoundException;
import io.dicomgate.dicom.TransferSyntaxes;
import io.dicomgate.index.Instance;
import io.dicomgate.render.FrameDecoder.StoredPixels;
import io.dicomgate.render.RenderedMediaType.Choice;
import io.dicomgate.wado.RetrieveRequest;
import io.dicomgate.wado.WadoService;
import io.dicomgate.web.HeapBulkhead;

/**
 * Rendered resources (PS3.18 §10.4.1.1.3) and thumbnails (§10.4.1.1.4). Instances are selected only
 * through {@link WadoService#authorizedInstances}, so unknown and hidden data answer the same 404
 * and every request is audited as a RETRIEVE. Query parameters and the media type are checked
 * before any data is looked at (400, 406); only the frames rendered are read from disk.
 *
 * <ul>
 * <li>Study, series: {@code multipart/related; type="image/…"}, one part per image instance, each
 * rendered as the instance resource would be (non-image instances are left out).</li>
 * <li>Instance: one image — the first frame of a multi-frame instance, or all frames as an
 * animated GIF when {@code image/gif} is named.</li>
 * <li>Frames: one image for one frame, else one part per frame in the order asked.</li>
 * <li>Thumbnail: one small image of a representative frame, never annotated (§10.4.3.3.4).</li>
 * </ul>
 */
@ApplicationScoped
public class RenderService {

    /** Thumbnails fit in this square unless the request gives a viewport. */
    public static final int THUMBNAIL_SIZE = 128;

    private static final Logger LOG = Logger.getLogger(RenderService.class);

    private final WadoService wado;
    private final RenderConfig limits;
    private final HeapBulkhead bulkhead;

    public RenderService(WadoService wado, RenderConfig limits, HeapBulkhead bulkhead) {
        this.wado = wado;
        this.limits = limits;
        this.bulkhead = bulkhead;
    }

    /**
     * Rendered study, series, instance or (with {@code frameList}) frames.
     *
     * <p>Cost ceiling, checked before any pixel is decoded ({@code 400} beyond it): at most
     * {@code dicomgate.render.max-frames} frame numbers, a viewport side of at most
     * {@code max-viewport} and at most {@code max-upscale} times its source region, at most
     * {@code max-gif-frames} frames in an animated GIF. Heap: the bulkhead's share for the largest
     * single frame, held while the body is written ({@code 503} + Retry-After when spent). Bodies of
     * several parts are rendered one part at a time, just before the part is written, so a client
     * that goes away stops the work at the next write.
     */
    public Response rendered(RetrieveRequest request, String frameList, AcceptHeader accept,
            Map<String, List<String>> query, Caller caller, String serviceUrl) {
        RenderParams params = RenderParams.parse(query);
        checkViewportSize(params);
        Choice choice = RenderedMediaType.negotiate(accept, true);
        List<Integer> frames = frameList == null ? null : parseFrameList(frameList, limits.maxFrames());
        List<Instance> selected = wado.authorizedInstances(request, caller);
        BiFunction<Integer, Integer, Viewports.Plan> plan = (w, h) -> Viewports.plan(params.viewport(), w, h);
        if (frames != null) {
            return frames(selected.get(0), frames, choice, params, plan, serviceUrl);
        }
        if (request.instanceUid() != null) {
            Instance instance = selected.get(0);
            if (!isImage(instance)) {
                throw new NotAcceptableException("this instance has no image to render");
            }
            byte[] image;
            try (HeapBulkhead.Permit permit = bulkhead.acquire(instanceBytes(instance, choice, params))) {
                image = renderInstance(instance, choice, params, plan);
            }
            if (!choice.multipart()) {
                return Response.ok(image, choice.type().mediaType()).build();
            }
            return multipart(choice.type(), List.of(new Part(image, renderedUrl(serviceUrl, instance))));
        }
        List<Instance> images = selected.stream().filter(RenderService::isImage).toList();
        if (images.isEmpty()) {
            throw new NotAcceptableException("no instance here has an image to render");
        }
        long heap = 0;
        for (Instance instance : images) {
            heap = Math.max(heap, instanceBytes(instance, choice, params));
        }
        HeapBulkhead.Permit permit = bulkhead.acquire(heap);
        String partType = choice.type().mediaType();
        String boundary = MultipartWriter.newBoundary();
        StreamingOutput body = out -> {
            try (permit) {
                MultipartWriter multipart = new MultipartWriter(out, boundary);
                for (Instance instance : images) {
                    byte[] image;
                    try {
                        image = renderInstance(instance, choice, params, plan);
                    } catch (RuntimeException e) {
                        // Headers are sent: an instance that cannot be rendered is left out, not the response broken.
                        LOG.warnf("instance left out of a rendered %s: %s",
                                request.seriesUid() == null ? "study" : "series", e.getClass().getSimpleName());
                        continue;
                    }
                    multipart.startPart(partType, renderedUrl(serviceUrl, instance));
                    multipart.body().write(image); // throws once the client has gone: the loop stops
                    multipart.endPart();
                }
                multipart.finish();
            }
        };
        return Response.ok(body, MultipartWriter.contentType(partType, boundary)).build();
    }

    /**
     * Thumbnail of a study (middle image of its first series with images), series (its middle
     * image), instance (its middle frame) or one frame.
     */
    public Response thumbnail(RetrieveRequest request, String frame, AcceptHeader accept,
            Map<String, List<String>> query, Caller caller) {
        RenderParams params = RenderParams.parse(query).withoutAnnotations();
        checkViewportSize(params);
        Choice choice = RenderedMediaType.negotiate(accept, false);
        Integer frameNumber = null;
        if (frame != null) {
            List<Integer> frames = parseFrameList(frame, limits.maxFrames());
            if (frames.size() != 1) {
                throw new InvalidRequestException("a thumbnail is of one frame");
            }
            frameNumber = frames.get(0);
        }
        List<Instance> selected = wado.authorizedInstances(request, caller);
        Instance instance = frameNumber != null || request.instanceUid() != null ? selected.get(0)
                : representative(selected);
        if (instance == null || !isImage(instance)) {
            if (instance != null && frameNumber != null && !deflated(instance)) {
                throw new ResourceNotFoundException(); // no frames at all
            }
            throw new NotAcceptableException("nothing here has an image to show as a thumbnail");
        }
        StoredPixels pixels = pixels(instance);
        ImageAttributes a = ImageAttributes.read(pixels.file());
        int n = frameNumber != null ? frameNumber : (a.numberOfFrames + 1) / 2;
        if (n > a.numberOfFrames) {
            throw new ResourceNotFoundException();
        }
        BiFunction<Integer, Integer, Viewports.Plan> plan = (w, h) -> Viewports.thumbnail(params.viewport(), w, h,
                THUMBNAIL_SIZE);
        Viewports.Plan p = checkedPlan(plan, instance);
        try (HeapBulkhead.Permit permit = bulkhead.acquire(frameBytes(instance, p))) {
            var image = FrameRenderer.render(pixels, a, n, params, plan);
            return Response.ok(ImageEncoder.encode(image, choice.type(), params.jpegQuality()),
                    choice.type().mediaType()).build();
        }
    }

    private Response frames(Instance instance, List<Integer> numbers, Choice choice, RenderParams params,
            BiFunction<Integer, Integer, Viewports.Plan> plan, String serviceUrl) {
        if (!isImage(instance)) {
            if (deflated(instance)) {
                throw new NotAcceptableException("frames of deflated instances are not available");
            }
            throw new ResourceNotFoundException();
        }
        StoredPixels pixels = pixels(instance);
        ImageAttributes a = ImageAttributes.read(pixels.file());
        for (int n : numbers) {
            if (n > a.numberOfFrames) {
                throw new ResourceNotFoundException();
            }
        }
        Viewports.Plan p = checkedPlan(plan, instance);
        HeapBulkhead.Permit permit = bulkhead.acquire(frameBytes(instance, p));
        String location = renderedUrl(serviceUrl, instance);
        if (numbers.size() == 1 && !choice.multipart()) {
            try (permit) {
                var image = FrameRenderer.render(pixels, a, numbers.get(0), params, plan);
                return Response.ok(ImageEncoder.encode(image, choice.type(), params.jpegQuality()),
                        choice.type().mediaType()).build();
            }
        }
        String boundary = MultipartWriter.newBoundary();
        StreamingOutput body = out -> {
            try (permit) {
                MultipartWriter multipart = new MultipartWriter(out, boundary);
                for (int n : numbers) {
                    // Rendered just before it is written: one frame on the heap, and a client that has gone
                    // away makes the next write throw, which ends the loop.
                    byte[] image = ImageEncoder.encode(FrameRenderer.render(pixels, a, n, params, plan), choice.type(),
                            params.jpegQuality());
                    multipart.startPart(choice.type().mediaType(), location.replace("/rendered", "/frames/" + n + "/rendered"));
                    multipart.body().write(image);
                    multipart.endPart();
                }
                multipart.finish();
            }
        };
        return Response.ok(body, MultipartWriter.contentType(choice.type().mediaType(), boundary)).build();
    }

    /**
     * One instance as an image: its first frame, or every frame as an animated GIF when the
     * client named {@code image/gif} (PS3.18 Table 8.7.4-1: GIF for multi-frame images).
     */
    private byte[] renderInstance(Instance instance, Choice choice, RenderParams params,
            BiFunction<Integer, Integer, Viewports.Plan> plan) {
        StoredPixels pixels = pixels(instance);
        ImageAttributes a = ImageAttributes.read(pixels.file());
        if (gif(instance, choice)) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            try (ImageEncoder.AnimatedGif gif = new ImageEncoder.AnimatedGif(out, a.frameTimeMs)) {
                for (int f = 1; f <= a.numberOfFrames; f++) {
                    gif.add(FrameRenderer.render(pixels, a, f, params, plan)); // one decoded frame at a time
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return out.toByteArray();
        }
        return ImageEncoder.encode(FrameRenderer.render(pixels, a, 1, params, plan), choice.type(),
                params.jpegQuality());
    }

    private static boolean gif(Instance instance, Choice choice) {
        return frameCount(instance) > 1 && choice.type() == RenderedMediaType.GIF && choice.explicit();
    }

    private static int frameCount(Instance instance) {
        return instance.numberOfFrames == null ? 1 : Math.max(1, instance.numberOfFrames);
    }

    /** The viewport's own size, before any data is read. */
    private void checkViewportSize(RenderParams params) {
        var v = params.viewport();
        if (v != null && (v.vw() > limits.maxViewport() || v.vh() > limits.maxViewport())) {
            throw new InvalidRequestException("viewport sides may be at most " + limits.maxViewport() + " pixels");
        }
    }

    /** The output plan for this instance, refused when it enlarges the source region beyond max-upscale. */
    private Viewports.Plan checkedPlan(BiFunction<Integer, Integer, Viewports.Plan> plan, Instance instance) {
        Viewports.Plan p = plan.apply(instance.columns, instance.rows);
        int up = limits.maxUpscale();
        if ((long) p.outWidth() > (long) Math.abs(p.width()) * up || (long) p.outHeight() > (long) Math.abs(p.height()) * up) {
            throw new InvalidRequestException("a viewport may enlarge the image at most " + up + " times");
        }
        return p;
    }

    private static long frameBytes(Instance i, Viewports.Plan p) {
        return HeapBulkhead.frameBytes(i.rows, i.columns, i.samplesPerPixel == null ? 1 : i.samplesPerPixel,
                i.bitsAllocated == null ? 16 : i.bitsAllocated, p.outWidth(), p.outHeight());
    }

    /** Heap for rendering this instance as the instance resource does (and checks its limits: 400). */
    private long instanceBytes(Instance instance, Choice choice, RenderParams params) {
        Viewports.Plan p = checkedPlan((w, h) -> Viewports.plan(params.viewport(), w, h), instance);
        long bytes = frameBytes(instance, p);
        if (gif(instance, choice)) {
            if (frameCount(instance) > limits.maxGifFrames()) {
                throw new InvalidRequestException("an animated GIF has at most " + limits.maxGifFrames()
                        + " frames; ask for frames or another media type");
            }
            bytes += (long) frameCount(instance) * p.outWidth() * p.outHeight(); // the GIF is built in memory
        }
        return bytes;
    }

    /** The middle image instance of the first series that has images; null when none has. */
    static Instance representative(List<Instance> ordered) {
        List<Instance> series = new ArrayList<>();
        Object current = null;
        for (Instance i : ordered) {
            Object key = i.series == null ? null : i.series.pk;
            if (!series.isEmpty() && !Objects.equals(key, current)) {
                break;
            }
            if (isImage(i)) {
                series.add(i);
                current = key;
            }
        }
        return series.isEmpty() ? null : series.get(series.size() / 2);
    }

    /** "1,3,5" → [1, 3, 5] (PS3.18 §10.4.1.1.4 numbering, 1-based); more than {@code max} numbers is 400. */
    static List<Integer> parseFrameList(String frameList, int max) {
        List<Integer> numbers = new ArrayList<>();
        for (String part : frameList.split(",", -1)) {
            String p = part.trim();
            if (!p.matches("[0-9]{1,9}") || Integer.parseInt(p) < 1) {
                throw new InvalidRequestException("frame list must be positive integers separated by commas");
            }
            if (numbers.size() == max) {
                throw new InvalidRequestException("at most " + max + " frame" + (max == 1 ? "" : "s") + " per request");
            }
            numbers.add(Integer.parseInt(p));
        }
        return numbers;
    }

    /** Whether the index says the instance has pixels this service can decode. */
    static boolean isImage(Instance i) {
        return i.rows != null && i.columns != null && i.pixelVr != null && FrameDecoder.supports(pixels(i, null));
    }

    private static boolean deflated(Instance i) {
        return TransferSyntaxes.DEFLATED_EXPLICIT_VR_LITTLE_ENDIAN.equals(i.transferSyntaxUid);
    }

    private StoredPixels pixels(Instance i) {
        return pixels(i, wado.file(i));
    }

    private static StoredPixels pixels(Instance i, java.nio.file.Path file) {
        return new StoredPixels(file, i.transferSyntaxUid, i.pixelVr, i.pixelOffset, i.pixelLength);
    }

    private static String renderedUrl(String serviceUrl, Instance i) {
        return serviceUrl + "/studies/" + i.series.study.studyUid + "/series/" + i.series.seriesUid + "/instances/"
                + i.sopInstanceUid + "/rendered";
    }

    private record Part(byte[] body, String location) {
    }

    private static Response multipart(RenderedMediaType type, List<Part> parts) {
        String boundary = MultipartWriter.newBoundary();
        StreamingOutput body = out -> {
            MultipartWriter multipart = new MultipartWriter(out, boundary);
            for (Part part : parts) {
                multipart.startPart(type.mediaType(), part.location());
                multipart.body().write(part.body());
                multipart.endPart();
            }
            multipart.finish();
        };
        return Response.ok(body, MultipartWriter.contentType(type.mediaType(), boundary)).build();
    }
}
