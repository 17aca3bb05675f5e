package io.dicomgate.dicom;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.AttributeTag;
import com.pixelmed.dicom.DicomException;
import com.pixelmed.dicom.DicomInputStream;
import com.pixelmed.dicom.TagFromName;

/**
 * The safe, standard repairs of a file's File Meta Information (PS3.10 §7.1), applied before a file
 * that could not be stored as it is is refused. The data set — every byte after the File Meta — is
 * copied unchanged; only group 0002 is rewritten:
 * <ul>
 * <li>a Media Storage SOP Class or Instance UID (0002,0002)/(0002,0003) that disagrees with the data
 * set's SOP Class/Instance UID (0008,0016)/(0008,0018) is taken from the data set (PS3.10 §7.1: they
 * must be equal);</li>
 * <li>a missing or wrong File Meta Information Group Length (0002,0000) is recomputed;</li>
 * <li>a File Meta group without the 128-byte preamble and {@code DICM} prefix gets them;</li>
 * <li>on import only ({@code buildMissing}), a bare data set (what old archives and DIMSE peers wrote
 * to disk, Implicit or Explicit VR Little Endian) gets a File Meta built from it.</li>
 * </ul>
 * Nothing is repaired when the data set's own UIDs are missing or invalid: that object is refused.
 */
public final class Part10Repair {

    /** PS3.7 D.3.3.2 Implementation Class UID of dicomgate (a UUID-derived UID, PS3.5 §B.2). */
    public static final String IMPLEMENTATION_CLASS_UID = "2.25.203141470236421573018402932118457734261";
    private static final String IMPLEMENTATION_VERSION = "DICOMGATE";
    private static final int PREAMBLE = 128;
    private static final int MAX_META_BYTES = 64 * 1024;
    private static final Set<String> LONG_VRS = Set.of("OB", "OD", "OF", "OL", "OV", "OW", "SQ", "SV", "UC", "UN",
            "UR", "UT", "UV");

    private Part10Repair() {
    }

    /** One element of group 0002 as read: its tag, VR and value bytes. */
    private record MetaElement(int element, String vr, byte[] value) {
    }

    /**
     * Writes the repaired file to {@code target} and returns the fixes applied, or an empty list (and
     * writes nothing) when there is nothing this class may repair.
     */
    public static List<String> repair(Path source, Path target, boolean buildMissing) throws IOException {
        long size = Files.size(source);
        byte[] head = new byte[(int) Math.min(size, PREAMBLE + 4 + MAX_META_BYTES)];
        try (InputStream in = Files.newInputStream(source)) {
            in.readNBytes(head, 0, head.length);
        }
        List<String> fixes = new ArrayList<>();
        int metaStart;
        if (head.length >= PREAMBLE + 4 && "DICM".equals(new String(head, PREAMBLE, 4, StandardCharsets.US_ASCII))) {
            metaStart = PREAMBLE + 4;
        } else if (head.length >= 8 && u16(head, 0) == 0x0002 && isVr(head, 4)) {
            metaStart = 0;
            fixes.add("preamble and DICM prefix added (the file began with its File Meta Information)");
        } else {
            return buildMissing ? buildMeta(source, target, head) : List.of();
        }
        List<MetaElement> meta = new ArrayList<>();
        Long declaredGroupLength = null;
        int pos = metaStart;
        while (pos + 8 <= head.length && u16(head, pos) == 0x0002) {
            int element = u16(head, pos + 2);
            if (!isVr(head, pos + 4)) {
                return List.of();
            }
            String vr = new String(head, pos + 4, 2, StandardCharsets.US_ASCII);
            long length;
            int valueAt;
            if (LONG_VRS.contains(vr)) {
                if (pos + 12 > head.length) {
                    return List.of();
                }
                length = u32(head, pos + 8);
                valueAt = pos + 12;
            } else {
                length = u16(head, pos + 6);
                valueAt = pos + 8;
            }
            if (length == 0xFFFFFFFFL || valueAt + length > head.length) {
                return List.of();
            }
            byte[] value = java.util.Arrays.copyOfRange(head, valueAt, valueAt + (int) length);
            if (element == 0x0000) {
                declaredGroupLength = length == 4 ? u32(value, 0) : -1L;
            } else {
                meta.add(new MetaElement(element, vr, value));
            }
            pos = valueAt + (int) length;
        }
        long datasetOffset = pos;
        String transferSyntax = text(find(meta, 0x0010));
        if (transferSyntax == null || !Uid.isValid(transferSyntax)) {
            return List.of();
        }
        String[] uids = datasetUids(source, datasetOffset, transferSyntax);
        if (uids == null) {
            return List.of();
        }
        if (!uids[0].equals(text(find(meta, 0x0002)))) {
            replace(meta, 0x0002, uids[0]);
            fixes.add("Media Storage SOP Class UID (0002,0002) taken from the data set");
        }
        if (!uids[1].equals(text(find(meta, 0x0003)))) {
            replace(meta, 0x0003, uids[1]);
            fixes.add("Media Storage SOP Instance UID (0002,0003) taken from the data set");
        }
        long actualGroupLength = encodedLength(meta);
        if (declaredGroupLength == null) {
            fixes.add("File Meta Information Group Length (0002,0000) added");
        } else if (declaredGroupLength != actualGroupLength) {
            fixes.add("File Meta Information Group Length (0002,0000) recomputed");
        }
        if (fixes.isEmpty()) {
            return List.of();
        }
        byte[] preamble = metaStart == 0 ? new byte[PREAMBLE] : java.util.Arrays.copyOf(head, PREAMBLE);
        write(source, target, preamble, meta, datasetOffset);
        return fixes;
    }

