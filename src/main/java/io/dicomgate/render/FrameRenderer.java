package io.dicomgate.render;

import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.awt.image.ColorModel;
import java.awt.image.DataBufferInt;
import java.awt.image.Raster;
import java.awt.image.WritableRaster;
import java.util.function.BiFunction;

import io.dicomgate.render.FrameDecoder.DecodedFrame;
import io.dicomgate.render.FrameDecoder.StoredPixels;
import io.dicomgate.render.RenderParams.Window;

/**
 * One frame from stored pixels to a displayable 8-bit image: decode ({@link FrameDecoder}),
 * grayscale pipeline ({@link Windowing}) or colour as is, viewport ({@link Viewports}), and the
 * annotations the request asked for ({@link Annotator}) — none unless asked.
 */
final class FrameRenderer {

    private FrameRenderer() {
    }

    /**
     * @param plan the viewport for a frame of the given width and height
     * @return {@code TYPE_BYTE_GRAY} for grayscale, {@code TYPE_INT_RGB} for colour
     */
    static BufferedImage render(StoredPixels pixels, ImageAttributes a, int frame, RenderParams params,
            BiFunction<Integer, Integer, Viewports.Plan> plan) {
        DecodedFrame decoded = FrameDecoder.decode(pixels, a, frame);
        int w = decoded.width();
        int h = decoded.height();
        BufferedImage image;
        Window applied = null;
        if (decoded.gray() != null) {
            Windowing.Result result = Windowing.apply(decoded.gray(), a, frame, params.window());
            applied = result.window();
            image = gray(result.pixels(), w, h);
        } else {
            image = rgb(decoded.rgb(), w, h);
        }
        BufferedImage out = Viewports.apply(image, plan.apply(w, h));
        if (!params.annotations().isEmpty()) {
            Annotator.draw(out, Annotator.lines(params.annotations(), a, applied, frame));
        }
        return out;
    }

    /** A {@code TYPE_BYTE_GRAY} image over the given pixels, not copied. */
    static BufferedImage gray(byte[] pixels, int w, int h) {
        WritableRaster raster = Raster.createInterleavedRaster(new DataBufferByte(pixels, w * h), w, h, w, 1,
                new int[] { 0 }, null);
        return new BufferedImage(GRAY, raster, false, null);
    }

    /** A {@code TYPE_INT_RGB} image over the given packed pixels, not copied. */
    static BufferedImage rgb(int[] pixels, int w, int h) {
        WritableRaster raster = Raster.createPackedRaster(new DataBufferInt(pixels, w * h), w, h, w,
                new int[] { 0xFF0000, 0xFF00, 0xFF }, null);
        return new BufferedImage(RGB, raster, false, null);
    }

    private static final ColorModel GRAY = new BufferedImage(1, 1, BufferedImage.TYPE_BYTE_GRAY).getColorModel();
    private static final ColorModel RGB = new BufferedImage(1, 1, BufferedImage.TYPE_INT_RGB).getColorModel();
}
