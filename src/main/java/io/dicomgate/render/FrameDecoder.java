package io.dicomgate.render;

import java.awt.image.BufferedImage;
import java.awt.image.Raster;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;

import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.spi.ImageReaderSpi;
import javax.imageio.stream.ImageInputStream;

import io.dicomgate.dicom.ByteRange;
import io.dicomgate.dicom.FrameLocator;
import io.dicomgate.dicom.InvalidDicomException;
import io.dicomgate.dicom.NotAcceptableException;
import io.dicomgate.dicom.Part10Scanner;
import io.dicomgate.dicom.PixelDataLocation;
import io.dicomgate.dicom.TransferSyntaxes;

/**
 * Reads one frame of a stored instance and turns it into samples: stored bit patterns for
 * grayscale, packed RGB for colour. Only that frame's bytes are read from the file (native: one
 * range; encapsulated: its fragments), so memory follows the frame, not the instance.
 *
 * <p>Codecs: native syntaxes directly; RLE by {@link RleDecoder}; JPEG baseline/extended by the
 * JDK's ImageIO reader; JPEG lossless by PixelMed's ImageIO plug-in; JPEG 2000 by jai-imageio.
 * Anything else (JPEG-LS, HTJ2K, MPEG, HEVC, deflated data sets) cannot be rendered: 406.
 */
final class FrameDecoder {

    static final String JPEG_BASELINE = "1.2.840.10008.1.2.4.50";
    static final String JPEG_EXTENDED = "1.2.840.10008.1.2.4.51";
    static final String JPEG_LOSSLESS = "1.2.840.10008.1.2.4.57";
    static final String JPEG_LOSSLESS_SV1 = "1.2.840.10008.1.2.4.70";
    static final String JPEG_2000_LOSSLESS = "1.2.840.10008.1.2.4.90";
    static final String JPEG_2000 = "1.2.840.10008.1.2.4.91";
    static final String JPEG_2000_PART2_LOSSLESS = "1.2.840.10008.1.2.4.92";
    static final String JPEG_2000_PART2 = "1.2.840.10008.1.2.4.93";
    static final String RLE = "1.2.840.10008.1.2.5";

    /** Where an instance's Pixel Data is, as the index recorded it at store time. */
    record StoredPixels(Path file, String transferSyntax, String pixelVr, Long pixelOffset, Long pixelLength) {
    }

    /**
     * One decoded frame.
     *
     * @param gray stored bit patterns (Bits Stored wide, not sign-extended) for MONOCHROME1/2 and
     *             PALETTE COLOR, else null
     * @param rgb  packed 0xRRGGBB for colour images, else null
     */
    record DecodedFrame(int width, int height, short[] gray, int[] rgb) {
    }

    private FrameDecoder() {
    }

    /** Whether the stored encoding is one this class decodes. */
    static boolean supports(StoredPixels pixels) {
        String ts = pixels.transferSyntax();
        if (TransferSyntaxes.isNative(ts)) {
            return pixels.pixelLength() != null && pixels.pixelLength() >= 0; // not deflated, has pixels
        }
        return switch (ts) {
            case JPEG_BASELINE, JPEG_EXTENDED, JPEG_LOSSLESS, JPEG_LOSSLESS_SV1, JPEG_2000_LOSSLESS, JPEG_2000,
                    JPEG_2000_PART2_LOSSLESS, JPEG_2000_PART2, RLE -> pixels.pixelVr() != null;
            default -> false;
        };
    }

