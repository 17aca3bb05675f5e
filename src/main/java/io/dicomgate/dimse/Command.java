package io.dicomgate.dimse;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.AttributeTag;
import com.pixelmed.dicom.DicomException;
import com.pixelmed.dicom.DicomInputStream;
import com.pixelmed.dicom.TransferSyntax;

/**
 * A DIMSE command set (PS3.7 §6.3, §E.1): always Implicit VR Little Endian, group 0000. Requests are
 * read with PixelMed's parser; our responses are small enough to encode here with their Error Comment.
 */
record Command(int commandField, int messageId, String sopClassUid, String sopInstanceUid, boolean hasDataSet) {

    static final int C_STORE_RQ = 0x0001;
    static final int C_STORE_RSP = 0x8001;
    static final int C_ECHO_RQ = 0x0030;
    static final int C_ECHO_RSP = 0x8030;
    static final int C_CANCEL_RQ = 0x0FFF;
    /** (0000,0800) Command Data Set Type: no data set follows. */
    private static final int NO_DATA_SET = 0x0101;

    private static final AttributeTag AFFECTED_SOP_CLASS = new AttributeTag(0x0000, 0x0002);
    private static final AttributeTag COMMAND_FIELD = new AttributeTag(0x0000, 0x0100);
    private static final AttributeTag MESSAGE_ID = new AttributeTag(0x0000, 0x0110);
    private static final AttributeTag DATA_SET_TYPE = new AttributeTag(0x0000, 0x0800);
    private static final AttributeTag AFFECTED_SOP_INSTANCE = new AttributeTag(0x0000, 0x1000);

    static Command parse(byte[] bytes) throws Pdu.ProtocolException {
        try {
            AttributeList list = new AttributeList();
            list.read(new DicomInputStream(new ByteArrayInputStream(bytes), TransferSyntax.ImplicitVRLittleEndian, false));
            int field = Attribute.getSingleIntegerValueOrDefault(list, COMMAND_FIELD, -1);
            int dataSetType = Attribute.getSingleIntegerValueOrDefault(list, DATA_SET_TYPE, NO_DATA_SET);
            if (field < 0) {
                throw new Pdu.ProtocolException("command without Command Field");
            }
            return new Command(field, Attribute.getSingleIntegerValueOrDefault(list, MESSAGE_ID, 0),
                    Attribute.getSingleStringValueOrNull(list, AFFECTED_SOP_CLASS),
                    Attribute.getSingleStringValueOrNull(list, AFFECTED_SOP_INSTANCE), dataSetType != NO_DATA_SET);
        } catch (IOException | DicomException | RuntimeException e) {
            throw new Pdu.ProtocolException("unreadable command set");
        }
    }

    /** C-ECHO-RSP (PS3.7 §9.3.5.2). */
    static byte[] echoResponse(Command rq) {
        return response(C_ECHO_RSP, rq.messageId(), rq.sopClassUid(), null, 0x0000, null);
    }

    /** C-STORE-RSP (PS3.7 §9.3.1.2) with an Error Comment (0000,0902) for failures. */
    static byte[] storeResponse(Command rq, int status, String errorComment) {
        return response(C_STORE_RSP, rq.messageId(), rq.sopClassUid(), rq.sopInstanceUid(), status, errorComment);
    }

    private static byte[] response(int field, int messageId, String sopClass, String sopInstance, int status,
            String comment) {
        ByteArrayOutputStream elements = new ByteArrayOutputStream();
        if (sopClass != null) {
            element(elements, 0x0002, uid(sopClass));
        }
        element(elements, 0x0100, us(field));
        element(elements, 0x0120, us(messageId));
        element(elements, 0x0800, us(NO_DATA_SET));
        element(elements, 0x0900, us(status));
        if (comment != null) {
            element(elements, 0x0902, text(comment));
        }
        if (sopInstance != null) {
            element(elements, 0x1000, uid(sopInstance));
        }
        byte[] body = elements.toByteArray();
        ByteBuffer out = ByteBuffer.allocate(12 + body.length).order(ByteOrder.LITTLE_ENDIAN);
        out.putShort((short) 0).putShort((short) 0).putInt(4).putInt(body.length).put(body);
        return out.array();
    }

    private static void element(ByteArrayOutputStream out, int element, byte[] value) {
        ByteBuffer header = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
        header.putShort((short) 0).putShort((short) element).putInt(value.length);
        out.writeBytes(header.array());
        out.writeBytes(value);
    }

    private static byte[] us(int value) {
        return ByteBuffer.allocate(2).order(ByteOrder.LITTLE_ENDIAN).putShort((short) value).array();
    }

    /** UI: padded to even length with NUL (PS3.5 §9.1). */
    private static byte[] uid(String value) {
        return even(value.getBytes(StandardCharsets.US_ASCII), (byte) 0);
    }

    /** LO: at most 64 characters, padded with a space. */
    private static byte[] text(String value) {
        String s = value.length() > 64 ? value.substring(0, 64) : value;
        return even(s.getBytes(StandardCharsets.US_ASCII), (byte) ' ');
    }

    private static byte[] even(byte[] bytes, byte pad) {
        if (bytes.length % 2 == 0) {
            return bytes;
        }
        byte[] out = java.util.Arrays.copyOf(bytes, bytes.length + 1);
        out[bytes.length] = pad;
        return out;
    }
}
