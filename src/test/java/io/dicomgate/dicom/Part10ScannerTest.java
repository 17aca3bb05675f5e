package io.dicomgate.dicom;

import static io.dicomgate.dicom.DicomBytes.JPEG_BASELINE;
import static io.dicomgate.dicom.DicomBytes.UNDEFINED;
import static io.dicomgate.dicom.Part10Scanner.DEFLATED_EXPLICIT_VR_LE;
import static io.dicomgate.dicom.Part10Scanner.EXPLICIT_VR_BE;
import static io.dicomgate.dicom.Part10Scanner.EXPLICIT_VR_LE;
import static io.dicomgate.dicom.Part10Scanner.IMPLICIT_VR_LE;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.AttributeTag;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class Part10ScannerTest {

    @TempDir
    Path dir;

    private Path file(byte[] bytes) throws IOException {
        return Files.write(Files.createTempFile(dir, "t", ".dcm"), bytes);
    }

    private Part10Structure scan(byte[] bytes) throws Exception {
        return Part10Scanner.scan(file(bytes));
    }

    // ---- valid files -------------------------------------------------------------------------

    @ParameterizedTest
    @ValueSource(strings = {IMPLICIT_VR_LE, EXPLICIT_VR_LE, EXPLICIT_VR_BE, DEFLATED_EXPLICIT_VR_LE})
    void acceptsPixelMedFiles(String ts) throws Exception {
        Path f = PixelMedFixtures.image(dir.resolve("img.dcm"), ts, 3, 4, 5);
        Part10Structure s = Part10Scanner.scan(f);
        assertEquals(ts, s.transferSyntaxUid());
        assertEquals(Files.size(f), s.fileLength());
        assertTrue(s.datasetOffset() > 132);
        if (ts.equals(DEFLATED_EXPLICIT_VR_LE)) {
            assertNull(s.pixelData(), "deflated pixel data has no file offset");
            return;
        }
        PixelDataLocation px = s.pixelData();
        assertNotNull(px);
        assertFalse(px.encapsulated());
        assertEquals("OW", px.vr());
        assertEquals(3 * 4 * 5 * 2, px.valueLength());
        byte[] all = Files.readAllBytes(f);
        int at = (int) px.valueOffset();
        int first = ts.equals(EXPLICIT_VR_BE) ? (all[at] & 0xff) << 8 | all[at + 1] & 0xff
                : all[at] & 0xff | (all[at + 1] & 0xff) << 8;
        assertEquals(PixelMedFixtures.pixel(0, 0), (short) first);
        assertEquals(all.length, at + px.valueLength(), "pixel data is the last element");
    }

    @ParameterizedTest
    @ValueSource(strings = {IMPLICIT_VR_LE, EXPLICIT_VR_LE, EXPLICIT_VR_BE})
    void acceptsHandWrittenDataSets(String ts) throws Exception {
        DicomBytes b = DicomBytes.part10(ts).typicalDataSet().us(0x00280010, 2).us(0x00280011, 2)
                .header(0x7FE00010, "OW", 8).raw(new byte[8]);
        Part10Structure s = scan(b.bytes());
        assertEquals(b.datasetOffset(), s.datasetOffset());
        assertEquals(b.size() - 8, s.pixelData().valueOffset());
        assertEquals(8, s.pixelData().valueLength());
        assertEquals("OW", s.pixelData().vr());
    }

    @Test
    void acceptsDeflatedHandWrittenDataSet() throws Exception {
        byte[] deflated = DicomBytes.part10(DEFLATED_EXPLICIT_VR_LE).typicalDataSet().deflatedBytes();
        Part10Structure s = scan(deflated);
        assertEquals(DEFLATED_EXPLICIT_VR_LE, s.transferSyntaxUid());
        assertNull(s.pixelData());
    }

    @Test
    void recordsEncapsulatedPixelData() throws Exception {
        DicomBytes b = DicomBytes.part10(JPEG_BASELINE).typicalDataSet().us(0x00280010, 2);
        long pixelHeader = b.size();
        b.encapsulated(new long[] {0, 14}, new byte[6], new byte[4], new byte[2]);
        Part10Structure s = scan(b.bytes());
        PixelDataLocation px = s.pixelData();
        assertTrue(px.encapsulated());
        assertEquals(-1, px.valueLength());
        assertEquals("OB", px.vr());
        long botItem = pixelHeader + 12;
        assertEquals(botItem, px.valueOffset());
        long firstFragment = botItem + 8 + 8;
        assertEquals(List.of(new Fragment(firstFragment + 8, 6), new Fragment(firstFragment + 14 + 8, 4),
                new Fragment(firstFragment + 26 + 8, 2)), px.fragments());
        assertArrayEquals(new long[] {0, 14}, px.basicOffsetTable());
    }

    @Test
    void acceptsEmptyOffsetTableAndValuesOfEveryShape() throws Exception {
        DicomBytes b = DicomBytes.part10(JPEG_BASELINE).typicalDataSet()
                .str(0x00200010, "SH", "")                           // empty value
                .sequence(0x00400260).seqEnd()                       // empty undefined-length sequence
                .header(0x00400275, "SQ", 0)                         // empty defined-length sequence
                .header(0x00400440, "SQ", 16).item(0).item(0)        // two empty defined-length items
                .header(0x00431010, "UN", UNDEFINED).encoding(IMPLICIT_VR_LE)   // PS3.5 §6.2.2
                .item().header(0x00100010, null, 4).raw("AB^C".getBytes(StandardCharsets.US_ASCII)).itemEnd()
                .seqEnd().encoding(JPEG_BASELINE)
                .encapsulated(new long[0], new byte[10])
                .header(0xFFFCFFFC, "OB", 4).raw(new byte[4]);       // Data Set Trailing Padding
        Part10Structure s = scan(b.bytes());
        assertEquals(1, s.pixelData().fragments().size());
        assertEquals(0, s.pixelData().basicOffsetTable().length);
    }

    /** Seeks over values: a 1 GiB (sparse) Pixel Data value costs a handful of reads. */
    @Test
    void scansHugeFileWithoutReadingIt() throws Exception {
        long pixelLength = 1L << 30;
        DicomBytes b = DicomBytes.part10(EXPLICIT_VR_LE).typicalDataSet().header(0x7FE00010, "OW", pixelLength);
        Path f = file(b.bytes());
        try (var raf = new RandomAccessFile(f.toFile(), "rw")) {
            raf.setLength(b.size() + pixelLength);
        }
        Part10Scanner.scan(f); // warm-up
        long start = System.nanoTime();
        Part10Structure s = Part10Scanner.scan(f);
        long millis = (System.nanoTime() - start) / 1_000_000;
        assertEquals(pixelLength, s.pixelData().valueLength());
        assertEquals(b.size(), s.pixelData().valueOffset());
        System.out.printf("scanner: 1 GiB file structure in %d ms%n", millis);
        assertTrue(millis < 200, "took " + millis + " ms");
    }

    // ---- truncation --------------------------------------------------------------------------

    static Stream<Arguments> handWrittenFiles() {
        return Stream.of(
                Arguments.of("implicit LE", (Supplier<DicomBytes>) () -> DicomBytes.part10(IMPLICIT_VR_LE)
                        .typicalDataSet().header(0x7FE00010, "OW", 8).raw(new byte[8])),
                Arguments.of("explicit LE", (Supplier<DicomBytes>) () -> DicomBytes.part10(EXPLICIT_VR_LE)
                        .typicalDataSet().header(0x7FE00010, "OW", 8).raw(new byte[8])),
                Arguments.of("explicit BE", (Supplier<DicomBytes>) () -> DicomBytes.part10(EXPLICIT_VR_BE)
                        .typicalDataSet().header(0x7FE00010, "OW", 8).raw(new byte[8])),
                Arguments.of("encapsulated", (Supplier<DicomBytes>) () -> DicomBytes.part10(JPEG_BASELINE)
                        .typicalDataSet().encapsulated(new long[] {0, 12}, new byte[4], new byte[6])));
    }

    /**
     * Every cut is rejected, except directly after a complete top-level element: such a prefix is
     * itself a well-formed data set and no structural rule can tell it from a complete file.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("handWrittenFiles")
    void rejectsEveryTruncationOfHandWrittenFiles(String name, Supplier<DicomBytes> fixture) throws Exception {
        DicomBytes b = fixture.get();
        byte[] bytes = b.bytes();
        scan(bytes);
        Set<Long> lookComplete = Set.copyOf(b.topLevelEnds());
        for (int cut = 0; cut < bytes.length; cut++) {
            byte[] truncated = Arrays.copyOf(bytes, cut);
            if (lookComplete.contains((long) cut)) {
                scan(truncated);
            } else {
                assertInvalid(truncated, "cut at " + cut);
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {IMPLICIT_VR_LE, EXPLICIT_VR_LE, EXPLICIT_VR_BE})
    void rejectsEveryTruncationOfPixelMedFiles(String ts) throws Exception {
        AttributeList list = PixelMedFixtures.image(2, 2, 3);
        byte[] bytes = Files.readAllBytes(PixelMedFixtures.write(list, dir.resolve("p.dcm"), ts));
        long datasetOffset = scan(bytes).datasetOffset();
        AttributeTag[] topLevel = PixelMedFixtures.topLevelTags(list);
        int accepted = 0;
        for (int cut = 0; cut < bytes.length; cut++) {
            try {
                scan(Arrays.copyOf(bytes, cut));
            } catch (InvalidDicomException expected) {
                continue;
            }
            // Accepted only where the original continues with the next top-level element.
            accepted++;
            assertTrue(cut > datasetOffset, "cut at " + cut);
            int group = u16(bytes, cut, ts);
            int element = u16(bytes, cut + 2, ts);
            assertTrue(Arrays.asList(topLevel).contains(new AttributeTag(group, element)), "cut at " + cut);
        }
        assertEquals(topLevel.length - 1, accepted);
    }

    @Test
    void rejectsEveryTruncationOfDeflatedFile() throws Exception {
        byte[] bytes = DicomBytes.part10(DEFLATED_EXPLICIT_VR_LE).typicalDataSet()
                .header(0x7FE00010, "OW", 64).raw(new byte[64]).deflatedBytes();
        scan(bytes);
        boolean padded = bytes[bytes.length - 1] == 0;
        for (int cut = 0; cut < bytes.length; cut++) {
            if (padded && cut == bytes.length - 1) {
                continue; // only the NUL pad is missing; the data set itself is intact
            }
            assertInvalid(Arrays.copyOf(bytes, cut), "cut at " + cut);
        }
    }

    private static int u16(byte[] b, int at, String ts) {
        return ts.equals(EXPLICIT_VR_BE) ? (b[at] & 0xff) << 8 | b[at + 1] & 0xff : b[at] & 0xff | (b[at + 1] & 0xff) << 8;
    }

    // ---- invalid files -----------------------------------------------------------------------

    private static DicomBytes typical() {
        return DicomBytes.part10(EXPLICIT_VR_LE).typicalDataSet();
    }

    private static DicomBytes jpeg() {
        return DicomBytes.part10(JPEG_BASELINE).typicalDataSet();
    }

    private static byte[] patched(byte[] bytes, int at, String with) {
        byte[] copy = bytes.clone();
        byte[] w = with.getBytes(StandardCharsets.ISO_8859_1);
        System.arraycopy(w, 0, copy, at, w.length);
        return copy;
    }

    private static byte[] nested(int depth) {
        DicomBytes b = typical();
        for (int i = 0; i < depth; i++) {
            b.sequence(0x00400555).item();
        }
        for (int i = 0; i < depth; i++) {
            b.itemEnd().seqEnd();
        }
        return b.bytes();
    }

    static Stream<Arguments> invalidFiles() {
        byte[] jfif = new byte[300];
        byte[] header = {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF, (byte) 0xE0, 0, 16, 'J', 'F', 'I', 'F', 0, 1, 1};
        System.arraycopy(header, 0, jfif, 0, header.length);
        byte[] random = new byte[4096];
        new Random(3).nextBytes(random);
        byte[] deflated = DicomBytes.part10(DEFLATED_EXPLICIT_VR_LE).typicalDataSet().deflatedBytes();
        int ds = (int) DicomBytes.part10(DEFLATED_EXPLICIT_VR_LE).datasetOffset();
        byte[] corruptDeflate = deflated.clone();
        Arrays.fill(corruptDeflate, ds, ds + 4, (byte) 0xFF);
        return Stream.of(
                Arguments.of("empty file", new byte[0]),
                Arguments.of("JPEG", jfif),
                Arguments.of("random bytes", random),
                Arguments.of("preamble only", new byte[131]),
                Arguments.of("preamble and DICM only", DicomBytes.preambleOnly().bytes()),
                Arguments.of("missing DICM", patched(typical().bytes(), 128, "DICN")),
                Arguments.of("no file meta", DicomBytes.preambleOnly().encoding(EXPLICIT_VR_LE).typicalDataSet().bytes()),
                Arguments.of("meta only", DicomBytes.part10(EXPLICIT_VR_LE).bytes()),
                Arguments.of("group length too long", DicomBytes.part10(EXPLICIT_VR_LE, 2, Set.of()).typicalDataSet().bytes()),
                Arguments.of("group length too short", DicomBytes.part10(EXPLICIT_VR_LE, -2, Set.of()).typicalDataSet().bytes()),
                Arguments.of("group length one element short", DicomBytes.part10(EXPLICIT_VR_LE, -30, Set.of()).typicalDataSet().bytes()),
                Arguments.of("group length past end of file", DicomBytes.part10(EXPLICIT_VR_LE, 100_000, Set.of()).typicalDataSet().bytes()),
                Arguments.of("no group length", DicomBytes.preambleOnly().ui(0x00020002, "1.2").ui(0x00020003, "1.2")
                        .ui(0x00020010, EXPLICIT_VR_LE).encoding(EXPLICIT_VR_LE).typicalDataSet().bytes()),
                Arguments.of("no transfer syntax", DicomBytes.part10(EXPLICIT_VR_LE, 0, Set.of(0x00020010)).typicalDataSet().bytes()),
                Arguments.of("no SOP class", DicomBytes.part10(EXPLICIT_VR_LE, 0, Set.of(0x00020002)).typicalDataSet().bytes()),
                Arguments.of("no SOP instance", DicomBytes.part10(EXPLICIT_VR_LE, 0, Set.of(0x00020003)).typicalDataSet().bytes()),
                Arguments.of("leading zero in UID", DicomBytes.part10("1.2.840.10008.1.2.01").typicalDataSet().bytes()),
                Arguments.of("letters in UID", DicomBytes.part10("1.2.abc").typicalDataSet().bytes()),
                Arguments.of("empty UID component", DicomBytes.part10("1.2..3").typicalDataSet().bytes()),
                Arguments.of("odd length", typical().header(0x00280030, "DS", 3).raw("1\\2".getBytes(StandardCharsets.US_ASCII)).bytes()),
                Arguments.of("odd length, implicit", DicomBytes.part10(IMPLICIT_VR_LE).typicalDataSet().header(0x00280030, null, 1).raw(new byte[1]).bytes()),
                Arguments.of("length beyond end of file", typical().header(0x7FE00010, "OW", 1000).raw(new byte[10]).bytes()),
                Arguments.of("length near 4 GiB", typical().header(0x7FE00010, "OW", 0xFFFF_FFFEL).raw(new byte[10]).bytes()),
                Arguments.of("trailing byte", typical().raw(new byte[] {7}).bytes()),
                Arguments.of("trailing zeros", typical().raw(new byte[8]).bytes()),
                Arguments.of("trailing random", typical().raw(Arrays.copyOf(random, 100)).bytes()),
                Arguments.of("trailing element out of order", typical().ui(0x00080016, "1.2").bytes()),
                Arguments.of("elements out of order", DicomBytes.part10(EXPLICIT_VR_LE).ui(0x00080018, "1.2").ui(0x00080016, "1.2").bytes()),
                Arguments.of("duplicate element", DicomBytes.part10(EXPLICIT_VR_LE).ui(0x00080016, "1.2").ui(0x00080016, "1.2").bytes()),
                Arguments.of("out of order inside item", typical().sequence(0x00400555).item().ui(0x00081155, "1.2")
                        .ui(0x00081150, "1.2").itemEnd().seqEnd().bytes()),
                Arguments.of("lower-case VR", typical().header(0x00400556, "ab", 2).raw(new byte[2]).bytes()),
                Arguments.of("undefined length on UT", typical().header(0x00400556, "UT", UNDEFINED).raw(new byte[8]).bytes()),
                Arguments.of("sequence without delimiter", typical().sequence(0x00400555).item().ui(0x00081150, "1.2").itemEnd().bytes()),
                Arguments.of("item without delimiter", typical().sequence(0x00400555).item().ui(0x00081150, "1.2").bytes()),
                Arguments.of("item delimiter with length", typical().sequence(0x00400555).item().u16(0xFFFE).u16(0xE00D).u32(2)
                        .raw(new byte[2]).seqEnd().bytes()),
                Arguments.of("sequence delimiter with length", typical().sequence(0x00400555).u16(0xFFFE).u16(0xE0DD).u32(2)
                        .raw(new byte[2]).bytes()),
                Arguments.of("sequence delimiter in defined-length sequence", typical().header(0x00400555, "SQ", 8)
                        .u16(0xFFFE).u16(0xE0DD).u32(0).bytes()),
                Arguments.of("item overruns its sequence", typical().header(0x00400555, "SQ", 12).item(14).ui(0x00081150, "1.2.3").bytes()),
                Arguments.of("element overruns its item", typical().header(0x00400555, "SQ", 18).item(10).ui(0x00081150, "1.2.3").bytes()),
                Arguments.of("item length shorter than its content", typical().header(0x00400555, "SQ", 30).item(14)
                        .ui(0x00081150, "1.2.3").ui(0x00081155, "").bytes()),
                Arguments.of("undefined-length sequence overruns its item", typical().header(0x00400555, "SQ", 30).item(22)
                        .sequence(0x00081140).item(0).seqEnd().ui(0x00081150, "1.2.3").bytes()),
                Arguments.of("element instead of item", typical().sequence(0x00400555).ui(0x00081150, "1.2").seqEnd().bytes()),
                Arguments.of("item delimiter at top level", typical().itemEnd().bytes()),
                Arguments.of("item tag at top level", typical().item(0).bytes()),
                Arguments.of("nesting too deep", nested(Part10Scanner.MAX_DEPTH + 1)),
                Arguments.of("encapsulated in native syntax", typical().encapsulated(new long[0], new byte[4]).bytes()),
                Arguments.of("native in JPEG syntax", jpeg().header(0x7FE00010, "OB", 4).raw(new byte[4]).bytes()),
                Arguments.of("no fragments", jpeg().encapsulated(new long[] {0}).bytes()),
                Arguments.of("offset table not multiple of 4", jpeg().header(0x7FE00010, "OB", UNDEFINED).item(6).raw(new byte[6])
                        .item(2).raw(new byte[2]).seqEnd().bytes()),
                Arguments.of("odd fragment", jpeg().header(0x7FE00010, "OB", UNDEFINED).item(0).item(3).raw(new byte[3]).seqEnd().bytes()),
                Arguments.of("undefined-length fragment", jpeg().header(0x7FE00010, "OB", UNDEFINED).item(0).item(UNDEFINED)
                        .raw(new byte[4]).seqEnd().bytes()),
                Arguments.of("undefined-length offset table", jpeg().header(0x7FE00010, "OB", UNDEFINED).item(UNDEFINED)
                        .item(2).raw(new byte[2]).seqEnd().bytes()),
                Arguments.of("no offset table item", jpeg().header(0x7FE00010, "OB", UNDEFINED).seqEnd().bytes()),
                Arguments.of("element inside pixel data", jpeg().header(0x7FE00010, "OB", UNDEFINED).item(0).item(2).raw(new byte[2])
                        .ui(0x00081150, "1.2").seqEnd().bytes()),
                Arguments.of("pixel data without delimiter", jpeg().header(0x7FE00010, "OB", UNDEFINED).item(0).item(2).raw(new byte[2]).bytes()),
                Arguments.of("offset table entry between fragments", jpeg().encapsulated(new long[] {0, 6}, new byte[4], new byte[4]).bytes()),
                Arguments.of("offset table not starting at 0", jpeg().encapsulated(new long[] {12}, new byte[4], new byte[4]).bytes()),
                Arguments.of("offset table descending", jpeg().encapsulated(new long[] {0, 24, 12}, new byte[4], new byte[4], new byte[4]).bytes()),
                Arguments.of("offset table past fragments", jpeg().encapsulated(new long[] {0, 100}, new byte[4], new byte[4]).bytes()),
                Arguments.of("deflate stream corrupt", corruptDeflate),
                Arguments.of("bytes after deflate stream", Arrays.copyOf(deflated, deflated.length + 2)),
                Arguments.of("deflated data set truncated inside", DicomBytes.part10(DEFLATED_EXPLICIT_VR_LE).typicalDataSet()
                        .header(0x7FE00010, "OW", 100).raw(new byte[10]).deflatedBytes()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalidFiles")
    void rejectsInvalidFiles(String name, byte[] bytes) throws Exception {
        assertInvalid(bytes, name);
    }

    @Test
    void acceptsNestingAtTheLimit() throws Exception {
        scan(nested(Part10Scanner.MAX_DEPTH));
    }

    @Test
    void reasonsAreShortAndFreeOfValues() throws Exception {
        byte[] bytes = typical().str(0x00100020, "LO", "SECRET-ID").header(0x00100030, "DA", 9).raw(new byte[9]).bytes();
        var e = assertThrows(InvalidDicomException.class, () -> scan(bytes));
        assertEquals("odd value length", e.getMessage());
    }

    private void assertInvalid(byte[] bytes, String what) throws IOException {
        try {
            Part10Structure s = scan(bytes);
            fail(what + ": accepted as " + s);
        } catch (InvalidDicomException expected) {
            assertFalse(expected.getMessage().isBlank());
        } catch (IOException e) {
            throw e;
        } catch (Exception e) {
            fail(what + ": " + e, e);
        }
    }
}
