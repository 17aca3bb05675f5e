package io.dicomgate.render;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import io.dicomgate.dicom.AcceptHeader;
import io.dicomgate.dicom.InvalidRequestException;
import io.dicomgate.dicom.NotAcceptableException;
import io.dicomgate.render.RenderParams.Annotation;
import io.dicomgate.render.RenderParams.VoiFunction;
import io.dicomgate.render.RenderParams.Window;

/** The rendering pipeline's pure parts: parameters, negotiation, VOI functions, RLE, viewport. */
class RenderPipelineTest {

    private static RenderParams params(String name, String value) {
        return RenderParams.parse(Map.of(name, List.of(value)));
    }

    @Test
    void parsesRenderingParameters() {
        RenderParams p = RenderParams.parse(Map.of("window", List.of("40,400,SIGMOID"), "quality", List.of("75"),
                "viewport", List.of("512,256,10,20,-100,50"), "annotation", List.of("patient,technique")));
        assertEquals(new Window(40, 400, VoiFunction.SIGMOID), p.window());
        assertEquals(75, p.quality());
        assertEquals(0.75f, p.jpegQuality());
        assertEquals(new RenderParams.Viewport(512, 256, 10, 20, -100, 50), p.viewport());
        assertTrue(p.viewport().flipHorizontal());
        assertEquals(Set.of(Annotation.PATIENT, Annotation.TECHNIQUE), p.annotations());
        assertTrue(p.withoutAnnotations().annotations().isEmpty());
        assertEquals(RenderParams.NONE, RenderParams.parse(Map.of("accept", List.of("image/png"))));
        assertEquals(new Window(-600.5, 1e3, VoiFunction.LINEAR), params("window", "-600.5,1e3").window());
        assertEquals(new RenderParams.Viewport(64, 64, 0, 0, 0, 0), params("viewport", "64,64,,,,").viewport());
        assertEquals(Set.of(Annotation.PATIENT), RenderParams.parse(Map.of("annotation", List.of("patient", "patient")))
                .annotations());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = { "window|1,0.5", "window|1,0,linear-exact", "window|1,-2,sigmoid",
            "window|0x10,20", "window|1,2,3,4", "window|Infinity,2", "quality|-5", "quality|1.5",
            "viewport|5,5,0,0,0,0", "viewport|,5", "viewport|5,5,0,0,x,5", "annotation|patient,,technique",
            "annotation|PHI" })
    void refusesMalformedValues(String name, String value) {
        assertThrows(InvalidRequestException.class, () -> params(name, value));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = { "image/jpeg|JPEG|false", "image/png|PNG|false", "image/gif|GIF|false",
            "*/*|JPEG|false", "image/*|JPEG|false", "'image/png;q=0.4, image/gif'|GIF|false",
            "multipart/related; type=\"image/png\"|PNG|true", "multipart/related|JPEG|true",
            "'application/dicom, image/*;q=0.1'|JPEG|false" })
    void negotiatesRenderedMediaTypes(String accept, RenderedMediaType type, boolean multipart) {
        RenderedMediaType.Choice choice = RenderedMediaType.negotiate(AcceptHeader.of(accept, null), true);
        assertEquals(type, choice.type());
        assertEquals(multipart, choice.multipart());
    }

    @Test
    void refusesWhatItCannotProduce() {
        for (String accept : List.of("application/dicom", "image/tiff", "image/jp2", "text/plain",
                "multipart/related; type=\"application/dicom\"")) {
            assertThrows(NotAcceptableException.class,
                    () -> RenderedMediaType.negotiate(AcceptHeader.of(accept, null), true), accept);
        }
        assertThrows(NotAcceptableException.class, () -> RenderedMediaType
                .negotiate(AcceptHeader.of("multipart/related; type=\"image/jpeg\"", null), false));
        assertTrue(RenderedMediaType.negotiate(AcceptHeader.of("image/gif", null), false).explicit());
        assertFalse(RenderedMediaType.negotiate(AcceptHeader.of("image/*", null), false).explicit());
    }

