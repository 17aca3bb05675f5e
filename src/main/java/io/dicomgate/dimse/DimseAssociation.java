package io.dicomgate.dimse;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import javax.net.ssl.SSLSocket;

import org.jboss.logging.Logger;

import com.pixelmed.dicom.DicomException;
import com.pixelmed.dicom.DicomOutputStream;
import com.pixelmed.dicom.FileMetaInformation;
import com.pixelmed.dicom.SOPClass;
import com.pixelmed.dicom.TransferSyntax;

import io.dicomgate.access.Caller;
import io.dicomgate.dicom.TransferSyntaxes;
import io.dicomgate.storage.Sha256;

/**
 * One association, as acceptor (PS3.8 §9, state machine of §9.2): TLS handshake when the socket is a
 * TLS one, A-ASSOCIATE-RQ checked against our AE title and the allow-list (an unknown calling AE, or a
 * known one from an address not bound to it, gets A-ASSOCIATE-RJ "calling AE title not recognized"),
 * then C-ECHO and C-STORE requests until A-RELEASE or A-ABORT.
 *
 * <p>Bounded work: the A-ASSOCIATE-RQ and each command set are capped in size, P-DATA-TF PDUs longer
 * than our Maximum Length abort the association, data set fragments are streamed through one 64 KiB
 * buffer into a staging file and never held in the heap, and an object beyond the configured maximum
 * is discarded and refused (A700). A connection that goes silent for the idle timeout is dropped. An
 * association that ends before the last fragment of an object leaves nothing: its staging file is deleted.
 */
final class DimseAssociation implements Runnable {

    private static final Logger LOG = Logger.getLogger(DimseAssociation.class);
    /** PS3.4 Annex A: the Verification SOP Class. */
    static final String VERIFICATION = "1.2.840.10008.1.1";
    /** PS3.4 Annex B.5: Composite Object Storage SOP Classes live under this root. */
    private static final String STORAGE_ROOT = "1.2.840.10008.5.1.4.1.1.";
    private static final int MAX_ASSOCIATE_RQ = 64 * 1024;
    private static final int MAX_COMMAND = 16 * 1024;
    /** A-ABORT source and reasons (PS3.8 Table 9-26). */
    private static final int PROVIDER = 2;
    private static final int UNEXPECTED_PDU = 2;
    private static final int INVALID_PARAMETER = 6;

    /** What {@link DimseListener} configured for every association. */
    record Settings(String aeTitle, int maxPduLength, long maxObjectSize, int idleTimeoutMillis) {
    }

    private record Accepted(String abstractSyntax, String transferSyntax) {
    }

    private final Socket socket;
    private final Settings settings;
    private final AllowList allow;
    private final DimseStore store;
    private final DimseIdentities identities;
    private final InetAddress address;
    private final byte[] buffer = new byte[64 * 1024];
    private final ByteArrayOutputStream commandBytes = new ByteArrayOutputStream();
    private DataInputStream in;
    private OutputStream out;
    private Map<Integer, Accepted> contexts = Map.of();
    private AllowList.Peer peer;
    private Caller caller;
    private Incoming incoming;

    DimseAssociation(Socket socket, Settings settings, AllowList allow, DimseStore store, DimseIdentities identities) {
        this.socket = socket;
        this.settings = settings;
        this.allow = allow;
        this.store = store;
        this.identities = identities;
        this.address = socket.getInetAddress();
    }

    @Override
    public void run() {
        try (Socket s = socket) {
            s.setSoTimeout(settings.idleTimeoutMillis());
            s.setTcpNoDelay(true);
            if (s instanceof SSLSocket tls) {
                try {
                    tls.startHandshake();
                } catch (IOException e) {
                    LOG.infof("DIMSE TLS handshake from %s failed: %s", address.getHostAddress(), e.getMessage());
                    return;
                }
            }
            in = new DataInputStream(new BufferedInputStream(s.getInputStream(), 16 * 1024));
            out = new BufferedOutputStream(s.getOutputStream(), 8 * 1024);
            if (establish()) {
                serve();
            }
        } catch (Pdu.ProtocolException e) {
            LOG.infof("DIMSE association from %s aborted: %s", address.getHostAddress(), e.getMessage());
            sendQuietly(Pdu.abort(PROVIDER, e.getMessage().startsWith("unexpected") ? UNEXPECTED_PDU : INVALID_PARAMETER));
        } catch (SocketTimeoutException e) {
            LOG.infof("DIMSE association from %s idle for %d ms: aborted", address.getHostAddress(),
                    settings.idleTimeoutMillis());
            sendQuietly(Pdu.abort(PROVIDER, 0));
        } catch (IOException e) {
            LOG.debugf("DIMSE connection from %s ended: %s", address.getHostAddress(), e.getClass().getSimpleName());
        } finally {
            if (incoming != null) {
                LOG.infof("DIMSE association from AE %s ended during a C-STORE: nothing stored", peer.aeTitle());
                incoming.discard();
                incoming = null;
            }
        }
    }

