package io.dicomgate.render;

import static io.dicomgate.render.RenderFixtures.decode;
import static io.dicomgate.render.RenderFixtures.gray;
import static io.dicomgate.render.RenderFixtures.image;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.dicomgate.audit.AuditAction;
import io.dicomgate.audit.AuditEvent;
import io.dicomgate.audit.AuditOutcome;
import io.dicomgate.audit.AuditResponseFilter;
import io.dicomgate.testsupport.Api;
import io.dicomgate.testsupport.DicomFixtures;
import io.dicomgate.testsupport.MultipartParts;
import io.dicomgate.testsupport.PostgresTestResource;
import io.dicomgate.testsupport.RecordedAuditEvents;
import io.dicomgate.testsupport.TestTokens;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;

/**
 * Rendered resources and thumbnails (PS3.18 §10.4.1.1.3–4, §8.3.5.1) against real stored data:
 * every image is decoded with ImageIO and its pixels checked against the grayscale pipeline of
 * PS3.4 N.2 computed here independently.
 */
@QuarkusTest
@QuarkusTestResource(PostgresTestResource.class)
class RenderedTest {

    @Inject
    RecordedAuditEvents audit;

    private static String instancePath(DicomFixtures.Builder b) {
        return "/dicomweb/studies/" + b.studyUid() + "/series/" + b.seriesUid() + "/instances/" + b.sopUid();
    }

    private static String seriesPath(DicomFixtures.Builder b) {
        return "/dicomweb/studies/" + b.studyUid() + "/series/" + b.seriesUid();
    }

    private static String studyPath(DicomFixtures.Builder b) {
        return "/dicomweb/studies/" + b.studyUid();
    }

    private static RequestSpecification admin() {
        return Api.as(Api.ADMIN);
    }

    /** GET as admin with query parameters "name=value"; asserts 200 and the media type. */
    private static byte[] get(String path, String accept, String mediaType, String... params) {
        RequestSpecification spec = admin().urlEncodingEnabled(true);
        if (accept != null) {
            spec = spec.accept(accept);
        }
        for (String p : params) {
            int eq = p.indexOf('=');
            spec = spec.queryParam(p.substring(0, eq), p.substring(eq + 1));
        }
        return spec.get(path).then().statusCode(200).contentType(startsWith(mediaType)).extract().asByteArray();
    }

    private static BufferedImage png(String path, String... params) {
        return decode(get(path, "image/png", "image/png", params));
    }

    private static void store(byte[]... instances) {
        Api.store(instances).then().statusCode(200);
    }

    /** A 16×16 ramp, value = 16·row + column (0..255). */
    private static int[] ramp16() {
        int[] v = new int[256];
        for (int i = 0; i < 256; i++) {
            v[i] = i;
        }
        return v;
    }

    /** PS3.3 C.11.2.1.2.1 linear VOI function to 0..255, rounded as a display would. */
    private static int linear(double x, double c, double w) {
        double y;
        if (x <= c - 0.5 - (w - 1) / 2) {
            y = 0;
        } else if (x > c - 0.5 + (w - 1) / 2) {
            y = 255;
        } else {
            y = ((x - (c - 0.5)) / (w - 1) + 0.5) * 255;
        }
        return (int) Math.max(0, Math.min(255, Math.round(y)));
    }

    private static int[] pixels(BufferedImage image) {
        int[] out = new int[image.getWidth() * image.getHeight()];
        for (int y = 0; y < image.getHeight(); y++) {
            for (int x = 0; x < image.getWidth(); x++) {
                out[y * image.getWidth() + x] = image.getColorModel().getNumComponents() >= 3
                        ? image.getRGB(x, y) & 0xFFFFFF : gray(image, x, y);
            }
        }
        return out;
    }

    // ---- grayscale pipeline ---------------------------------------------------------------------

    @Test
    void requestedWindowMapsTheRampToExpectedGreyLevels() {
        var id = DicomFixtures.instance();
        store(image(id, 16, 16).gray16(16, false, ramp16()).bytes());
        BufferedImage identity = png(instancePath(id) + "/rendered", "window=128,256");
        assertEquals(16, identity.getWidth());
        assertEquals(16, identity.getHeight());
        for (int v = 0; v < 256; v++) {
            assertEquals(v, gray(identity, v % 16, v / 16), "linear window, value " + v);
        }
        BufferedImage narrow = png(instancePath(id) + "/rendered", "window=100,51,linear");
        for (int v = 0; v < 256; v++) {
            assertEquals(linear(v, 100, 51), gray(narrow, v % 16, v / 16), "narrow window, value " + v);
        }
        BufferedImage exact = png(instancePath(id) + "/rendered", "window=128,256,linear-exact");
        assertEquals(Math.round(((255 - 128) / 256.0 + 0.5) * 255), gray(exact, 15, 15));
        BufferedImage sigmoid = png(instancePath(id) + "/rendered", "window=128,64,sigmoid");
        assertEquals(Math.round(255 / (1 + Math.exp(-4 * (200 - 128) / 64.0))), gray(sigmoid, 200 % 16, 200 / 16));
        assertTrue(gray(sigmoid, 0, 0) < 5 && gray(sigmoid, 15, 15) > 250);
    }