    @Test
    void voiFunctionsFollowPs33() {
        Window linear = new Window(40, 400, VoiFunction.LINEAR);
        assertEquals(0, Windowing.voi(-160.5, linear));
        assertEquals(255, Windowing.voi(240, linear));
        assertEquals(((40 - 39.5) / 399 + 0.5) * 255, Windowing.voi(40, linear), 1e-9);
        Window exact = new Window(0, 100, VoiFunction.LINEAR_EXACT);
        assertEquals(127.5, Windowing.voi(0, exact), 1e-9);
        assertEquals(0, Windowing.voi(-50, exact));
        Window sigmoid = new Window(0, 100, VoiFunction.SIGMOID);
        assertEquals(127.5, Windowing.voi(0, sigmoid), 1e-9);
        assertEquals(-128, Windowing.value(0x80, 8, true));
        assertEquals(-1, Windowing.value(0xFFF, 12, true));
        assertEquals(0xFFF, Windowing.value(0xFFF, 12, false));
    }

    @Test
    void functionalGroupsGiveRescaleAndWindowPerFrame() throws Exception {
        var list = new com.pixelmed.dicom.AttributeList();
        put(list, new com.pixelmed.dicom.DecimalStringAttribute(com.pixelmed.dicom.TagFromName.WindowCenter), "10");
        put(list, new com.pixelmed.dicom.DecimalStringAttribute(com.pixelmed.dicom.TagFromName.WindowWidth), "20");
        var shared = new com.pixelmed.dicom.SequenceAttribute(com.pixelmed.dicom.TagFromName.SharedFunctionalGroupsSequence);
        var sharedItem = new com.pixelmed.dicom.AttributeList();
        var transform = new com.pixelmed.dicom.SequenceAttribute(com.pixelmed.dicom.TagFromName.PixelValueTransformationSequence);
        var transformItem = new com.pixelmed.dicom.AttributeList();
        put(transformItem, new com.pixelmed.dicom.DecimalStringAttribute(com.pixelmed.dicom.TagFromName.RescaleSlope), "2");
        put(transformItem, new com.pixelmed.dicom.DecimalStringAttribute(com.pixelmed.dicom.TagFromName.RescaleIntercept), "-5");
        transform.addItem(transformItem);
        sharedItem.put(transform);
        shared.addItem(sharedItem);
        list.put(shared);
        var perFrame = new com.pixelmed.dicom.SequenceAttribute(com.pixelmed.dicom.TagFromName.PerFrameFunctionalGroupsSequence);
        perFrame.addItem(new com.pixelmed.dicom.AttributeList());
        var second = new com.pixelmed.dicom.AttributeList();
        var voi = new com.pixelmed.dicom.SequenceAttribute(com.pixelmed.dicom.TagFromName.FrameVOILUTSequence);
        var voiItem = new com.pixelmed.dicom.AttributeList();
        put(voiItem, new com.pixelmed.dicom.DecimalStringAttribute(com.pixelmed.dicom.TagFromName.WindowCenter), "300", "40");
        put(voiItem, new com.pixelmed.dicom.DecimalStringAttribute(com.pixelmed.dicom.TagFromName.WindowWidth), "600", "80");
        put(voiItem, new com.pixelmed.dicom.CodeStringAttribute(com.pixelmed.dicom.TagFromName.VOILUTFunction), "SIGMOID");
        voi.addItem(voiItem);
        second.put(voi);
        perFrame.addItem(second);
        list.put(perFrame);
        ImageAttributes a = ImageAttributes.of(list);
        assertArrayEquals(new double[] { 2, -5 }, a.rescale(1));
        assertArrayEquals(new double[] { 2, -5 }, a.rescale(2));
        assertEquals(new Window(10, 20, VoiFunction.LINEAR), a.window(1));
        assertEquals(new Window(300, 600, VoiFunction.SIGMOID), a.window(2));
    }

