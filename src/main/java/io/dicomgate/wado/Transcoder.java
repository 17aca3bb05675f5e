package io.dicomgate.wado;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Set;

import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.CodeStringAttribute;
import com.pixelmed.dicom.CompressedFrameEncoder;
import com.pixelmed.dicom.DecimalStringAttribute;
import com.pixelmed.dicom.DicomException;
import com.pixelmed.dicom.FileMetaInformation;
import com.pixelmed.dicom.OtherByteAttributeMultipleCompressedFrames;
import com.pixelmed.dicom.TagFromName;
import com.pixelmed.display.SourceImage;

import io.dicomgate.dicom.TransferSyntaxes;

/**
 * Changes the transfer syntax of a stored instance (PS3.18 §8.7.3.5.2 lets the origin server
 * answer in an Acceptable Transfer Syntax other than the stored one). Every cell of the matrix is
 * decided here, from the index, before any byte is sent:
 *
 * <ul>
 * <li>to Explicit VR Little Endian: from every native syntax, and by decoding JPEG Baseline and
 * JPEG Extended 8-bit (JDK ImageIO), JPEG Lossless .57/.70 (PixelMed's ImageIO plug-in),
 * JPEG 2000 .90/.91 (jai-imageio) and RLE Lossless (PixelMed). Photometric Interpretation, Planar
 * Configuration and the lossy flags are corrected as PS3.5 §8.2 wants for uncompressed data
 * (YBR_FULL_422 becomes RGB; Lossy Image Compression stays "01");</li>
 * <li>to RLE Lossless: from whatever reaches Explicit VR Little Endian, 8- or 16-bit, unsigned;</li>
 * <li>to JPEG Baseline: the same, 8-bit monochrome unsigned only, flagged lossy (PS3.3 C.7.6.1.1.5).</li>
 * </ul>
 * Everything else (JPEG-LS, JPEG 2000 Part 2, HTJ2K, 12-bit JPEG Extended, MPEG/HEVC, encoding to
 * other compressed syntaxes) cannot be produced and is answered 406 by the negotiation.
 */
final class Transcoder {

    static final String ELE = TransferSyntaxes.EXPLICIT_VR_LITTLE_ENDIAN;
    static final String JPEG_BASELINE = "1.2.840.10008.1.2.4.50";
    static final String JPEG_EXTENDED = "1.2.840.10008.1.2.4.51";
    static final String RLE = "1.2.840.10008.1.2.5";

    /** Encapsulated syntaxes the toolkit decodes to native pixels. */
    static final Set<String> DECODABLE = Set.of(JPEG_BASELINE, JPEG_EXTENDED, "1.2.840.10008.1.2.4.57",
            "1.2.840.10008.1.2.4.70", "1.2.840.10008.1.2.4.90", "1.2.840.10008.1.2.4.91", RLE);

    /** Encapsulated syntaxes the toolkit encodes from native pixels. */
    static final Set<String> ENCODABLE = Set.of(RLE, JPEG_BASELINE);

    /** What the index knows of a stored instance, enough to decide a cell of the matrix. */
    record Stored(String transferSyntax, int bitsAllocated, int samplesPerPixel) {
    }

    /** A transcoding the matrix admits failed on this file (corrupt or unusual bit stream). */
    static final class TranscodeException extends Exception {
        private static final long serialVersionUID = 1L;

        TranscodeException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private Transcoder() {
    }

    /** Whether {@code stored} can be sent in {@code wanted} (the stored bytes, or a transcoding). */
    static boolean canProduce(Stored stored, String wanted) {
        String from = stored.transferSyntax();
        if (from.equals(wanted)) {
            return true;
        }
        boolean toNative = TransferSyntaxes.isNative(from) || canDecode(stored);
        if (wanted.equals(ELE)) {
            return toNative;
        }
        if (!toNative) {
            return false;
        }
        int bits = stored.bitsAllocated();
        int samples = stored.samplesPerPixel();
        return switch (wanted) {
            case RLE -> (bits == 8 || bits == 16) && (samples == 1 || samples == 3);
            case JPEG_BASELINE -> bits == 8 && samples == 1;
            default -> false;
        };
    }

