package io.dicomgate.render;

import io.dicomgate.render.RenderParams.VoiFunction;
import io.dicomgate.render.RenderParams.Window;

/**
 * The grayscale pipeline of PS3.4 N.2 up to display values: stored value (sign-extended when Pixel
 * Representation is 1) → Modality LUT (Rescale Slope/Intercept) → VOI LUT (window: linear,
 * linear-exact or sigmoid, PS3.3 C.11.2.1.2–3) → 8-bit output, inverted for MONOCHROME1.
 *
 * <p>All of it is folded into one lookup table indexed by the stored bit pattern (at most 2^16
 * entries), so a frame costs one table build and one lookup per pixel.
 */
final class Windowing {

    private Windowing() {
    }

    /** The window applied, and the 8-bit frame. */
    record Result(Window window, byte[] pixels) {
    }

    /**
     * @param requested the request's window, or null: then the data set's, else the frame's
     *                  min/max (Pixel Padding Value excluded)
     */
    static Result apply(short[] patterns, ImageAttributes a, int frame, Window requested) {
        int bits = a.bitsStored;
        int size = 1 << bits;
        double[] rescale = a.rescale(frame);
        double slope = rescale[0];
        double intercept = rescale[1];
        Window window = requested != null ? requested : a.window(frame);
        if (window == null) {
            window = minMax(patterns, a, slope, intercept);
        }
        boolean invert = a.photometric.equals("MONOCHROME1");
        byte[] lut = new byte[size];
        for (int pattern = 0; pattern < size; pattern++) {
            double x = value(pattern, bits, a.signed) * slope + intercept;
            int y = (int) Math.round(voi(x, window));
            if (y < 0) {
                y = 0;
            } else if (y > 255) {
                y = 255;
            }
            lut[pattern] = (byte) (invert ? 255 - y : y);
        }
        byte[] out = new byte[patterns.length];
        int mask = size - 1;
        for (int i = 0; i < patterns.length; i++) {
            out[i] = lut[patterns[i] & mask];
        }
        return new Result(window, out);
    }

    /** The stored value a bit pattern stands for (two's complement of Bits Stored width when signed). */
    static int value(int pattern, int bits, boolean signed) {
        if (signed && bits < 32 && (pattern & (1 << (bits - 1))) != 0) {
            return pattern - (1 << bits);
        }
        return pattern;
    }

    /** VOI LUT function output in 0..255 (PS3.3 C.11.2.1.2.1, C.11.2.1.3.1–2). */
    static double voi(double x, Window w) {
        double c = w.center();
        double width = w.width();
        return switch (w.function()) {
            case LINEAR -> {
                if (x <= c - 0.5 - (width - 1) / 2) {
                    yield 0;
                }
                if (x > c - 0.5 + (width - 1) / 2) {
                    yield 255;
                }
                yield ((x - (c - 0.5)) / (width - 1) + 0.5) * 255;
            }
            case LINEAR_EXACT -> {
                if (x <= c - width / 2) {
                    yield 0;
                }
                if (x > c + width / 2) {
                    yield 255;
                }
                yield ((x - c) / width + 0.5) * 255;
            }
            case SIGMOID -> 255 / (1 + Math.exp(-4 * (x - c) / width));
        };
    }

    /**
     * A LINEAR_EXACT window from the smallest to the largest modality value in the frame; a flat
     * frame gets the window of the whole stored range, so it shows as what its value is.
     */
    private static Window minMax(short[] patterns, ImageAttributes a, double slope, double intercept) {
        int bits = a.bitsStored;
        int mask = (1 << bits) - 1;
        int padding = a.paddingPattern;
        int lo = Integer.MAX_VALUE;
        int hi = Integer.MIN_VALUE;
        for (short p : patterns) {
            int pattern = p & mask;
            if (pattern == padding) {
                continue;
            }
            int v = value(pattern, bits, a.signed);
            if (v < lo) {
                lo = v;
            }
            if (v > hi) {
                hi = v;
            }
        }
        if (lo == Integer.MAX_VALUE || lo == hi) {
            lo = a.signed ? -(1 << (bits - 1)) : 0;
            hi = a.signed ? (1 << (bits - 1)) - 1 : mask;
        }
        double x1 = lo * slope + intercept;
        double x2 = hi * slope + intercept;
        double min = Math.min(x1, x2);
        double max = Math.max(x1, x2);
        return new Window((min + max) / 2, max - min, VoiFunction.LINEAR_EXACT);
    }
}