    @Test
    void windowComesFromTheDataSetElseFromTheFramesRange() {
        var withWindow = DicomFixtures.instance();
        store(image(withWindow, 16, 16).gray16(16, false, ramp16()).window("128", "256").bytes());
        BufferedImage fromDataSet = png(instancePath(withWindow) + "/rendered");
        assertEquals(77, gray(fromDataSet, 77 % 16, 77 / 16));
        // The request's window wins over the data set's.
        assertEquals(linear(77, 50, 20), gray(png(instancePath(withWindow) + "/rendered", "window=50,20"), 77 % 16, 77 / 16));

        var noWindow = DicomFixtures.instance();
        int[] values = Arrays.stream(ramp16()).map(v -> 1000 + v).toArray();
        store(image(noWindow, 16, 16).gray16(16, false, values).bytes());
        BufferedImage minMax = png(instancePath(noWindow) + "/rendered");
        assertEquals(0, gray(minMax, 0, 0));
        assertEquals(255, gray(minMax, 15, 15));
        assertEquals(128, gray(minMax, 128 % 16, 128 / 16), 1);
    }

    @Test
    void monochrome1IsInverted() {
        var id = DicomFixtures.instance();
        store(image(id, 16, 16).gray16(16, false, ramp16()).photometric("MONOCHROME1").bytes());
        BufferedImage img = png(instancePath(id) + "/rendered", "window=128,256");
        for (int v = 0; v < 256; v += 17) {
            assertEquals(255 - v, gray(img, v % 16, v / 16), "value " + v);
        }
    }

    @Test
    void signedPixelsAreSignExtendedAndRescaled() {
        var id = DicomFixtures.instance();
        int[] stored = Arrays.stream(ramp16()).map(v -> v - 128).toArray(); // -128..127 in 12 bits stored
        store(image(id, 16, 16).gray16(12, true, stored).rescale("2", "1000").bytes());
        BufferedImage img = png(instancePath(id) + "/rendered", "window=1000,512");
        for (int i = 0; i < 256; i += 5) {
            double modality = stored[i] * 2 + 1000;
            assertEquals(linear(modality, 1000, 512), gray(img, i % 16, i / 16), "stored " + stored[i]);
        }
        assertEquals(0, gray(img, 0, 0));
    }

    @Test
    void eightBitGrayscaleRenders() {
        var id = DicomFixtures.instance();
        store(image(id, 16, 16).gray8(ramp16()).bytes());
        BufferedImage img = png(instancePath(id) + "/rendered", "window=128,256");
        assertEquals(200, gray(img, 200 % 16, 200 / 16));
    }

    @ParameterizedTest
    @ValueSource(strings = { DicomFixtures.IMPLICIT_LE, DicomFixtures.EXPLICIT_BE })
    void otherNativeSyntaxesRenderTheSame(String transferSyntax) {
        var id = DicomFixtures.instance();
        store(image(id, 16, 16).gray16(16, false, ramp16()).transferSyntax(transferSyntax).bytes());
        BufferedImage img = png(instancePath(id) + "/rendered", "window=128,256");
        for (int v = 0; v < 256; v += 15) {
            assertEquals(v, gray(img, v % 16, v / 16));
        }
    }

    // ---- colour ---------------------------------------------------------------------------------

    private static int[] quadrants() {
        int[] rgb = new int[16 * 16];
        for (int y = 0; y < 16; y++) {
            for (int x = 0; x < 16; x++) {
                rgb[y * 16 + x] = y < 8 ? (x < 8 ? 0xFF0000 : 0x00FF00) : (x < 8 ? 0x0000FF : 0x808080);
            }
        }
        return rgb;
    }

    @ParameterizedTest
    @ValueSource(ints = { 0, 1 })
    void rgbKeepsItsColours(int planar) {
        var id = DicomFixtures.instance();
        store(image(id, 16, 16).color("RGB", planar, quadrants()).bytes());
        BufferedImage img = png(instancePath(id) + "/rendered");
        assertEquals(0xFF0000, img.getRGB(2, 2) & 0xFFFFFF);
        assertEquals(0x00FF00, img.getRGB(12, 2) & 0xFFFFFF);
        assertEquals(0x0000FF, img.getRGB(2, 12) & 0xFFFFFF);
        assertEquals(0x808080, img.getRGB(12, 12) & 0xFFFFFF);
        // A window applies to grayscale only.
        assertArrayEquals(pixels(img), pixels(png(instancePath(id) + "/rendered", "window=10,2")));
    }

