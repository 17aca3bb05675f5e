package io.dicomgate.dicom;

import static io.dicomgate.dicom.DicomBytes.JPEG_BASELINE;
import static io.dicomgate.dicom.Part10Scanner.EXPLICIT_VR_BE;
import static io.dicomgate.dicom.Part10Scanner.EXPLICIT_VR_LE;
import static io.dicomgate.dicom.Part10Scanner.IMPLICIT_VR_LE;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class FrameLocatorTest {

    @TempDir
    Path dir;

    private static byte[] bytesOf(Path file, List<ByteRange> ranges) throws IOException {
        byte[] all = Files.readAllBytes(file);
        var out = new ByteArrayOutputStream();
        for (ByteRange r : ranges) {
            out.write(all, (int) r.offset(), (int) r.length());
        }
        return out.toByteArray();
    }

    private static byte[] fill(int length, int value) {
        byte[] b = new byte[length];
        java.util.Arrays.fill(b, (byte) value);
        return b;
    }

    @ParameterizedTest
    @ValueSource(strings = {IMPLICIT_VR_LE, EXPLICIT_VR_LE, EXPLICIT_VR_BE})
    void locatesNativeFrames(String ts) throws Exception {
        int frames = 4;
        int rows = 3;
        int columns = 5;
        Path f = PixelMedFixtures.image(dir.resolve("mf.dcm"), ts, frames, rows, columns);
        PixelDataLocation px = Part10Scanner.scan(f).pixelData();
        for (int n = 1; n <= frames; n++) {
            List<ByteRange> ranges = FrameLocator.frame(f, px, n, frames, rows, columns, 1, 16);
            assertEquals(1, ranges.size());
            assertEquals(rows * columns * 2, ranges.get(0).length());
            byte[] frame = bytesOf(f, ranges);
            for (int i = 0; i < rows * columns; i++) {
                int v = ts.equals(EXPLICIT_VR_BE) ? (frame[2 * i] & 0xff) << 8 | frame[2 * i + 1] & 0xff
                        : frame[2 * i] & 0xff | (frame[2 * i + 1] & 0xff) << 8;
                assertEquals(PixelMedFixtures.pixel(n - 1, i), (short) v, "frame " + n + " sample " + i);
            }
        }
    }

    @Test
    void rejectsNativeAttributesThatDoNotFitThePixelData() throws Exception {
        Path f = PixelMedFixtures.image(dir.resolve("mf.dcm"), EXPLICIT_VR_LE, 2, 3, 5);
        PixelDataLocation px = Part10Scanner.scan(f).pixelData();
        assertEquals(30, FrameLocator.frame(f, px, 2, 2, 3, 5, 1, 16).get(0).length());
        assertThrows(InvalidDicomException.class, () -> FrameLocator.frame(f, px, 2, 2, 3, 5, 3, 16));
        assertThrows(InvalidDicomException.class, () -> FrameLocator.frame(f, px, 1, 1, 3, 5, 1, 24 * 8));
        assertThrows(InvalidDicomException.class, () -> FrameLocator.frame(f, px, 1, 1, 65535, 65535, 4, 64));
        assertThrows(InvalidDicomException.class, () -> FrameLocator.frame(f, px, 1, 1, 0, 5, 1, 16));
        var e = assertThrows(InvalidDicomException.class, () -> FrameLocator.frame(f, px, 1, 2, 3, 5, 1, 1));
        assertEquals("bit-packed frames not supported", e.getMessage());
        assertThrows(InvalidDicomException.class, () -> FrameLocator.frame(f, px, 1, 1, 3, 5, 1, 12));
    }

    @ParameterizedTest
    @CsvSource({"0, 3", "4, 3", "-1, 3", "2, 1"})
    void rejectsFrameNumbersOutOfRange(int frameNumber, int numberOfFrames) throws Exception {
        Path f = PixelMedFixtures.image(dir.resolve("mf.dcm"), EXPLICIT_VR_LE, 3, 2, 2);
        PixelDataLocation px = Part10Scanner.scan(f).pixelData();
        assertThrows(IllegalArgumentException.class,
                () -> FrameLocator.frame(f, px, frameNumber, numberOfFrames, 2, 2, 1, 16));
    }

    private Path encapsulated(long[] offsetTable, byte[]... fragments) throws IOException {
        return DicomBytes.part10(JPEG_BASELINE).typicalDataSet().encapsulated(offsetTable, fragments)
                .write(dir.resolve("enc.dcm"));
    }

    @Test
    void oneFragmentPerFrame() throws Exception {
        Path f = encapsulated(new long[0], fill(4, 1), fill(6, 2), fill(2, 3));
        PixelDataLocation px = Part10Scanner.scan(f).pixelData();
        for (int n = 1; n <= 3; n++) {
            List<ByteRange> ranges = FrameLocator.frame(f, px, n, 3, 8, 8, 1, 8);
            assertEquals(1, ranges.size());
            byte[] frame = bytesOf(f, ranges);
            assertEquals(n, frame[0]);
            assertEquals(n == 1 ? 4 : n == 2 ? 6 : 2, frame.length);
        }
    }

    @Test
    void framesSpanningFragmentsFollowTheOffsetTable() throws Exception {
        // frame 1 = fragments 1+2 (items of 12 and 10 bytes), frame 2 = fragment 3, frame 3 = fragments 4+5
        Path f = encapsulated(new long[] {0, 22, 30}, fill(4, 1), fill(2, 1), fill(0, 2), fill(4, 3), fill(2, 3));
        PixelDataLocation px = Part10Scanner.scan(f).pixelData();
        assertArrayEquals(fill(6, 1), bytesOf(f, FrameLocator.frame(f, px, 1, 3, 8, 8, 1, 8)));
        assertEquals(List.of(new ByteRange(px.fragments().get(2).offset(), 0)), FrameLocator.frame(f, px, 2, 3, 8, 8, 1, 8));
        assertArrayEquals(fill(6, 3), bytesOf(f, FrameLocator.frame(f, px, 3, 3, 8, 8, 1, 8)));
        assertEquals(2, FrameLocator.frame(f, px, 3, 3, 8, 8, 1, 8).size());
    }

    @Test
    void singleFrameIsAllFragments() throws Exception {
        Path f = encapsulated(new long[0], fill(4, 1), fill(2, 1), fill(8, 1));
        PixelDataLocation px = Part10Scanner.scan(f).pixelData();
        List<ByteRange> ranges = FrameLocator.frame(f, px, 1, 1, 8, 8, 3, 8);
        assertEquals(3, ranges.size());
        assertArrayEquals(fill(14, 1), bytesOf(f, ranges));
    }

    @Test
    void refusesToGuessFramesWithoutOffsetTable() throws Exception {
        Path f = encapsulated(new long[0], fill(4, 1), fill(2, 1), fill(8, 1));
        PixelDataLocation px = Part10Scanner.scan(f).pixelData();
        var e = assertThrows(InvalidDicomException.class, () -> FrameLocator.frame(f, px, 1, 2, 8, 8, 1, 8));
        assertEquals("cannot locate frames without offset table", e.getMessage());
    }

    @Test
    void rejectsOffsetTableThatDisagreesWithNumberOfFrames() throws Exception {
        Path f = encapsulated(new long[] {0, 12}, fill(4, 1), fill(4, 1), fill(4, 1));
        PixelDataLocation px = Part10Scanner.scan(f).pixelData();
        assertThrows(InvalidDicomException.class, () -> FrameLocator.frame(f, px, 1, 4, 8, 8, 1, 8));
        assertEquals(1, FrameLocator.frame(f, px, 1, 2, 8, 8, 1, 8).size());
        assertEquals(2, FrameLocator.frame(f, px, 2, 2, 8, 8, 1, 8).size());
    }

    @Test
    void rejectsLocationBeyondTheFile() throws Exception {
        Path f = encapsulated(new long[0], fill(4, 1));
        var px = new PixelDataLocation("OB", 100, -1, List.of(new Fragment(Files.size(f) - 2, 4)), new long[0]);
        assertThrows(InvalidDicomException.class, () -> FrameLocator.frame(f, px, 1, 1, 8, 8, 1, 8));
    }
}
