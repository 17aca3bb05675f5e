package io.dicomgate.dicom;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.zip.Deflater;

/**
 * Byte-level Part 10 writer for fixtures PixelMed would refuse or repair: it writes exactly what it
 * is told, including wrong lengths, and remembers where each top-level element ends so tests know
 * which truncations are indistinguishable from a complete file.
 */
final class DicomBytes {

    static final String SOP_CLASS = "1.2.840.10008.5.1.4.1.1.7";
    static final String SOP_INSTANCE = "1.2.826.0.1.3680043.2.1125.1.1";
    static final long UNDEFINED = 0xFFFF_FFFFL;
    static final String JPEG_BASELINE = "1.2.840.10008.1.2.4.50";

    private static final Set<String> SHORT_VRS = Set.of("AE", "AS", "AT", "CS", "DA", "DS", "DT", "FL", "FD",
            "IS", "LO", "LT", "PN", "SH", "SL", "SS", "ST", "TM", "UI", "UL", "US");

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private boolean explicit = true;
    private boolean littleEndian = true;
    private int depth;
    private long datasetOffset = -1;
    private final List<Long> topLevelEnds = new ArrayList<>();

    /** Preamble, "DICM" and a correct File Meta Information group for {@code ts}; data set encoding follows {@code ts}. */
    static DicomBytes part10(String ts) {
        return part10(ts, 0, Set.of());
    }

    /**
     * @param groupLengthError added to the correct (0002,0000) value
     * @param omit             meta tags to leave out, e.g. {@code 0x00020010}
     */
    static DicomBytes part10(String ts, int groupLengthError, Set<Integer> omit) {
        var meta = new DicomBytes();
        if (!omit.contains(0x00020001)) {
            meta.el(0x00020001, "OB", new byte[] {0, 1});
        }
        if (!omit.contains(0x00020002)) {
            meta.ui(0x00020002, SOP_CLASS);
        }
        if (!omit.contains(0x00020003)) {
            meta.ui(0x00020003, SOP_INSTANCE);
        }
        if (!omit.contains(0x00020010)) {
            meta.ui(0x00020010, ts);
        }
        meta.ui(0x00020012, "1.2.826.0.1.3680043.2.1125.99");
        byte[] group = meta.out.toByteArray();

        var b = new DicomBytes();
        b.out.writeBytes(new byte[128]);
        b.out.writeBytes("DICM".getBytes(StandardCharsets.US_ASCII));
        b.ul(0x00020000, group.length + groupLengthError);
        b.out.writeBytes(group);
        b.topLevelEnds.clear();
        b.datasetOffset = b.out.size();
        b.encoding(ts);
        return b;
    }

    /** Preamble and "DICM" only. */
    static DicomBytes preambleOnly() {
        var b = new DicomBytes();
        b.out.writeBytes(new byte[128]);
        b.out.writeBytes("DICM".getBytes(StandardCharsets.US_ASCII));
        b.datasetOffset = b.out.size();
        return b;
    }

    DicomBytes encoding(String ts) {
        explicit = !ts.equals(Part10Scanner.IMPLICIT_VR_LE);
        littleEndian = !ts.equals(Part10Scanner.EXPLICIT_VR_BE);
        return this;
    }

    /** A small, valid data set: SOP Common, a nested undefined- and defined-length sequence, image attributes. */
    DicomBytes typicalDataSet() {
        ui(0x00080016, SOP_CLASS);
        ui(0x00080018, SOP_INSTANCE);
        sequence(0x00081140); // Referenced Image Sequence, undefined length
        item();
        ui(0x00081150, SOP_CLASS);
        ui(0x00081155, "1.2.3.4");
        sequence(0x00400555); // nested, undefined length
        item();
        str(0x0040A043, "LO", "x");
        itemEnd();
        seqEnd();
        itemEnd();
        item(14); // defined length: an 8-byte element header and a 6-byte value, explicit or implicit
        ui(0x00081150, "1.2.3");
        seqEnd();
        str(0x00100010, "PN", "Doe^Jane");
        return this;
    }

    DicomBytes el(int tag, String vr, byte[] value) {
        header(tag, vr, value.length);
        out.writeBytes(value);
        topLevelMark();
        return this;
    }