    @Test
    void ybrFullIsConvertedToRgb() {
        var id = DicomFixtures.instance();
        // Pure red in YBR_FULL (PS3.3 C.7.6.3.1.2): Y 76, Cb 85, Cr 255.
        int[] ybr = new int[16 * 16];
        Arrays.fill(ybr, 76 << 16 | 85 << 8 | 255);
        store(image(id, 16, 16).color("YBR_FULL", 0, ybr).bytes());
        int p = png(instancePath(id) + "/rendered").getRGB(5, 5);
        assertTrue(((p >> 16) & 0xFF) > 240 && ((p >> 8) & 0xFF) < 15 && (p & 0xFF) < 15, Integer.toHexString(p));
    }

    @Test
    void jpegBaselineColourStaysColour() {
        var id = DicomFixtures.instance();
        store(image(id, 16, 16).color("RGB", 0, quadrants()).jpegBaseline());
        BufferedImage img = png(instancePath(id) + "/rendered");
        int red = img.getRGB(3, 3);
        int blue = img.getRGB(3, 12);
        assertTrue(((red >> 16) & 0xFF) > 200 && ((red >> 8) & 0xFF) < 60 && (red & 0xFF) < 60, Integer.toHexString(red));
        assertTrue((blue & 0xFF) > 200 && ((blue >> 16) & 0xFF) < 60, Integer.toHexString(blue));
    }

    // ---- compressed input -----------------------------------------------------------------------

    @Test
    void jpegBaselineGrayscaleDecodes() {
        var id = DicomFixtures.instance().size(16, 16).transferSyntax(DicomFixtures.JPEG_BASELINE);
        store(id.bytes());
        BufferedImage img = png(instancePath(id) + "/rendered", "window=128,256");
        for (int r = 0; r < 16; r += 5) {
            for (int c = 0; c < 16; c += 5) {
                assertEquals(DicomFixtures.Builder.pixel(0, r, c), gray(img, c, r), 8, "at " + r + "," + c);
            }
        }
    }

    @Test
    void multiFrameJpegBaselineFramesDecodeOneByOne() {
        var id = DicomFixtures.instance().size(16, 16).frames(3).transferSyntax(DicomFixtures.JPEG_BASELINE);
        store(id.bytes());
        BufferedImage second = png(instancePath(id) + "/frames/2/rendered", "window=128,256");
        assertEquals(DicomFixtures.Builder.pixel(1, 4, 9), gray(second, 9, 4), 8);
        BufferedImage third = decode(get(instancePath(id) + "/frames/3/thumbnail", "image/png", "image/png",
                "window=128,256"));
        assertEquals(DicomFixtures.Builder.pixel(2, 4, 9), gray(third, 9, 4), 8);
    }

    @Test
    void deflatedInstancesAreNotAcceptable() {
        var id = DicomFixtures.instance().transferSyntax(DicomFixtures.DEFLATED);
        store(id.bytes());
        admin().get(instancePath(id) + "/rendered").then().statusCode(406);
        admin().get(instancePath(id) + "/frames/1/rendered").then().statusCode(406);
        admin().get(instancePath(id) + "/thumbnail").then().statusCode(406);
    }

    @Test
    void paletteColourGoesThroughItsLookupTables() throws Exception {
        var id = DicomFixtures.instance();
        var image = image(id, 4, 4).gray8(0, 1, 2, 3, 0, 1, 2, 3, 0, 1, 2, 3, 0, 1, 2, 3).photometric("PALETTE COLOR");
        var list = image.attributes();
        int[][] colours = { { 0xFF, 0, 0 }, { 0, 0xFF, 0 }, { 0, 0, 0xFF }, { 0xFF, 0xFF, 0xFF } };
        com.pixelmed.dicom.AttributeTag[][] tags = {
            { com.pixelmed.dicom.TagFromName.RedPaletteColorLookupTableDescriptor,
                com.pixelmed.dicom.TagFromName.RedPaletteColorLookupTableData },
            { com.pixelmed.dicom.TagFromName.GreenPaletteColorLookupTableDescriptor,
                com.pixelmed.dicom.TagFromName.GreenPaletteColorLookupTableData },
            { com.pixelmed.dicom.TagFromName.BluePaletteColorLookupTableDescriptor,
                com.pixelmed.dicom.TagFromName.BluePaletteColorLookupTableData } };
        for (int c = 0; c < 3; c++) {
            var descriptor = new com.pixelmed.dicom.UnsignedShortAttribute(tags[c][0]);
            descriptor.addValue(256);
            descriptor.addValue(0);
            descriptor.addValue(16);
            list.put(descriptor);
            short[] lut = new short[256];
            for (int i = 0; i < 4; i++) {
                lut[i] = (short) (colours[i][c] * 0x101);
            }
            var data = new com.pixelmed.dicom.OtherWordAttribute(tags[c][1]);
            data.setValues(lut);
            list.put(data);
        }
        store(RenderFixtures.write(list, DicomFixtures.EXPLICIT_LE));
        BufferedImage img = png(instancePath(id) + "/rendered");
        assertEquals(0xFF0000, img.getRGB(0, 0) & 0xFFFFFF);
        assertEquals(0x00FF00, img.getRGB(1, 2) & 0xFFFFFF);
        assertEquals(0x0000FF, img.getRGB(2, 3) & 0xFFFFFF);
        assertEquals(0xFFFFFF, img.getRGB(3, 1) & 0xFFFFFF);
    }