    /**
     * @param frame 1-based frame number, already checked against Number of Frames
     * @throws NotAcceptableException when the encoding or the data cannot be decoded
     */
    static DecodedFrame decode(StoredPixels pixels, ImageAttributes a, int frame) {
        if (!supports(pixels)) {
            throw new NotAcceptableException("this instance cannot be rendered");
        }
        a.requireRenderable();
        try {
            String ts = pixels.transferSyntax();
            if (TransferSyntaxes.isNative(ts)) {
                PixelDataLocation location = new PixelDataLocation(pixels.pixelVr(), pixels.pixelOffset(),
                        pixels.pixelLength(), List.of(), new long[0]);
                byte[] bytes = read(pixels.file(), location, a, frame);
                boolean bigEndian = TransferSyntaxes.EXPLICIT_VR_BIG_ENDIAN.equals(ts);
                // Big Endian 8-bit data in an OW value has its bytes swapped in pairs (PS3.5 §8.1.1).
                boolean swapPairs = bigEndian && a.bitsAllocated == 8 && "OW".equals(pixels.pixelVr());
                return fromNative(bytes, a, bigEndian, swapPairs, a.planarConfiguration, true);
            }
            PixelDataLocation location = Part10Scanner.scan(pixels.file()).pixelData();
            if (location == null || !location.encapsulated()) {
                throw new NotAcceptableException("this instance cannot be rendered");
            }
            byte[] bytes = read(pixels.file(), location, a, frame);
            if (RLE.equals(ts)) {
                byte[] decoded = RleDecoder.decode(bytes, a.rows, a.columns, a.samplesPerPixel, a.bitsAllocated);
                return fromNative(decoded, a, false, false, 1, true);
            }
            return fromImageIo(bytes, ts, a);
        } catch (IOException | InvalidDicomException | RuntimeException e) {
            if (e instanceof NotAcceptableException n) {
                throw n;
            }
            throw new NotAcceptableException("this instance cannot be rendered");
        }
    }

    private static byte[] read(Path file, PixelDataLocation location, ImageAttributes a, int frame)
            throws IOException, InvalidDicomException {
        List<ByteRange> ranges = FrameLocator.frame(file, location, frame, a.numberOfFrames, a.rows, a.columns,
                a.samplesPerPixel, a.bitsAllocated);
        return FrameLocator.read(file, ranges);
    }

    /** Native (or RLE-decoded) samples; 16-bit little endian unless {@code bigEndian}. */
    private static DecodedFrame fromNative(byte[] b, ImageAttributes a, boolean bigEndian, boolean swapPairs,
            int planar, boolean convertYbr) throws IOException {
        int w = a.columns;
        int h = a.rows;
        int n = w * h;
        if (a.samplesPerPixel == 1) {
            short[] gray = new short[n];
            int shift = a.highBit + 1 - a.bitsStored;
            int mask = a.mask();
            if (a.bitsAllocated == 8) {
                require(b.length >= n);
                int x = swapPairs ? 1 : 0;
                for (int i = 0; i < n; i++) {
                    gray[i] = (short) (((b[i ^ x] & 0xFF) >>> shift) & mask);
                }
            } else {
                require(b.length >= 2 * n);
                int lo = bigEndian ? 1 : 0;
                int hi = 1 - lo;
                for (int i = 0; i < n; i++) {
                    int raw = (b[2 * i + lo] & 0xFF) | (b[2 * i + hi] & 0xFF) << 8;
                    gray[i] = (short) ((raw >>> shift) & mask);
                }
            }
            return palette(new DecodedFrame(w, h, gray, null), a);
        }
        require(b.length >= 3 * n);
        int[] rgb = new int[n];
        if (planar == 0) {
            for (int i = 0, j = 0; i < n; i++, j += 3) {
                rgb[i] = (b[j] & 0xFF) << 16 | (b[j + 1] & 0xFF) << 8 | (b[j + 2] & 0xFF);
            }
        } else {
            for (int i = 0; i < n; i++) {
                rgb[i] = (b[i] & 0xFF) << 16 | (b[n + i] & 0xFF) << 8 | (b[2 * n + i] & 0xFF);
            }
        }
        if (convertYbr && a.photometric.startsWith("YBR_FULL")) {
            ybrToRgb(rgb);
        }
        return new DecodedFrame(w, h, null, rgb);
    }