    /** PS3.8 §9.3.2–9.3.4: reads the A-ASSOCIATE-RQ and answers AC or RJ. */
    private boolean establish() throws IOException, Pdu.ProtocolException {
        int type = in.readUnsignedByte();
        in.readUnsignedByte();
        long length = readLength();
        if (type != Pdu.ASSOCIATE_RQ) {
            throw new Pdu.ProtocolException("unexpected PDU type " + type + " before A-ASSOCIATE-RQ");
        }
        if (length > MAX_ASSOCIATE_RQ) {
            throw new Pdu.ProtocolException("A-ASSOCIATE-RQ of " + length + " bytes");
        }
        Pdu.AssociateRequest rq = Pdu.parseRequest(readBytes((int) length));
        if ((rq.protocolVersion() & 1) == 0) {
            return reject(1, 2, 2, "protocol version not supported", rq);
        }
        if (!settings.aeTitle().equals(rq.calledAeTitle())) {
            return reject(1, 1, 7, "called AE title '" + rq.calledAeTitle() + "' is not ours", rq);
        }
        Optional<AllowList.Peer> match = allow.match(rq.callingAeTitle(), address);
        if (match.isEmpty()) {
            return reject(1, 1, 3, "calling AE title not allowed from this address", rq);
        }
        if (!Pdu.APPLICATION_CONTEXT.equals(rq.applicationContext())) {
            return reject(1, 1, 2, "application context not supported", rq);
        }
        peer = match.get();
        // PS3.7 D.3.3.7: a JWT names who stores; otherwise the allow-list entry's identity does.
        if (rq.userIdentity() != null && rq.userIdentity().type() == Pdu.UserIdentity.JWT) {
            Optional<Caller> verified = identities.verify(rq.userIdentity());
            if (verified.isEmpty()) {
                return reject(1, 1, 1, "user identity (JWT) not valid", rq);
            }
            caller = verified.get();
        } else if (peer.requireUserIdentity()) {
            return reject(1, 1, 1, "a user identity (JWT) is required", rq);
        } else {
            caller = DimseStore.caller(peer);
        }
        List<Pdu.ContextResult> results = new ArrayList<>();
        Map<Integer, Accepted> accepted = new HashMap<>();
        for (Pdu.ProposedContext pc : rq.contexts()) {
            Pdu.ContextResult result = negotiate(pc);
            results.add(result);
            if (result.result() == Pdu.PC_ACCEPTED) {
                accepted.put(pc.id(), new Accepted(pc.abstractSyntax(), result.transferSyntax()));
            }
        }
        contexts = Map.copyOf(accepted);
        send(Pdu.accept(rq, results, settings.maxPduLength(), rq.userIdentity() != null
                && rq.userIdentity().type() == Pdu.UserIdentity.JWT));
        LOG.debugf("DIMSE association from AE %s (%s, %s) accepted: %d of %d presentation contexts", peer.aeTitle(),
                address.getHostAddress(), socket instanceof SSLSocket tls ? tls.getSession().getProtocol() : "plain TCP",
                accepted.size(), rq.contexts().size());
        return true;
    }

    /**
     * PS3.8 §9.3.3.2: Verification and Storage SOP Classes only (no query or retrieve is ever
     * offered); the first proposed transfer syntax that we can store, so the data set arrives as the
     * modality encoded it.
     */
    private static Pdu.ContextResult negotiate(Pdu.ProposedContext pc) {
        String as = pc.abstractSyntax();
        boolean verification = VERIFICATION.equals(as);
        if (as == null || !(verification || as.startsWith(STORAGE_ROOT) || SOPClass.isStorage(as))) {
            return new Pdu.ContextResult(pc.id(), Pdu.PC_ABSTRACT_SYNTAX_NOT_SUPPORTED, null);
        }
        for (String ts : pc.transferSyntaxes()) {
            if (verification ? TransferSyntaxes.NATIVE.contains(ts) : TransferSyntaxes.isSupported(ts)) {
                return new Pdu.ContextResult(pc.id(), Pdu.PC_ACCEPTED, ts);
            }
        }
        return new Pdu.ContextResult(pc.id(), Pdu.PC_TRANSFER_SYNTAXES_NOT_SUPPORTED, null);
    }

