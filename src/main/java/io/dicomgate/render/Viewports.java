package io.dicomgate.render;

import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.awt.image.DataBufferInt;

import io.dicomgate.dicom.InvalidRequestException;
import io.dicomgate.render.RenderParams.Viewport;

/**
 * The viewport of PS3.18 §8.3.5.1.3: a region of the rendered frame (flipped when its width or
 * height is negative) scaled to fit the viewport with its aspect ratio kept. Downscaling averages
 * the source area behind each output pixel (no aliasing in thumbnails); upscaling interpolates
 * bilinearly.
 */
final class Viewports {

    private Viewports() {
    }

    /** Region of the source, flips and output size. */
    record Plan(int x, int y, int width, int height, boolean flipH, boolean flipV, int outWidth, int outHeight) {
        boolean identity(int sourceWidth, int sourceHeight) {
            return x == 0 && y == 0 && width == sourceWidth && height == sourceHeight && !flipH && !flipV
                    && outWidth == width && outHeight == height;
        }
    }

    /** The viewport of a rendered resource: the whole image at its own size when none is given. */
    static Plan plan(Viewport viewport, int width, int height) {
        if (viewport == null) {
            return new Plan(0, 0, width, height, false, false, width, height);
        }
        return fit(viewport, width, height, true);
    }

    /** A thumbnail: the viewport when given, else the image fitted in max × max, never enlarged. */
    static Plan thumbnail(Viewport viewport, int width, int height, int max) {
        if (viewport != null) {
            return fit(viewport, width, height, true);
        }
        return fit(new Viewport(max, max, 0, 0, 0, 0), width, height, false);
    }

    private static Plan fit(Viewport v, int width, int height, boolean enlarge) {
        int x0 = v.sx();
        int y0 = v.sy();
        // The region is clipped to the image; sw/sh of 0 (absent) mean "to the edge".
        int x1 = v.sw() == 0 ? width : (int) Math.min(width, (long) x0 + Math.abs((long) v.sw()));
        int y1 = v.sh() == 0 ? height : (int) Math.min(height, (long) y0 + Math.abs((long) v.sh()));
        if (x0 >= width || y0 >= height || x1 <= x0 || y1 <= y0) {
            throw new InvalidRequestException("viewport region lies outside the image");
        }
        int rw = x1 - x0;
        int rh = y1 - y0;
        double scale = Math.min((double) v.vw() / rw, (double) v.vh() / rh);
        if (!enlarge) {
            scale = Math.min(scale, 1);
        }
        int ow = (int) Math.max(1, Math.min(v.vw(), Math.round(rw * scale)));
        int oh = (int) Math.max(1, Math.min(v.vh(), Math.round(rh * scale)));
        return new Plan(x0, y0, rw, rh, v.sw() < 0, v.sh() < 0, ow, oh);
    }