    private static DecodedFrame fromImageIo(byte[] bytes, String ts, ImageAttributes a) throws IOException {
        ImageReader reader = reader(ts);
        try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(bytes))) {
            reader.setInput(in, true, true);
            BufferedImage image = reader.read(0);
            Raster raster = image.getRaster();
            int w = raster.getWidth();
            int h = raster.getHeight();
            if (w != a.columns || h != a.rows) {
                throw new IOException("decoded frame size differs from Rows/Columns");
            }
            int n = w * h;
            if (a.samplesPerPixel == 1) {
                int[] samples = raster.getSamples(0, 0, w, h, 0, new int[n]);
                short[] gray = new short[n];
                int mask = a.mask();
                for (int i = 0; i < n; i++) {
                    gray[i] = (short) (samples[i] & mask);
                }
                return palette(new DecodedFrame(w, h, gray, null), a);
            }
            if (raster.getNumBands() < 3) {
                throw new IOException("decoded colour frame has fewer than 3 bands");
            }
            int[] rgb = new int[n];
            int[] band = new int[n];
            for (int c = 0; c < 3; c++) {
                raster.getSamples(0, 0, w, h, c, band);
                int shift = 16 - 8 * c;
                for (int i = 0; i < n; i++) {
                    rgb[i] |= (band[i] & 0xFF) << shift;
                }
            }
            // The JDK's JPEG reader converts YCbCr to RGB itself; lossless JPEG and JPEG 2000 (whose
            // YBR_ICT/YBR_RCT the decoder already inverts) return the components as coded.
            boolean jdkJpeg = JPEG_BASELINE.equals(ts) || JPEG_EXTENDED.equals(ts);
            if (!jdkJpeg && a.photometric.startsWith("YBR_FULL")) {
                ybrToRgb(rgb);
            }
            return new DecodedFrame(w, h, null, rgb);
        } finally {
            reader.dispose();
        }
    }

    /** PALETTE COLOR: stored values through the palette lookup tables (C.7.6.3.1.5). */
    private static DecodedFrame palette(DecodedFrame frame, ImageAttributes a) {
        if (a.palette == null) {
            return frame;
        }
        short[] gray = frame.gray();
        int[] rgb = new int[gray.length];
        int last = a.palette.length - 1;
        for (int i = 0; i < gray.length; i++) {
            int index = (gray[i] & 0xFFFF) - a.paletteFirst;
            rgb[i] = a.palette[index < 0 ? 0 : Math.min(index, last)];
        }
        return new DecodedFrame(frame.width(), frame.height(), null, rgb);
    }

    /** YBR_FULL to RGB (PS3.3 C.7.6.3.1.2), in place. */
    static void ybrToRgb(int[] pixels) {
        for (int i = 0; i < pixels.length; i++) {
            int p = pixels[i];
            double y = (p >> 16) & 0xFF;
            double cb = ((p >> 8) & 0xFF) - 128;
            double cr = (p & 0xFF) - 128;
            int r = clamp(y + 1.402 * cr);
            int g = clamp(y - 0.344136 * cb - 0.714136 * cr);
            int b = clamp(y + 1.772 * cb);
            pixels[i] = r << 16 | g << 8 | b;
        }
    }

    private static int clamp(double v) {
        long r = Math.round(v);
        return r < 0 ? 0 : r > 255 ? 255 : (int) r;
    }

    private static ImageReader reader(String ts) throws IOException {
        return switch (ts) {
            case JPEG_BASELINE, JPEG_EXTENDED -> jdkJpegReader();
            case JPEG_LOSSLESS, JPEG_LOSSLESS_SV1 -> Codecs.JPEG_LOSSLESS.createReaderInstance();
            default -> Codecs.JPEG_2000.createReaderInstance();
        };
    }

    /** The JDK's own JPEG reader, never another plug-in that registered the same format name. */
    private static ImageReader jdkJpegReader() throws IOException {
        Iterator<ImageReader> readers = ImageIO.getImageReadersByFormatName("jpeg");
        ImageReader fallback = null;
        while (readers.hasNext()) {
            ImageReader r = readers.next();
            if (r.getClass().getName().startsWith("com.sun.imageio.plugins.jpeg")) {
                return r;
            }
            if (fallback == null) {
                fallback = r;
            }
        }
        if (fallback == null) {
            throw new IOException("no JPEG reader");
        }
        return fallback;
    }

    private static void require(boolean condition) throws IOException {
        if (!condition) {
            throw new IOException("frame shorter than its attributes say");
        }
    }

    /** The plug-ins instantiated directly, independent of which class loader ImageIO scanned. */
    private static final class Codecs {
        static final ImageReaderSpi JPEG_LOSSLESS = new com.pixelmed.imageio.JPEGLosslessImageReaderSpi();
        static final ImageReaderSpi JPEG_2000 = new com.github.jaiimageio.jpeg2000.impl.J2KImageReaderSpi();
    }
}