    private boolean reject(int result, int source, int reason, String why, Pdu.AssociateRequest rq) throws IOException {
        LOG.infof("DIMSE association from AE '%s' (%s) to '%s' rejected: %s", rq.callingAeTitle(),
                address.getHostAddress(), rq.calledAeTitle(), why);
        send(Pdu.reject(result, source, reason));
        awaitClose();
        return false;
    }

    /** PDUs after the association is established, until release or abort. */
    private void serve() throws IOException, Pdu.ProtocolException {
        while (true) {
            int type = in.read();
            if (type < 0) {
                return;
            }
            in.readUnsignedByte();
            long length = readLength();
            switch (type) {
                case Pdu.P_DATA_TF -> pData(length);
                case Pdu.RELEASE_RQ -> {
                    skipSmall(length);
                    if (incoming != null || commandBytes.size() > 0) {
                        throw new Pdu.ProtocolException("unexpected A-RELEASE-RQ inside a message");
                    }
                    send(Pdu.releaseResponse());
                    awaitClose();
                    return;
                }
                case Pdu.ABORT -> {
                    skipSmall(length);
                    LOG.debugf("DIMSE association from AE %s aborted by the peer", peer.aeTitle());
                    return;
                }
                default -> throw new Pdu.ProtocolException("unexpected PDU type " + type);
            }
        }
    }

    /** PS3.8 §9.3.5 and Annex E: a P-DATA-TF, one presentation data value after another. */
    private void pData(long length) throws IOException, Pdu.ProtocolException {
        if (length > settings.maxPduLength()) {
            throw new Pdu.ProtocolException("P-DATA-TF of " + length + " bytes, above our maximum " + settings.maxPduLength());
        }
        long remaining = length;
        while (remaining > 0) {
            if (remaining < 6) {
                throw new Pdu.ProtocolException("truncated presentation data value");
            }
            long pdvLength = readLength();
            if (pdvLength < 2 || pdvLength + 4 > remaining) {
                throw new Pdu.ProtocolException("presentation data value length " + pdvLength);
            }
            int contextId = in.readUnsignedByte();
            int header = in.readUnsignedByte();
            remaining -= 4 + pdvLength;
            long n = pdvLength - 2;
            Accepted context = contexts.get(contextId);
            if (context == null) {
                throw new Pdu.ProtocolException("presentation context " + contextId + " was not accepted");
            }
            boolean last = (header & 0x02) != 0;
            if ((header & 0x01) != 0) {
                if (incoming != null) {
                    throw new Pdu.ProtocolException("unexpected command fragment inside a data set");
                }
                if (commandBytes.size() + n > MAX_COMMAND) {
                    throw new Pdu.ProtocolException("command set longer than " + MAX_COMMAND + " bytes");
                }
                commandBytes.write(readBytes((int) n));
                if (last) {
                    byte[] bytes = commandBytes.toByteArray();
                    commandBytes.reset();
                    command(contextId, context, Command.parse(bytes));
                }
            } else {
                if (incoming == null || incoming.contextId != contextId) {
                    throw new Pdu.ProtocolException("unexpected data fragment without its C-STORE-RQ");
                }
                incoming.receive(n);
                if (last) {
                    finishStore();
                }
            }
        }
    }

    private void command(int contextId, Accepted context, Command rq) throws IOException, Pdu.ProtocolException {
        switch (rq.commandField()) {
            case Command.C_ECHO_RQ -> {
                if (!VERIFICATION.equals(context.abstractSyntax()) || rq.hasDataSet()) {
                    throw new Pdu.ProtocolException("unexpected C-ECHO-RQ outside a Verification context");
                }
                send(Pdu.command(contextId, Command.echoResponse(rq)));
            }
            case Command.C_STORE_RQ -> {
                if (!rq.hasDataSet() || rq.sopClassUid() == null || rq.sopInstanceUid() == null) {
                    throw new Pdu.ProtocolException("invalid C-STORE-RQ: no data set or no affected SOP UIDs");
                }
                incoming = new Incoming(rq, contextId);
                if (!rq.sopClassUid().equals(context.abstractSyntax())) {
                    incoming.refusal = new StoreStatus(StoreStatus.SOP_CLASS_NOT_SUPPORTED,
                            "SOP Class other than its presentation context's");
                } else {
                    incoming.open(context.transferSyntax());
                }
            }
            case Command.C_CANCEL_RQ -> {
                // nothing is ever pending here (PS3.7 §9.3.2.3 is for C-FIND/C-MOVE/C-GET)
            }
            default -> throw new Pdu.ProtocolException("unsupported DIMSE command 0x" + Integer.toHexString(rq.commandField()));
        }
    }