    /** Whether encapsulated pixel data of this instance can be decoded to native. */
    static boolean canDecode(Stored stored) {
        // The JDK's JPEG reader is 8-bit only, so 12-bit JPEG Extended (Process 4) is out of reach.
        return DECODABLE.contains(stored.transferSyntax())
                && !(stored.transferSyntax().equals(JPEG_EXTENDED) && stored.bitsAllocated() > 8);
    }

    /** The whole Part 10 object in {@code to}, in memory. */
    static byte[] transcode(Path file, String to) throws TranscodeException {
        try {
            AttributeList list = decoded(file);
            if (!to.equals(ELE)) {
                encode(list, to);
            }
            list.removeGroupLengthAttributes();
            list.removeMetaInformationHeaderAttributes();
            FileMetaInformation.addFileMetaInformation(list, to, "DICOMGATE");
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            list.write(out, to, true, true);
            return out.toByteArray();
        } catch (IOException | DicomException | RuntimeException e) {
            throw new TranscodeException("cannot transcode to " + to, e);
        }
    }

    private static AttributeList decoded(Path file) throws IOException, DicomException {
        AttributeList list = new AttributeList();
        list.setDecompressPixelData(true);
        list.read(file.toString());
        String stored = Attribute.getSingleStringValueOrEmptyString(list, TagFromName.TransferSyntaxUID);
        if (!TransferSyntaxes.isNative(stored) && list.get(TagFromName.PixelData) != null) {
            // YBR_* → RGB, Planar Configuration 0, and Lossy Image Compression "01" plus method kept
            // or added when the source was lossy (PS3.3 C.7.6.1.1.5).
            list.correctDecompressedImagePixelModule();
            list.insertLossyImageCompressionHistoryIfDecompressed();
        }
        return list;
    }

    private static void encode(AttributeList list, String to) throws IOException, DicomException {
        if (Attribute.getSingleIntegerValueOrDefault(list, TagFromName.PixelRepresentation, 0) != 0) {
            throw new DicomException("signed pixel data is not encoded");
        }
        String format = CompressedFrameEncoder.chooseOutputFormatForTransferSyntax(to);
        SourceImage source = new SourceImage(list);
        int frames = source.getNumberOfBufferedImages();
        byte[][] encoded = new byte[frames][];
        long uncompressed = 0;
        long compressed = 0;
        Path tmp = Files.createTempFile("dicomgate-encode", "." + format);
        try {
            for (int f = 0; f < frames; f++) {
                BufferedImage image = source.getBufferedImage(f);
                CompressedFrameEncoder.getCompressedFrameAsFile(list, image, format, tmp.toFile());
                byte[] bytes = Files.readAllBytes(tmp);
                if (bytes.length == 0) {
                    throw new DicomException("encoder produced nothing");
                }
                // Fragments have even length (PS3.5 §A.4): pad after the end of the bit stream.
                encoded[f] = bytes.length % 2 == 0 ? bytes : Arrays.copyOf(bytes, bytes.length + 1);
                compressed += encoded[f].length;
                uncompressed += (long) image.getWidth() * image.getHeight()
                        * image.getRaster().getNumBands() * (image.getSampleModel().getSampleSize(0) > 8 ? 2 : 1);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
        list.put(new OtherByteAttributeMultipleCompressedFrames(TagFromName.PixelData, encoded));
        if (to.equals(JPEG_BASELINE)) {
            putString(list, new CodeStringAttribute(TagFromName.LossyImageCompression), "01");
            putString(list, new CodeStringAttribute(TagFromName.LossyImageCompressionMethod), "ISO_10918_1");
            putString(list, new DecimalStringAttribute(TagFromName.LossyImageCompressionRatio),
                    String.format(java.util.Locale.ROOT, "%.4f", (double) uncompressed / Math.max(1, compressed)));
        }
    }

    private static void putString(AttributeList list, Attribute attribute, String value) throws DicomException {
        Attribute existing = list.get(attribute.getTag());
        if (existing != null && attribute.getTag().equals(TagFromName.LossyImageCompressionMethod)) {
            // Earlier lossy steps stay listed, oldest first.
            existing.addValue(value);
            return;
        }
        attribute.addValue(value);
        list.put(attribute);
    }
}
