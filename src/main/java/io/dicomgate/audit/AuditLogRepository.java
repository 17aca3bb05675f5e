package io.dicomgate.audit;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;

import javax.sql.DataSource;

import jakarta.enterprise.context.ApplicationScoped;

import io.dicomgate.access.PatientRef;

/**
 * The {@code audit_log} table (V3). Plain JDBC rather than Panache: the table is append-only, the
 * append needs an advisory lock and the verifier a server-side cursor, none of which an entity helps
 * with. Callers own the transaction.
 */
@ApplicationScoped
public class AuditLogRepository {

    /** Key of the transaction-scoped advisory lock that makes appends, and so the chain, linear. */
    static final long APPEND_LOCK = 0x6469636f6d617564L; // "dicomaud"

    private static final String COLUMNS = "seq, event_time, request_id, subject, username, client_id, roles, "
            + "source_address, action, patient_id, issuer, study_uid, series_uid, instance_uid, outcome, http_status, "
            + "purpose_of_use, break_glass_reason, detail, prev_hash, hash";

    private final DataSource dataSource;

    public AuditLogRepository(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /**
     * Appends the event at the head of the chain. Must run inside a transaction: the advisory lock is
     * held until it commits, so concurrent appends take seq values and link to their predecessor one
     * at a time.
     */
    public AuditEntry append(AuditEvent event) throws SQLException {
        return appendAll(List.of(event), true).get(0);
    }

    /** A STORE event recovered from one receipt, which the caller deletes itself (see {@link StoreAuditRecovery}). */
    AuditEntry appendRecovered(AuditEvent event) throws SQLException {
        return appendAll(List.of(event), false).get(0);
    }

    /**
     * Appends the events, in order, at the head of the chain: one call that takes the advisory lock,
     * reads the head and reserves the seq values ({@code audit_reserve}, V17), one batch of inserts — the group commit of {@link AuditWriter}. A STORE event consumes the store
     * receipts of its request and study (unless {@code consumeReceipts} is false). Must run inside a
     * transaction.
     */
    public List<AuditEntry> appendAll(List<AuditEvent> events, boolean consumeReceipts) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            String prev;
            long firstSeq;
            // V17: the advisory lock, the chain head and a range of seq values in one round trip.
            try (PreparedStatement reserve = c.prepareStatement("SELECT prev_hash, first_seq FROM audit_reserve(?, ?)")) {
                reserve.setLong(1, APPEND_LOCK);
                reserve.setInt(2, events.size());
                try (ResultSet rs = reserve.executeQuery()) {
                    rs.next();
                    prev = rs.getString(1) == null ? AuditChain.GENESIS : rs.getString(1);
                    firstSeq = rs.getLong(2);
                }
            }
            List<AuditEntry> entries = new java.util.ArrayList<>(events.size());
            try (PreparedStatement insert = c.prepareStatement("INSERT INTO audit_log (" + COLUMNS
                    + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
                long seq = firstSeq;
                for (AuditEvent event : events) {
                    String hash = AuditChain.hash(prev, seq, event);
                    bindRow(c, insert, seq, event, prev, hash);
                    insert.addBatch();
                    entries.add(new AuditEntry(seq, event, prev, hash));
                    prev = hash;
                    seq++;
                }
                insert.executeBatch();
            }
            if (consumeReceipts) {
                for (AuditEvent event : events) {
                    if (event.action() == AuditAction.STORE) {
                        consumeStoreReceipts(c, event);
                    }
                }
            }
            return entries;
        }
    }

    private static void bindRow(Connection c, PreparedStatement insert, long seq, AuditEvent event, String prev,
            String hash) throws SQLException {
        int i = 0;
        insert.setLong(++i, seq);
        insert.setObject(++i, OffsetDateTime.ofInstant(AuditChain.storedTime(event.time()), ZoneOffset.UTC));
        insert.setString(++i, event.requestId());
        insert.setString(++i, event.subject());
        insert.setString(++i, event.username());
        insert.setString(++i, event.clientId());
        insert.setArray(++i, c.createArrayOf("text",
                event.roles() == null ? new String[0] : event.roles().stream().sorted().toArray()));
        insert.setString(++i, event.sourceAddress());
        insert.setString(++i, event.action().name());
        insert.setString(++i, event.patientId());
        insert.setString(++i, event.issuer());
        insert.setString(++i, event.studyUid());
        insert.setString(++i, event.seriesUid());
        insert.setString(++i, event.instanceUid());
        insert.setString(++i, event.outcome().name());
        insert.setInt(++i, event.httpStatus());
        insert.setString(++i, event.purposeOfUse());
        insert.setString(++i, event.breakGlassReason());
        insert.setString(++i, event.detail());
        insert.setString(++i, prev);
        insert.setString(++i, hash);
    }