    /** The last fragment arrived: store through the shared pipeline, then answer (PS3.7 §9.1.1). */
    private void finishStore() throws IOException {
        Incoming done = incoming;
        incoming = null;
        StoreStatus status = done.refusal;
        if (status == null) {
            try {
                done.sink.close();
                done.sink = null;
                status = store.store(caller, peer.aeTitle(), address.getHostAddress(), done.file,
                        Sha256.hex(done.digest));
            } catch (IOException e) {
                LOG.warnf("C-STORE staging failed: %s", e.getClass().getSimpleName());
                status = StoreStatus.failure(null);
            }
        }
        done.discard();
        LOG.debugf("C-STORE from AE %s: status 0x%04X", peer.aeTitle(), status.status());
        send(Pdu.command(done.contextId, Command.storeResponse(done.command, status.status(), status.errorComment())));
    }

    /** One object being received: a Part 10 staging file (our File Meta Information, then the data set as sent). */
    private final class Incoming {
        final Command command;
        final int contextId;
        Path file;
        OutputStream sink;
        MessageDigest digest;
        long size;
        StoreStatus refusal;

        Incoming(Command command, int contextId) {
            this.command = command;
            this.contextId = contextId;
        }

        /** PS3.10 §7.1: the File Meta Information of what the command and context describe. */
        void open(String transferSyntax) throws IOException {
            file = store.newStagingFile();
            digest = Sha256.newDigest();
            sink = new DigestOutputStream(new BufferedOutputStream(Files.newOutputStream(file), 64 * 1024), digest);
            try {
                FileMetaInformation meta = new FileMetaInformation(command.sopClassUid(), command.sopInstanceUid(),
                        transferSyntax, peer.aeTitle());
                DicomOutputStream dicom = new DicomOutputStream(sink, TransferSyntax.ExplicitVRLittleEndian, null);
                meta.getAttributeList().write(dicom);
                dicom.flush();
            } catch (DicomException e) {
                refusal = StoreStatus.failure(io.dicomgate.ingest.FailureReason.DATASET_MISMATCH);
                discard();
            }
        }

        /** Streams {@code n} bytes of the data set to the staging file, or discards them once refused. */
        void receive(long n) throws IOException {
            if (sink != null && size + n > settings.maxObjectSize()) {
                refusal = StoreStatus.tooLarge(settings.maxObjectSize());
                discard();
            }
            long left = n;
            while (left > 0) {
                int chunk = in.read(buffer, 0, (int) Math.min(buffer.length, left));
                if (chunk < 0) {
                    throw new EOFException();
                }
                if (sink != null) {
                    sink.write(buffer, 0, chunk);
                }
                left -= chunk;
            }
            size += n;
        }

        void discard() {
            if (sink != null) {
                try {
                    sink.close();
                } catch (IOException e) {
                    // deleted below
                }
                sink = null;
            }
            if (file != null) {
                try {
                    Files.deleteIfExists(file);
                } catch (IOException e) {
                    LOG.warnf("staging file not deleted: %s", e.getClass().getSimpleName());
                }
                file = null;
            }
        }
    }

    private long readLength() throws IOException {
        return in.readInt() & 0xFFFFFFFFL;
    }

    private byte[] readBytes(int n) throws IOException {
        byte[] bytes = in.readNBytes(n);
        if (bytes.length < n) {
            throw new EOFException();
        }
        return bytes;
    }

    private void skipSmall(long length) throws IOException, Pdu.ProtocolException {
        if (length > 64) {
            throw new Pdu.ProtocolException("invalid PDU length " + length);
        }
        readBytes((int) length);
    }

    private void send(byte[] pdu) throws IOException {
        out.write(pdu);
        out.flush();
    }

    private void sendQuietly(byte[] pdu) {
        try {
            if (out != null && !socket.isClosed()) {
                send(pdu);
            }
        } catch (IOException e) {
            // the peer is gone already
        }
    }

    /** PS3.8 §9.2 (ARTIM): after RJ or RP the requestor closes; wait a little for it, then close ourselves. */
    private void awaitClose() {
        try {
            socket.setSoTimeout(Math.min(settings.idleTimeoutMillis(), 5_000));
            while (in.read(buffer) >= 0) {
                // nothing more is expected
            }
        } catch (IOException e) {
            // closed or timed out: either way we close
        }
    }
}
