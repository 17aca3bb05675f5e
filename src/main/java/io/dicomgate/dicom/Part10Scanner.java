package io.dicomgate.dicom;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * Strict structural validation of a DICOM Part 10 file (PS3.10 §7.1) and of the encoding of its
 * data set (PS3.5 §7.1, §7.5, §A.4). Parsers such as PixelMed repair what they can; a store must
 * instead refuse anything it could not later serve byte-exactly, so every length, delimiter and
 * tag order is checked here.
 *
 * <p>Values are skipped by seeking, so only element headers are read and the cost follows the
 * number of elements, not the file size. Deflated data sets (PS3.5 §A.5) are the exception: they
 * are inflated as a stream to be checked.
 */
public final class Part10Scanner {

    static final String IMPLICIT_VR_LE = "1.2.840.10008.1.2";
    static final String EXPLICIT_VR_LE = "1.2.840.10008.1.2.1";
    static final String EXPLICIT_VR_BE = "1.2.840.10008.1.2.2";
    static final String DEFLATED_EXPLICIT_VR_LE = "1.2.840.10008.1.2.1.99";
    /** JPIP Referenced Deflate (PS3.5 §A.6): also a deflated Explicit VR Little Endian data set. */
    static final String JPIP_REFERENCED_DEFLATE = "1.2.840.10008.1.2.4.95";

    /** Deepest sequence nesting accepted; real objects stay far below it. */
    static final int MAX_DEPTH = 32;
    /** Most fragments, or offset table entries, accepted in one encapsulated Pixel Data value. */
    static final int MAX_FRAGMENTS = 1 << 22;
    /** Largest inflated data set accepted, bounding the work a small deflate bomb can cause. */
    static final long MAX_INFLATED = 8L << 30;

    private static final Set<String> NATIVE_ONLY = Set.of(
            IMPLICIT_VR_LE, EXPLICIT_VR_LE, EXPLICIT_VR_BE, DEFLATED_EXPLICIT_VR_LE);
    /** VRs with a 16-bit length in Explicit VR (PS3.5 §7.1.2); all others have 2 reserved bytes and a 32-bit length. */
    private static final Set<String> SHORT_VRS = Set.of(
            "AE", "AS", "AT", "CS", "DA", "DS", "DT", "FL", "FD", "IS", "LO", "LT", "PN", "SH", "SL", "SS",
            "ST", "TM", "UI", "UL", "US");
    /** PS3.5 §9.1: numeric components without leading zeros, separated by dots. */
    private static final Pattern UID = Pattern.compile("(0|[1-9][0-9]*)(\\.(0|[1-9][0-9]*))*");

    private static final long UNDEFINED = 0xFFFF_FFFFL;
    private static final int ITEM = 0xFFFE_E000;
    private static final int ITEM_DELIMITER = 0xFFFE_E00D;
    private static final int SEQUENCE_DELIMITER = 0xFFFE_E0DD;
    private static final long PIXEL_DATA = 0x7FE0_0010L;
    private static final int PREAMBLE = 128;

    private Part10Scanner() {
    }

