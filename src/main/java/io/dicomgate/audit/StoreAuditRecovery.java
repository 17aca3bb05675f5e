package io.dicomgate.audit;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

import javax.sql.DataSource;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.jboss.logging.Logger;

import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;

/**
 * Every instance in the archive has a STORE audit event. An instance's index rows commit with a
 * receipt ({@code store_receipt}); the STORE event of its request, written once the request's status
 * is known, consumes the receipt in its own transaction. If the process dies between the two commits
 * (after {@code kill -9} mid-STOW the instance is stored, never acknowledged, and unaudited), the
 * receipt remains, and this job appends a STORE event for it — outcome SUCCESS, HTTP status 0 (no
 * answer was sent), the detail saying it was recovered — and deletes the receipt in the same
 * transaction, so it happens once.
 *
 * <p>It runs at start-up and then every minute on whichever node takes the advisory lock, for receipts
 * older than {@code dicomgate.audit.store-receipt-grace} (a request still running on another node
 * must get the chance to write its own event; one running longer than the grace gets a recovered
 * event as well — a duplicate, never a gap).
 */
@ApplicationScoped
public class StoreAuditRecovery {

    private static final Logger LOG = Logger.getLogger(StoreAuditRecovery.class);
    static final long LOCK = 0x6463726563767279L; // "dcrecvry"
    private static final int BATCH = 500;
    static final String DETAIL = "recovered: stored, but the request ended before its audit record was written"
            + " (the client may have had no answer)";

    private final DataSource dataSource;
    private final AuditLogRepository log;
    private final AuditConfig config;
    private volatile Thread worker;

    public StoreAuditRecovery(DataSource dataSource, AuditLogRepository log, AuditConfig config) {
        this.dataSource = dataSource;
        this.log = log;
        this.config = config;
    }

    void onStart(@Observes StartupEvent event) {
        worker = Thread.ofVirtual().name("store-audit-recovery").start(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                try {
                    int recovered = recover(Instant.now().minus(config.storeReceiptGrace()));
                    if (recovered > 0) {
                        LOG.warnf("%d stored instance(s) had no STORE audit event (the process died mid-request);"
                                + " recovered", recovered);
                    }
                    Thread.sleep(Duration.ofMinutes(1));
                } catch (InterruptedException e) {
                    return;
                } catch (RuntimeException e) {
                    LOG.warnf("STORE audit recovery failed: %s; retried in a minute", e.getClass().getSimpleName());
                    try {
                        Thread.sleep(Duration.ofMinutes(1));
                    } catch (InterruptedException stop) {
                        return;
                    }
                }
            }
        });
    }

    void onStop(@Observes ShutdownEvent event) {
        Thread running = worker;
        if (running != null) {
            running.interrupt();
        }
    }

    /** Appends a STORE event for every receipt written before {@code cutoff}; returns how many. */
    public int recover(Instant cutoff) {
        int total = 0;
        int batch;
        do {
            batch = QuarkusTransaction.requiringNew().call(() -> recoverBatch(cutoff));
            total += Math.max(batch, 0);
        } while (batch == BATCH);
        return total;
    }

    /** One batch in one transaction; -1 when another node holds the lock. */
    private int recoverBatch(Instant cutoff) throws SQLException {
        List<AuditEvent> events = new ArrayList<>();
        List<Long> instances = new ArrayList<>();
        try (Connection c = dataSource.getConnection()) {
            try (PreparedStatement lock = c.prepareStatement("SELECT pg_try_advisory_xact_lock(?)")) {
                lock.setLong(1, LOCK);
                try (ResultSet rs = lock.executeQuery()) {
                    if (!rs.next() || !rs.getBoolean(1)) {
                        return -1;
                    }
                }
            }
            try (PreparedStatement ps = c.prepareStatement("""
                    SELECT r.instance_fk, r.request_id, r.study_uid, r.subject, r.username, r.client_id, r.roles,
                        r.source_address, r.created_at, i.sop_instance_uid, se.series_uid, p.patient_id, p.issuer
                    FROM store_receipt r
                    JOIN instance i ON i.pk = r.instance_fk
                    JOIN series se ON se.pk = i.series_fk
                    JOIN study st ON st.pk = se.study_fk
                    JOIN patient p ON p.pk = st.patient_fk
                    WHERE r.created_at < ?
                    ORDER BY r.created_at, r.instance_fk
                    LIMIT ?""")) {
                ps.setObject(1, OffsetDateTime.ofInstant(cutoff, ZoneOffset.UTC));
                ps.setInt(2, BATCH);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        instances.add(rs.getLong("instance_fk"));
                        Array roles = rs.getArray("roles");
                        events.add(new AuditEvent(
                                AuditChain.storedTime(rs.getObject("created_at", OffsetDateTime.class).toInstant()),
                                rs.getString("request_id"), rs.getString("subject"), rs.getString("username"),
                                rs.getString("client_id"),
                                roles == null ? Set.of() : Set.copyOf(Arrays.asList((String[]) roles.getArray())),
                                rs.getString("source_address"), AuditAction.STORE, rs.getString("patient_id"),
                                rs.getString("issuer"), rs.getString("study_uid"), rs.getString("series_uid"),
                                rs.getString("sop_instance_uid"), AuditOutcome.SUCCESS, 0, null, null, DETAIL));
                    }
                }
            }
            try (PreparedStatement delete = c.prepareStatement("DELETE FROM store_receipt WHERE instance_fk = ?")) {
                for (int i = 0; i < events.size(); i++) {
                    // Appended before the delete: a STORE event consumes its request's receipts by
                    // request and study, which would take the siblings of this one along.
                    log.appendRecovered(events.get(i));
                    delete.setLong(1, instances.get(i));
                    delete.executeUpdate();
                }
            }
        }
        return events.size();
    }
}