    /** Signed 12-bit CT-like pixels with a rescale: the reference is the same image stored natively. */
    private static RenderFixtures.Image signedCt(DicomFixtures.Builder id) {
        int[] v = new int[32 * 32];
        for (int i = 0; i < v.length; i++) {
            v[i] = (i * 7) % 2048 - 1024;
        }
        return image(id, 32, 32).gray16(12, true, v).rescale("1", "-1024");
    }

    @Test
    void jpegLosslessAndRleDecodeToTheSamePixelsAsNative() {
        Assumptions.assumeTrue(RenderFixtures.dcmtkAvailable("dcmcjpeg") && RenderFixtures.dcmtkAvailable("dcmcrle"),
                "dcmtk (bin/setup installs it) makes the JPEG lossless and RLE fixtures");
        var reference = DicomFixtures.instance();
        store(signedCt(reference).bytes());
        int[] expected = pixels(png(instancePath(reference) + "/rendered", "window=-1024,2048"));

        var lossless = DicomFixtures.instance();
        store(signedCt(lossless).dcmtk("dcmcjpeg", "+e1"));
        assertTransferSyntax(lossless, RenderFixtures.JPEG_LOSSLESS_SV1);
        assertArrayEquals(expected, pixels(png(instancePath(lossless) + "/rendered", "window=-1024,2048")), "JPEG lossless");

        var rle = DicomFixtures.instance();
        store(signedCt(rle).dcmtk("dcmcrle"));
        assertTransferSyntax(rle, RenderFixtures.RLE);
        assertArrayEquals(expected, pixels(png(instancePath(rle) + "/rendered", "window=-1024,2048")), "RLE");

        var rgbReference = DicomFixtures.instance();
        store(image(rgbReference, 16, 16).color("RGB", 0, quadrants()).bytes());
        var rgbRle = DicomFixtures.instance();
        store(image(rgbRle, 16, 16).color("RGB", 0, quadrants()).dcmtk("dcmcrle"));
        assertArrayEquals(pixels(png(instancePath(rgbReference) + "/rendered")),
                pixels(png(instancePath(rgbRle) + "/rendered")), "RGB RLE");
    }

    @Test
    void jpeg2000LosslessDecodesToTheSamePixelsAsNative() {
        int[] v = new int[32 * 32];
        for (int i = 0; i < v.length; i++) {
            v[i] = (i * 13) % 4096;
        }
        var reference = DicomFixtures.instance();
        store(image(reference, 32, 32).gray16(12, false, v).bytes());
        var j2k = DicomFixtures.instance();
        store(image(j2k, 32, 32).gray16(12, false, v).jpeg2000Lossless());
        assertTransferSyntax(j2k, RenderFixtures.JPEG_2000_LOSSLESS);
        assertArrayEquals(pixels(png(instancePath(reference) + "/rendered", "window=2048,4096")),
                pixels(png(instancePath(j2k) + "/rendered", "window=2048,4096")));
    }

    private static void assertTransferSyntax(DicomFixtures.Builder id, String ts) {
        List<MultipartParts.Part> parts = MultipartParts.parse(admin()
                .accept("multipart/related; type=\"application/dicom\"; transfer-syntax=*").get(instancePath(id))
                .then().statusCode(200).extract().response());
        assertEquals(ts, parts.get(0).transferSyntax());
    }

    // ---- viewport, quality, media types ---------------------------------------------------------

    /** 64 columns × 32 rows, grey = 4 × column after window 128,256. */
    private static DicomFixtures.Builder columnRamp() {
        var id = DicomFixtures.instance();
        int[] v = new int[64 * 32];
        for (int i = 0; i < v.length; i++) {
            v[i] = (i % 64) * 4;
        }
        store(image(id, 32, 64).gray16(16, false, v).window("128", "256").bytes());
        return id;
    }

