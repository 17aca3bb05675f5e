package io.dicomgate.wado;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.util.Arrays;
import java.util.List;
import java.util.function.Supplier;
import java.util.stream.Stream;

import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

import com.github.jaiimageio.jpeg2000.J2KImageWriteParam;
import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.CompressedFrameEncoder;
import com.pixelmed.dicom.DicomInputStream;
import com.pixelmed.dicom.FileMetaInformation;
import com.pixelmed.dicom.LongStringAttribute;
import com.pixelmed.dicom.OtherByteAttribute;
import com.pixelmed.dicom.OtherByteAttributeMultipleCompressedFrames;
import com.pixelmed.dicom.TagFromName;
import com.pixelmed.dicom.UniqueIdentifierAttribute;
import com.pixelmed.dicom.UnsignedShortAttribute;
import com.pixelmed.display.SourceImage;

import io.dicomgate.testsupport.Api;
import io.dicomgate.testsupport.DicomFixtures;
import io.dicomgate.testsupport.MultipartParts;
import io.dicomgate.testsupport.PostgresTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * The transfer syntax matrix of WADO-RS (PS3.18 §8.7.3.5.2), one real encoded file per claimed
 * cell, with the decoded pixel values checked; cells outside the matrix are 406, never 500.
 */
@QuarkusTest
@QuarkusTestResource(PostgresTestResource.class)
class TranscodeTest {

    private static final String ELE = "1.2.840.10008.1.2.1";
    private static final String RLE = "1.2.840.10008.1.2.5";
    private static final String J2K_LOSSLESS = "1.2.840.10008.1.2.4.90";
    private static final String J2K = "1.2.840.10008.1.2.4.91";
    private static final String JPEG_LS = "1.2.840.10008.1.2.4.80";
    private static final int ROWS = 8;
    private static final int COLUMNS = 8;
    private static final int FRAMES = 2;

    /** An encoded input: its bytes, the expected value of (frame, row, column, sample), tolerance. */
    record Encoded(String name, Supplier<byte[]> bytes, int samples, Pixel expected, int tolerance,
            String photometric, boolean lossy) {
        @Override
        public String toString() {
            return name;
        }
    }

    interface Pixel {
        int at(int frame, int row, int column, int sample);
    }

    private static final Pixel BUILDER = (f, r, c, s) -> DicomFixtures.Builder.pixel(f, r, c);
    private static final Pixel BUILDER16 = (f, r, c, s) -> DicomFixtures.Builder.pixel(f, r, c);
    private static final Pixel DCMTK16 = (f, r, c, s) -> ((f * ROWS * COLUMNS + r * COLUMNS + c) * 301) & 0xffff;
    private static final Pixel DCMTK_RGB = (f, r, c, s) -> s == 0 ? r * 20 + f * 10 : s == 1 ? c * 20 : 100;

    static Stream<Encoded> decodable() {
        return Stream.of(
                new Encoded("JPEG baseline .50 mono (JDK ImageIO)", () -> DicomFixtures.instance().frames(FRAMES)
                        .size(ROWS, COLUMNS).transferSyntax(DicomFixtures.JPEG_BASELINE).bytes(), 1, BUILDER, 8,
                        "MONOCHROME2", true),
                new Encoded("JPEG baseline .50 YBR_FULL_422 (dcmtk)", () -> restamp("rgb8-jpeg-baseline-ybr422.dcm"),
                        3, DCMTK_RGB, 12, "RGB", true),
                new Encoded("JPEG lossless .70 16-bit (dcmtk)", () -> restamp("mono16-jpeg-lossless-sv1.dcm"), 1,
                        DCMTK16, 0, "MONOCHROME2", false),
                new Encoded("JPEG lossless .57 16-bit (dcmtk)", () -> restamp("mono16-jpeg-lossless.dcm"), 1,
                        DCMTK16, 0, "MONOCHROME2", false),
                new Encoded("JPEG 2000 lossless .90 16-bit (jai-imageio)", () -> jpeg2000(J2K_LOSSLESS), 1, BUILDER, 0,
                        "MONOCHROME2", false),
                // .91 may be irreversible, so the decoded object is flagged lossy even for this reversible stream.
                new Encoded("JPEG 2000 .91 16-bit (jai-imageio, reversible)", () -> jpeg2000(J2K), 1, BUILDER16, 0,
                        "MONOCHROME2", true),
                new Encoded("RLE 16-bit (PixelMed)", () -> pixelmedEncoded(native16(), "rle"), 1, BUILDER, 0,
                        "MONOCHROME2", false));
    }

