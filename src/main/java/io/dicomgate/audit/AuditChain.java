package io.dicomgate.audit;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HexFormat;
import java.util.List;

import io.dicomgate.storage.Sha256;

/**
 * The hash chain of the audit log: {@code hash = SHA-256(prev_hash || canonical(row))}, hex encoded,
 * with {@link #GENESIS} as the {@code prev_hash} of the first row.
 *
 * <p>The canonical serialisation is a version tag followed by every stored field in a fixed order,
 * each written as {@code <UTF-8 byte length>:<value>} or {@code ~} for null, so that no two different
 * rows serialise alike (no separator can be forged inside a value). Time is the epoch microsecond
 * count, the precision PostgreSQL keeps; roles are sorted. {@code seq} is part of it, so rows cannot
 * be reordered either.
 */
public final class AuditChain {

    /** prev_hash of the first row. */
    public static final String GENESIS = "0".repeat(64);
    private static final byte[] VERSION = "dicomgate-audit-v1\n".getBytes(StandardCharsets.US_ASCII);
    private static final HexFormat HEX = HexFormat.of();

    private AuditChain() {
    }

    /** The time as it will be stored and hashed: PostgreSQL keeps microseconds. */
    public static Instant storedTime(Instant time) {
        return time.truncatedTo(ChronoUnit.MICROS);
    }

    /** Hex SHA-256 of the previous hash followed by the canonical form of this row. */
    public static String hash(String prevHash, long seq, AuditEvent e) {
        MessageDigest sha = Sha256.newDigest();
        sha.update(prevHash.getBytes(StandardCharsets.US_ASCII));
        sha.update(canonical(seq, e));
        return HEX.formatHex(sha.digest());
    }

    static byte[] canonical(long seq, AuditEvent e) {
        StringBuilder head = new StringBuilder(32);
        field(head, Long.toString(seq));
        byte[] seqField = head.toString().getBytes(StandardCharsets.US_ASCII);
        byte[] tail = tail(e);
        byte[] out = new byte[VERSION.length + seqField.length + tail.length];
        System.arraycopy(VERSION, 0, out, 0, VERSION.length);
        System.arraycopy(seqField, 0, out, VERSION.length, seqField.length);
        System.arraycopy(tail, 0, out, VERSION.length + seqField.length, tail.length);
        return out;
    }

    /**
     * The canonical form's fields after {@code seq}: what the database's {@code audit_append} (V22)
     * hashes behind the version tag and the seq it assigns, so the chain has one definition.
     */
    static byte[] tail(AuditEvent e) {
        StringBuilder s = new StringBuilder(512);
        Instant t = e.time();
        field(s, Long.toString(micros(t)));
        field(s, e.requestId());
        field(s, e.subject());
        field(s, e.username());
        field(s, e.clientId());
        List<String> roles = e.roles() == null ? List.of() : e.roles().stream().sorted().toList();
        field(s, Integer.toString(roles.size()));
        roles.forEach(r -> field(s, r));
        field(s, e.sourceAddress());
        field(s, e.action() == null ? null : e.action().name());
        field(s, e.patientId());
        field(s, e.issuer());
        field(s, e.studyUid());
        field(s, e.seriesUid());
        field(s, e.instanceUid());
        field(s, e.outcome() == null ? null : e.outcome().name());
        field(s, Integer.toString(e.httpStatus()));
        field(s, e.purposeOfUse());
        field(s, e.breakGlassReason());
        field(s, e.detail());
        return s.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** The stored and hashed time: microseconds since the epoch. */
    static long micros(Instant time) {
        return ChronoUnit.MICROS.between(Instant.EPOCH, time);
    }

    private static void field(StringBuilder s, String value) {
        if (value == null) {
            s.append('~');
        } else {
            s.append(value.getBytes(StandardCharsets.UTF_8).length).append(':').append(value);
        }
    }
}
