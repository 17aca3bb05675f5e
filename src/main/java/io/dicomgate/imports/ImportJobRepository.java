package io.dicomgate.imports;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

import javax.sql.DataSource;

import jakarta.enterprise.context.ApplicationScoped;

import io.dicomgate.index.IndexException;

/**
 * {@code import_job}, {@code import_item} (checkpoints) and {@code import_report} (V21), in plain JDBC
 * like the rest of the write path.
 */
@ApplicationScoped
public class ImportJobRepository {

    private static final String COLUMNS = """
            id, state, source_display, source_type, started_by, started_at, finished_at, listing_done, discovered,
            skipped, stored, already_present, coerced, quarantined, source_errors, failed, bytes, error""";

    /** One row of the report: an object (or item) that was not plainly stored. */
    public record ReportRow(String item, String object, String outcome, String reason, String detail, String fixes,
            String sopInstanceUid) {
    }

    /** A job's progress as the run counts it. */
    record Progress(boolean listingDone, ImportJob.Counts counts, long bytes) {
    }

    private final DataSource dataSource;
    /** A job whose node has not written its heartbeat for this long is interrupted (its node died). */
    private final Duration stale;

    public ImportJobRepository(DataSource dataSource, ImportConfig config) {
        this.dataSource = dataSource;
        this.stale = config.staleAfter();
    }

