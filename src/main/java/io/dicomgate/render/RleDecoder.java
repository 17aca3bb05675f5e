package io.dicomgate.render;

import java.io.IOException;

/**
 * Decodes one frame of RLE Lossless (PS3.5 Annex G): a 64-byte header of segment count and
 * offsets, then one PackBits segment per byte of each sample, most significant byte first.
 */
final class RleDecoder {

    private RleDecoder() {
    }

    /**
     * @return the frame as native pixel data with Planar Configuration 1 (all of sample 0, then
     *         sample 1, …) and 16-bit samples little endian
     */
    static byte[] decode(byte[] frame, int rows, int columns, int samplesPerPixel, int bitsAllocated)
            throws IOException {
        int bytesPerSample = bitsAllocated / 8;
        int segments = samplesPerPixel * bytesPerSample;
        if (frame.length < 64 || bitsAllocated % 8 != 0 || segments < 1 || segments > 15) {
            throw new IOException("malformed RLE frame");
        }
        int count = u32(frame, 0);
        if (count != segments) {
            throw new IOException("RLE segment count does not match the image");
        }
        int pixels = rows * columns;
        byte[] out = new byte[pixels * segments];
        for (int s = 0; s < segments; s++) {
            int start = u32(frame, 4 + 4 * s);
            int end = s + 1 < count ? u32(frame, 8 + 4 * s) : frame.length;
            if (start < 64 || start > end || end > frame.length) {
                throw new IOException("malformed RLE segment offsets");
            }
            int sample = s / bytesPerSample;
            int byteOfSample = s % bytesPerSample; // 0 = most significant
            // Little endian target: the most significant byte goes last.
            int base = sample * pixels * bytesPerSample;
            int position = bytesPerSample - 1 - byteOfSample;
            unpack(frame, start, end, out, base, position, bytesPerSample, pixels);
        }
        return out;
    }

    /** PackBits: n ≥ 0 copies n+1 literal bytes, -127 ≤ n ≤ -1 repeats the next byte 1-n times, -128 is a no-op. */
    private static void unpack(byte[] in, int from, int to, byte[] out, int base, int position, int stride,
            int pixels) throws IOException {
        int i = from;
        int produced = 0;
        while (i < to && produced < pixels) {
            int n = in[i++];
            if (n >= 0) {
                int run = n + 1;
                if (i + run > to || produced + run > pixels) {
                    throw new IOException("RLE literal run overruns its segment");
                }
                for (int k = 0; k < run; k++) {
                    out[base + (produced++) * stride + position] = in[i++];
                }
            } else if (n != -128) {
                int run = 1 - n;
                if (i >= to || produced + run > pixels) {
                    throw new IOException("RLE replicate run overruns its segment");
                }
                byte value = in[i++];
                for (int k = 0; k < run; k++) {
                    out[base + (produced++) * stride + position] = value;
                }
            }
        }
        if (produced < pixels) {
            throw new IOException("RLE segment shorter than the image");
        }
    }

    private static int u32(byte[] b, int at) {
        return (b[at] & 0xFF) | (b[at + 1] & 0xFF) << 8 | (b[at + 2] & 0xFF) << 16 | (b[at + 3] & 0xFF) << 24;
    }
}