    @Test
    void viewportScalesKeepingAspectRatioCropsAndFlips() {
        var id = columnRamp();
        String path = instancePath(id) + "/rendered";
        BufferedImage half = png(path, "viewport=32,32");
        assertEquals(32, half.getWidth());
        assertEquals(16, half.getHeight());
        assertEquals(8 * 5 + 2, gray(half, 5, 7)); // mean of columns 10 and 11: (40 + 44) / 2
        BufferedImage up = png(path, "viewport=256,256");
        assertEquals(256, up.getWidth());
        assertEquals(128, up.getHeight());
        BufferedImage crop = png(path, "viewport=16,16,16,0,16,16");
        assertEquals(16, crop.getWidth());
        assertEquals(16, crop.getHeight());
        assertEquals(64, gray(crop, 0, 0));
        assertEquals(124, gray(crop, 15, 15));
        BufferedImage flipped = png(path, "viewport=64,32,0,0,-64,32");
        assertEquals(252, gray(flipped, 0, 3));
        assertEquals(0, gray(flipped, 63, 3));
        // Region beyond the image is clipped; a region outside it is a bad request.
        BufferedImage clipped = png(path, "viewport=64,64,56,0,100,100"); // 8 × 32 region, scaled × 2
        assertEquals(16, clipped.getWidth());
        assertEquals(64, clipped.getHeight());
        admin().queryParam("viewport", "64,64,64,0,8,8").get(path).then().statusCode(400);
    }

    @Test
    void qualityChangesJpegSize() {
        var id = DicomFixtures.instance();
        Random random = new Random(7);
        int[] noise = new int[128 * 128];
        for (int i = 0; i < noise.length; i++) {
            noise[i] = random.nextInt(4096);
        }
        store(image(id, 128, 128).gray16(12, false, noise).bytes());
        String path = instancePath(id) + "/rendered";
        byte[] low = get(path, "image/jpeg", "image/jpeg", "quality=10");
        byte[] high = get(path, "image/jpeg", "image/jpeg", "quality=95");
        assertTrue(low.length * 2 < high.length, low.length + " vs " + high.length);
        assertEquals(128, decode(low).getWidth());
    }

    @Test
    void mediaTypesAndNegotiation() throws Exception {
        var id = DicomFixtures.instance();
        store(image(id, 16, 16).gray16(16, false, ramp16()).bytes());
        String path = instancePath(id) + "/rendered";
        assertEquals("JPEG", format(get(path, null, "image/jpeg")));
        assertEquals("JPEG", format(get(path, "*/*", "image/jpeg")));
        assertEquals("JPEG", format(get(path, "image/*", "image/jpeg")));
        assertEquals("png", format(get(path, "image/png", "image/png")));
        assertEquals("gif", format(get(path, "image/gif", "image/gif")));
        // DICOM and rendered media types together are 400 (PS3.18 §8.7.5).
        admin().accept("application/dicom, image/png;q=0.5").get(path).then().statusCode(400);
        // The accept query parameter overrides the header.
        assertEquals("gif", format(get(path, "image/png", "image/gif", "accept=image/gif")));
        for (String unacceptable : new String[] { "application/dicom", "image/tiff", "text/html", "video/mp4" }) {
            admin().accept(unacceptable).get(path).then().statusCode(406);
        }
        admin().accept("image/png").queryParam("accept", "application/json").get(path).then().statusCode(406);
        List<MultipartParts.Part> parts = MultipartParts.parse(admin().accept("multipart/related; type=\"image/png\"")
                .get(path).then().statusCode(200).extract().response());
        assertEquals(1, parts.size());
        assertEquals("image/png", parts.get(0).contentType());
        // A thumbnail is one image: multipart alone is not acceptable for it.
        admin().accept("multipart/related; type=\"image/jpeg\"").get(instancePath(id) + "/thumbnail").then()
                .statusCode(406);
    }

