package io.dicomgate.index;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import javax.sql.DataSource;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import io.dicomgate.access.Caller;
import io.dicomgate.access.PatientRef;
import io.dicomgate.storage.BlobStore;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * What could not be stored safely, kept with its reason for a human decision (README "Quarantine"):
 * the bytes go to the blob store like any object (so the orphan sweep must and does leave them),
 * a row of {@code quarantine} says why and from whom. Only imaging administrators read it.
 */
@ApplicationScoped
public class Quarantine {

    private static final Logger LOG = Logger.getLogger(Quarantine.class);
    private static final String COLUMNS = "id, received_at, source, reason, detail, sop_instance_uid, study_uid,"
            + " patient_id, issuer, blob_key, size_bytes, sha256, received_by, client_id";

    /** Quarantine limits. */
    @ConfigMapping(prefix = "dicomgate.quarantine")
    public interface Config {
        /** Largest object kept in quarantine (bytes); a larger refused part is only counted and logged. */
        @WithDefault("1073741824")
        long maxObjectBytes();
    }

    /** One quarantined object. */
    public record Entry(UUID id, Instant receivedAt, String source, String reason, String detail, String sopInstanceUid,
            String studyUid, String patientId, String issuer, String blobKey, long sizeBytes, String sha256,
            String receivedBy, String clientId) {
    }

    /** What is known of a refused object: any of it may be null. */
    public record Known(String sopInstanceUid, String studyUid, PatientRef patient) {
        public static final Known NOTHING = new Known(null, null, null);
    }

    private final DataSource dataSource;
    private final BlobStore blobs;
    private final Config config;

    public Quarantine(DataSource dataSource, BlobStore blobs, Config config) {
        this.dataSource = dataSource;
        this.blobs = blobs;
        this.config = config;
    }

    /**
     * Keeps a staged file (it is moved into the blob store); never throws — a quarantine that fails is
     * logged, and the client's answer is the same either way.
     *
     * @return the entry's id, or empty when it was not kept
     */
    public Optional<UUID> keep(Path staged, String sha256, String source, String reason, String detail, Known known,
            Caller caller) {
        try {
            long size = Files.size(staged);
            if (size > config.maxObjectBytes()) {
                LOG.warnf("a refused object of %d bytes is larger than the quarantine keeps", size);
                return Optional.empty();
            }
            String key = blobs.commit(staged, sha256);
            return Optional.of(insert(key, size, sha256, source, reason, detail, known, caller));
        } catch (IOException | RuntimeException e) {
            LOG.warnf("quarantine failed: %s", e.getClass().getSimpleName());
            return Optional.empty();
        }
    }

    /** Keeps an object already in the blob store under {@code blobKey} (refused after its commit). */
    public Optional<UUID> keepStored(String blobKey, long size, String sha256, String source, String reason,
            String detail, Known known, Caller caller) {
        try {
            return Optional.of(insert(blobKey, size, sha256, source, reason, detail, known, caller));
        } catch (RuntimeException e) {
            LOG.warnf("quarantine failed: %s", e.getClass().getSimpleName());
            return Optional.empty();
        }
    }

    private UUID insert(String key, long size, String sha256, String source, String reason, String detail, Known known,
            Caller caller) {
        UUID id = UUID.randomUUID();
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement("INSERT INTO quarantine"
                + " (id, source, reason, detail, sop_instance_uid, study_uid, patient_id, issuer, blob_key, size_bytes,"
                + " sha256, received_by, client_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            int i = 1;
            ps.setObject(i++, id);
            ps.setString(i++, source);
            ps.setString(i++, reason);
            ps.setString(i++, detail.length() > 256 ? detail.substring(0, 256) : detail);
            ps.setString(i++, known.sopInstanceUid());
            ps.setString(i++, known.studyUid());
            ps.setString(i++, known.patient() == null ? null : known.patient().patientId());
            ps.setString(i++, known.patient() == null ? null : known.patient().issuer());
            ps.setString(i++, key);
            ps.setLong(i++, size);
            ps.setString(i++, sha256);
            ps.setString(i++, String.valueOf(caller.username()));
            ps.setString(i, caller.clientId());
            ps.executeUpdate();
            return id;
        } catch (SQLException e) {
            throw new IndexException(e);
        }
    }

    public List<Entry> list(int limit, long offset) {
        return query("SELECT " + COLUMNS + " FROM quarantine ORDER BY received_at DESC, id LIMIT ? OFFSET ?", limit, offset);
    }

    public Optional<Entry> find(UUID id) {
        if (id == null) {
            return Optional.empty();
        }
        return query("SELECT " + COLUMNS + " FROM quarantine WHERE id = ?", id).stream().findFirst();
    }

    private List<Entry> query(String sql, Object... params) {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                ps.setObject(i + 1, params[i]);
            }
            List<Entry> entries = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    entries.add(new Entry(rs.getObject(1, UUID.class), rs.getTimestamp(2).toInstant(), rs.getString(3),
                            rs.getString(4), rs.getString(5), rs.getString(6), rs.getString(7), rs.getString(8),
                            rs.getString(9), rs.getString(10), rs.getLong(11), rs.getString(12), rs.getString(13),
                            rs.getString(14)));
                }
            }
            return entries;
        } catch (SQLException e) {
            throw new IndexException(e);
        }
    }
}
