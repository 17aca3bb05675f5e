package io.dicomgate.dicom;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.zip.CRC32;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class MultipartRelatedReaderTest {

    private static final String B = "gc0p4Jq0M2Yt08jU534c0p";

    private record ReadPart(Map<String, String> headers, String contentType, byte[] body) {
        String text() {
            return new String(body, ISO_8859_1);
        }
    }

    private static List<ReadPart> readAll(InputStream in, String boundary) throws IOException {
        var reader = new MultipartRelatedReader(in, boundary);
        var parts = new ArrayList<ReadPart>();
        for (var part = reader.nextPart(); part != null; part = reader.nextPart()) {
            parts.add(new ReadPart(part.headers(), part.contentType(), part.body().readAllBytes()));
        }
        assertNull(reader.nextPart(), "stays at the end");
        return parts;
    }

    private static List<ReadPart> readAll(String message) throws IOException {
        return readAll(new ByteArrayInputStream(message.getBytes(ISO_8859_1)), B);
    }

    private static String crlf(String s) {
        return s.replace("\n", "\r\n");
    }

    /** Returns 1 to 7 bytes per read so delimiters straddle every possible chunk edge. */
    private static final class TrickleInputStream extends InputStream {
        private final byte[] data;
        private final Random random;
        private int pos;

        TrickleInputStream(byte[] data, long seed) {
            this.data = data;
            this.random = new Random(seed);
        }

        @Override
        public int read() {
            return pos < data.length ? data[pos++] & 0xff : -1;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            if (pos == data.length) {
                return -1;
            }
            int n = Math.min(Math.min(len, 1 + random.nextInt(7)), data.length - pos);
            System.arraycopy(data, pos, b, off, n);
            pos += n;
            return n;
        }
    }

    @Test
    void readsPartsWithPreambleAndEpilogue() throws IOException {
        String message = crlf("""
                This is the preamble; --gc0p4Jq0M2Yt08jU534c0p is not a delimiter without CRLF.
                --gc0p4Jq0M2Yt08jU534c0p
                Content-Type: application/dicom
                Content-Location: one

                first body
                --gc0p4Jq0M2Yt08jU534c0p
                X-No-Type: yes

                second body
                --gc0p4Jq0M2Yt08jU534c0p--
                epilogue --gc0p4Jq0M2Yt08jU534c0p
                """);
        List<ReadPart> parts = readAll(message);
        assertEquals(2, parts.size());
        assertEquals("application/dicom", parts.get(0).contentType());
        assertEquals(Map.of("content-type", "application/dicom", "content-location", "one"), parts.get(0).headers());
        assertEquals("first body", parts.get(0).text());
        assertNull(parts.get(1).contentType());
        assertEquals("second body", parts.get(1).text());
    }

    @Test
    void firstDelimiterMayStartTheStream() throws IOException {
        List<ReadPart> parts = readAll(crlf("--" + B + "\n\nbody\n--" + B + "--"));
        assertEquals(1, parts.size());
        assertEquals("body", parts.get(0).text());
        assertEquals(Map.of(), parts.get(0).headers());
    }

    @ParameterizedTest
    @ValueSource(strings = {" ", "\t", "  \t "})
    void allowsTransportPaddingAfterBoundary(String padding) throws IOException {
        List<ReadPart> parts = readAll("--" + B + padding + "\r\nA: 1\r\n\r\nx\r\n--" + B + padding + "\r\n\r\ny\r\n--" + B + "--");
        assertEquals(List.of("x", "y"), parts.stream().map(ReadPart::text).toList());
    }

    @Test
    void acceptsBareLfInHeaderLines() throws IOException {
        List<ReadPart> parts = readAll("--" + B + "\nContent-Type: application/dicom\nX-A: b\n\nbody\r\n--" + B + "--");
        assertEquals("application/dicom", parts.get(0).contentType());
        assertEquals("b", parts.get(0).headers().get("x-a"));
        assertEquals("body", parts.get(0).text());
    }

    @Test
    void joinsRepeatedAndFoldedHeaders() throws IOException {
        List<ReadPart> parts = readAll(crlf("--" + B + "\nX-A: 1\nx-a: 2\nX-Long: one\n  two\n\n\n--" + B + "--"));
        assertEquals(Map.of("x-a", "1, 2", "x-long", "one two"), parts.get(0).headers());
        assertEquals("", parts.get(0).text());
    }

    /** Bodies that come close to the delimiter without being one, each at the start, middle and end of a part. */
    @ParameterizedTest
    @ValueSource(strings = {"\r\n", "\r", "\n", "--", "\r\n-", "\r\n--", "--" + B, "\n--" + B, "\r--" + B,
        "\r\n--gc0p4Jq0M2Yt08jU534c0", "\r\n\r\n--gc0p4Jq0M", "\r\r\n--gc0p4", "-\r\n--g\r\n--gc\r\n"})
    void keepsNearDelimitersInTheBody(String tricky) throws IOException {
        List<String> bodies = List.of(tricky, "a" + tricky + "b", "abc" + tricky, "", tricky + tricky);
        var sb = new StringBuilder("--" + B + "\r\n");
        for (String body : bodies) {
            sb.append("Content-Type: application/octet-stream\r\n\r\n").append(body).append("\r\n--").append(B).append("\r\n");
        }
        sb.setLength(sb.length() - 2);
        sb.append("--\r\n");
        byte[] message = sb.toString().getBytes(ISO_8859_1);
        assertEquals(bodies, readAll(new ByteArrayInputStream(message), B).stream().map(ReadPart::text).toList());
        for (long seed = 0; seed < 20; seed++) {
            assertEquals(bodies, readAll(new TrickleInputStream(message, seed), B).stream().map(ReadPart::text).toList());
        }
    }

    @Test
    void findsDelimitersSplitAcrossEveryChunkEdge() throws IOException {
        Random random = new Random(42);
        var expected = new ArrayList<byte[]>();
        var out = new ByteArrayOutputStream();
        out.writeBytes(("preamble\r\n--" + B + "\r\n").getBytes(ISO_8859_1));
        for (int i = 0; i < 40; i++) {
            byte[] body = new byte[random.nextInt(300)];
            random.nextBytes(body);
            expected.add(body);
            out.writeBytes("Content-Type: application/dicom\r\n\r\n".getBytes(ISO_8859_1));
            out.writeBytes(body);
            out.writeBytes(("\r\n--" + B + (i == 39 ? "--" : "\r\n")).getBytes(ISO_8859_1));
        }
        byte[] message = out.toByteArray();
        for (long seed = 0; seed < 50; seed++) {
            List<ReadPart> parts = readAll(new TrickleInputStream(message, seed), B);
            assertEquals(expected.size(), parts.size());
            for (int i = 0; i < parts.size(); i++) {
                assertArrayEquals(expected.get(i), parts.get(i).body(), "part " + i + " seed " + seed);
            }
        }
    }

    @Test
    void readsManyParts() throws IOException {
        var sb = new StringBuilder();
        for (int i = 0; i < 5000; i++) {
            sb.append("\r\n--").append(B).append("\r\nContent-Type: application/dicom\r\n\r\n").append("part-").append(i);
        }
        sb.append("\r\n--").append(B).append("--");
        List<ReadPart> parts = readAll(sb.toString());
        assertEquals(5000, parts.size());
        assertEquals("part-4999", parts.get(4999).text());
    }

    @Test
    void skipsUnreadAndPartlyReadBodies() throws IOException {
        byte[] big = new byte[1_000_000];
        new Random(1).nextBytes(big);
        var out = new ByteArrayOutputStream();
        out.writeBytes(("--" + B + "\r\n\r\n").getBytes(ISO_8859_1));
        out.writeBytes(big);
        out.writeBytes(("\r\n--" + B + "\r\n\r\n").getBytes(ISO_8859_1));
        out.writeBytes(big);
        out.writeBytes(("\r\n--" + B + "\r\n\r\nlast\r\n--" + B + "--").getBytes(ISO_8859_1));
        var reader = new MultipartRelatedReader(new ByteArrayInputStream(out.toByteArray()), B);
        assertNotNull(reader.nextPart());
        var second = reader.nextPart();
        assertEquals(1000, second.body().readNBytes(1000).length);
        var third = reader.nextPart();
        assertEquals("last", new String(third.body().readAllBytes(), ISO_8859_1));
        assertThrows(IOException.class, () -> second.body().read(), "a previous body cannot be read");
        assertNull(reader.nextPart());
    }

    @Test
    void reportsEndOfBodyRepeatedly() throws IOException {
        var reader = new MultipartRelatedReader(new ByteArrayInputStream(
                ("--" + B + "\r\n\r\nab\r\n--" + B + "--").getBytes(ISO_8859_1)), B);
        InputStream body = reader.nextPart().body();
        assertEquals('a', body.read());
        assertEquals(1, body.skip(5));
        assertEquals(-1, body.read());
        assertEquals(-1, body.read(new byte[4], 0, 4));
        assertEquals(0, body.read(new byte[4], 0, 0));
        assertNull(reader.nextPart());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            no boundary at all                   | just some bytes\\r\\nwith lines\\r\\n
            empty stream                         |
            boundary without CRLF after preamble | preamble--BOUNDARY\\r\\n\\r\\nbody\\r\\n--BOUNDARY--
            close delimiter before any part      | --BOUNDARY--\\r\\n
            text after boundary                  | --BOUNDARYX\\r\\n\\r\\nbody\\r\\n--BOUNDARY--
            headers not terminated               | --BOUNDARY\\r\\nContent-Type: application/dicom\\r\\n
            header without colon                 | --BOUNDARY\\r\\nnot a header\\r\\n\\r\\nbody\\r\\n--BOUNDARY--
            header with empty name               | --BOUNDARY\\r\\n: x\\r\\n\\r\\nbody\\r\\n--BOUNDARY--
            continuation without a header        | --BOUNDARY\\r\\n  x\\r\\n\\r\\nbody\\r\\n--BOUNDARY--
            no close delimiter                   | --BOUNDARY\\r\\n\\r\\nbody\\r\\n
            body ends without delimiter          | --BOUNDARY\\r\\n\\r\\nbody
            stream ends after a delimiter        | --BOUNDARY\\r\\n\\r\\nbody\\r\\n--BOUNDARY
            delimiter lacks a line end           | --BOUNDARY\\r\\n\\r\\nbody\\r\\n--BOUNDARY-
            """)
    void rejectsMalformedBodies(String name, String message) {
        String raw = message == null ? "" : message.replace("\\r", "\r").replace("\\n", "\n").replace("BOUNDARY", B);
        assertThrows(MalformedMultipartException.class, () -> readAll(raw), name);
    }

    @Test
    void rejectsOverlongHeaderLine() {
        String header = "X-Big: " + "a".repeat(MultipartRelatedReader.MAX_HEADER_LINE);
        assertThrows(MalformedMultipartException.class,
                () -> readAll("--" + B + "\r\n" + header + "\r\n\r\nbody\r\n--" + B + "--"));
        String fits = "X-Big: " + "a".repeat(MultipartRelatedReader.MAX_HEADER_LINE - 7);
        assertDoesNotThrow(() -> readAll("--" + B + "\r\n" + fits + "\r\n\r\nbody\r\n--" + B + "--"));
    }

    @Test
    void rejectsEndlessHeaderLine() {
        InputStream endless = new InputStream() {
            @Override
            public int read() {
                return 'a';
            }
        };
        var reader = new MultipartRelatedReader(new java.io.SequenceInputStream(
                new ByteArrayInputStream(("--" + B + "\r\nX: ").getBytes(ISO_8859_1)), endless), B);
        assertThrows(MalformedMultipartException.class, reader::nextPart);
    }

    @Test
    void rejectsTooManyHeaderLines() {
        String ok = "X-A: 1\r\n".repeat(MultipartRelatedReader.MAX_HEADER_LINES);
        assertDoesNotThrow(() -> readAll("--" + B + "\r\n" + ok + "\r\nbody\r\n--" + B + "--"));
        assertThrows(MalformedMultipartException.class,
                () -> readAll("--" + B + "\r\n" + ok + "X-A: 1\r\n\r\nbody\r\n--" + B + "--"));
    }

    /** A truncated upload must never read as complete, wherever the connection dropped. */
    @Test
    void rejectsEveryTruncation() throws IOException {
        String complete = crlf("preamble\n--" + B + "\nContent-Type: application/dicom\n\nfirst\n\n--" + B
                + " \n\nsecond--\n--" + B + "--");
        byte[] bytes = complete.getBytes(ISO_8859_1);
        assertEquals(2, readAll(new ByteArrayInputStream(bytes), B).size());
        for (int cut = 0; cut < bytes.length; cut++) {
            byte[] truncated = java.util.Arrays.copyOf(bytes, cut);
            try {
                readAll(new ByteArrayInputStream(truncated), B);
                fail("truncation at " + cut + " read as complete");
            } catch (MalformedMultipartException expected) {
                // the only acceptable outcome
            }
        }
    }

    @Test
    void malformedStateIsSticky() throws IOException {
        var reader = new MultipartRelatedReader(new ByteArrayInputStream(
                ("--" + B + "\r\n\r\ntruncated").getBytes(ISO_8859_1)), B);
        InputStream body = reader.nextPart().body();
        assertThrows(MalformedMultipartException.class, body::readAllBytes);
        assertThrows(MalformedMultipartException.class, reader::nextPart);
        assertThrows(MalformedMultipartException.class, body::read);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "has\r\ncrlf", "é-not-ascii",
        "01234567890123456789012345678901234567890123456789012345678901234567890"})
    void rejectsInvalidBoundary(String boundary) {
        assertThrows(IllegalArgumentException.class,
                () -> new MultipartRelatedReader(InputStream.nullInputStream(), boundary));
    }

    /**
     * A 200 MB part streams through a reader whose allocations stay far below the part size, and
     * faster than STOW-RS needs. The data is checked by CRC, never held.
     */
    @Test
    void streamsLargePartInBoundedMemory() throws IOException {
        final long bodySize = 200L * 1024 * 1024;
        // The block repeats; it is full of near-delimiters so the search does real work.
        byte[] block = new byte[64 * 1024 + 7];
        new Random(7).nextBytes(block);
        byte[] near = ("\r\n--" + B.substring(0, B.length() - 1)).getBytes(ISO_8859_1);
        for (int at = 0; at + near.length < block.length; at += 997) {
            System.arraycopy(near, 0, block, at, near.length);
        }
        CRC32 expected = new CRC32();
        for (long done = 0; done < bodySize; done += block.length) {
            expected.update(block, 0, (int) Math.min(block.length, bodySize - done));
        }
        byte[] head = ("--" + B + "\r\nContent-Type: application/dicom\r\n\r\n").getBytes(ISO_8859_1);
        byte[] tail = ("\r\n--" + B + "--\r\n").getBytes(ISO_8859_1);
        InputStream source = new InputStream() {
            private long pos;
            private final long total = head.length + bodySize + tail.length;

            @Override
            public int read() {
                throw new UnsupportedOperationException("the reader must use bulk reads");
            }

            @Override
            public int read(byte[] b, int off, int len) {
                if (pos == total) {
                    return -1;
                }
                int n;
                if (pos < head.length) {
                    n = Math.min(len, head.length - (int) pos);
                    System.arraycopy(head, (int) pos, b, off, n);
                } else if (pos < head.length + bodySize) {
                    long inBody = pos - head.length;
                    int inBlock = (int) (inBody % block.length);
                    n = (int) Math.min(Math.min(len, block.length - inBlock), bodySize - inBody);
                    System.arraycopy(block, inBlock, b, off, n);
                } else {
                    int inTail = (int) (pos - head.length - bodySize);
                    n = Math.min(len, tail.length - inTail);
                    System.arraycopy(tail, inTail, b, off, n);
                }
                pos += n;
                return n;
            }
        };

        var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long tid = Thread.currentThread().threadId();
        byte[] chunk = new byte[64 * 1024];
        CRC32 actual = new CRC32();
        long allocatedBefore = threads.getThreadAllocatedBytes(tid);
        long start = System.nanoTime();
        var reader = new MultipartRelatedReader(source, B);
        var part = reader.nextPart();
        InputStream body = part.body();
        long read = 0;
        for (int n; (n = body.read(chunk, 0, chunk.length)) > 0; ) {
            actual.update(chunk, 0, n);
            read += n;
        }
        assertNull(reader.nextPart());
        long nanos = System.nanoTime() - start;
        long allocated = threads.getThreadAllocatedBytes(tid) - allocatedBefore;

        assertEquals(bodySize, read);
        assertEquals(expected.getValue(), actual.getValue());
        assertTrue(allocated < 4L * 1024 * 1024, "allocated " + allocated + " bytes while streaming");
        double mbPerSecond = bodySize / 1e6 / (nanos / 1e9);
        System.out.printf("multipart: 200 MB part in %d ms (%.0f MB/s incl. CRC), %d bytes allocated%n",
                nanos / 1_000_000, mbPerSecond, allocated);
        assertTrue(mbPerSecond > 100, "throughput " + mbPerSecond + " MB/s");
    }

    private static void assertDoesNotThrow(org.junit.jupiter.api.function.Executable e) {
        org.junit.jupiter.api.Assertions.assertDoesNotThrow(e);
    }
}
