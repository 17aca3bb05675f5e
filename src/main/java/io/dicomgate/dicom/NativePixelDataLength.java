package io.dicomgate.dicom;

/**
 * The length native (uncompressed) Pixel Data must have, from the Image Pixel module. Chroma
 * subsampled photometric interpretations hold fewer values than Samples per Pixel says: YBR_FULL_422
 * and YBR_PARTIAL_422 store two luminance values and one pair of chrominance values for every two
 * pixels, i.e. two values per pixel (PS3.3 C.7.6.3.1.2), YBR_PARTIAL_420 one and a half.
 */
public final class NativePixelDataLength {

    private NativePixelDataLength() {
    }

    /**
     * Bytes of all frames, rounded up (bit-packed data); callers compare it with the value length.
     *
     * @param photometric Photometric Interpretation, or null
     */
    public static long expectedBytes(int rows, int columns, int samplesPerPixel, int bitsAllocated, int frames,
            String photometric) {
        long pixels = (long) rows * columns * Math.max(1, frames);
        // Values per pixel as a fraction num/den, so 4:2:0's 1.5 stays exact.
        long num = Math.max(1, samplesPerPixel);
        long den = 1;
        String p = photometric == null ? "" : photometric.trim();
        if (samplesPerPixel == 3 && (p.equals("YBR_FULL_422") || p.equals("YBR_PARTIAL_422"))) {
            num = 2;
        } else if (samplesPerPixel == 3 && p.equals("YBR_PARTIAL_420")) {
            num = 3;
            den = 2;
        }
        long bits = pixels * num * bitsAllocated / den;
        return (bits + 7) / 8;
    }
}
