package io.dicomgate.index;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import javax.sql.DataSource;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

import org.jboss.logging.Logger;

import io.dicomgate.dicom.PersonNames;
import io.dicomgate.index.IndexConflictException.Kind;

/**
 * Adds stored instances to the index. Upserts are race-free ({@code ON CONFLICT}) so concurrent
 * STOW requests for one study cannot create it twice, and the denormalised counters are updated in
 * the same transaction as the row they count.
 *
 * <p>Concurrent stores into one study must not queue behind each other's row locks: existing
 * patient, study and series rows are read, not upserted, and written only when something changed
 * (a new study or series, other patient attributes); the counters, which every instance must
 * change, are updated last, so their row locks are held only for the commit.
 */
@ApplicationScoped
public class IndexWriter {

    /** What happened to one instance. */
    public enum Outcome {
        INSERTED,
        /** The same SOP Instance with the same bytes was already stored: nothing changed. */
        ALREADY_STORED
    }

    private static final Logger LOG = Logger.getLogger(IndexWriter.class);

    private final DataSource dataSource;

    public IndexWriter(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** The stored object of a SOP Instance UID: its SHA-256 and blob key. */
    public record StoredObject(String sha256, String blobKey) {
    }

    /** The stored instance with this SOP Instance UID, if any (one autocommit read, no transaction). */
    public Optional<StoredObject> stored(String sopInstanceUid) {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(
                "SELECT sha256, blob_key FROM instance WHERE sop_instance_uid = ?")) {
            ps.setString(1, sopInstanceUid);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(new StoredObject(rs.getString(1), rs.getString(2))) : Optional.empty();
            }
        } catch (SQLException e) {
            throw new IndexException(e);
        }
    }

    /** Whether any indexed instance, or a quarantine entry, is stored under this blob key. */
    @Transactional
    public boolean isReferenced(String blobKey) {
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement("SELECT 1 FROM instance WHERE blob_key = ?"
                        + " UNION ALL SELECT 1 FROM quarantine WHERE blob_key = ? LIMIT 1")) {
            ps.setString(1, blobKey);
            ps.setString(2, blobKey);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        } catch (SQLException e) {
            throw new IndexException(e);
        }
    }

    /** Those of the given blob keys that no instance row and no quarantine entry refers to. */
    @Transactional
    public List<String> unreferenced(List<String> blobKeys) {
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(
                        "SELECT k FROM unnest(?::varchar[]) AS k WHERE NOT EXISTS (SELECT 1 FROM instance WHERE blob_key = k)"
                                + " AND NOT EXISTS (SELECT 1 FROM quarantine WHERE blob_key = k)")) {
            ps.setArray(1, c.createArrayOf("varchar", blobKeys.toArray()));
            List<String> result = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    result.add(rs.getString(1));
                }
            }
            return result;
        } catch (SQLException e) {
            throw new IndexException(e);
        }
    }

    /** Most records in one {@link #insertGroup} transaction (each is a savepoint, a subtransaction). */
    public static final int MAX_GROUP = 32;

    /**
     * How one record of a group ended: {@code outcome} when it is indexed (or was already), else the
     * {@code conflict} that refused it, else {@code failed} (a database error; logged by type).
     */
    public record GroupResult(Outcome outcome, Kind conflict, boolean failed) {
    }

    /**
     * Indexes the instances of one request in one transaction — one commit for all of them — each
     * under a savepoint, so a record that conflicts or fails rolls back its own rows only. A new
     * instance's receipt of who stored it goes in with it (the STORE audit event of the request
     * consumes it, see {@code V15__store_receipts.sql}); the series' and studies' counters are summed
     * and updated last (see the class comment).
     *
     * @throws IndexException when the transaction itself fails: nothing of the group is kept
     */
    @Transactional
    public List<GroupResult> insertGroup(List<IndexRecord> records, StoreReceipt receipt) {
        if (records.size() > MAX_GROUP) {
            throw new IllegalArgumentException("more than " + MAX_GROUP + " records in one group");
        }
        List<GroupResult> results = new ArrayList<>(records.size());
        Map<Long, Integer> seriesCounts = new TreeMap<>();
        Map<Long, Integer> studyCounts = new TreeMap<>();
        // Patient, study and series rows this transaction already resolved, so the group's other instances
        // of the same series skip the lookups; an entry is kept only if its record succeeds (a rolled-back
        // savepoint may have undone the rows it names).
        Map<String, long[]> resolved = new HashMap<>();
        try (Connection c = dataSource.getConnection(); Statement savepoints = c.createStatement()) {
            for (IndexRecord r : records) {
                // By statement: the pool does not hand out JDBC savepoints inside a JTA transaction. Not
                // released: the next SAVEPOINT nests, and ROLLBACK TO names the innermost, this record's.
                savepoints.execute("SAVEPOINT instance");
                try {
                    IndexRecord.PatientRow p = r.patient();
                    String hierarchyKey = key(p.patientId(), p.issuer(), p.name(), p.birthDate(), p.sex(),
                            p.attrsJson(), r.study().studyUid(), r.series().seriesUid());
                    long[] pks = resolved.get(hierarchyKey);
                    if (pks == null) {
                        pks = storedHierarchy(c, r);
                    }
                    if (pks == null) {
                        long patientPk = patientPk(c, p);
                        long studyPk = studyPk(c, r.study(), patientPk, p);
                        pks = new long[] {patientPk, studyPk, seriesPk(c, r.series(), studyPk)};
                    }
                    long studyPk = pks[1];
                    long seriesPk = pks[2];
                    Outcome outcome = insertInstance(c, r.instance(), seriesPk, r.study().studyUid(), receipt);
                    if (outcome == Outcome.INSERTED) {
                        seriesCounts.merge(seriesPk, 1, Integer::sum);
                        studyCounts.merge(studyPk, 1, Integer::sum);
                    }
                    resolved.put(hierarchyKey, pks);
                    results.add(new GroupResult(outcome, null, false));
                } catch (IndexConflictException e) {
                    savepoints.execute("ROLLBACK TO SAVEPOINT instance");
                    results.add(new GroupResult(null, e.kind(), false));
                } catch (SQLException e) {
                    savepoints.execute("ROLLBACK TO SAVEPOINT instance");
                    LOG.warnf("indexing an instance failed: %s (SQLState %s)", e.getClass().getSimpleName(),
                            e.getSQLState());
                    results.add(new GroupResult(null, null, true));
                }
            }
            countInstances(c, seriesCounts, studyCounts);
            return results;
        } catch (SQLException e) {
            throw new IndexException(e);
        }
    }

    /**
     * The common case in one query instead of three: patient, study and series are all stored, the
     * study under this patient with this instance's Patient module, the series in this study — nothing
     * to write. Returns their pks, or null when anything differs (the row-by-row path then inserts,
     * updates or refuses, as it always did).
     */
    private static long[] storedHierarchy(Connection c, IndexRecord r) throws SQLException {
        IndexRecord.PatientRow p = r.patient();
        try (PreparedStatement ps = c.prepareStatement("""
                SELECT pa.pk, st.pk, se.pk
                FROM patient pa
                JOIN study st ON st.study_uid = ? AND st.patient_fk = pa.pk
                JOIN series se ON se.series_uid = ? AND se.study_fk = st.pk
                WHERE pa.patient_id = ? AND pa.issuer = ?
                    AND st.patient_name IS NOT DISTINCT FROM ? AND st.patient_birth_date IS NOT DISTINCT FROM ?
                    AND st.patient_sex IS NOT DISTINCT FROM ? AND st.patient_attrs_json = ?""")) {
            ps.setString(1, r.study().studyUid());
            ps.setString(2, r.series().seriesUid());
            ps.setString(3, p.patientId());
            ps.setString(4, p.issuer());
            ps.setString(5, p.name());
            ps.setString(6, p.birthDate());
            ps.setString(7, p.sex());
            ps.setString(8, p.attrsJson());
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? new long[] {rs.getLong(1), rs.getLong(2), rs.getLong(3)} : null;
            }
        }
    }

    /** The patient row is an identity key only; its attributes are kept per study ({@link #studyPk}). */
    private static long patientPk(Connection c, IndexRecord.PatientRow p) throws SQLException {
        for (int attempt = 0; ; attempt++) {
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT pk FROM patient WHERE patient_id = ? AND issuer = ?")) {
                ps.setString(1, p.patientId());
                ps.setString(2, p.issuer());
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next()) {
                        return rs.getLong(1);
                    }
                }
            }
            try (PreparedStatement ps = c.prepareStatement("""
                    INSERT INTO patient (patient_id, issuer) VALUES (?, ?)
                    ON CONFLICT (patient_id, issuer) DO NOTHING RETURNING pk""")) {
                ps.setString(1, p.patientId());
                ps.setString(2, p.issuer());
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next()) {
                        return rs.getLong(1);
                    }
                }
            }
            if (attempt > 0) { // inserted by a concurrent store that committed meanwhile: read once more
                throw new SQLException("patient row neither found nor inserted");
            }
        }
    }

    /**
     * The study's row, with the Patient module as this instance carries it: a caller who may see this
     * study sees the patient attributes stored with it, never those of the patient's other studies.
     * Within one study the last instance stored wins.
     */
    private static long studyPk(Connection c, IndexRecord.StudyRow s, long patientPk, IndexRecord.PatientRow p)
            throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("""
                SELECT pk, patient_fk, patient_name IS NOT DISTINCT FROM ? AND patient_birth_date IS NOT DISTINCT FROM ?
                    AND patient_sex IS NOT DISTINCT FROM ? AND patient_attrs_json = ?
                FROM study WHERE study_uid = ?""")) {
            ps.setString(1, p.name());
            ps.setString(2, p.birthDate());
            ps.setString(3, p.sex());
            ps.setString(4, p.attrsJson());
            ps.setString(5, s.studyUid());
            try (ResultSet rs = ps.executeQuery()) {
                if (rs.next()) {
                    if (rs.getLong(2) != patientPk) {
                        throw new IndexConflictException(Kind.HIERARCHY_MISMATCH,
                                "the study is already stored for a different patient");
                    }
                    if (rs.getBoolean(3)) {
                        return rs.getLong(1); // as stored: nothing to write, no lock to take
                    }
                }
            }
        }
        try (PreparedStatement ps = c.prepareStatement("""
                INSERT INTO study (patient_fk, study_uid, study_date, study_time, accession_number, study_id,
                    study_description, referring_physician_name, referring_physician_name_norm,
                    referring_physician_name_fuzzy, attrs_json, patient_name, patient_name_norm, patient_name_fuzzy,
                    patient_birth_date, patient_sex, patient_attrs_json)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (study_uid) DO UPDATE SET
                    patient_name = EXCLUDED.patient_name, patient_name_norm = EXCLUDED.patient_name_norm,
                    patient_name_fuzzy = EXCLUDED.patient_name_fuzzy, patient_birth_date = EXCLUDED.patient_birth_date,
                    patient_sex = EXCLUDED.patient_sex, patient_attrs_json = EXCLUDED.patient_attrs_json
                    WHERE study.patient_fk = EXCLUDED.patient_fk
                RETURNING pk""")) {
            ps.setLong(1, patientPk);
            ps.setString(2, s.studyUid());
            ps.setString(3, s.date());
            ps.setString(4, s.time());
            ps.setString(5, s.accessionNumber());
            ps.setString(6, s.studyId());
            ps.setString(7, s.description());
            ps.setString(8, s.referringPhysicianName());
            ps.setString(9, normalizeName(s.referringPhysicianName()));
            setFuzzy(c, ps, 10, s.referringPhysicianName());
            ps.setString(11, s.attrsJson());
            ps.setString(12, p.name());
            ps.setString(13, normalizeName(p.name()));
            setFuzzy(c, ps, 14, p.name());
            ps.setString(15, p.birthDate());
            ps.setString(16, p.sex());
            ps.setString(17, p.attrsJson());
            try (ResultSet rs = ps.executeQuery()) {
                if (rs.next()) {
                    return rs.getLong(1);
                }
            }
        }
        // Only a study of another patient leaves the row as it was (the WHERE above) and returns nothing.
        throw new IndexConflictException(Kind.HIERARCHY_MISMATCH, "the study is already stored for a different patient");
    }

    private static long seriesPk(Connection c, IndexRecord.SeriesRow s, long studyPk) throws SQLException {
        Long existing = existingSeries(c, s.seriesUid(), studyPk);
        if (existing != null) {
            return existing;
        }
        try (PreparedStatement ps = c.prepareStatement("""
                INSERT INTO series (study_fk, series_uid, modality, series_number, series_description,
                    pps_start_date, pps_start_time, attrs_json)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (series_uid) DO NOTHING
                RETURNING pk""")) {
            ps.setLong(1, studyPk);
            ps.setString(2, s.seriesUid());
            ps.setString(3, s.modality());
            setInt(ps, 4, s.seriesNumber());
            ps.setString(5, s.description());
            ps.setString(6, s.ppsStartDate());
            ps.setString(7, s.ppsStartTime());
            ps.setString(8, s.attrsJson());
            try (ResultSet rs = ps.executeQuery()) {
                if (rs.next()) {
                    long pk = rs.getLong(1);
                    try (PreparedStatement up = c.prepareStatement("""
                            UPDATE study SET num_series = num_series + 1, updated_at = now(),
                                modalities_in_study = CASE
                                    WHEN ?::varchar IS NULL OR ?::varchar = ANY (modalities_in_study) THEN modalities_in_study
                                    ELSE array_append(modalities_in_study, ?::varchar) END
                            WHERE pk = ?""")) {
                        up.setString(1, s.modality());
                        up.setString(2, s.modality());
                        up.setString(3, s.modality());
                        up.setLong(4, studyPk);
                        up.executeUpdate();
                    }
                    return pk;
                }
            }
        }
        return existingSeries(c, s.seriesUid(), studyPk); // inserted by a concurrent store
    }

    /** The series' pk, null when it is not stored; a series of another study is a conflict. */
    private static Long existingSeries(Connection c, String seriesUid, long studyPk) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT pk, study_fk FROM series WHERE series_uid = ?")) {
            ps.setString(1, seriesUid);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return null;
                }
                if (rs.getLong(2) != studyPk) {
                    throw new IndexConflictException(Kind.HIERARCHY_MISMATCH,
                            "the series is already stored in a different study");
                }
                return rs.getLong(1);
            }
        }
    }

    /**
     * The instance row and, when it is new, its store receipt, in one statement (a data-modifying
     * {@code WITH}: the receipt is inserted from the instance insert's {@code RETURNING}, so a SOP
     * Instance UID that is already stored inserts neither).
     */
    private static Outcome insertInstance(Connection c, IndexRecord.InstanceRow i, long seriesPk, String studyUid,
            StoreReceipt receipt) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("""
                WITH inserted AS (
                    INSERT INTO instance (series_fk, sop_instance_uid, sop_class_uid, instance_number, pixel_rows,
                        pixel_columns, bits_allocated, samples_per_pixel, number_of_frames, transfer_syntax_uid,
                        size_bytes, sha256, blob_key, pixel_vr, pixel_offset, pixel_length, metadata_json, attrs_json,
                        coercions)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    ON CONFLICT (sop_instance_uid) DO NOTHING
                    RETURNING pk),
                receipt AS (
                    INSERT INTO store_receipt (instance_fk, request_id, study_uid, subject, username, client_id, roles,
                        source_address)
                    SELECT pk, ?, ?, ?, ?, ?, ?, ? FROM inserted)
                SELECT pk FROM inserted""")) {
            int n = 1;
            ps.setLong(n++, seriesPk);
            ps.setString(n++, i.sopInstanceUid());
            ps.setString(n++, i.sopClassUid());
            setInt(ps, n++, i.instanceNumber());
            setInt(ps, n++, i.rows());
            setInt(ps, n++, i.columns());
            setInt(ps, n++, i.bitsAllocated());
            setInt(ps, n++, i.samplesPerPixel());
            setInt(ps, n++, i.numberOfFrames());
            ps.setString(n++, i.transferSyntaxUid());
            ps.setLong(n++, i.sizeBytes());
            ps.setString(n++, i.sha256());
            ps.setString(n++, i.blobKey());
            ps.setString(n++, i.pixelVr());
            setLong(ps, n++, i.pixelOffset());
            setLong(ps, n++, i.pixelLength());
            ps.setString(n++, i.metadataJson());
            ps.setString(n++, i.attrsJson());
            ps.setString(n++, i.coercions());
            ps.setString(n++, receipt.requestId());
            ps.setString(n++, studyUid);
            ps.setString(n++, receipt.subject());
            ps.setString(n++, receipt.username());
            ps.setString(n++, receipt.clientId());
            ps.setArray(n++, c.createArrayOf("text", receipt.roles().stream().sorted().toArray()));
            ps.setString(n, receipt.sourceAddress());
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return existing(c, i, seriesPk);
                }
            }
        }
        return Outcome.INSERTED;
    }

    /** A lookup key of parts that cannot run into each other (each part length-prefixed; null as ~). */
    private static String key(String... parts) {
        StringBuilder k = new StringBuilder();
        for (String part : parts) {
            k.append('|').append(part == null ? "~" : part.length() + ":" + part);
        }
        return k.toString();
    }

    /**
     * The series' and studies' instance counters, in one statement and last in the transaction: every
     * store into a study takes these row locks, so they are held only until the commit.
     */
    private static void countInstances(Connection c, Map<Long, Integer> series, Map<Long, Integer> studies)
            throws SQLException {
        if (studies.isEmpty()) {
            return;
        }
        try (PreparedStatement ps = c.prepareStatement("""
                WITH counted AS (UPDATE series SET num_instances = num_instances + d.n
                                 FROM unnest(?::bigint[], ?::int[]) AS d(pk, n) WHERE series.pk = d.pk)
                UPDATE study SET num_instances = num_instances + d.n, updated_at = now()
                FROM unnest(?::bigint[], ?::int[]) AS d(pk, n) WHERE study.pk = d.pk""")) {
            ps.setArray(1, c.createArrayOf("bigint", series.keySet().toArray()));
            ps.setArray(2, c.createArrayOf("integer", series.values().toArray()));
            ps.setArray(3, c.createArrayOf("bigint", studies.keySet().toArray()));
            ps.setArray(4, c.createArrayOf("integer", studies.values().toArray()));
            ps.executeUpdate();
        }
    }

    private static Outcome existing(Connection c, IndexRecord.InstanceRow i, long seriesPk) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT sha256, series_fk FROM instance WHERE sop_instance_uid = ?")) {
            ps.setString(1, i.sopInstanceUid());
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                if (!rs.getString(1).equals(i.sha256()) || rs.getLong(2) != seriesPk) {
                    throw new IndexConflictException(Kind.DUPLICATE_SOP_INSTANCE,
                            "an instance with this SOP Instance UID is already stored with different content");
                }
                return Outcome.ALREADY_STORED;
            }
        }
    }

    /** Upper-cased form used for case-insensitive person name matching (PS3.4 C.2.2.2.1). */
    public static String normalizeName(String name) {
        return PersonNames.normalize(name);
    }

    /** The folded name words for fuzzy matching ({@link PersonNames#fuzzyComponents}). */
    static void setFuzzy(Connection c, PreparedStatement ps, int index, String name) throws SQLException {
        String[] words = PersonNames.fuzzyComponents(name);
        if (words == null) {
            ps.setNull(index, Types.ARRAY);
        } else {
            ps.setArray(index, c.createArrayOf("text", words));
        }
    }

    private static void setInt(PreparedStatement ps, int index, Integer value) throws SQLException {
        if (value == null) {
            ps.setNull(index, Types.INTEGER);
        } else {
            ps.setInt(index, value);
        }
    }

    private static void setLong(PreparedStatement ps, int index, Long value) throws SQLException {
        if (value == null) {
            ps.setNull(index, Types.BIGINT);
        } else {
            ps.setLong(index, value);
        }
    }
}