    @ParameterizedTest(name = "{0} → Explicit VR Little Endian instance")
    @MethodSource("decodable")
    void encapsulatedInstanceIsDecodedToExplicitLittleEndian(Encoded input) throws Exception {
        var ids = store(input.bytes().get());
        byte[] body = Api.as(Api.ADMIN).accept("application/dicom; transfer-syntax=" + ELE).get(ids)
                .then().statusCode(200).contentType("application/dicom; transfer-syntax=" + ELE)
                .extract().asByteArray();
        AttributeList list = new AttributeList();
        list.read(new DicomInputStream(new ByteArrayInputStream(body)));
        assertEquals(ELE, Attribute.getSingleStringValueOrNull(list, TagFromName.TransferSyntaxUID));
        assertEquals(input.photometric(), Attribute.getSingleStringValueOrNull(list, TagFromName.PhotometricInterpretation));
        assertEquals(input.lossy() ? "01" : null,
                Attribute.getSingleStringValueOrNull(list, TagFromName.LossyImageCompression));
        if (input.samples() == 3) {
            assertEquals(0, Attribute.getSingleIntegerValueOrDefault(list, TagFromName.PlanarConfiguration, -1));
        }
        Attribute pixels = list.get(TagFromName.PixelData);
        byte[] le = pixels.getVRAsString().equals("OW") ? le(pixels.getShortValues()) : pixels.getByteValues();
        assertPixels(input, le, 0, 0);
        assertPixels(input, le, 1, frameSize(input, le));
    }

    @ParameterizedTest(name = "{0} → uncompressed frames")
    @MethodSource("decodable")
    void encapsulatedFramesAreDecodedForOctetStream(Encoded input) {
        var ids = store(input.bytes().get());
        List<MultipartParts.Part> parts = MultipartParts.parse(Api.as(Api.ADMIN)
                .accept("multipart/related; type=\"application/octet-stream\"").get(ids + "/frames/2")
                .then().statusCode(200).extract().response());
        assertEquals(1, parts.size());
        assertEquals(ELE, parts.get(0).transferSyntax());
        byte[] frame = parts.get(0).body();
        assertPixels(input, frame, 1, 0);
    }

    @ParameterizedTest(name = "{0}: each frame decoded alone = that frame of the whole instance decoded")
    @MethodSource("decodable")
    void framesDecodedAloneEqualTheWholeInstanceDecoded(Encoded input) throws Exception {
        var ids = store(input.bytes().get());
        byte[] body = Api.as(Api.ADMIN).accept("application/dicom; transfer-syntax=" + ELE).get(ids)
                .then().statusCode(200).extract().asByteArray();
        AttributeList list = new AttributeList();
        list.read(new DicomInputStream(new ByteArrayInputStream(body)));
        Attribute pixels = list.get(TagFromName.PixelData);
        byte[] whole = pixels.getVRAsString().equals("OW") ? le(pixels.getShortValues()) : pixels.getByteValues();
        int frameSize = frameSize(input, whole);
        // Asked in reverse and with a repeat: each part is decoded from its own fragments.
        List<MultipartParts.Part> parts = MultipartParts.parse(Api.as(Api.ADMIN)
                .accept("multipart/related; type=\"application/octet-stream\"").get(ids + "/frames/2,1,2")
                .then().statusCode(200).extract().response());
        int[] asked = {2, 1, 2};
        assertEquals(asked.length, parts.size());
        for (int k = 0; k < asked.length; k++) {
            byte[] expected = Arrays.copyOfRange(whole, (asked[k] - 1) * frameSize, asked[k] * frameSize);
            assertArrayEquals(expected, parts.get(k).body(), input.name() + ": frame " + asked[k]);
        }
    }

    @ParameterizedTest(name = "native → {0}")
    @CsvSource({ RLE + ",16", "1.2.840.10008.1.2.4.50,8" })
    void nativeIsEncodedOnRequest(String transferSyntax, int bits) throws Exception {
        var b = DicomFixtures.instance().frames(FRAMES).size(ROWS, COLUMNS);
        var ids = store(bits == 8 ? write(native8(b), ELE) : b.bytes());
        byte[] body = Api.as(Api.ADMIN).accept("application/dicom; transfer-syntax=" + transferSyntax).get(ids)
                .then().statusCode(200).contentType("application/dicom; transfer-syntax=" + transferSyntax)
                .extract().asByteArray();
        AttributeList list = new AttributeList();
        list.setDecompressPixelData(true);
        list.read(new DicomInputStream(new ByteArrayInputStream(body)));
        assertEquals(transferSyntax, Attribute.getSingleStringValueOrNull(list, TagFromName.TransferSyntaxUID));
        boolean lossy = bits == 8;
        assertEquals(lossy ? "01" : null, Attribute.getSingleStringValueOrNull(list, TagFromName.LossyImageCompression));
        Attribute pixels = list.get(TagFromName.PixelData);
        byte[] le = bits == 16 ? le(pixels.getShortValues()) : pixels.getByteValues();
        Encoded expected = new Encoded("", null, 1, BUILDER, lossy ? 8 : 0, "MONOCHROME2", lossy);
        assertPixels(expected, le, 0, 0);
        assertPixels(expected, le, 1, le.length / FRAMES);
    }