    /** A bare data set: its SOP UIDs and transfer syntax make the File Meta (PS3.10 §7.1). */
    private static List<String> buildMeta(Path source, Path target, byte[] head) throws IOException {
        if (head.length < 8 || u16(head, 0) != 0x0008) {
            return List.of();
        }
        String transferSyntax = isVr(head, 4) ? TransferSyntaxes.EXPLICIT_VR_LITTLE_ENDIAN
                : TransferSyntaxes.IMPLICIT_VR_LITTLE_ENDIAN;
        String[] uids = datasetUids(source, 0, transferSyntax);
        if (uids == null) {
            return List.of();
        }
        List<MetaElement> meta = new ArrayList<>();
        meta.add(new MetaElement(0x0001, "OB", new byte[] { 0, 1 }));
        meta.add(new MetaElement(0x0002, "UI", uidBytes(uids[0])));
        meta.add(new MetaElement(0x0003, "UI", uidBytes(uids[1])));
        meta.add(new MetaElement(0x0010, "UI", uidBytes(transferSyntax)));
        meta.add(new MetaElement(0x0012, "UI", uidBytes(IMPLEMENTATION_CLASS_UID)));
        meta.add(new MetaElement(0x0013, "SH", padded(IMPLEMENTATION_VERSION, (byte) ' ')));
        write(source, target, new byte[PREAMBLE], meta, 0);
        return List.of("File Meta Information built from the data set (the file had none; "
                + (TransferSyntaxes.IMPLICIT_VR_LITTLE_ENDIAN.equals(transferSyntax) ? "Implicit" : "Explicit")
                + " VR Little Endian)");
    }

    /**
     * The data set's SOP Class and Instance UIDs, read from {@code offset} in its transfer syntax, or
     * null when either is missing or invalid (nothing may then be repaired).
     */
    private static String[] datasetUids(Path source, long offset, String transferSyntax) {
        AttributeList list = new AttributeList();
        try (InputStream raw = new BufferedInputStream(Files.newInputStream(source), 65536)) {
            raw.skipNBytes(offset);
            DicomInputStream in = new DicomInputStream(raw, transferSyntax, false);
            list.read(in, new AttributeTag(0x0008, 0x0019));
        } catch (IOException | DicomException | RuntimeException e) {
            if (list.get(TagFromName.SOPInstanceUID) == null) {
                return null;
            }
        }
        String sopClass = string(list, TagFromName.SOPClassUID);
        String sopInstance = string(list, TagFromName.SOPInstanceUID);
        return Uid.isValid(sopClass) && Uid.isValid(sopInstance) ? new String[] { sopClass, sopInstance } : null;
    }

