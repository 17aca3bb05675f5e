package io.dicomgate.dimse;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The Upper Layer PDUs of PS3.8 §9.3 that an association acceptor reads and writes. A-ASSOCIATE-RQ
 * is parsed whole (its length is capped by the caller); P-DATA-TF is streamed by {@link DimseAssociation}
 * and never built here except for our own small responses.
 */
final class Pdu {

    static final int ASSOCIATE_RQ = 0x01;
    static final int ASSOCIATE_AC = 0x02;
    static final int ASSOCIATE_RJ = 0x03;
    static final int P_DATA_TF = 0x04;
    static final int RELEASE_RQ = 0x05;
    static final int RELEASE_RP = 0x06;
    static final int ABORT = 0x07;

    /** PS3.7 Annex A.2.1: the DICOM Application Context Name. */
    static final String APPLICATION_CONTEXT = "1.2.840.10008.3.1.1.1";
    /** Our Implementation Class UID (PS3.7 D.3.3.2), a UUID-derived UID (PS3.5 §B.2). */
    static final String IMPLEMENTATION_CLASS_UID = "2.25.110710332063184756639058097625964246626";
    static final String IMPLEMENTATION_VERSION = "DICOMGATE";

    /** PS3.8 Table 9-18: presentation context results. */
    static final int PC_ACCEPTED = 0;
    static final int PC_ABSTRACT_SYNTAX_NOT_SUPPORTED = 3;
    static final int PC_TRANSFER_SYNTAXES_NOT_SUPPORTED = 4;

    private Pdu() {
    }

    /** A proposed presentation context (PS3.8 §9.3.2.2). */
    record ProposedContext(int id, String abstractSyntax, List<String> transferSyntaxes) {
    }

    /** The outcome for one proposed context, in proposal order. */
    record ContextResult(int id, int result, String transferSyntax) {
    }

    /** The fields of an A-ASSOCIATE-RQ (PS3.8 §9.3.2) this acceptor uses; {@code userIdentity} null when absent. */
    record AssociateRequest(int protocolVersion, String calledAeTitle, String callingAeTitle,
            String applicationContext, List<ProposedContext> contexts, long peerMaxLength, UserIdentity userIdentity) {
    }

    /** PS3.7 D.3.3.7.1 User Identity sub-item (0x58): type 5 is a JSON Web Token. */
    record UserIdentity(int type, boolean positiveResponseRequested, byte[] primaryField) {
        static final int JWT = 5;
    }

    /** A PDU that does not follow PS3.8 (answered with A-ABORT). */
    static final class ProtocolException extends Exception {
        ProtocolException(String message) {
            super(message, null, false, false);
        }
    }

    /** Parses the variable part of an A-ASSOCIATE-RQ, {@code body} being the PDU after its 6-byte header. */
    static AssociateRequest parseRequest(byte[] body) throws ProtocolException {
        if (body.length < 68) {
            throw new ProtocolException("A-ASSOCIATE-RQ too short");
        }
        ByteBuffer b = ByteBuffer.wrap(body);
        int version = b.getShort() & 0xFFFF;
        b.getShort();
        String called = aeTitle(body, 4);
        String calling = aeTitle(body, 20);
        b.position(68);
        String context = null;
        List<ProposedContext> contexts = new ArrayList<>();
        long maxLength = 0;
        UserIdentity identity = null;
        for (Item item : items(b)) {
            switch (item.type()) {
                case 0x10 -> context = uid(item.value());
                case 0x20 -> contexts.add(presentationContext(item.value()));
                case 0x50 -> {
                    for (Item sub : items(item.value())) {
                        if (sub.type() == 0x51 && sub.value().remaining() == 4) {
                            maxLength = sub.value().getInt() & 0xFFFFFFFFL; // PS3.8 §D.1; 0 = unlimited
                        } else if (sub.type() == 0x58) {
                            identity = userIdentity(sub.value());
                        }
                    }
                }
                default -> {
                    // other items are not ours to interpret (PS3.8 §9.3.1: ignored)
                }
            }
        }
        return new AssociateRequest(version, called, calling, context, List.copyOf(contexts), maxLength, identity);
    }

    /** One item or sub-item: type, reserved byte, 2-byte length, value (PS3.8 §9.3.2). */
    private record Item(int type, ByteBuffer value) {
    }

    /** The items that fill {@code b} exactly; one longer than what holds it, or trailing bytes, are a protocol error. */
    private static List<Item> items(ByteBuffer b) throws ProtocolException {
        List<Item> items = new ArrayList<>();
        while (b.hasRemaining()) {
            if (b.remaining() < 4) {
                throw new ProtocolException("trailing bytes after the last item");
            }
            int type = b.get() & 0xFF;
            b.get();
            int length = b.getShort() & 0xFFFF;
            if (length > b.remaining()) {
                throw new ProtocolException("item longer than what holds it");
            }
            items.add(new Item(type, b.slice(b.position(), length)));
            b.position(b.position() + length);
        }
        return items;
    }

    private static ProposedContext presentationContext(ByteBuffer item) throws ProtocolException {
        if (item.remaining() < 4) {
            throw new ProtocolException("presentation context item too short");
        }
        int id = item.get() & 0xFF;
        item.position(4);
        String abstractSyntax = null;
        List<String> transferSyntaxes = new ArrayList<>();
        for (Item sub : items(item)) {
            if (sub.type() == 0x30) {
                abstractSyntax = uid(sub.value());
            } else if (sub.type() == 0x40) {
                transferSyntaxes.add(uid(sub.value()));
            }
        }
        return new ProposedContext(id, abstractSyntax, List.copyOf(transferSyntaxes));
    }

