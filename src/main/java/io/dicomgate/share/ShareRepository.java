package io.dicomgate.share;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import javax.sql.DataSource;

import jakarta.enterprise.context.ApplicationScoped;

/** The share tables ({@code share_link}, {@code share_link_study}, {@code share_session}), by JDBC. */
@ApplicationScoped
class ShareRepository {

    private static final String COLUMNS = "l.id, l.patient_id, l.issuer, l.all_studies,"
            + " ARRAY(SELECT ss.study_uid FROM share_link_study ss WHERE ss.share_fk = l.id ORDER BY ss.study_uid),"
            + " l.label, l.reason, l.allow_download, l.creator_kind, l.created_by_sub, l.created_by, l.created_at,"
            + " l.expires_at, l.revoked_at, l.failed_pins, l.locked_at, l.last_used_at, l.pin_salt, l.pin_hash,"
            + " (SELECT count(*) FROM share_session s WHERE s.share_fk = l.id)";

    /** A valid access token's share, as authentication needs it. */
    record Session(UUID shareId, String label, boolean allowDownload) {
    }

    private final DataSource dataSource;

    ShareRepository(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    void insert(ShareLink link, String secretHash) {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO share_link (id, secret_hash, pin_salt, pin_hash,"
                    + " patient_id, issuer, all_studies, label, reason, allow_download, creator_kind, created_by_sub,"
                    + " created_by, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
                int i = 1;
                ps.setObject(i++, link.id());
                ps.setString(i++, secretHash);
                ps.setBytes(i++, link.pinSalt());
                ps.setBytes(i++, link.pinHash());
                ps.setString(i++, link.patientId());
                ps.setString(i++, link.issuer());
                ps.setBoolean(i++, link.allStudies());
                ps.setString(i++, link.label());
                ps.setString(i++, link.reason());
                ps.setBoolean(i++, link.allowDownload());
                ps.setString(i++, link.creatorKind());
                ps.setString(i++, link.createdBySub());
                ps.setString(i++, link.createdBy());
                ps.setTimestamp(i++, Timestamp.from(link.createdAt()));
                ps.setTimestamp(i, Timestamp.from(link.expiresAt()));
                ps.executeUpdate();
            }
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO share_link_study (share_fk, study_uid) VALUES (?, ?)")) {
                for (String study : link.studies()) {
                    ps.setObject(1, link.id());
                    ps.setString(2, study);
                    ps.addBatch();
                }
                ps.executeBatch();
            }
            c.commit();
        } catch (SQLException e) {
            throw new IllegalStateException("storing a share failed", e);
        }
    }

    List<ShareLink> byCreator(String createdBySub) {
        return query("SELECT " + COLUMNS + " FROM share_link l WHERE l.created_by_sub = ? ORDER BY l.created_at DESC",
                createdBySub);
    }

    List<ShareLink> byPatient(String patientId, String issuer) {
        return query("SELECT " + COLUMNS + " FROM share_link l WHERE l.patient_id = ? AND l.issuer = ?"
                + " ORDER BY l.created_at DESC", patientId, issuer);
    }

    Optional<ShareLink> byId(UUID id) {
        return query("SELECT " + COLUMNS + " FROM share_link l WHERE l.id = ?", id).stream().findFirst();
    }

    Optional<ShareLink> bySecretHash(String secretHash) {
        return query("SELECT " + COLUMNS + " FROM share_link l WHERE l.secret_hash = ?", secretHash).stream().findFirst();
    }

    /**
     * Revokes the share; false when it was revoked already. Its access tokens end with it (a token is
     * live only while its share is neither revoked, locked nor expired); their rows stay, so the share
     * still shows on how many devices it was opened.
     */
    boolean revoke(UUID id) {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(
                "UPDATE share_link SET revoked_at = now() WHERE id = ? AND revoked_at IS NULL")) {
            ps.setObject(1, id);
            return ps.executeUpdate() == 1;
        } catch (SQLException e) {
            throw new IllegalStateException("revoking a share failed", e);
        }
    }

    /** Counts a wrong PIN; locks the share at {@code max}. Returns the failures so far. */
    int pinFailed(UUID id, int max) {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(
                "UPDATE share_link SET failed_pins = failed_pins + 1,"
                        + " locked_at = CASE WHEN failed_pins + 1 >= ? AND locked_at IS NULL THEN now() ELSE locked_at END"
                        + " WHERE id = ? RETURNING failed_pins")) {
            ps.setInt(1, max);
            ps.setObject(2, id);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("counting a wrong PIN failed", e);
        }
    }

    /** Stores an access token's hash for the share and marks the share used now. */
    void openSession(String tokenHash, UUID shareId, Instant expiresAt) {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try (PreparedStatement ps = c.prepareStatement(
                    "INSERT INTO share_session (token_hash, share_fk, expires_at) VALUES (?, ?, ?)")) {
                ps.setString(1, tokenHash);
                ps.setObject(2, shareId);
                ps.setTimestamp(3, Timestamp.from(expiresAt));
                ps.executeUpdate();
            }
            try (PreparedStatement ps = c.prepareStatement("UPDATE share_link SET last_used_at = now() WHERE id = ?")) {
                ps.setObject(1, shareId);
                ps.executeUpdate();
            }
            c.commit();
        } catch (SQLException e) {
            throw new IllegalStateException("opening a share session failed", e);
        }
    }

    /**
     * The share of a live access token: unexpired, and its share neither revoked, locked nor expired.
     * The share's last use moves at most once a minute, so a recipient paging through images does not
     * write a row version per request.
     */
    Optional<Session> session(String tokenHash) {
        try (Connection c = dataSource.getConnection()) {
            Session session;
            boolean stale;
            try (PreparedStatement ps = c.prepareStatement("SELECT l.id, l.label, l.allow_download,"
                    + " l.last_used_at IS NULL OR l.last_used_at < now() - interval '1 minute'"
                    + " FROM share_session s JOIN share_link l ON l.id = s.share_fk WHERE s.token_hash = ?"
                    + " AND s.expires_at > now() AND l.revoked_at IS NULL AND l.locked_at IS NULL AND l.expires_at > now()")) {
                ps.setString(1, tokenHash);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        return Optional.empty();
                    }
                    session = new Session(rs.getObject(1, UUID.class), rs.getString(2), rs.getBoolean(3));
                    stale = rs.getBoolean(4);
                }
            }
            if (stale) {
                try (PreparedStatement ps = c.prepareStatement("UPDATE share_link SET last_used_at = now() WHERE id = ?")) {
                    ps.setObject(1, session.shareId());
                    ps.executeUpdate();
                }
            }
            return Optional.of(session);
        } catch (SQLException e) {
            throw new IllegalStateException("reading a share session failed", e);
        }
    }

    private List<ShareLink> query(String sql, Object... params) {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                ps.setObject(i + 1, params[i]);
            }
            List<ShareLink> links = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    links.add(row(rs));
                }
            }
            return links;
        } catch (SQLException e) {
            throw new IllegalStateException("reading shares failed", e);
        }
    }

    private static ShareLink row(ResultSet rs) throws SQLException {
        Array studies = rs.getArray(5);
        return new ShareLink(rs.getObject(1, UUID.class), rs.getString(2), rs.getString(3), rs.getBoolean(4),
                Arrays.asList((String[]) studies.getArray()), rs.getString(6), rs.getString(7), rs.getBoolean(8),
                rs.getString(9), rs.getString(10), rs.getString(11), instant(rs.getTimestamp(12)),
                instant(rs.getTimestamp(13)), instant(rs.getTimestamp(14)), rs.getInt(15), instant(rs.getTimestamp(16)),
                instant(rs.getTimestamp(17)), rs.getBytes(18), rs.getBytes(19), rs.getInt(20));
    }

    private static Instant instant(Timestamp t) {
        return t == null ? null : t.toInstant();
    }
}