    private static void write(Path source, Path target, byte[] preamble, List<MetaElement> meta, long datasetOffset)
            throws IOException {
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(target), 65536);
                InputStream in = Files.newInputStream(source)) {
            out.write(preamble);
            out.write("DICM".getBytes(StandardCharsets.US_ASCII));
            ByteArrayOutputStream group = new ByteArrayOutputStream();
            for (MetaElement e : meta) {
                writeElement(group, e);
            }
            writeElement(out, new MetaElement(0x0000, "UL", le32(group.size())));
            group.writeTo(out);
            in.skipNBytes(datasetOffset);
            in.transferTo(out);
        }
    }

    private static void writeElement(OutputStream out, MetaElement e) throws IOException {
        ByteBuffer header = ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN);
        header.putShort((short) 0x0002).putShort((short) e.element());
        header.put(e.vr().getBytes(StandardCharsets.US_ASCII));
        if (LONG_VRS.contains(e.vr())) {
            header.putShort((short) 0).putInt(e.value().length);
        } else {
            header.putShort((short) e.value().length);
        }
        out.write(header.array(), 0, header.position());
        out.write(e.value());
    }

    private static long encodedLength(List<MetaElement> meta) {
        long total = 0;
        for (MetaElement e : meta) {
            total += (LONG_VRS.contains(e.vr()) ? 12 : 8) + e.value().length;
        }
        return total;
    }

    private static MetaElement find(List<MetaElement> meta, int element) {
        return meta.stream().filter(e -> e.element() == element).findFirst().orElse(null);
    }

    private static void replace(List<MetaElement> meta, int element, String uid) {
        MetaElement replacement = new MetaElement(element, "UI", uidBytes(uid));
        for (int i = 0; i < meta.size(); i++) {
            if (meta.get(i).element() == element) {
                meta.set(i, replacement);
                return;
            }
            if (meta.get(i).element() > element) {
                meta.add(i, replacement);
                return;
            }
        }
        meta.add(replacement);
    }

    private static String text(MetaElement e) {
        if (e == null) {
            return null;
        }
        return new String(e.value(), StandardCharsets.US_ASCII).replace("\0", "").trim();
    }

    private static String string(AttributeList list, AttributeTag tag) {
        var attribute = list.get(tag);
        return attribute == null ? null : attribute.getSingleStringValueOrNull();
    }

    private static byte[] uidBytes(String uid) {
        return padded(uid, (byte) 0);
    }

    private static byte[] padded(String value, byte pad) {
        byte[] bytes = value.getBytes(StandardCharsets.US_ASCII);
        if (bytes.length % 2 == 0) {
            return bytes;
        }
        byte[] even = java.util.Arrays.copyOf(bytes, bytes.length + 1);
        even[bytes.length] = pad;
        return even;
    }

    private static boolean isVr(byte[] b, int at) {
        return at + 2 <= b.length && b[at] >= 'A' && b[at] <= 'Z' && b[at + 1] >= 'A' && b[at + 1] <= 'Z';
    }

    private static int u16(byte[] b, int at) {
        return (b[at] & 0xFF) | (b[at + 1] & 0xFF) << 8;
    }

    private static long u32(byte[] b, int at) {
        return (b[at] & 0xFFL) | (b[at + 1] & 0xFFL) << 8 | (b[at + 2] & 0xFFL) << 16 | (b[at + 3] & 0xFFL) << 24;
    }

    private static byte[] le32(int value) {
        return ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(value).array();
    }
}