    /** The User Identity sub-item (0x58) of the User Information item (PS3.7 D.3.3.7.1). */
    private static UserIdentity userIdentity(ByteBuffer value) throws ProtocolException {
        if (value.remaining() < 4) {
            throw new ProtocolException("user identity sub-item too short");
        }
        int identityType = value.get() & 0xFF;
        boolean positive = value.get() == 1;
        int primaryLength = value.getShort() & 0xFFFF;
        if (primaryLength > value.remaining()) {
            throw new ProtocolException("user identity primary field longer than its sub-item");
        }
        byte[] primary = new byte[primaryLength];
        value.get(primary);
        return new UserIdentity(identityType, positive, primary);
    }

    /** PS3.8 §9.3.2: AE titles are 16 bytes, space padded; leading and trailing spaces are not significant. */
    private static String aeTitle(byte[] body, int offset) {
        StringBuilder ae = new StringBuilder(16);
        for (int i = offset; i < offset + 16; i++) {
            int c = body[i] & 0xFF;
            // PS3.5 §6.2: no control characters in an AE; replaced so a hostile title cannot forge log lines.
            ae.append(c >= 0x20 && c < 0x7F ? (char) c : '?');
        }
        return ae.toString().trim();
    }

    /** UIDs may be padded with a trailing NUL (PS3.8 Annex F); neither NUL nor spaces are part of the UID. */
    private static String uid(ByteBuffer b) {
        byte[] bytes = new byte[b.remaining()];
        b.get(bytes);
        String s = new String(bytes, StandardCharsets.US_ASCII);
        int end = s.length();
        while (end > 0 && (s.charAt(end - 1) == 0 || s.charAt(end - 1) == ' ')) {
            end--;
        }
        return s.substring(0, end);
    }

    /** A-ASSOCIATE-AC (PS3.8 §9.3.3): AE titles and application context echoed, one result per proposed context. */
    static byte[] accept(AssociateRequest rq, List<ContextResult> results, int maxLength, boolean identityAccepted) {
        ByteArrayOutputStream items = new ByteArrayOutputStream();
        item(items, 0x10, ascii(APPLICATION_CONTEXT));
        for (ContextResult r : results) {
            ByteArrayOutputStream pc = new ByteArrayOutputStream();
            pc.write(r.id());
            pc.write(0);
            pc.write(r.result());
            pc.write(0);
            // PS3.8 §9.3.3.2: one transfer syntax sub-item, not significant unless accepted.
            item(pc, 0x40, ascii(r.transferSyntax() == null ? "" : r.transferSyntax()));
            item(items, 0x21, pc.toByteArray());
        }
        ByteArrayOutputStream user = new ByteArrayOutputStream();
        item(user, 0x51, ByteBuffer.allocate(4).putInt(maxLength).array());
        item(user, 0x52, ascii(IMPLEMENTATION_CLASS_UID));
        item(user, 0x55, ascii(IMPLEMENTATION_VERSION));
        if (identityAccepted && rq.userIdentity() != null && rq.userIdentity().positiveResponseRequested()) {
            // PS3.7 D.3.3.7.2: the User Identity sub-item of the AC (0x59) acknowledges it; empty server response.
            item(user, 0x59, new byte[] { 0, 0 });
        }
        item(items, 0x50, user.toByteArray());
        byte[] variable = items.toByteArray();
        ByteBuffer pdu = ByteBuffer.allocate(6 + 68 + variable.length);
        pdu.put((byte) ASSOCIATE_AC).put((byte) 0).putInt(68 + variable.length);
        pdu.putShort((short) 1).putShort((short) 0);
        pdu.put(padded(rq.calledAeTitle())).put(padded(rq.callingAeTitle()));
        pdu.put(new byte[32]);
        pdu.put(variable);
        return pdu.array();
    }

    /** A-ASSOCIATE-RJ (PS3.8 §9.3.4, Table 9-21): result 1 permanent / 2 transient, source, reason. */
    static byte[] reject(int result, int source, int reason) {
        return new byte[] { ASSOCIATE_RJ, 0, 0, 0, 0, 4, 0, (byte) result, (byte) source, (byte) reason };
    }

    /** A-ABORT (PS3.8 §9.3.8): source 0 service user, 2 service provider. */
    static byte[] abort(int source, int reason) {
        return new byte[] { ABORT, 0, 0, 0, 0, 4, 0, 0, (byte) source, (byte) reason };
    }

    /** A-RELEASE-RP (PS3.8 §9.3.7). */
    static byte[] releaseResponse() {
        return new byte[] { RELEASE_RP, 0, 0, 0, 0, 4, 0, 0, 0, 0 };
    }

    /** A P-DATA-TF with one PDV holding a whole command (PS3.8 §9.3.5, Annex E.2: last fragment, command). */
    static byte[] command(int contextId, byte[] command) {
        ByteBuffer pdu = ByteBuffer.allocate(6 + 6 + command.length);
        pdu.put((byte) P_DATA_TF).put((byte) 0).putInt(6 + command.length);
        pdu.putInt(2 + command.length).put((byte) contextId).put((byte) 0x03).put(command);
        return pdu.array();
    }

    private static void item(ByteArrayOutputStream out, int type, byte[] value) {
        out.write(type);
        out.write(0);
        out.write(value.length >> 8 & 0xFF);
        out.write(value.length & 0xFF);
        out.writeBytes(value);
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    private static byte[] padded(String aeTitle) {
        byte[] out = new byte[16];
        java.util.Arrays.fill(out, (byte) ' ');
        byte[] ae = ascii(aeTitle);
        System.arraycopy(ae, 0, out, 0, Math.min(16, ae.length));
        return out;
    }
}
