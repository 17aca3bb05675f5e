package io.dicomgate.index;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

import javax.sql.DataSource;

import jakarta.enterprise.context.ApplicationScoped;

/**
 * Background work that must run on one node at a time when several share the database (orphan
 * sweep, backfills): the job runs while its node holds a PostgreSQL session advisory lock named
 * after it, on a connection kept for the job. Another node asking meanwhile skips the job. If the
 * node dies mid-way its session ends and the lock with it; every job is idempotent, so the next
 * run (on any node) finishes the work.
 */
@ApplicationScoped
public class ExclusiveJobs {

    /** First half of the two-key advisory lock, "dgjb": keeps job locks apart from other advisory locks. */
    private static final int JOB_LOCKS = 0x64676a62;

    /** The work of a job. */
    @FunctionalInterface
    public interface Job {
        void run() throws Exception;
    }

    private final DataSource dataSource;

    public ExclusiveJobs(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /**
     * Runs {@code job} unless another node is running the job of that name now.
     *
     * @return whether it ran
     * @throws Exception what the job threw
     */
    public boolean runAlone(String name, Job job) throws Exception {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(true);
            if (!lock(c, "SELECT pg_try_advisory_lock(?, hashtext(?))", name)) {
                return false;
            }
            try {
                job.run();
                return true;
            } finally {
                lock(c, "SELECT pg_advisory_unlock(?, hashtext(?))", name);
            }
        }
    }

    private static boolean lock(Connection c, String sql, String name) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setInt(1, JOB_LOCKS);
            ps.setString(2, "dicomgate.job." + name);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() && rs.getBoolean(1);
            }
        }
    }
}
