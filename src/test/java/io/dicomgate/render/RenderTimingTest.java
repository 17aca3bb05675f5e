package io.dicomgate.render;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import org.junit.jupiter.api.Test;

import io.dicomgate.dicom.Part10Scanner;
import io.dicomgate.dicom.PixelDataLocation;
import io.dicomgate.testsupport.DicomFixtures;

/**
 * The pipeline alone, without HTTP, on a 512×512 16-bit CT frame: the sizes are asserted, the timings only
 * printed for the README (never asserted: a shared machine's timings prove nothing).
 */
class RenderTimingTest {

    /** A disc of soft tissue (CT values 0..199 after the -1024 intercept) in air. */
    static int[] ctPixels() {
        int[] v = new int[512 * 512];
        for (int i = 0; i < v.length; i++) {
            int x = i % 512 - 256;
            int y = i / 512 - 256;
            v[i] = x * x + y * y < 200 * 200 ? 1024 + (i * 31) % 200 : 0;
        }
        return v;
    }

    @Test
    void renderingA512CtFrame() throws Exception {
        Path file = Files.createTempFile("ct", ".dcm");
        try {
            Files.write(file, RenderFixtures.image(DicomFixtures.instance(), 512, 512).gray16(12, false, ctPixels())
                    .rescale("1", "-1024").window("40", "400").bytes());
            PixelDataLocation location = Part10Scanner.scan(file).pixelData();
            var pixels = new FrameDecoder.StoredPixels(file, DicomFixtures.EXPLICIT_LE, location.vr(),
                    location.valueOffset(), location.valueLength());
            long[] full = new long[40];
            long[] thumb = new long[40];
            for (int round = 0; round < 50; round++) {
                long t0 = System.nanoTime();
                ImageAttributes a = ImageAttributes.read(file);
                BufferedImage image = FrameRenderer.render(pixels, a, 1, RenderParams.NONE,
                        (w, h) -> Viewports.plan(null, w, h));
                byte[] jpeg = ImageEncoder.encode(image, RenderedMediaType.JPEG, 0.9f);
                long t1 = System.nanoTime();
                BufferedImage small = FrameRenderer.render(pixels, ImageAttributes.read(file), 1, RenderParams.NONE,
                        (w, h) -> Viewports.thumbnail(null, w, h, RenderService.THUMBNAIL_SIZE));
                byte[] thumbnail = ImageEncoder.encode(small, RenderedMediaType.JPEG, 0.9f);
                long t2 = System.nanoTime();
                assertEquals(512, image.getWidth());
                assertEquals(128, small.getWidth());
                assertTrue(jpeg.length > thumbnail.length);
                if (round >= 10) {
                    full[round - 10] = t1 - t0;
                    thumb[round - 10] = t2 - t1;
                }
            }
            Arrays.sort(full);
            Arrays.sort(thumb);
            System.out.printf("RENDER-TIMING in process, p50 of 40 after warm-up: 512x512 16-bit CT -> JPEG %.1f ms,"
                    + " -> 128x128 thumbnail JPEG %.1f ms (header read, decode, window, scale, encode)%n",
                    full[20] / 1e6, thumb[20] / 1e6);
        } finally {
            Files.deleteIfExists(file);
        }
    }
}