    /**
     * Validates the file and reports its layout.
     *
     * @throws InvalidDicomException if the file is not a structurally valid Part 10 file
     * @throws IOException           if the file cannot be read
     */
    public static Part10Structure scan(Path file) throws InvalidDicomException, IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            return scan(ch);
        }
    }

    /** As {@link #scan(Path)}, for a stored object read through a channel (any position; it is moved). */
    public static Part10Structure scan(SeekableByteChannel ch) throws InvalidDicomException, IOException {
        long size = ch.size();
        if (size == 0) {
            throw new InvalidDicomException("empty file");
        }
        var in = new FileSource(ch, size);
        if (size < PREAMBLE + 4) {
            throw new InvalidDicomException("missing DICM prefix");
        }
        in.skip(PREAMBLE);
        in.need(4);
        if (in.buf[in.p] != 'D' || in.buf[in.p + 1] != 'I' || in.buf[in.p + 2] != 'C' || in.buf[in.p + 3] != 'M') {
            throw new InvalidDicomException("missing DICM prefix");
        }
        in.p += 4;
        String ts = readFileMeta(in);
        long datasetOffset = in.position();
        if (ts.equals(DEFLATED_EXPLICIT_VR_LE) || ts.equals(JPIP_REFERENCED_DEFLATE)) {
            var inflating = new InflaterSource(ch, datasetOffset, size);
            try {
                requireContent(inflating);
                new Walker(inflating, ts, false).dataSet(Encoding.EXPLICIT_LE, -1, false, 0);
            } finally {
                inflating.close();
            }
            return new Part10Structure(ts, datasetOffset, size, null);
        }
        requireContent(in);
        var walker = new Walker(in, ts, true);
        walker.dataSet(Encoding.of(ts), -1, false, 0);
        return new Part10Structure(ts, datasetOffset, size, walker.pixelData);
    }

    /** A SOP Instance has at least its SOP Class and Instance UIDs, so an empty data set is a truncation. */
    private static void requireContent(Source in) throws InvalidDicomException, IOException {
        if (in.atEnd()) {
            throw new InvalidDicomException("empty data set");
        }
    }

    /**
     * Checks the File Meta Information (PS3.10 §7.1): Explicit VR Little Endian group 0002 whose
     * (0002,0000) group length matches where the group really ends.
     *
     * @return the Transfer Syntax UID
     */
    private static String readFileMeta(FileSource in) throws InvalidDicomException, IOException {
        if (!in.request(12) || in.peekU16Le() != 0x0002) {
            throw new InvalidDicomException("missing file meta information");
        }
        long groupEnd = -1;
        long previous = -1;
        String ts = null;
        boolean sopClass = false;
        boolean sopInstance = false;
        while (groupEnd < 0 || in.position() < groupEnd) {
            long tag = in.tag(true);
            if (tag >>> 16 != 0x0002) {
                throw new InvalidDicomException(groupEnd < 0
                        ? "missing file meta information" : "file meta group length inconsistent");
            }
            if (tag <= previous) {
                throw new InvalidDicomException("file meta elements out of order");
            }
            if (previous < 0 && tag != 0x0002_0000L) {
                throw new InvalidDicomException("missing file meta group length");
            }
            previous = tag;
            String vr = in.vr();
            long length = SHORT_VRS.contains(vr) ? in.u16(true) : in.reservedAndU32(true);
            if (length == UNDEFINED) {
                throw new InvalidDicomException("undefined length in file meta information");
            }
            checkLength(in, length, -1);
            if (groupEnd >= 0 && in.position() + length > groupEnd) {
                throw new InvalidDicomException("file meta group length inconsistent");
            }
            if (tag == 0x0002_0000L) {
                if (!vr.equals("UL") || length != 4) {
                    throw new InvalidDicomException("malformed file meta group length");
                }
                groupEnd = in.u32(true);
                groupEnd += in.position();
                if (groupEnd > in.size) {
                    throw new InvalidDicomException("file meta group length beyond end of file");
                }
            } else if (tag == 0x0002_0010L) {
                ts = uid(in, length);
            } else {
                sopClass |= tag == 0x0002_0002L && length > 0;
                sopInstance |= tag == 0x0002_0003L && length > 0;
                in.skip(length);
            }
        }
        if (in.position() != groupEnd) {
            throw new InvalidDicomException("file meta group length inconsistent");
        }
        if (ts == null) {
            throw new InvalidDicomException("missing transfer syntax UID");
        }
        if (!sopClass || !sopInstance) {
            throw new InvalidDicomException("missing media storage SOP class or instance UID");
        }
        // A group 0002 element right after the stated end means the stated length is too short.
        // Not checked for deflated data sets, whose first bytes are compressed and could be anything.
        if (!ts.equals(DEFLATED_EXPLICIT_VR_LE) && !ts.equals(JPIP_REFERENCED_DEFLATE)
                && in.request(2) && in.peekU16Le() == 0x0002) {
            throw new InvalidDicomException("file meta group length inconsistent");
        }
        return ts;
    }

    private static String uid(FileSource in, long length) throws InvalidDicomException, IOException {
        if (length == 0 || length > 64) {
            throw new InvalidDicomException("invalid transfer syntax UID");
        }
        in.need((int) length);
        int end = in.p + (int) length;
        // UI values are padded to even length with NUL (PS3.5 §6.2); some writers use a space.
        while (end > in.p && (in.buf[end - 1] == 0 || in.buf[end - 1] == ' ')) {
            end--;
        }
        String value = new String(in.buf, in.p, end - in.p, StandardCharsets.US_ASCII);
        in.p += (int) length;
        if (!UID.matcher(value).matches()) {
            throw new InvalidDicomException("invalid transfer syntax UID");
        }
        return value;
    }

    /** A defined value length must be even, fit in the file and fit in its enclosing item. */
    private static void checkLength(Source in, long length, long end) throws InvalidDicomException {
        if ((length & 1) != 0) {
            throw new InvalidDicomException("odd value length");
        }
        if (length > in.remaining()) {
            throw new InvalidDicomException("element length beyond end of file");
        }
        if (end >= 0 && in.position() + length > end) {
            throw new InvalidDicomException("element overruns its enclosing item");
        }
    }

    private enum Encoding {
        IMPLICIT_LE(false, true), EXPLICIT_LE(true, true), EXPLICIT_BE(true, false);

        final boolean explicit;
        final boolean littleEndian;

        Encoding(boolean explicit, boolean littleEndian) {
            this.explicit = explicit;
            this.littleEndian = littleEndian;
        }

        static Encoding of(String ts) {
            return switch (ts) {
                case IMPLICIT_VR_LE -> IMPLICIT_LE;
                case EXPLICIT_VR_BE -> EXPLICIT_BE;
                default -> EXPLICIT_LE;
            };
        }
    }

    /** Walks one data set in a given encoding, recursing into sequences (PS3.5 §7.5). */
    private static final class Walker {
        private final Source in;
        private final boolean nativeOnly;
        private final boolean encapsulatedOnly;
        private final boolean recordPixelData;
        PixelDataLocation pixelData;

        Walker(Source in, String ts, boolean recordPixelData) {
            this.in = in;
            this.nativeOnly = NATIVE_ONLY.contains(ts);
            this.encapsulatedOnly = ts.startsWith("1.2.840.10008.1.2.4.") || ts.startsWith("1.2.840.10008.1.2.8.")
                    || ts.equals("1.2.840.10008.1.2.5") || ts.equals("1.2.840.10008.1.2.1.98");
            this.recordPixelData = recordPixelData;
        }

        /**
         * @param end           stream position where a defined-length item ends, or -1
         * @param undefinedItem whether the data set is an undefined-length item, ended by an
         *                      Item Delimitation Item; with {@code end == -1} and not this, the
         *                      data set is the top level and must end exactly at end of file
         */
        void dataSet(Encoding enc, long end, boolean undefinedItem, int depth)
                throws InvalidDicomException, IOException {
            boolean le = enc.littleEndian;
            long previous = -1;
            while (true) {
                if (end >= 0) {
                    long at = in.position();
                    if (at == end) {
                        return;
                    }
                    if (at > end) {
                        // only an undefined-length value can get here, having run past the item
                        throw new InvalidDicomException("element overruns its enclosing item");
                    }
                } else if (!undefinedItem && in.atEnd()) {
                    return;
                }
                long tag = in.tag(le);
                if (tag >>> 16 == 0xFFFE) {
                    long length = in.u32(le);
                    if (tag == (ITEM_DELIMITER & 0xFFFF_FFFFL) && undefinedItem) {
                        if (length != 0) {
                            throw new InvalidDicomException("item delimiter with non-zero length");
                        }
                        return;
                    }
                    throw new InvalidDicomException("unexpected delimiter in data set");
                }
                if (tag <= previous) {
                    throw new InvalidDicomException("data elements out of order");
                }
                previous = tag;
                String vr = null;
                long length;
                if (enc.explicit) {
                    vr = in.vr();
                    length = SHORT_VRS.contains(vr) ? in.u16(le) : in.reservedAndU32(le);
                } else {
                    length = in.u32(le);
                }
                if (end >= 0 && in.position() > end) {
                    throw new InvalidDicomException("element overruns its enclosing item");
                }
                boolean pixelDataElement = tag == PIXEL_DATA;
                if (length == UNDEFINED) {
                    if (pixelDataElement && (vr == null || vr.equals("OB") || vr.equals("OW"))) {
                        if (depth == 0 && nativeOnly) {
                            throw new InvalidDicomException("encapsulated pixel data in a native transfer syntax");
                        }
                        PixelDataLocation px = encapsulated(vr == null ? "OB" : vr);
                        if (depth == 0 && recordPixelData) {
                            pixelData = px;
                        }
                    } else if (vr == null || vr.equals("SQ")) {
                        sequence(enc, -1, depth + 1);
                    } else if (vr.equals("UN")) {
                        // PS3.5 §6.2.2: an undefined-length UN is a sequence in Implicit VR LE.
                        sequence(Encoding.IMPLICIT_LE, -1, depth + 1);
                    } else {
                        throw new InvalidDicomException("undefined length on a non-sequence element");
                    }
                    continue;
                }
                checkLength(in, length, end);
                if ("SQ".equals(vr)) {
                    sequence(enc, in.position() + length, depth + 1);
                    continue;
                }
                if (pixelDataElement && depth == 0) {
                    if (encapsulatedOnly) {
                        throw new InvalidDicomException("native pixel data in an encapsulated transfer syntax");
                    }
                    if (recordPixelData) {
                        pixelData = new PixelDataLocation(vr == null ? "OW" : vr, in.position(), length,
                                List.of(), new long[0]);
                    }
                }
                in.skip(length);
            }
        }

        private void sequence(Encoding enc, long end, int depth) throws InvalidDicomException, IOException {
            if (depth > MAX_DEPTH) {
                throw new InvalidDicomException("sequence nesting too deep");
            }
            boolean le = enc.littleEndian;
            while (true) {
                if (end >= 0) {
                    long at = in.position();
                    if (at == end) {
                        return;
                    }
                    if (end - at < 8) {
                        throw new InvalidDicomException("item overruns its sequence");
                    }
                }
                long tag = in.tag(le);
                long length = in.u32(le);
                if (tag == (SEQUENCE_DELIMITER & 0xFFFF_FFFFL)) {
                    if (end >= 0) {
                        throw new InvalidDicomException("sequence delimiter in a defined-length sequence");
                    }
                    if (length != 0) {
                        throw new InvalidDicomException("sequence delimiter with non-zero length");
                    }
                    return;
                }
                if (tag != (ITEM & 0xFFFF_FFFFL)) {
                    throw new InvalidDicomException("expected an item in sequence");
                }
                if (length == UNDEFINED) {
                    dataSet(enc, -1, true, depth);
                } else {
                    checkLength(in, length, end);
                    dataSet(enc, in.position() + length, false, depth);
                }
            }
        }

        /**
         * PS3.5 §A.4: a Basic Offset Table item (possibly empty), one or more fragment items of
         * defined even length, and a Sequence Delimitation Item. Always little endian.
         */
        private PixelDataLocation encapsulated(String vr) throws InvalidDicomException, IOException {
            long valueOffset = in.position();
            long tag = in.tag(true);
            long botLength = in.u32(true);
            if (tag != (ITEM & 0xFFFF_FFFFL) || botLength == UNDEFINED) {
                throw new InvalidDicomException("encapsulated pixel data without offset table item");
            }
            if (botLength % 4 != 0) {
                throw new InvalidDicomException("offset table length not a multiple of 4");
            }
            checkLength(in, botLength, -1);
            if (botLength / 4 > MAX_FRAGMENTS) {
                throw new InvalidDicomException("offset table too large");
            }
            long[] bot = new long[(int) (botLength / 4)];
            for (int i = 0; i < bot.length; i++) {
                bot[i] = in.u32(true);
            }
            long firstItem = in.position();
            var fragments = new ArrayList<Fragment>();
            while (true) {
                long itemTag = in.tag(true);
                long length = in.u32(true);
                if (itemTag == (SEQUENCE_DELIMITER & 0xFFFF_FFFFL)) {
                    if (length != 0) {
                        throw new InvalidDicomException("sequence delimiter with non-zero length");
                    }
                    break;
                }
                if (itemTag != (ITEM & 0xFFFF_FFFFL) || length == UNDEFINED) {
                    throw new InvalidDicomException("malformed pixel data fragment");
                }
                checkLength(in, length, -1);
                if (fragments.size() == MAX_FRAGMENTS) {
                    throw new InvalidDicomException("too many pixel data fragments");
                }
                fragments.add(new Fragment(in.position(), length));
                in.skip(length);
            }
            if (fragments.isEmpty()) {
                throw new InvalidDicomException("encapsulated pixel data without fragments");
            }
            checkOffsetTable(bot, fragments, firstItem);
            return new PixelDataLocation(vr, valueOffset, -1, fragments, bot);
        }

        /** Every entry must name the item tag of a fragment, the first being 0 (PS3.5 §A.4). */
        private static void checkOffsetTable(long[] bot, List<Fragment> fragments, long firstItem)
                throws InvalidDicomException {
            int f = 0;
            for (int i = 0; i < bot.length; i++) {
                if (i > 0 && bot[i] <= bot[i - 1]) {
                    throw new InvalidDicomException("offset table not ascending");
                }
                while (f < fragments.size() && fragments.get(f).offset() - 8 - firstItem < bot[i]) {
                    f++;
                }
                if (f == fragments.size() || fragments.get(f).offset() - 8 - firstItem != bot[i]
                        || (i == 0 && bot[0] != 0)) {
                    throw new InvalidDicomException("offset table entry does not point at a fragment");
                }
            }
        }
    }

    // ---- byte sources ------------------------------------------------------------------------

    /** A forward reader over a buffer window; positions are offsets in the underlying stream. */
    private abstract static class Source {
        final byte[] buf = new byte[16 * 1024];
        int p;
        int lim;
        long bufStart;

        final long position() {
            return bufStart + p;
        }

        /** Makes at least {@code n} (at most the buffer size) bytes available; false at end of stream. */
        abstract boolean request(int n) throws InvalidDicomException, IOException;

        abstract void skip(long n) throws InvalidDicomException, IOException;

        /** Bytes left, or {@link Long#MAX_VALUE} when not known in advance. */
        abstract long remaining();

        final boolean atEnd() throws InvalidDicomException, IOException {
            return !request(1);
        }

        final void need(int n) throws InvalidDicomException, IOException {
            if (!request(n)) {
                throw new InvalidDicomException("truncated data set");
            }
        }

        /** Moves unread bytes to the start of the buffer. */
        final void compact() {
            int rest = lim - p;
            System.arraycopy(buf, p, buf, 0, rest);
            bufStart += p;
            p = 0;
            lim = rest;
        }

        final int peekU16Le() {
            return (buf[p] & 0xff) | (buf[p + 1] & 0xff) << 8;
        }

        final int u16(boolean le) throws InvalidDicomException, IOException {
            need(2);
            int a = buf[p] & 0xff;
            int b = buf[p + 1] & 0xff;
            p += 2;
            return le ? a | b << 8 : a << 8 | b;
        }

        final long u32(boolean le) throws InvalidDicomException, IOException {
            need(4);
            long v = 0;
            for (int i = 0; i < 4; i++) {
                long b = buf[p + i] & 0xff;
                v |= le ? b << (8 * i) : b << (8 * (3 - i));
            }
            p += 4;
            return v;
        }

        /** A tag as an unsigned 32-bit number, group in the high half. */
        final long tag(boolean le) throws InvalidDicomException, IOException {
            long group = u16(le);
            return group << 16 | u16(le);
        }

        final String vr() throws InvalidDicomException, IOException {
            need(2);
            byte a = buf[p];
            byte b = buf[p + 1];
            if (a < 'A' || a > 'Z' || b < 'A' || b > 'Z') {
                throw new InvalidDicomException("invalid VR");
            }
            p += 2;
            return new String(new char[] {(char) a, (char) b});
        }

        /** The 2 reserved bytes and 32-bit length of a long-form explicit VR header. */
        final long reservedAndU32(boolean le) throws InvalidDicomException, IOException {
            need(6);
            p += 2;
            return u32(le);
        }
    }

    private static final class FileSource extends Source {
        private final SeekableByteChannel ch;
        final long size;

        FileSource(SeekableByteChannel ch, long size) {
            this.ch = ch;
            this.size = size;
        }

        @Override
        boolean request(int n) throws IOException {
            if (lim - p >= n) {
                return true;
            }
            compact();
            while (lim < n) {
                int r = ByteChannels.read(ch, ByteBuffer.wrap(buf, lim, buf.length - lim), bufStart + lim);
                if (r < 0) {
                    return false;
                }
                lim += r;
            }
            return true;
        }

        @Override
        void skip(long n) throws InvalidDicomException {
            if (n <= lim - p) {
                p += (int) n;
                return;
            }
            if (n > remaining()) {
                throw new InvalidDicomException("element length beyond end of file");
            }
            bufStart = position() + n;
            p = 0;
            lim = 0;
        }

        @Override
        long remaining() {
            return size - position();
        }
    }

    /** Inflates a deflated data set (PS3.5 §A.5) from the file as it is read. */
    private static final class InflaterSource extends Source {
        private final SeekableByteChannel ch;
        private final long start;
        private final long fileSize;
        private final Inflater inflater = new Inflater(true);
        private final byte[] compressed = new byte[64 * 1024];
        private long filePos;
        private boolean finished;

        InflaterSource(SeekableByteChannel ch, long start, long fileSize) {
            this.ch = ch;
            this.start = start;
            this.fileSize = fileSize;
            this.filePos = start;
        }

        @Override
        boolean request(int n) throws InvalidDicomException, IOException {
            if (lim - p >= n) {
                return true;
            }
            compact();
            while (lim < n && !finished) {
                if (inflater.needsInput()) {
                    int r = ByteChannels.read(ch, ByteBuffer.wrap(compressed), filePos);
                    if (r < 0) {
                        throw new InvalidDicomException("truncated deflated data set");
                    }
                    filePos += r;
                    inflater.setInput(compressed, 0, r);
                }
                try {
                    lim += inflater.inflate(buf, lim, buf.length - lim);
                } catch (DataFormatException e) {
                    throw new InvalidDicomException("corrupt deflated data set");
                }
                if (inflater.finished()) {
                    finished = true;
                    checkTrailer();
                } else if (inflater.needsDictionary()) {
                    throw new InvalidDicomException("corrupt deflated data set");
                }
                if (bufStart + lim > MAX_INFLATED) {
                    throw new InvalidDicomException("deflated data set too large");
                }
            }
            return lim >= n;
        }

        /** PS3.5 §A.5: only a single NUL pad after an odd-length deflate stream may follow it. */
        private void checkTrailer() throws InvalidDicomException, IOException {
            long used = inflater.getBytesRead();
            long trailing = fileSize - start - used;
            if (trailing == 0) {
                return;
            }
            if (trailing == 1 && (used & 1) == 1) {
                ByteBuffer one = ByteBuffer.allocate(1);
                if (ByteChannels.read(ch, one, start + used) == 1 && one.get(0) == 0) {
                    return;
                }
            }
            throw new InvalidDicomException("trailing bytes after deflated data set");
        }

        @Override
        void skip(long n) throws InvalidDicomException, IOException {
            while (n > 0) {
                if (p == lim && !request(1)) {
                    throw new InvalidDicomException("element length beyond end of data set");
                }
                int k = (int) Math.min(n, lim - p);
                p += k;
                n -= k;
            }
        }

        @Override
        long remaining() {
            return Long.MAX_VALUE;
        }

        void close() {
            inflater.end();
        }
    }
}