    @Test
    void outsideTheMatrixIs406NeverA500() {
        var jls = store(restamp("mono8-jpeg-ls.dcm"));
        Api.as(Api.ADMIN).accept("application/dicom; transfer-syntax=" + ELE).get(jls).then().statusCode(406);
        Api.as(Api.ADMIN).accept("multipart/related; type=\"application/octet-stream\"").get(jls + "/frames/1")
                .then().statusCode(406);
        Api.as(Api.ADMIN).accept("application/dicom; transfer-syntax=*").get(jls).then().statusCode(200)
                .contentType("application/dicom; transfer-syntax=" + JPEG_LS);
        var native16 = store(DicomFixtures.instance().bytes());
        // 16-bit cannot be JPEG baseline; JPEG-LS and JPEG 2000 are not encoded.
        for (String ts : List.of("1.2.840.10008.1.2.4.50", JPEG_LS, J2K, "1.2.840.10008.1.2.4.100", "1.2.3.4")) {
            Api.as(Api.ADMIN).accept("application/dicom; transfer-syntax=" + ts).get(native16).then().statusCode(406);
        }
        Api.as(Api.ADMIN).accept("application/dicom; transfer-syntax=JPEG").get(native16).then().statusCode(400);
    }

    // ---- fixtures --------------------------------------------------------------------------------

