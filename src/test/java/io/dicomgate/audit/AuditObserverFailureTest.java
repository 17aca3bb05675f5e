package io.dicomgate.audit;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.logging.Logger;

import javax.sql.DataSource;

import org.junit.jupiter.api.Test;

/**
 * An event whose patient cannot be looked up (the database is gone) is a failed audit write like any
 * other: the synchronous path refuses the request, the asynchronous path does not throw, and both
 * are counted where the {@code audit-log} readiness check reads them.
 */
class AuditObserverFailureTest {

    /** A database that is down. */
    private static final DataSource DOWN = new DataSource() {
        @Override
        public Connection getConnection() throws SQLException {
            throw new SQLException("connection refused");
        }

        @Override
        public Connection getConnection(String user, String password) throws SQLException {
            return getConnection();
        }

        @Override
        public PrintWriter getLogWriter() {
            return null;
        }

        @Override
        public void setLogWriter(PrintWriter out) {
        }

        @Override
        public void setLoginTimeout(int seconds) {
        }

        @Override
        public int getLoginTimeout() {
            return 0;
        }

        @Override
        public Logger getParentLogger() throws SQLFeatureNotSupportedException {
            throw new SQLFeatureNotSupportedException();
        }

        @Override
        public <T> T unwrap(Class<T> iface) throws SQLException {
            throw new SQLException("not a wrapper");
        }

        @Override
        public boolean isWrapperFor(Class<?> iface) {
            return false;
        }
    };

    private static final AuditConfig FAIL_CLOSED = new AuditConfig() {
        @Override
        public boolean failOpen() {
            return false;
        }

        @Override
        public Duration storeReceiptGrace() {
            return Duration.ofMinutes(10);
        }
    };

    /** Names a study but no patient, so the observer must ask the index whose study it is. */
    private static AuditEvent retrieveOfStudy() {
        return new AuditEvent(Instant.now(), "req-1", "sub-dr", "dr", "dicomgate-viewer", Set.of("clinician"),
                "127.0.0.1", AuditAction.RETRIEVE, null, null, "1.2.3", null, null, AuditOutcome.SUCCESS, 200,
                null, null, null);
    }

    @Test
    void anEventThatCannotBeCompletedIsAFailedWrite() {
        AuditLogRepository log = new AuditLogRepository(DOWN);
        AuditWriter writer = new AuditWriter(log);
        AuditObserver observer = new AuditObserver(log, FAIL_CLOSED, writer);

        assertThrows(AuditUnavailableException.class, () -> observer.onEvent(retrieveOfStudy()));
        assertEquals(1, writer.failedWrites());
        assertTrue(writer.lastWriteFailed(), "readiness sees it");

        assertDoesNotThrow(() -> observer.onAsyncEvent(retrieveOfStudy()));
        assertEquals(2, writer.failedWrites());
    }
}