    private static void put(com.pixelmed.dicom.AttributeList list, com.pixelmed.dicom.Attribute a, String... values)
            throws com.pixelmed.dicom.DicomException {
        for (String value : values) {
            a.addValue(value);
        }
        list.put(a);
    }

    @Test
    void decodesRleSegments() throws IOException {
        // Two 16-bit pixels 0x0102 and 0x0302: a high-byte segment (a literal run) and a low-byte one (a replicate run).
        byte[] frame = new byte[64 + 4 + 2];
        frame[0] = 2;
        frame[4] = 64;
        frame[8] = 68;
        frame[64] = 1; // literal run of 2
        frame[65] = 0x01;
        frame[66] = 0x03;
        frame[67] = 0; // padding byte ends the segment: a literal of 1 (unused beyond 2 pixels)
        frame[68] = (byte) -1; // replicate twice
        frame[69] = 0x02;
        byte[] out = RleDecoder.decode(frame, 1, 2, 1, 16);
        assertArrayEquals(new byte[] { 0x02, 0x01, 0x02, 0x03 }, out);
        assertThrows(IOException.class, () -> RleDecoder.decode(new byte[10], 1, 2, 1, 16));
    }

    private static BufferedImage gray(int w, int h, int... values) {
        BufferedImage image = new BufferedImage(w, h, BufferedImage.TYPE_BYTE_GRAY);
        byte[] data = ((DataBufferByte) image.getRaster().getDataBuffer()).getData();
        for (int i = 0; i < values.length; i++) {
            data[i] = (byte) values[i];
        }
        return image;
    }

    @Test
    void viewportAveragesWhenShrinkingAndFlips() {
        BufferedImage source = gray(4, 2, 0, 10, 20, 30, 40, 50, 60, 70);
        BufferedImage half = Viewports.apply(source, Viewports.plan(new RenderParams.Viewport(2, 2, 0, 0, 0, 0), 4, 2));
        assertEquals(2, half.getWidth());
        assertEquals(1, half.getHeight());
        assertEquals(25, half.getRaster().getSample(0, 0, 0)); // mean of 0, 10, 40, 50
        BufferedImage flipped = Viewports.apply(source,
                Viewports.plan(new RenderParams.Viewport(4, 2, 0, 0, -4, -2), 4, 2));
        assertEquals(70, flipped.getRaster().getSample(0, 0, 0));
        assertEquals(0, flipped.getRaster().getSample(3, 1, 0));
        assertEquals(source, Viewports.apply(source, Viewports.plan(null, 4, 2)));
        Viewports.Plan thumb = Viewports.thumbnail(null, 1024, 512, 128);
        assertEquals(128, thumb.outWidth());
        assertEquals(64, thumb.outHeight());
        assertEquals(64, Viewports.thumbnail(null, 64, 32, 128).outWidth());
    }

    @Test
    void imagesWrapTheRenderedPixelsWithoutCopying() {
        byte[] gray = new byte[6];
        BufferedImage g = FrameRenderer.gray(gray, 3, 2);
        assertEquals(BufferedImage.TYPE_BYTE_GRAY, g.getType());
        gray[4] = 99;
        assertEquals(99, g.getRaster().getSample(1, 1, 0));
        int[] rgb = new int[6];
        BufferedImage c = FrameRenderer.rgb(rgb, 3, 2);
        assertEquals(BufferedImage.TYPE_INT_RGB, c.getType());
        rgb[5] = 0x123456;
        assertEquals(0x123456, c.getRGB(2, 1) & 0xFFFFFF);
    }

    @Test
    void fontHasAGlyphForWhatNamesUse() {
        for (char c : "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 ^-.,:/()'".toCharArray()) {
            assertEquals(Character.toUpperCase(c), BitmapFont.normalize(c));
        }
        assertEquals('A', BitmapFont.normalize('a'));
        assertEquals('?', BitmapFont.normalize('\u00e9'));
    }
}