    private static String store(byte[] bytes) {
        try {
            AttributeList list = new AttributeList();
            list.setDecompressPixelData(false);
            list.read(new DicomInputStream(new ByteArrayInputStream(bytes)), TagFromName.PixelData);
            Api.store(bytes).then().statusCode(200);
            return "/dicomweb/studies/" + value(list, TagFromName.StudyInstanceUID) + "/series/"
                    + value(list, TagFromName.SeriesInstanceUID) + "/instances/" + value(list, TagFromName.SOPInstanceUID);
        } catch (IOException | com.pixelmed.dicom.DicomException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String value(AttributeList list, com.pixelmed.dicom.AttributeTag tag) {
        return Attribute.getSingleStringValueOrNull(list, tag);
    }

    /** A committed dcmtk file with a fresh patient, study, series and instance. */
    private static byte[] restamp(String resource) {
        try (InputStream in = TranscodeTest.class.getResourceAsStream("/dicom/" + resource)) {
            AttributeList list = new AttributeList();
            list.setDecompressPixelData(false);
            list.read(new DicomInputStream(in));
            String ts = value(list, TagFromName.TransferSyntaxUID);
            var ids = DicomFixtures.instance();
            for (var e : List.of(new Object[] { TagFromName.StudyInstanceUID, ids.studyUid() },
                    new Object[] { TagFromName.SeriesInstanceUID, ids.seriesUid() },
                    new Object[] { TagFromName.SOPInstanceUID, ids.sopUid() })) {
                Attribute a = new UniqueIdentifierAttribute((com.pixelmed.dicom.AttributeTag) e[0]);
                a.addValue((String) e[1]);
                list.put(a);
            }
            Attribute patient = new LongStringAttribute(TagFromName.PatientID);
            patient.addValue(ids.patientId());
            list.put(patient);
            return write(list, ts);
        } catch (IOException | com.pixelmed.dicom.DicomException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] write(AttributeList list, String ts) {
        try {
            list.removeMetaInformationHeaderAttributes();
            FileMetaInformation.addFileMetaInformation(list, ts, "DICOMGATE");
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            list.write(out, ts, true, true);
            return out.toByteArray();
        } catch (IOException | com.pixelmed.dicom.DicomException e) {
            throw new IllegalStateException(e);
        }
    }

    private static AttributeList native16() {
        return DicomFixtures.instance().frames(FRAMES).size(ROWS, COLUMNS).attributes();
    }

    /** The builder's image as 8-bit unsigned monochrome. */
    private static AttributeList native8(DicomFixtures.Builder b) throws Exception {
        AttributeList list = b.attributes();
        for (var tag : List.of(TagFromName.BitsAllocated, TagFromName.BitsStored, TagFromName.HighBit)) {
            Attribute a = new UnsignedShortAttribute(tag);
            a.addValue(tag.equals(TagFromName.HighBit) ? 7 : 8);
            list.put(a);
        }
        byte[] values = new byte[FRAMES * ROWS * COLUMNS];
        int i = 0;
        for (int f = 0; f < FRAMES; f++) {
            for (int r = 0; r < ROWS; r++) {
                for (int c = 0; c < COLUMNS; c++) {
                    values[i++] = (byte) DicomFixtures.Builder.pixel(f, r, c);
                }
            }
        }
        Attribute pixels = new OtherByteAttribute(TagFromName.PixelData);
        pixels.setValues(values);
        list.put(pixels);
        return list;
    }

    /** Frames encoded by PixelMed's own encoder ("rle"). */
    private static byte[] pixelmedEncoded(AttributeList list, String format) {
        try {
            SourceImage source = new SourceImage(list);
            byte[][] frames = new byte[source.getNumberOfBufferedImages()][];
            var tmp = Files.createTempFile("fixture", "." + format);
            for (int f = 0; f < frames.length; f++) {
                CompressedFrameEncoder.getCompressedFrameAsFile(list, source.getBufferedImage(f), format, tmp.toFile());
                frames[f] = even(Files.readAllBytes(tmp));
            }
            Files.delete(tmp);
            list.put(new OtherByteAttributeMultipleCompressedFrames(TagFromName.PixelData, frames));
            return write(list, CompressedFrameEncoder.chooseTransferSyntaxForOutputFormat(format));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** 16-bit frames as reversible (lossless) JPEG 2000 code streams, written by jai-imageio. */
    private static byte[] jpeg2000(String ts) {
        try {
            AttributeList list = native16();
            byte[][] frames = new byte[FRAMES][];
            for (int f = 0; f < FRAMES; f++) {
                BufferedImage image = new BufferedImage(COLUMNS, ROWS, BufferedImage.TYPE_USHORT_GRAY);
                for (int r = 0; r < ROWS; r++) {
                    for (int c = 0; c < COLUMNS; c++) {
                        image.getRaster().setSample(c, r, 0, DicomFixtures.Builder.pixel(f, r, c));
                    }
                }
                ImageWriter writer = new com.github.jaiimageio.jpeg2000.impl.J2KImageWriter(new com.github.jaiimageio.jpeg2000.impl.J2KImageWriterSpi());
                J2KImageWriteParam param = (J2KImageWriteParam) writer.getDefaultWriteParam();
                param.setLossless(true);
                param.setWriteCodeStreamOnly(true);
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                try (ImageOutputStream ios = ImageIO.createImageOutputStream(out)) {
                    writer.setOutput(ios);
                    writer.write(null, new IIOImage(image, null, null), param);
                }
                writer.dispose();
                frames[f] = even(out.toByteArray());
            }
            list.put(new OtherByteAttributeMultipleCompressedFrames(TagFromName.PixelData, frames));
            return write(list, ts);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] even(byte[] bytes) {
        return bytes.length % 2 == 0 ? bytes : java.util.Arrays.copyOf(bytes, bytes.length + 1);
    }

    private static byte[] le(short[] values) {
        ByteBuffer b = ByteBuffer.allocate(values.length * 2).order(ByteOrder.LITTLE_ENDIAN);
        b.asShortBuffer().put(values);
        return b.array();
    }

    private static int frameSize(Encoded input, byte[] all) {
        assertEquals(0, all.length % FRAMES, input.name());
        return all.length / FRAMES;
    }

    /** Every sample of one frame, starting at {@code offset} in little-endian native bytes. */
    private static void assertPixels(Encoded input, byte[] bytes, int frame, int offset) {
        int samples = input.samples();
        int bytesPerSample = input.expected() == DCMTK16 || input.expected() == BUILDER16
                || (input.expected() == BUILDER && !input.lossy()) ? 2 : 1;
        ByteBuffer le = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        int worst = 0;
        for (int r = 0; r < ROWS; r++) {
            for (int c = 0; c < COLUMNS; c++) {
                for (int s = 0; s < samples; s++) {
                    int index = offset + ((r * COLUMNS + c) * samples + s) * bytesPerSample;
                    int actual = bytesPerSample == 2 ? le.getShort(index) & 0xffff : bytes[index] & 0xff;
                    worst = Math.max(worst, Math.abs(actual - input.expected().at(frame, r, c, s)));
                }
            }
        }
        assertTrue(worst <= input.tolerance(), input.name() + " frame " + frame + ": largest error " + worst);
    }
}
