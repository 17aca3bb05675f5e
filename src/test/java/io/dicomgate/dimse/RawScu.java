package io.dicomgate.dimse;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A deliberately minimal DICOM SCU written from PS3.8 for the tests that dcmtk cannot play: a source
 * address of our choice, a data set cut short yet marked complete, a connection dropped in the middle
 * of an object. Plain TCP only; one presentation context (context id 1).
 */
final class RawScu implements AutoCloseable {

    static final String EXPLICIT_LE = "1.2.840.10008.1.2.1";

    private final Socket socket;
    private final DataInputStream in;
    private final OutputStream out;

    private RawScu(Socket socket) throws IOException {
        this.socket = socket;
        socket.setSoTimeout(30_000);
        this.in = new DataInputStream(socket.getInputStream());
        this.out = socket.getOutputStream();
    }

    /** Connects from {@code source} (any address of this host; 127.0.0.x on Linux loopback). */
    static RawScu connect(String source, int port) throws IOException {
        Socket s = new Socket();
        s.bind(new InetSocketAddress(InetAddress.getByName(source), 0));
        s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 10_000);
        return new RawScu(s);
    }

    /** Sends an A-ASSOCIATE-RQ proposing {@code sopClass} in Explicit VR Little Endian; returns the answer PDU. */
    byte[] associate(String calling, String called, String sopClass) throws IOException {
        ByteArrayOutputStream items = new ByteArrayOutputStream();
        item(items, 0x10, ascii("1.2.840.10008.3.1.1.1"));
        ByteArrayOutputStream pc = new ByteArrayOutputStream();
        pc.writeBytes(new byte[] { 1, 0, 0, 0 });
        item(pc, 0x30, ascii(sopClass));
        item(pc, 0x40, ascii(EXPLICIT_LE));
        item(items, 0x20, pc.toByteArray());
        ByteArrayOutputStream user = new ByteArrayOutputStream();
        item(user, 0x51, ByteBuffer.allocate(4).putInt(16384).array());
        item(user, 0x52, ascii("1.2.3.4"));
        item(items, 0x50, user.toByteArray());
        byte[] variable = items.toByteArray();
        ByteBuffer pdu = ByteBuffer.allocate(74 + variable.length);
        pdu.put((byte) 1).put((byte) 0).putInt(68 + variable.length).putShort((short) 1).putShort((short) 0);
        pdu.put(ae(called)).put(ae(calling)).put(new byte[32]).put(variable);
        out.write(pdu.array());
        out.flush();
        return readPdu();
    }

    /** The next PDU, or an empty array when the peer closed the connection. */
    byte[] readPdu() throws IOException {
        int type = in.read();
        if (type < 0) {
            return new byte[0];
        }
        in.readUnsignedByte();
        int length = in.readInt();
        byte[] pdu = new byte[6 + length];
        pdu[0] = (byte) type;
        ByteBuffer.wrap(pdu, 2, 4).putInt(length);
        in.readFully(pdu, 6, length);
        return pdu;
    }

    /** A C-STORE-RQ command on context 1. */
    void storeCommand(String sopClass, String sopInstance) throws IOException {
        ByteArrayOutputStream e = new ByteArrayOutputStream();
        element(e, 0x0002, uid(sopClass));
        element(e, 0x0100, us(0x0001));
        element(e, 0x0110, us(7));
        element(e, 0x0700, us(0));
        element(e, 0x0800, us(0x0000));
        element(e, 0x1000, uid(sopInstance));
        byte[] body = e.toByteArray();
        ByteBuffer command = ByteBuffer.allocate(12 + body.length).order(ByteOrder.LITTLE_ENDIAN);
        command.putShort((short) 0).putShort((short) 0).putInt(4).putInt(body.length).put(body);
        pdv(0x03, command.array());
    }

    /** Data set bytes in PDVs of at most 8 KiB; the last one is flagged last only if {@code complete}. */
    void data(byte[] dataSet, boolean complete) throws IOException {
        for (int offset = 0; offset < dataSet.length; offset += 8192) {
            byte[] chunk = Arrays.copyOfRange(dataSet, offset, Math.min(dataSet.length, offset + 8192));
            boolean last = offset + 8192 >= dataSet.length;
            pdv(last && complete ? 0x02 : 0x00, chunk);
        }
    }

    /** The Status (0000,0900) of the C-STORE-RSP that answers, read from its command set. */
    int storeStatus() throws IOException {
        byte[] pdu = readPdu();
        if (pdu.length == 0 || pdu[0] != 4) {
            throw new IOException("no P-DATA-TF but PDU type " + (pdu.length == 0 ? "none" : pdu[0]));
        }
        ByteBuffer b = ByteBuffer.wrap(pdu, 12, pdu.length - 12).order(ByteOrder.LITTLE_ENDIAN);
        while (b.remaining() >= 8) {
            int group = b.getShort() & 0xFFFF;
            int element = b.getShort() & 0xFFFF;
            int length = b.getInt();
            if (group == 0 && element == 0x0900) {
                return b.getShort() & 0xFFFF;
            }
            b.position(b.position() + length);
        }
        throw new IOException("no Status in the response");
    }

    void release() throws IOException {
        out.write(new byte[] { 5, 0, 0, 0, 0, 4, 0, 0, 0, 0 });
        out.flush();
        readPdu();
    }

    private void pdv(int header, byte[] value) throws IOException {
        ByteBuffer pdu = ByteBuffer.allocate(12 + value.length);
        pdu.put((byte) 4).put((byte) 0).putInt(6 + value.length).putInt(2 + value.length).put((byte) 1)
                .put((byte) header).put(value);
        out.write(pdu.array());
        out.flush();
    }

    /** The data set of a Part 10 file: what follows its File Meta Information (PS3.10 §7.1). */
    static byte[] dataSet(byte[] part10) {
        ByteBuffer b = ByteBuffer.wrap(part10).order(ByteOrder.LITTLE_ENDIAN);
        // preamble, "DICM", then (0002,0000) UL: tag 4, VR 2, length 2, value 4
        int groupLength = b.getInt(132 + 8);
        return Arrays.copyOfRange(part10, 132 + 12 + groupLength, part10.length);
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }

    private static void item(ByteArrayOutputStream out, int type, byte[] value) {
        out.write(type);
        out.write(0);
        out.write(value.length >> 8);
        out.write(value.length & 0xFF);
        out.writeBytes(value);
    }

    private static void element(ByteArrayOutputStream out, int element, byte[] value) {
        ByteBuffer h = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
        h.putShort((short) 0).putShort((short) element).putInt(value.length);
        out.writeBytes(h.array());
        out.writeBytes(value);
    }

    private static byte[] us(int v) {
        return ByteBuffer.allocate(2).order(ByteOrder.LITTLE_ENDIAN).putShort((short) v).array();
    }

    private static byte[] uid(String s) {
        byte[] b = ascii(s);
        return b.length % 2 == 0 ? b : Arrays.copyOf(b, b.length + 1);
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    private static byte[] ae(String title) {
        byte[] out = new byte[16];
        Arrays.fill(out, (byte) ' ');
        byte[] a = ascii(title);
        System.arraycopy(a, 0, out, 0, a.length);
        return out;
    }
}
