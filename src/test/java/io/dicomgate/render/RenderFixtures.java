package io.dicomgate.render;

import java.awt.image.BufferedImage;
import java.awt.image.DataBufferUShort;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;

import com.github.jaiimageio.jpeg2000.J2KImageWriteParam;
import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.AttributeTag;
import com.pixelmed.dicom.CodeStringAttribute;
import com.pixelmed.dicom.DecimalStringAttribute;
import com.pixelmed.dicom.DicomException;
import com.pixelmed.dicom.FileMetaInformation;
import com.pixelmed.dicom.IntegerStringAttribute;
import com.pixelmed.dicom.OtherByteAttribute;
import com.pixelmed.dicom.OtherByteAttributeMultipleCompressedFrames;
import com.pixelmed.dicom.OtherWordAttribute;
import com.pixelmed.dicom.PersonNameAttribute;
import com.pixelmed.dicom.TagFromName;
import com.pixelmed.dicom.UnsignedShortAttribute;

import io.dicomgate.testsupport.DicomFixtures;

/**
 * Images with chosen pixel values and pixel attributes (photometric, bits, sign, rescale, window),
 * written by PixelMed as real Part 10 files; compressed variants made by dcmtk (JPEG lossless, RLE)
 * or jai-imageio (JPEG 2000), as a modality or gateway would send them.
 */
final class RenderFixtures {

    static final String JPEG_LOSSLESS_SV1 = "1.2.840.10008.1.2.4.70";
    static final String JPEG_2000_LOSSLESS = "1.2.840.10008.1.2.4.90";
    static final String RLE = "1.2.840.10008.1.2.5";

    private RenderFixtures() {
    }

    /** One image: identity (patient, study, series, SOP) from a {@link DicomFixtures.Builder}, pixels from here. */
    static final class Image {
        final DicomFixtures.Builder id;
        int rows;
        int columns;
        int frames = 1;
        String photometric = "MONOCHROME2";
        int bitsAllocated = 16;
        int bitsStored = 16;
        int highBit = 15;
        boolean signed;
        int planar;
        short[] words;
        byte[] bytes;
        String slope;
        String intercept;
        String windowCenter;
        String windowWidth;
        String patientName;
        String transferSyntax = DicomFixtures.EXPLICIT_LE;

        Image(DicomFixtures.Builder id, int rows, int columns) {
            this.id = id;
            this.rows = rows;
            this.columns = columns;
        }

        /** 16-bit grayscale, values per pixel in frame-major, row-major order. */
        Image gray16(int bitsStored, boolean signed, int... values) {
            this.bitsAllocated = 16;
            this.bitsStored = bitsStored;
            this.highBit = bitsStored - 1;
            this.signed = signed;
            this.words = new short[values.length];
            for (int i = 0; i < values.length; i++) {
                words[i] = (short) values[i];
            }
            return this;
        }

        Image gray8(int... values) {
            this.bitsAllocated = 8;
            this.bitsStored = 8;
            this.highBit = 7;
            this.bytes = new byte[values.length];
            for (int i = 0; i < values.length; i++) {
                bytes[i] = (byte) values[i];
            }
            return this;
        }

        /** 8-bit colour, {@code rgb} packed 0xRRGGBB per pixel, written with the given planar configuration. */
        Image color(String photometric, int planar, int... rgb) {
            this.photometric = photometric;
            this.bitsAllocated = 8;
            this.bitsStored = 8;
            this.highBit = 7;
            this.planar = planar;
            int n = rgb.length;
            this.bytes = new byte[n * 3];
            for (int i = 0; i < n; i++) {
                for (int c = 0; c < 3; c++) {
                    byte v = (byte) (rgb[i] >> (16 - 8 * c));
                    if (planar == 0) {
                        bytes[3 * i + c] = v;
                    } else {
                        bytes[c * n + i] = v;
                    }
                }
            }
            return this;
        }

        Image photometric(String value) {
            this.photometric = value;
            return this;
        }

        Image frames(int value) {
            this.frames = value;
            return this;
        }

        Image rescale(String slope, String intercept) {
            this.slope = slope;
            this.intercept = intercept;
            return this;
        }

        Image window(String center, String width) {
            this.windowCenter = center;
            this.windowWidth = width;
            return this;
        }

