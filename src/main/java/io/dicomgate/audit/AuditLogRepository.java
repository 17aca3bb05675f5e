package io.dicomgate.audit;

import java.io.IOException;
import java.io.StringWriter;
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

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;

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

    private static final JsonFactory JSON = new JsonFactory();

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
     * Appends the events, in order, at the head of the chain, in one statement: {@code audit_append}
     * (V22) takes the advisory lock, reads the head, reserves the seq values, hashes and inserts the
     * rows, and lets a STORE event consume the store receipts of its request and study (unless
     * {@code consumeReceipts} is false) — the group commit of {@link AuditWriter}. Outside a transaction
     * that is one round trip and one commit; inside one, the lock is held until the caller commits.
     */
    public List<AuditEntry> appendAll(List<AuditEvent> events, boolean consumeReceipts) throws SQLException {
        byte[][] tails = new byte[events.size()][];
        for (int i = 0; i < tails.length; i++) {
            tails[i] = AuditChain.tail(events.get(i));
        }
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(
                "SELECT out_seq, out_prev_hash, out_hash FROM audit_append(?, ?::jsonb, ?, ?)")) {
            ps.setLong(1, APPEND_LOCK);
            ps.setString(2, rowsJson(events));
            ps.setObject(3, tails);
            ps.setBoolean(4, consumeReceipts);
            List<AuditEntry> entries = new ArrayList<>(events.size());
            try (ResultSet rs = ps.executeQuery()) {
                for (AuditEvent event : events) {
                    if (!rs.next()) {
                        throw new SQLException("audit_append returned fewer rows than it was given");
                    }
                    entries.add(new AuditEntry(rs.getLong(1), event, rs.getString(2), rs.getString(3)));
                }
            }
            return entries;
        }
    }

    /** The rows' values as the JSON array {@code audit_append} reads (time in epoch microseconds). */
    private static String rowsJson(List<AuditEvent> events) throws SQLException {
        StringWriter out = new StringWriter(events.size() * 512);
        try (JsonGenerator json = JSON.createGenerator(out)) {
            json.writeStartArray();
            for (AuditEvent e : events) {
                json.writeStartObject();
                json.writeNumberField("time", AuditChain.micros(e.time()));
                json.writeStringField("requestId", e.requestId());
                json.writeStringField("subject", e.subject());
                json.writeStringField("username", e.username());
                json.writeStringField("clientId", e.clientId());
                json.writeArrayFieldStart("roles");
                if (e.roles() != null) {
                    for (String role : e.roles().stream().sorted().toList()) {
                        json.writeString(role);
                    }
                }
                json.writeEndArray();
                json.writeStringField("sourceAddress", e.sourceAddress());
                json.writeStringField("action", e.action() == null ? null : e.action().name());
                json.writeStringField("patientId", e.patientId());
                json.writeStringField("issuer", e.issuer());
                json.writeStringField("studyUid", e.studyUid());
                json.writeStringField("seriesUid", e.seriesUid());
                json.writeStringField("instanceUid", e.instanceUid());
                json.writeStringField("outcome", e.outcome() == null ? null : e.outcome().name());
                json.writeNumberField("httpStatus", e.httpStatus());
                json.writeStringField("purposeOfUse", e.purposeOfUse());
                json.writeStringField("breakGlassReason", e.breakGlassReason());
                json.writeStringField("detail", e.detail());
                json.writeEndObject();
            }
            json.writeEndArray();
        } catch (IOException e) {
            throw new SQLException("audit rows could not be serialised", e);
        }
        return out.toString();
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
