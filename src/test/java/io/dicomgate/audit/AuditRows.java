package io.dicomgate.audit;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import javax.sql.DataSource;

/** Test access to audit_log rows straight through SQL, and events to fire. */
public final class AuditRows {

    private AuditRows() {
    }

    /** A request id the response filter keeps (it must look like an id). */
    static String requestId() {
        return "t-" + UUID.randomUUID();
    }

    static List<Map<String, Object>> byRequest(DataSource ds, String requestId) {
        return query(ds, "SELECT * FROM audit_log WHERE request_id = ? ORDER BY seq", requestId);
    }

    /** Rows of a request, waiting up to 5 s for async events. */
    static List<Map<String, Object>> awaitByRequest(DataSource ds, String requestId, int atLeast) {
        long deadline = System.nanoTime() + 5_000_000_000L;
        List<Map<String, Object>> rows;
        do {
            rows = byRequest(ds, requestId);
            if (rows.size() >= atLeast) {
                return rows;
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        } while (System.nanoTime() < deadline);
        return rows;
    }

    public static List<Map<String, Object>> query(DataSource ds, String sql, Object... params) {
        try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                ps.setObject(i + 1, params[i]);
            }
            List<Map<String, Object>> rows = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    Map<String, Object> row = new LinkedHashMap<>();
                    for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
                        row.put(rs.getMetaData().getColumnLabel(i), rs.getObject(i));
                    }
                    rows.add(row);
                }
            }
            return rows;
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Runs statements in one transaction, as the database superuser the tests connect as. */
    static void asAttacker(DataSource ds, String... statements) throws SQLException {
        try (Connection c = ds.getConnection()) {
            c.setAutoCommit(false);
            try (var s = c.createStatement()) {
                for (String sql : statements) {
                    s.execute(sql);
                }
                c.commit();
            } catch (SQLException e) {
                c.rollback();
                throw e;
            }
        }
    }

    static AuditEvent event(String username, AuditAction action, String patientId, String issuer, String studyUid,
            AuditOutcome outcome, int status) {
        return new AuditEvent(Instant.now(), requestId(), "sub-" + username, username, "dicomgate-viewer",
                Set.of("clinician"), "127.0.0.1", action, patientId, issuer, studyUid, null, null, outcome, status, null,
                null, null);
    }
}