        Image patientName(String value) {
            this.patientName = value;
            return this;
        }

        Image transferSyntax(String value) {
            this.transferSyntax = value;
            return this;
        }

        AttributeList attributes() {
            try {
                AttributeList list = id.attributes();
                list.remove(TagFromName.PixelData);
                list.remove(TagFromName.NumberOfFrames);
                us(list, TagFromName.Rows, rows);
                us(list, TagFromName.Columns, columns);
                us(list, TagFromName.BitsAllocated, bitsAllocated);
                us(list, TagFromName.BitsStored, bitsStored);
                us(list, TagFromName.HighBit, highBit);
                us(list, TagFromName.PixelRepresentation, signed ? 1 : 0);
                boolean color = photometric.equals("RGB") || photometric.startsWith("YBR");
                us(list, TagFromName.SamplesPerPixel, color ? 3 : 1);
                if (color) {
                    us(list, TagFromName.PlanarConfiguration, planar);
                }
                put(list, new CodeStringAttribute(TagFromName.PhotometricInterpretation), photometric);
                if (frames > 1) {
                    put(list, new IntegerStringAttribute(TagFromName.NumberOfFrames), Integer.toString(frames));
                }
                if (slope != null) {
                    put(list, new DecimalStringAttribute(TagFromName.RescaleSlope), slope);
                    put(list, new DecimalStringAttribute(TagFromName.RescaleIntercept), intercept);
                }
                if (windowCenter != null) {
                    put(list, new DecimalStringAttribute(TagFromName.WindowCenter), windowCenter);
                    put(list, new DecimalStringAttribute(TagFromName.WindowWidth), windowWidth);
                }
                if (patientName != null) {
                    put(list, new PersonNameAttribute(TagFromName.PatientName), patientName);
                }
                if (words != null) {
                    OtherWordAttribute pixels = new OtherWordAttribute(TagFromName.PixelData);
                    pixels.setValues(words);
                    list.put(pixels);
                } else {
                    OtherByteAttribute pixels = new OtherByteAttribute(TagFromName.PixelData);
                    pixels.setValues(bytes);
                    list.put(pixels);
                }
                return list;
            } catch (DicomException e) {
                throw new IllegalStateException(e);
            }
        }

        /** Part 10 bytes in a native transfer syntax ({@link #transferSyntax}). */
        byte[] bytes() {
            return write(attributes(), transferSyntax);
        }

        /** Compressed by a dcmtk tool, e.g. {@code dcmcjpeg +e1} (JPEG lossless SV1) or {@code dcmcrle}. */
        byte[] dcmtk(String tool, String... options) {
            try {
                Path dir = Files.createTempDirectory("render-fixture");
                Path in = dir.resolve("in.dcm");
                Path out = dir.resolve("out.dcm");
                Files.write(in, write(attributes(), DicomFixtures.EXPLICIT_LE));
                List<String> command = new ArrayList<>();
                command.add(tool);
                command.addAll(List.of(options));
                command.add(in.toString());
                command.add(out.toString());
                Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
                String log = new String(p.getInputStream().readAllBytes());
                if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                    throw new IllegalStateException(tool + " failed: " + log);
                }
                byte[] result = Files.readAllBytes(out);
                Files.delete(in);
                Files.delete(out);
                Files.delete(dir);
                return result;
            } catch (IOException e) {
                throw new IllegalStateException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }

        /** 8-bit gray or colour (planar 0) compressed by the JDK's baseline JPEG writer, as JPEG Baseline. */
        byte[] jpegBaseline() {
            try {
                AttributeList list = attributes();
                list.remove(TagFromName.PixelData);
                boolean color = photometric.equals("RGB") || photometric.startsWith("YBR");
                if (color) {
                    // What a baseline JPEG of YCbCr data is declared as (PS3.5 §8.2.1).
                    put(list, new CodeStringAttribute(TagFromName.PhotometricInterpretation), "YBR_FULL_422");
                }
                byte[][] encoded = new byte[frames][];
                int n = rows * columns;
                for (int f = 0; f < frames; f++) {
                    BufferedImage image = new BufferedImage(columns, rows,
                            color ? BufferedImage.TYPE_INT_RGB : BufferedImage.TYPE_BYTE_GRAY);
                    for (int i = 0; i < n; i++) {
                        int x = i % columns;
                        int y = i / columns;
                        if (color) {
                            int at = 3 * (f * n + i);
                            image.setRGB(x, y, (bytes[at] & 0xFF) << 16 | (bytes[at + 1] & 0xFF) << 8 | (bytes[at + 2] & 0xFF));
                        } else {
                            image.getRaster().setSample(x, y, 0, bytes[f * n + i] & 0xFF);
                        }
                    }
                    ByteArrayOutputStream out = new ByteArrayOutputStream();
                    ImageIO.write(image, "jpeg", out);
                    byte[] b = out.toByteArray();
                    encoded[f] = b.length % 2 == 0 ? b : java.util.Arrays.copyOf(b, b.length + 1);
                }
                list.put(new OtherByteAttributeMultipleCompressedFrames(TagFromName.PixelData, encoded));
                return write(list, DicomFixtures.JPEG_BASELINE);
            } catch (IOException | DicomException e) {
                throw new IllegalStateException(e);
            }
        }

        /** Unsigned 16-bit grayscale compressed losslessly to a JPEG 2000 code stream by jai-imageio. */
        byte[] jpeg2000Lossless() {
            try {
                AttributeList list = attributes();
                list.remove(TagFromName.PixelData);
                byte[][] encoded = new byte[frames][];
                int n = rows * columns;
                for (int f = 0; f < frames; f++) {
                    BufferedImage image = new BufferedImage(columns, rows, BufferedImage.TYPE_USHORT_GRAY);
                    short[] target = ((DataBufferUShort) image.getRaster().getDataBuffer()).getData();
                    System.arraycopy(words, f * n, target, 0, n);
                    ImageWriter writer = new com.github.jaiimageio.jpeg2000.impl.J2KImageWriterSpi()
                            .createWriterInstance();
                    J2KImageWriteParam param = (J2KImageWriteParam) writer.getDefaultWriteParam();
                    param.setLossless(true);
                    param.setWriteCodeStreamOnly(true);
                    ByteArrayOutputStream out = new ByteArrayOutputStream();
                    try (ImageOutputStream ios = ImageIO.createImageOutputStream(out)) {
                        writer.setOutput(ios);
                        writer.write(null, new IIOImage(image, null, null), param);
                    }
                    writer.dispose();
                    byte[] bytes = out.toByteArray();
                    encoded[f] = bytes.length % 2 == 0 ? bytes : java.util.Arrays.copyOf(bytes, bytes.length + 1);
                }
                list.put(new OtherByteAttributeMultipleCompressedFrames(TagFromName.PixelData, encoded));
                return write(list, JPEG_2000_LOSSLESS);
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    static Image image(DicomFixtures.Builder id, int rows, int columns) {
        return new Image(id, rows, columns);
    }

    static boolean dcmtkAvailable(String tool) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (Files.isExecutable(Path.of(dir, tool))) {
                return true;
            }
        }
        return false;
    }

    /** Decodes a rendered response body. */
    static BufferedImage decode(byte[] body) {
        try {
            BufferedImage image = ImageIO.read(new ByteArrayInputStream(body));
            if (image == null) {
                throw new AssertionError("not an image ImageIO can read");
            }
            return image;
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    /** Gray level at (x, y) of a decoded 8-bit image (band 0 for gray; luminance-free red for RGB is not used here). */
    static int gray(BufferedImage image, int x, int y) {
        if (image.getColorModel() instanceof java.awt.image.IndexColorModel icm) {
            return icm.getRed(image.getRaster().getSample(x, y, 0));
        }
        return image.getRaster().getSample(x, y, 0);
    }

    static byte[] write(AttributeList list, String transferSyntax) {
        try {
            list.removeGroupLengthAttributes();
            list.removeMetaInformationHeaderAttributes();
            FileMetaInformation.addFileMetaInformation(list, transferSyntax, "DICOMGATE");
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            list.write(out, transferSyntax, true, true);
            return out.toByteArray();
        } catch (DicomException | IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void us(AttributeList list, AttributeTag tag, int value) throws DicomException {
        put(list, new UnsignedShortAttribute(tag), Integer.toString(value));
    }

    private static void put(AttributeList list, Attribute attribute, String value) throws DicomException {
        attribute.addValue(value);
        list.put(attribute);
    }
}