    private static String format(byte[] body) throws Exception {
        try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(body))) {
            ImageReader reader = ImageIO.getImageReaders(in).next();
            return reader.getFormatName();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = { "window=abc,10", "window=10", "window=10,0", "window=10,20,cubic", "window=NaN,10",
            "quality=0", "quality=101", "quality=high", "viewport=0,10", "viewport=10", "viewport=10,10,1,2",
            "viewport=10,10,-1,0,5,5", "viewport=10,10,0,0,0,5", "viewport=99999,10", "annotation=everything",
            "annotation=" })
    void invalidParametersAre400(String param) {
        var id = DicomFixtures.instance();
        store(image(id, 8, 8).gray8(new int[64]).bytes());
        int eq = param.indexOf('=');
        admin().queryParam(param.substring(0, eq), param.substring(eq + 1)).get(instancePath(id) + "/rendered")
                .then().statusCode(400);
    }

    @Test
    void badFramesAndRepeatedParameters() {
        var id = DicomFixtures.instance();
        store(image(id, 8, 8).gray8(new int[64]).bytes());
        String path = instancePath(id);
        admin().get(path + "/frames/0/rendered").then().statusCode(400);
        admin().get(path + "/frames/1,x/rendered").then().statusCode(400);
        admin().get(path + "/frames/2/rendered").then().statusCode(404);
        admin().get(path + "/frames/1,2/thumbnail").then().statusCode(400);
        admin().queryParam("quality", "50").queryParam("quality", "60").get(path + "/rendered").then().statusCode(400);
        admin().get(path + "/frames/1/rendered").then().statusCode(200).contentType("image/jpeg");
    }

    // ---- multi-frame, study and series ----------------------------------------------------------

    /** Three 8×8 frames, frame f (1-based) all of value 60·f plus the column. */
    private static DicomFixtures.Builder threeFrames() {
        var id = DicomFixtures.instance();
        int[] v = new int[3 * 64];
        for (int i = 0; i < v.length; i++) {
            v[i] = 60 * (i / 64 + 1) + i % 8;
        }
        store(image(id, 8, 8).gray16(16, false, v).frames(3).window("128", "256").bytes());
        return id;
    }

    @Test
    void framesAreSelectedAndRenderedInTheOrderAsked() throws Exception {
        var id = threeFrames();
        String path = instancePath(id);
        assertEquals(120 + 3, gray(png(path + "/frames/2/rendered"), 3, 0));
        List<MultipartParts.Part> parts = MultipartParts.parse(admin().accept("image/png").get(path + "/frames/3,1/rendered")
                .then().statusCode(200).contentType(startsWith("multipart/related; type=\"image/png\""))
                .extract().response());
        assertEquals(2, parts.size());
        assertEquals(180, gray(decode(parts.get(0).body()), 0, 0));
        assertEquals(60, gray(decode(parts.get(1).body()), 0, 0));
        assertTrue(parts.get(0).headers().get("content-location").endsWith("/frames/3/rendered"));
        // The instance as a single image is its first frame; as image/gif, all frames animated.
        assertEquals(60, gray(png(path + "/rendered"), 0, 0));
        byte[] gif = get(path + "/rendered", "image/gif", "image/gif");
        try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(gif))) {
            ImageReader reader = ImageIO.getImageReaders(in).next();
            reader.setInput(in);
            assertEquals(3, reader.getNumImages(true));
            assertEquals(180, gray(reader.read(2), 0, 0));
        }
        // */* is JPEG, one frame.
        assertEquals(8, decode(get(path + "/rendered", "*/*", "image/jpeg")).getWidth());
        admin().get(path + "/frames/4/rendered").then().statusCode(404);
    }

    @Test
    void studyAndSeriesAreMultipartOfRenderedInstances() {
        var a = DicomFixtures.instance();
        var b = DicomFixtures.instance().inSeriesOf(a).instanceNumber(2);
        var c = DicomFixtures.instance().inStudyOf(a).seriesNumber(2);
        store(image(a, 8, 8).gray8(new int[64]).bytes(), image(b, 8, 8).gray8(new int[64]).bytes(),
                image(c, 16, 16).color("RGB", 0, quadrants()).bytes());
        Response study = admin().accept("image/png").get(studyPath(a) + "/rendered");
        study.then().statusCode(200).contentType(startsWith("multipart/related; type=\"image/png\""));
        List<MultipartParts.Part> parts = MultipartParts.parse(study);
        assertEquals(3, parts.size());
        assertTrue(parts.get(0).headers().get("content-location").endsWith(instancePath(a) + "/rendered"));
        assertEquals(16, decode(parts.get(2).body()).getWidth());
        List<MultipartParts.Part> series = MultipartParts.parse(admin().get(seriesPath(a) + "/rendered").then()
                .statusCode(200).contentType(startsWith("multipart/related; type=\"image/jpeg\"")).extract().response());
        assertEquals(2, series.size());
        assertEquals("image/jpeg", series.get(0).contentType());
        admin().accept("application/dicom").get(studyPath(a) + "/rendered").then().statusCode(406);
    }

    // ---- thumbnails -----------------------------------------------------------------------------

    /** A study of 20 flat 256×256 images (instance k has value 10·k) and a second series. */
    private static DicomFixtures.Builder twentyInstanceStudy(int size) {
        var first = DicomFixtures.instance().instanceNumber(1);
        List<byte[]> all = new ArrayList<>();
        for (int k = 1; k <= 20; k++) {
            var id = k == 1 ? first : DicomFixtures.instance().inSeriesOf(first).instanceNumber(k);
            int[] v = new int[size * size];
            Arrays.fill(v, 10 * k);
            all.add(image(id, size, size).gray16(16, false, v).window("128", "256").bytes());
        }
        var other = DicomFixtures.instance().inStudyOf(first).seriesNumber(2);
        int[] v = new int[size * size];
        Arrays.fill(v, 250);
        all.add(image(other, size, size).gray16(16, false, v).window("128", "256").bytes());
        store(all.toArray(byte[][]::new));
        return first;
    }

    @Test
    void studyThumbnailIsTheMiddleInstanceOfTheFirstSeriesAndSmall() {
        var first = twentyInstanceStudy(256);
        BufferedImage thumb = decode(get(studyPath(first) + "/thumbnail", null, "image/jpeg"));
        assertEquals(128, thumb.getWidth());
        assertEquals(128, thumb.getHeight());
        assertEquals(110, gray(thumb, 64, 64), 2); // instance 11 of 20
        BufferedImage series = decode(get(seriesPath(first) + "/thumbnail", "image/png", "image/png"));
        assertEquals(110, gray(series, 10, 10));
        BufferedImage sized = decode(get(studyPath(first) + "/thumbnail", "image/png", "image/png", "viewport=40,40"));
        assertEquals(40, sized.getWidth());
    }

    @Test
    void instanceAndFrameThumbnails() {
        var id = threeFrames();
        String path = instancePath(id);
        BufferedImage middle = decode(get(path + "/thumbnail", "image/png", "image/png"));
        assertEquals(8, middle.getWidth()); // never enlarged
        assertEquals(120, gray(middle, 0, 0)); // frame 2 of 3
        assertEquals(180, gray(decode(get(path + "/frames/3/thumbnail", "image/png", "image/png")), 0, 0));
        admin().get(path + "/frames/4/thumbnail").then().statusCode(404);
    }

    // ---- annotations: never unless asked, never on thumbnails -----------------------------------

    @Test
    void patientDemographicsAreBurnedInOnlyWhenAsked() {
        var id = DicomFixtures.instance();
        int[] ramp = new int[256 * 256];
        for (int i = 0; i < ramp.length; i++) {
            ramp[i] = (i % 256 + i / 256) / 2;
        }
        store(image(id, 256, 256).gray16(16, false, ramp).patientName("ZZTOPSECRET^NAME").bytes());
        String path = instancePath(id) + "/rendered";
        // Without annotation: exactly the pixel values through the window, nothing drawn.
        BufferedImage plain = png(path, "window=128,256");
        for (int i = 0; i < ramp.length; i++) {
            assertEquals(ramp[i], gray(plain, i % 256, i / 256), "pixel " + i);
        }
        BufferedImage patient = png(path, "window=128,256", "annotation=patient");
        int[] withPatient = pixels(patient);
        int[] expected = pixels(plain);
        assertFalse(Arrays.equals(expected, withPatient), "patient annotation drawn");
        int changedTop = 0;
        int changedBottom = 0;
        for (int i = 0; i < expected.length; i++) {
            if (expected[i] != withPatient[i]) {
                if (i / 256 < 128) {
                    changedTop++;
                } else {
                    changedBottom++;
                }
            }
        }
        assertTrue(changedTop > 100, "text in the top left");
        assertEquals(0, changedBottom, "patient text only at the top");
        int[] withTechnique = pixels(png(path, "window=128,256", "annotation=technique"));
        assertFalse(Arrays.equals(expected, withTechnique), "technique annotation drawn");
        assertArrayEquals(Arrays.copyOf(expected, 128 * 256), Arrays.copyOf(withTechnique, 128 * 256),
                "technique text only at the bottom");
        // A thumbnail never carries patient information, whatever the request says.
        assertArrayEquals(get(instancePath(id) + "/thumbnail", "image/png", "image/png"),
                get(instancePath(id) + "/thumbnail", "image/png", "image/png", "annotation=patient"));
    }

    // ---- access ---------------------------------------------------------------------------------

    @Test
    void hiddenStudyIs404LikeAnUnknownOneAndAuditedAsRetrieve() {
        var id = DicomFixtures.instance().patient("HID-R-" + System.nanoTime(), "Doe^Hidden");
        store(image(id, 8, 8).gray8(new int[64]).bytes());
        String stranger = TestTokens.user("dr.x", "clinician");
        String unknown = "/dicomweb/studies/" + DicomFixtures.uid();
        for (String suffix : new String[] { "/rendered", "/thumbnail" }) {
            String requestId = "t-" + java.util.UUID.randomUUID();
            String hidden = Api.as(stranger).header(AuditResponseFilter.REQUEST_ID, requestId)
                    .get(studyPath(id) + suffix).then().statusCode(404).extract().asString();
            String missing = Api.as(stranger).get(unknown + suffix).then().statusCode(404).extract().asString();
            assertEquals(missing, hidden);
            List<AuditEvent> events = awaitEvents(requestId);
            assertEquals(1, events.size());
            assertEquals(AuditAction.RETRIEVE, events.get(0).action());
            assertEquals(AuditOutcome.DENIED, events.get(0).outcome());
            assertEquals(id.patientId(), events.get(0).patientId());
        }
        Api.as(stranger).get(instancePath(id) + "/rendered").then().statusCode(404);
        Api.as(stranger).get(instancePath(id) + "/frames/1/rendered").then().statusCode(404);
        Api.as(stranger).get(seriesPath(id) + "/thumbnail").then().statusCode(404);
        // The patient sees their own.
        Api.as(TestTokens.patient("pat-r", id.patientId())).get(instancePath(id) + "/rendered").then().statusCode(200);
        String requestId = "t-" + java.util.UUID.randomUUID();
        admin().header(AuditResponseFilter.REQUEST_ID, requestId).get(instancePath(id) + "/rendered").then()
                .statusCode(200);
        AuditEvent ok = awaitEvents(requestId).get(0);
        assertEquals(AuditAction.RETRIEVE, ok.action());
        assertEquals(AuditOutcome.SUCCESS, ok.outcome());
        assertEquals(id.sopUid(), ok.instanceUid());
    }

    private List<AuditEvent> awaitEvents(String requestId) {
        return audit.forRequest(requestId); // waits for async events
    }

    @Test
    void nonImageInstancesCannotBeRendered() {
        var id = DicomFixtures.instance();
        var list = image(id, 8, 8).gray8(new int[64]).attributes();
        list.remove(com.pixelmed.dicom.TagFromName.PixelData);
        list.remove(com.pixelmed.dicom.TagFromName.Rows);
        list.remove(com.pixelmed.dicom.TagFromName.Columns);
        store(RenderFixtures.write(list, DicomFixtures.EXPLICIT_LE));
        admin().get(instancePath(id) + "/rendered").then().statusCode(406);
        admin().get(studyPath(id) + "/rendered").then().statusCode(406);
        admin().get(studyPath(id) + "/thumbnail").then().statusCode(406);
        admin().get(instancePath(id) + "/frames/1/rendered").then().statusCode(404);
    }

    // ---- timings (printed for the README; bounds are loose, the build machine is shared) ---------

    @Test
    void timings() {
        var ct = DicomFixtures.instance().modality("CT");
        store(image(ct, 512, 512).gray16(12, false, RenderTimingTest.ctPixels()).rescale("1", "-1024")
                .window("40", "400").bytes());
        var study = twentyInstanceStudy(512);
        var client = java.net.http.HttpClient.newHttpClient();
        long jpeg = median(() -> fetch(client, instancePath(ct) + "/rendered", "image/jpeg"));
        long png = median(() -> fetch(client, instancePath(ct) + "/rendered", "image/png"));
        long thumbnail = median(() -> fetch(client, studyPath(study) + "/thumbnail", "image/jpeg"));
        long metadata = median(() -> fetch(client, instancePath(ct) + "/metadata", "application/dicom+json"));
        System.out.printf("RENDER-TIMING over HTTP, p50 of 15: 512x512 16-bit CT rendered JPEG %d ms, PNG %d ms;"
                + " thumbnail of a 20-instance 512x512 study %d ms; (instance metadata, for the request overhead,"
                + " %d ms)%n", jpeg, png, thumbnail, metadata);
        assertTrue(jpeg < 2000 && thumbnail < 2000, "rendering takes seconds");
    }

    private static void fetch(java.net.http.HttpClient client, String path, String accept) {
        String url = io.restassured.RestAssured.baseURI + ":" + io.restassured.RestAssured.port + path;
        try {
            var response = client.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(url))
                    .header("Authorization", "Bearer " + Api.ADMIN).header("Accept", accept).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofByteArray());
            assertEquals(200, response.statusCode());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static long median(Runnable request) {
        for (int i = 0; i < 5; i++) {
            request.run();
        }
        long[] ms = new long[15];
        for (int i = 0; i < ms.length; i++) {
            long start = System.nanoTime();
            request.run();
            ms[i] = (System.nanoTime() - start) / 1_000_000;
        }
        Arrays.sort(ms);
        return ms[ms.length / 2];
    }
}
