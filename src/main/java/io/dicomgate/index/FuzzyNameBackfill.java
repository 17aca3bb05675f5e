package io.dicomgate.index;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.Map;

import javax.sql.DataSource;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.jboss.logging.Logger;

import io.quarkus.runtime.StartupEvent;

/**
 * Fills the fuzzy person name columns (V6) of rows indexed before they existed. SQL cannot fold
 * names exactly as {@link io.dicomgate.dicom.PersonNames} does (the {@code unaccent} extension
 * folds differently and needs rights dicomgate should not have), so it is done here, in batches,
 * at start-up; partial indexes make the check free once nothing is left to do.
 */
@ApplicationScoped
public class FuzzyNameBackfill {

    private static final Logger LOG = Logger.getLogger(FuzzyNameBackfill.class);
    private static final int BATCH = 1000;

    private final DataSource dataSource;
    private final ExclusiveJobs jobs;

    public FuzzyNameBackfill(DataSource dataSource, ExclusiveJobs jobs) {
        this.dataSource = dataSource;
        this.jobs = jobs;
    }

    /** On one node at a time; a node starting while another fills skips it (the rows are the same). */
    void onStart(@Observes StartupEvent event) throws Exception {
        jobs.runAlone("fuzzy-name-backfill", () -> {
            int patients = fill("study", "patient_name", "patient_name_fuzzy");
            int studies = fill("study", "referring_physician_name", "referring_physician_name_fuzzy");
            if (patients > 0 || studies > 0) {
                LOG.infof("fuzzy name columns filled: %d patient name(s), %d referring physician name(s)", patients,
                        studies);
            }
        });
    }

    /** Table and column names are constants of this class, never input. */
    int fill(String table, String nameColumn, String fuzzyColumn) {
        String select = "SELECT pk, " + nameColumn + " FROM " + table + " WHERE " + nameColumn + " IS NOT NULL AND "
                + fuzzyColumn + " IS NULL ORDER BY pk LIMIT " + BATCH;
        String update = "UPDATE " + table + " SET " + fuzzyColumn + " = ? WHERE pk = ? AND " + fuzzyColumn
                + " IS NULL";
        int total = 0;
        try (Connection c = dataSource.getConnection()) {
            while (true) {
                Map<Long, String> names = new LinkedHashMap<>();
                try (PreparedStatement ps = c.prepareStatement(select); ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        names.put(rs.getLong(1), rs.getString(2));
                    }
                }
                if (names.isEmpty()) {
                    return total;
                }
                try (PreparedStatement ps = c.prepareStatement(update)) {
                    for (Map.Entry<Long, String> row : names.entrySet()) {
                        IndexWriter.setFuzzy(c, ps, 1, row.getValue());
                        ps.setLong(2, row.getKey());
                        ps.addBatch();
                    }
                    ps.executeBatch();
                }
                total += names.size();
            }
        } catch (SQLException e) {
            throw new IndexException(e);
        }
    }
}