    /**
     * Inserts a RUNNING job; empty when a job of the same source is running (on any node): the
     * partial unique index {@code import_job_one_running} decides.
     */
    Optional<UUID> insert(UUID id, String sourceKey, String sourceType, String display, String username,
            String subject, int parallelism) {
        expireStale();
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement("""
                INSERT INTO import_job (id, source_key, source_type, source_display, state, started_by, started_by_sub,
                    parallelism, started_at, heartbeat_at)
                VALUES (?, ?, ?, ?, 'RUNNING', ?, ?, ?, now(), now())
                ON CONFLICT (source_key) WHERE state = 'RUNNING' DO NOTHING""")) {
            ps.setObject(1, id);
            ps.setString(2, sourceKey);
            ps.setString(3, sourceType);
            ps.setString(4, display);
            ps.setString(5, username);
            ps.setString(6, subject);
            ps.setInt(7, parallelism);
            return ps.executeUpdate() == 1 ? Optional.of(id) : Optional.empty();
        } catch (SQLException e) {
            throw new IndexException(e);
        }
    }

    /** The running job of a source, if any. */
    Optional<UUID> running(String sourceKey) {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(
                "SELECT id FROM import_job WHERE source_key = ? AND state = 'RUNNING'")) {
            ps.setString(1, sourceKey);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(rs.getObject(1, UUID.class)) : Optional.empty();
            }
        } catch (SQLException e) {
            throw new IndexException(e);
        }
    }

    /** Jobs whose node stopped writing heartbeats become INTERRUPTED; a later import of the source resumes. */
    int expireStale() {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement("""
                UPDATE import_job SET state = 'INTERRUPTED', finished_at = heartbeat_at,
                    error = 'the node running this import stopped'
                WHERE state = 'RUNNING' AND heartbeat_at < ?""")) {
            ps.setTimestamp(1, Timestamp.from(Instant.now().minus(stale)));
            return ps.executeUpdate();
        } catch (SQLException e) {
            throw new IndexException(e);
        }
    }

    /** Writes the progress and the heartbeat of a running job. */
    void progress(UUID id, Progress p) {
        update(id, p, null, null);
    }

    /** Writes the final state and counts. */
    void finish(UUID id, Progress p, ImportJob.State state, String error) {
        update(id, p, state, error);
    }

    private void update(UUID id, Progress p, ImportJob.State state, String error) {
        ImportJob.Counts n = p.counts();
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement("""
                UPDATE import_job SET heartbeat_at = now(), listing_done = ?, discovered = ?, skipped = ?, stored = ?,
                    already_present = ?, coerced = ?, quarantined = ?, source_errors = ?, failed = ?, bytes = ?,
                    state = COALESCE(?, state), finished_at = CASE WHEN ? IS NULL THEN finished_at ELSE now() END,
                    error = COALESCE(?, error)
                WHERE id = ? AND state = 'RUNNING'""")) {
            int i = 0;
            ps.setBoolean(++i, p.listingDone());
            ps.setLong(++i, n.discovered());
            ps.setLong(++i, n.skipped());
            ps.setLong(++i, n.stored());
            ps.setLong(++i, n.alreadyPresent());
            ps.setLong(++i, n.coerced());
            ps.setLong(++i, n.quarantined());
            ps.setLong(++i, n.sourceErrors());
            ps.setLong(++i, n.failed());
            ps.setLong(++i, p.bytes());
            ps.setString(++i, state == null ? null : state.name());
            ps.setString(++i, state == null ? null : state.name());
            ps.setString(++i, error);
            ps.setObject(++i, id);
            ps.executeUpdate();
        } catch (SQLException e) {
            throw new IndexException(e);
        }
    }

    /** Which of these item digests a previous job of the source finished. */
    Set<String> done(String sourceKey, Collection<String> digests) {
        if (digests.isEmpty()) {
            return Set.of();
        }
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(
                "SELECT item_digest FROM import_item WHERE source_key = ? AND item_digest = ANY (?)")) {
            ps.setString(1, sourceKey);
            ps.setArray(2, c.createArrayOf("text", digests.toArray()));
            Set<String> done = new HashSet<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    done.add(rs.getString(1));
                }
            }
            return done;
        } catch (SQLException e) {
            throw new IndexException(e);
        }
    }

    /** Checkpoints finished items and appends report rows, in one transaction. */
    void record(UUID job, String sourceKey, Collection<String> doneDigests, List<ReportRow> report) {
        if (doneDigests.isEmpty() && report.isEmpty()) {
            return;
        }
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                try (PreparedStatement ps = c.prepareStatement("""
                        INSERT INTO import_item (source_key, item_digest, job_id) VALUES (?, ?, ?)
                        ON CONFLICT DO NOTHING""")) {
                    for (String digest : doneDigests) {
                        ps.setString(1, sourceKey);
                        ps.setString(2, digest);
                        ps.setObject(3, job);
                        ps.addBatch();
                    }
                    ps.executeBatch();
                }
                try (PreparedStatement ps = c.prepareStatement("""
                        INSERT INTO import_report (job_id, item_key, object_key, outcome, reason, detail, fixes,
                            sop_instance_uid) VALUES (?, ?, ?, ?, ?, ?, ?, ?)""")) {
                    for (ReportRow r : report) {
                        int i = 0;
                        ps.setObject(++i, job);
                        ps.setString(++i, r.item());
                        ps.setString(++i, r.object());
                        ps.setString(++i, r.outcome());
                        ps.setString(++i, r.reason());
                        ps.setString(++i, r.detail());
                        ps.setString(++i, r.fixes());
                        ps.setString(++i, r.sopInstanceUid());
                        ps.addBatch();
                    }
                    ps.executeBatch();
                }
                c.commit();
            } catch (SQLException e) {
                c.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw new IndexException(e);
        }
    }

    Optional<ImportJob> find(UUID id) {
        List<ImportJob> jobs = query("SELECT " + COLUMNS + " FROM import_job WHERE id = ?", id);
        return jobs.stream().findFirst();
    }

    /** The newest jobs first. */
    List<ImportJob> list(int limit) {
        return query("SELECT " + COLUMNS + " FROM import_job ORDER BY started_at DESC LIMIT ?", limit);
    }

    List<ReportRow> report(UUID id, long offset, int limit) {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement("""
                SELECT item_key, object_key, outcome, reason, detail, fixes, sop_instance_uid FROM import_report
                WHERE job_id = ? ORDER BY seq OFFSET ? LIMIT ?""")) {
            ps.setObject(1, id);
            ps.setLong(2, offset);
            ps.setInt(3, limit);
            List<ReportRow> rows = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    rows.add(new ReportRow(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
                            rs.getString(5), rs.getString(6), rs.getString(7)));
                }
            }
            return rows;
        } catch (SQLException e) {
            throw new IndexException(e);
        }
    }

    private List<ImportJob> query(String sql, Object param) {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setObject(1, param);
            List<ImportJob> jobs = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    jobs.add(job(rs));
                }
            }
            return jobs;
        } catch (SQLException e) {
            throw new IndexException(e);
        }
    }

    private static ImportJob job(ResultSet rs) throws SQLException {
        Instant started = rs.getTimestamp("started_at").toInstant();
        Timestamp finishedAt = rs.getTimestamp("finished_at");
        Instant finished = finishedAt == null ? null : finishedAt.toInstant();
        double elapsed = Duration.between(started, finished == null ? Instant.now() : finished).toMillis() / 1000.0;
        return new ImportJob(rs.getObject("id", UUID.class), ImportJob.State.valueOf(rs.getString("state")),
                rs.getString("source_display"), rs.getString("source_type"), rs.getString("started_by"), started,
                finished, rs.getBoolean("listing_done"),
                new ImportJob.Counts(rs.getLong("discovered"), rs.getLong("skipped"), rs.getLong("stored"),
                        rs.getLong("already_present"), rs.getLong("coerced"), rs.getLong("quarantined"),
                        rs.getLong("source_errors"), rs.getLong("failed")),
                rs.getLong("bytes"), elapsed, rs.getString("error"));
    }
}