    DicomBytes str(int tag, String vr, String value) {
        if (value.length() % 2 != 0) {
            value += vr.equals("UI") ? "\0" : " ";
        }
        return el(tag, vr, value.getBytes(StandardCharsets.US_ASCII));
    }

    DicomBytes ui(int tag, String uid) {
        return str(tag, "UI", uid);
    }

    DicomBytes us(int tag, int value) {
        return el(tag, "US", littleEndian ? new byte[] {(byte) value, (byte) (value >> 8)}
                : new byte[] {(byte) (value >> 8), (byte) value});
    }

    DicomBytes ul(int tag, long value) {
        header(tag, "UL", 4);
        u32(value);
        topLevelMark();
        return this;
    }

    /** An element header; for the VR-less tags of group FFFE use {@link #item}. */
    DicomBytes header(int tag, String vr, long length) {
        tag(tag);
        if (explicit) {
            out.writeBytes(vr.getBytes(StandardCharsets.US_ASCII));
            if (SHORT_VRS.contains(vr)) {
                u16((int) length);
            } else {
                u16(0);
                u32(length);
            }
        } else {
            u32(length);
        }
        if (length == UNDEFINED) {
            depth++;
        }
        return this;
    }

    DicomBytes sequence(int tag) {
        return header(tag, "SQ", UNDEFINED);
    }

    DicomBytes item() {
        return item(UNDEFINED);
    }

    DicomBytes item(long length) {
        tag(0xFFFEE000);
        u32(length);
        return this;
    }

    DicomBytes itemEnd() {
        tag(0xFFFEE00D);
        u32(0);
        return this;
    }

    DicomBytes seqEnd() {
        tag(0xFFFEE0DD);
        u32(0);
        depth--;
        topLevelMark();
        return this;
    }

    /** Encapsulated Pixel Data (PS3.5 §A.4), always little endian. */
    DicomBytes encapsulated(long[] offsetTable, byte[]... fragments) {
        header(0x7FE00010, "OB", UNDEFINED);
        item(offsetTable.length * 4L);
        for (long o : offsetTable) {
            u32(o);
        }
        for (byte[] f : fragments) {
            item(f.length);
            out.writeBytes(f);
        }
        return seqEnd();
    }

    DicomBytes raw(byte[] bytes) {
        out.writeBytes(bytes);
        return this;
    }

    DicomBytes u16(int v) {
        if (littleEndian) {
            out.write(v);
            out.write(v >> 8);
        } else {
            out.write(v >> 8);
            out.write(v);
        }
        return this;
    }

    DicomBytes u32(long v) {
        if (littleEndian) {
            u16((int) v);
            u16((int) (v >> 16));
        } else {
            u16((int) (v >> 16));
            u16((int) v);
        }
        return this;
    }

    private void tag(int tag) {
        u16(tag >>> 16);
        u16(tag & 0xFFFF);
    }

    private void topLevelMark() {
        if (depth == 0 && datasetOffset >= 0) {
            topLevelEnds.add((long) out.size());
        }
    }

    int size() {
        return out.size();
    }

    long datasetOffset() {
        return datasetOffset;
    }

    /** File offsets where a top-level data set element ends, i.e. where a truncated file still looks complete. */
    List<Long> topLevelEnds() {
        return List.copyOf(topLevelEnds);
    }

    byte[] bytes() {
        return out.toByteArray();
    }

    /** The data set deflated (PS3.5 §A.5), with the NUL pad an odd-length stream needs. */
    byte[] deflatedBytes() {
        byte[] all = bytes();
        int ds = (int) datasetOffset;
        var deflater = new Deflater(Deflater.DEFAULT_COMPRESSION, true);
        deflater.setInput(all, ds, all.length - ds);
        deflater.finish();
        var result = new ByteArrayOutputStream();
        result.write(all, 0, ds);
        byte[] chunk = new byte[4096];
        int compressed = 0;
        while (!deflater.finished()) {
            int n = deflater.deflate(chunk);
            result.write(chunk, 0, n);
            compressed += n;
        }
        deflater.end();
        if (compressed % 2 != 0) {
            result.write(0);
        }
        return result.toByteArray();
    }

    Path write(Path file) throws IOException {
        return Files.write(file, bytes());
    }
}