    /**
     * A STORE event accounts for the instances its request stored in its study: their receipts go in
     * the same transaction, so a receipt is left exactly when no STORE event covers the instance.
     */
    private static void consumeStoreReceipts(Connection c, AuditEvent event) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(event.studyUid() == null
                ? "DELETE FROM store_receipt WHERE request_id = ?"
                : "DELETE FROM store_receipt WHERE request_id = ? AND study_uid = ?")) {
            ps.setString(1, event.requestId());
            if (event.studyUid() != null) {
                ps.setString(2, event.studyUid());
            }
            ps.executeUpdate();
        }
    }

    /**
     * Hands every row to {@code visitor} in seq order through a server-side cursor (constant memory),
     * stopping when it returns false. Must run inside a transaction (PostgreSQL cursors need one).
     */
    public void scan(Predicate<AuditEntry> visitor) throws SQLException {
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM audit_log ORDER BY seq")) {
            ps.setFetchSize(1000);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    if (!visitor.test(entry(rs))) {
                        return;
                    }
                }
            }
        }
    }

    /** One page of the export, in seq order. */
    public List<AuditEntry> search(AuditFilter f) throws SQLException {
        StringBuilder sql = new StringBuilder("SELECT " + COLUMNS + " FROM audit_log WHERE seq > ?");
        List<Object> params = new ArrayList<>(List.of(f.after()));
        if (f.patientId() != null) {
            sql.append(" AND patient_id = ?");
            params.add(f.patientId());
            if (f.issuer() != null) {
                sql.append(" AND issuer = ?");
                params.add(f.issuer());
            }
        }
        if (f.username() != null) {
            sql.append(" AND username = ?");
            params.add(f.username());
        }
        if (f.action() != null) {
            sql.append(" AND action = ?");
            params.add(f.action().name());
        }
        if (f.from() != null) {
            sql.append(" AND event_time >= ?");
            params.add(OffsetDateTime.ofInstant(f.from(), ZoneOffset.UTC));
        }
        if (f.to() != null) {
            sql.append(" AND event_time < ?");
            params.add(OffsetDateTime.ofInstant(f.to(), ZoneOffset.UTC));
        }
        sql.append(" ORDER BY seq LIMIT ?");
        params.add(f.count());
        return list(sql.toString(), params);
    }

    /**
     * Accesses to one patient's data, newest first, without the patient's own reading of this list
     * ({@link AuditAction#ACCESS_LOG_READ}).
     */
    public List<AuditEntry> accessesTo(PatientRef patient, int limit, long offset) throws SQLException {
        return list("SELECT " + COLUMNS + " FROM audit_log WHERE patient_id = ? AND issuer = ? AND action <> ?"
                + " ORDER BY seq DESC LIMIT ? OFFSET ?",
                List.of(patient.patientId(), patient.issuer(), AuditAction.ACCESS_LOG_READ.name(), limit, offset));
    }

    /**
     * The patient's accesses grouped by who, application, study and action, latest group first (the
     * patient's own readings of their access log left out).
     */
    public List<AccessSummary> accessSummary(PatientRef patient, int limit, long offset) throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement("""
                SELECT username, client_id, study_uid, action, min(event_time), max(event_time), count(*),
                    bool_or(break_glass_reason IS NOT NULL OR purpose_of_use = 'BTG'),
                    count(*) FILTER (WHERE outcome <> 'SUCCESS'),
                    (array_agg(break_glass_reason ORDER BY seq DESC) FILTER (WHERE break_glass_reason IS NOT NULL))[1]
                FROM audit_log WHERE patient_id = ? AND issuer = ? AND action <> ?
                GROUP BY username, client_id, study_uid, action
                ORDER BY max(event_time) DESC, max(seq) DESC LIMIT ? OFFSET ?""")) {
            ps.setString(1, patient.patientId());
            ps.setString(2, patient.issuer());
            ps.setString(3, AuditAction.ACCESS_LOG_READ.name());
            ps.setInt(4, limit);
            ps.setLong(5, offset);
            List<AccessSummary> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new AccessSummary(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
                            rs.getTimestamp(5).toInstant().toString(), rs.getTimestamp(6).toInstant().toString(),
                            rs.getLong(7), rs.getBoolean(8), rs.getLong(9), rs.getString(10)));
                }
            }
            return out;
        }
    }

    /** The patient a stored study belongs to, to name the patient of events whose feature did not. */
    public Optional<PatientRef> patientOfStudy(String studyUid) throws SQLException {
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement("SELECT p.patient_id, p.issuer FROM study s"
                        + " JOIN patient p ON p.pk = s.patient_fk WHERE s.study_uid = ?")) {
            ps.setString(1, studyUid);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(new PatientRef(rs.getString(1), rs.getString(2))) : Optional.empty();
            }
        }
    }

    private List<AuditEntry> list(String sql, List<Object> params) throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < params.size(); i++) {
                Object p = params.get(i);
                if (p == null) {
                    ps.setNull(i + 1, Types.VARCHAR);
                } else {
                    ps.setObject(i + 1, p);
                }
            }
            List<AuditEntry> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(entry(rs));
                }
            }
            return out;
        }
    }

    private static AuditEntry entry(ResultSet rs) throws SQLException {
        Array roles = rs.getArray("roles");
        Instant time = rs.getObject("event_time", OffsetDateTime.class).toInstant();
        AuditEvent event = new AuditEvent(time, rs.getString("request_id"), rs.getString("subject"),
                rs.getString("username"), rs.getString("client_id"),
                roles == null ? Set.of() : new LinkedHashSet<>(Arrays.asList((String[]) roles.getArray())),
                rs.getString("source_address"), action(rs.getString("action")), rs.getString("patient_id"),
                rs.getString("issuer"), rs.getString("study_uid"), rs.getString("series_uid"),
                rs.getString("instance_uid"), outcome(rs.getString("outcome")), rs.getInt("http_status"),
                rs.getString("purpose_of_use"), rs.getString("break_glass_reason"), rs.getString("detail"));
        return new AuditEntry(rs.getLong("seq"), event, rs.getString("prev_hash"), rs.getString("hash"));
    }

    // An unknown name (a row altered in SQL) must not stop the verifier: it reads as null and its hash fails.
    private static AuditAction action(String name) {
        try {
            return AuditAction.valueOf(name);
        } catch (RuntimeException e) {
            return null;
        }
    }

    private static AuditOutcome outcome(String name) {
        try {
            return AuditOutcome.valueOf(name);
        } catch (RuntimeException e) {
            return null;
        }
    }
}
