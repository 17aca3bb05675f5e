package io.dicomgate.dicom;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.AttributeTag;
import com.pixelmed.dicom.DicomException;
import com.pixelmed.dicom.DicomOutputStream;
import com.pixelmed.dicom.FileMetaInformation;
import com.pixelmed.dicom.TagFromName;

/**
 * Writes a PS3.10 file from a PixelMed data set plus values held in files, streaming those values
 * so that no bulk data (PS3.18 §10.5.1.2.2: one bulk data part per value) has to fit in the heap.
 *
 * <p>The data set is written in Explicit VR Little Endian encoding, which is also the encoding of
 * every encapsulated transfer syntax (PS3.5 §A.4); a native value is written as one element of
 * defined length, an encapsulated one as Pixel Data of undefined length with an empty Basic Offset
 * Table and one fragment per file (PS3.5 §A.4, one frame per fragment).
 */
public final class Part10Writer {

    /**
     * A value whose bytes are in files: for a native value their concatenation, for encapsulated
     * Pixel Data one frame per file.
     */
    public record FileValue(String vr, List<Path> files, boolean encapsulated) {
    }

    private static final long MAX_DEFINED_LENGTH = 0xFFFFFFFEL;
    private static final String MISSING_UID = "2.25.0";

    private Part10Writer() {
    }

    /**
     * @param dataset the attributes to write (File Meta is added here and any given is replaced)
     * @param fileValues values to stream from files, by tag; none may also be in {@code dataset}
     * @throws InvalidDicomException when a value exceeds what an element can hold (4 GiB − 2)
     */
    public static void write(OutputStream target, AttributeList dataset, String transferSyntaxUid,
            Map<AttributeTag, FileValue> fileValues) throws IOException, InvalidDicomException {
        AttributeList meta = new AttributeList();
        // PixelMed refuses empty Media Storage UIDs; a data set without SOP UIDs still gets a file, so
        // that validation reports it as the binary path does (A900), and it is never stored.
        String sopClass = Attribute.getSingleStringValueOrEmptyString(dataset, TagFromName.SOPClassUID);
        String sopInstance = Attribute.getSingleStringValueOrEmptyString(dataset, TagFromName.SOPInstanceUID);
        try {
            FileMetaInformation.addFileMetaInformation(meta, sopClass.isEmpty() ? MISSING_UID : sopClass,
                    sopInstance.isEmpty() ? MISSING_UID : sopInstance, transferSyntaxUid, "DICOMGATE");
        } catch (DicomException e) {
            throw new InvalidDicomException("File Meta Information cannot be built");
        }
        BufferedOutputStream out = new BufferedOutputStream(target, 64 * 1024);
        try {
            DicomOutputStream dicom = new DicomOutputStream(out, TransferSyntaxes.EXPLICIT_VR_LITTLE_ENDIAN,
                    transferSyntaxUid);
            meta.write(dicom);
            dicom.setWritingDataSet();
            TreeMap<AttributeTag, FileValue> pending = new TreeMap<>(fileValues);
            for (Iterator<Attribute> it = dataset.values().iterator(); it.hasNext();) {
                Attribute attribute = it.next();
                AttributeTag tag = attribute.getTag();
                if (tag.getGroup() == 0x0002 || tag.getElement() == 0x0000) {
                    continue;
                }
                while (!pending.isEmpty() && pending.firstKey().compareTo(tag) < 0) {
                    Map.Entry<AttributeTag, FileValue> next = pending.pollFirstEntry();
                    dicom.flush();
                    writeFileValue(out, next.getKey(), next.getValue());
                }
                attribute.write(dicom);
            }
            dicom.flush();
            for (Map.Entry<AttributeTag, FileValue> next : pending.entrySet()) {
                writeFileValue(out, next.getKey(), next.getValue());
            }
            out.flush();
        } catch (DicomException e) {
            throw new InvalidDicomException("data set cannot be encoded");
        }
    }

    private static void writeFileValue(OutputStream out, AttributeTag tag, FileValue value)
            throws IOException, InvalidDicomException {
        if (value.encapsulated()) {
            out.write(header(tag, "OB", 0xFFFFFFFFL));
            out.write(item(0xE000, 0)); // empty Basic Offset Table
            for (Path frame : value.files()) {
                long size = Files.size(frame);
                long padded = size + (size & 1);
                if (padded > MAX_DEFINED_LENGTH) {
                    throw new InvalidDicomException("a frame exceeds the largest fragment");
                }
                out.write(item(0xE000, padded));
                Files.copy(frame, out);
                if (padded != size) {
                    out.write(0);
                }
            }
            out.write(item(0xE0DD, 0));
            return;
        }
        long size = 0;
        for (Path file : value.files()) {
            size += Files.size(file);
        }
        long padded = size + (size & 1);
        if (padded > MAX_DEFINED_LENGTH) {
            throw new InvalidDicomException("a bulk data value exceeds the largest element");
        }
        out.write(header(tag, value.vr(), padded));
        for (Path file : value.files()) {
            Files.copy(file, out);
        }
        if (padded != size) {
            out.write(0);
        }
    }

    /** Explicit VR Little Endian header of a VR with a 32-bit length (PS3.5 §7.1.2). */
    private static byte[] header(AttributeTag tag, String vr, long length) {
        ByteBuffer b = ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN);
        b.putShort((short) tag.getGroup()).putShort((short) tag.getElement());
        b.put((byte) vr.charAt(0)).put((byte) vr.charAt(1)).putShort((short) 0);
        b.putInt((int) length);
        return b.array();
    }

    private static byte[] item(int element, long length) {
        ByteBuffer b = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
        b.putShort((short) 0xFFFE).putShort((short) element).putInt((int) length);
        return b.array();
    }
}
