package io.dicomgate.dicom;

import java.util.Arrays;
import java.util.List;

/**
 * Where the top-level Pixel Data (7FE0,0010) value lies in a Part 10 file.
 *
 * @param vr                VR as encoded; {@code "OW"} for Implicit VR files, where none is encoded
 * @param valueOffset       file offset of the value: the pixel bytes when native, the Basic Offset
 *                          Table item tag when encapsulated
 * @param valueLength       value length, or {@code -1} for the undefined length of encapsulated
 *                          Pixel Data (PS3.5 §A.4)
 * @param fragments         fragment items in order, empty when native
 * @param basicOffsetTable  the Basic Offset Table entries, each relative to the first byte of the
 *                          first fragment's item tag; empty if the table is empty or data is native
 */
public record PixelDataLocation(String vr, long valueOffset, long valueLength, List<Fragment> fragments,
                                long[] basicOffsetTable) {

    public PixelDataLocation {
        if (vr == null || valueOffset < 0 || valueLength < -1) {
            throw new IllegalArgumentException("invalid pixel data location");
        }
        fragments = List.copyOf(fragments);
        basicOffsetTable = basicOffsetTable.clone();
        if (valueLength != -1 && (!fragments.isEmpty() || basicOffsetTable.length > 0)) {
            throw new IllegalArgumentException("native pixel data has no fragments or offset table");
        }
    }

    /** Whether the Pixel Data is encapsulated (PS3.5 §8.2), i.e. encoded with undefined length. */
    public boolean encapsulated() {
        return valueLength == -1;
    }

    /** A copy of the Basic Offset Table, so the record stays immutable. */
    @Override
    public long[] basicOffsetTable() {
        return basicOffsetTable.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PixelDataLocation p && vr.equals(p.vr) && valueOffset == p.valueOffset
                && valueLength == p.valueLength && fragments.equals(p.fragments)
                && Arrays.equals(basicOffsetTable, p.basicOffsetTable);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * (31 * (31 * vr.hashCode() + Long.hashCode(valueOffset)) + Long.hashCode(valueLength))
                + fragments.hashCode()) + Arrays.hashCode(basicOffsetTable);
    }

    @Override
    public String toString() {
        return "PixelDataLocation[vr=" + vr + ", valueOffset=" + valueOffset + ", valueLength=" + valueLength
                + ", fragments=" + fragments.size() + ", basicOffsetTable=" + basicOffsetTable.length + " entries]";
    }
}