    /** Applies the plan to an 8-bit gray ({@code TYPE_BYTE_GRAY}) or {@code TYPE_INT_RGB} image. */
    static BufferedImage apply(BufferedImage source, Plan plan) {
        if (plan.identity(source.getWidth(), source.getHeight())) {
            return source;
        }
        boolean gray = source.getType() == BufferedImage.TYPE_BYTE_GRAY;
        int channels = gray ? 1 : 3;
        int sw = source.getWidth();
        Axis ax = Axis.of(plan.x(), plan.width(), plan.outWidth(), plan.flipH());
        int ow = plan.outWidth();
        int oh = plan.outHeight();
        byte[] grayIn = gray ? ((DataBufferByte) source.getRaster().getDataBuffer()).getData() : null;
        int[] rgbIn = gray ? null : ((DataBufferInt) source.getRaster().getDataBuffer()).getData();

        // Horizontal pass over the rows the region needs: rows × ow × channels.
        int rowsNeeded = plan.height();
        float[] tmp = new float[rowsNeeded * ow * channels];
        for (int r = 0; r < rowsNeeded; r++) {
            int sy = plan.y() + r;
            int rowBase = sy * sw;
            for (int o = 0; o < ow; o++) {
                int[] idx = ax.index[o];
                float[] wt = ax.weight[o];
                int t = (r * ow + o) * channels;
                if (gray) {
                    float acc = 0;
                    for (int k = 0; k < idx.length; k++) {
                        acc += (grayIn[rowBase + idx[k]] & 0xFF) * wt[k];
                    }
                    tmp[t] = acc;
                } else {
                    float ar = 0;
                    float ag = 0;
                    float ab = 0;
                    for (int k = 0; k < idx.length; k++) {
                        int p = rgbIn[rowBase + idx[k]];
                        float w = wt[k];
                        ar += ((p >> 16) & 0xFF) * w;
                        ag += ((p >> 8) & 0xFF) * w;
                        ab += (p & 0xFF) * w;
                    }
                    tmp[t] = ar;
                    tmp[t + 1] = ag;
                    tmp[t + 2] = ab;
                }
            }
        }
        // Vertical pass: indices relative to the region, i.e. rows of tmp.
        Axis ayRel = Axis.of(0, plan.height(), oh, plan.flipV());
        BufferedImage out = new BufferedImage(ow, oh, gray ? BufferedImage.TYPE_BYTE_GRAY : BufferedImage.TYPE_INT_RGB);
        byte[] grayOut = gray ? ((DataBufferByte) out.getRaster().getDataBuffer()).getData() : null;
        int[] rgbOut = gray ? null : ((DataBufferInt) out.getRaster().getDataBuffer()).getData();
        for (int o = 0; o < oh; o++) {
            int[] idx = ayRel.index[o];
            float[] wt = ayRel.weight[o];
            for (int x = 0; x < ow; x++) {
                if (gray) {
                    float acc = 0;
                    for (int k = 0; k < idx.length; k++) {
                        acc += tmp[idx[k] * ow + x] * wt[k];
                    }
                    grayOut[o * ow + x] = (byte) clamp(acc);
                } else {
                    float ar = 0;
                    float ag = 0;
                    float ab = 0;
                    for (int k = 0; k < idx.length; k++) {
                        int t = (idx[k] * ow + x) * 3;
                        float w = wt[k];
                        ar += tmp[t] * w;
                        ag += tmp[t + 1] * w;
                        ab += tmp[t + 2] * w;
                    }
                    rgbOut[o * ow + x] = clamp(ar) << 16 | clamp(ag) << 8 | clamp(ab);
                }
            }
        }
        return out;
    }

    private static int clamp(float v) {
        int r = Math.round(v);
        return r < 0 ? 0 : r > 255 ? 255 : r;
    }

    /** For each output index along one axis: the source indices that contribute and their weights (summing to 1). */
    private record Axis(int[][] index, float[][] weight) {

        static Axis of(int offset, int length, int out, boolean flip) {
            int[][] index = new int[out][];
            float[][] weight = new float[out][];
            double scale = (double) length / out;
            for (int o = 0; o < out; o++) {
                if (out < length) {
                    // Area average: source interval [o*scale, (o+1)*scale).
                    double from = o * scale;
                    double to = (o + 1) * scale;
                    int first = (int) Math.floor(from);
                    int last = Math.min(length - 1, (int) Math.ceil(to) - 1);
                    int n = last - first + 1;
                    index[o] = new int[n];
                    weight[o] = new float[n];
                    for (int k = 0; k < n; k++) {
                        int i = first + k;
                        double overlap = Math.min(to, i + 1) - Math.max(from, i);
                        index[o][k] = source(offset, length, i, flip);
                        weight[o][k] = (float) (overlap / scale);
                    }
                } else {
                    // Bilinear: the output pixel centre mapped into the source.
                    double s = (o + 0.5) * scale - 0.5;
                    int i0 = (int) Math.floor(s);
                    double frac = s - i0;
                    int a = Math.max(0, Math.min(length - 1, i0));
                    int b = Math.max(0, Math.min(length - 1, i0 + 1));
                    if (a == b || frac == 0) {
                        index[o] = new int[] { source(offset, length, a, flip) };
                        weight[o] = new float[] { 1f };
                    } else {
                        index[o] = new int[] { source(offset, length, a, flip), source(offset, length, b, flip) };
                        weight[o] = new float[] { (float) (1 - frac), (float) frac };
                    }
                }
            }
            return new Axis(index, weight);
        }

        private static int source(int offset, int length, int i, boolean flip) {
            return offset + (flip ? length - 1 - i : i);
        }
    }
}
