package io.dicomgate.index;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

import javax.sql.DataSource;

import jakarta.enterprise.context.ApplicationScoped;

/**
 * The stored metadata (the DICOM JSON members computed at store time) of a study's instances,
 * optionally narrowed to one series and one instance, in series number then instance number order,
 * read in pages of at most {@value #PAGE} instances.
 *
 * <p>Each page is its own short statement that continues after the last row of the page before
 * (keyset paging, stable while other instances are stored), so the metadata of a study is never in
 * memory at once — a retrieve's memory does not grow with the study — and a client that reads slowly
 * holds no database connection between pages.
 */
@ApplicationScoped
public class StudyMetadata {

    /** Most instances in one page. */
    public static final int PAGE = 200;

    /**
     * Past every series or instance number (an INTEGER column): stands for a missing number so that
     * those sort last, as {@code NULLS LAST} does.
     */
    private static final long NO_NUMBER = 1L << 31;

    /** The sort key of a page's last row, where the next page starts. */
    public record Position(long seriesNumber, long seriesPk, long instanceNumber, long instancePk) {
    }

    /** The members of up to {@value #PAGE} instances, and where the next page starts (null: none). */
    public record Page(List<String> members, Position next) {
    }

    private final DataSource dataSource;

    public StudyMetadata(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /**
     * @param seriesUid null for the whole study
     * @param instanceUid null for the whole series (or study)
     * @param after null for the first page, else the previous page's {@link Page#next()}
     */
    public Page page(String studyUid, String seriesUid, String instanceUid, Position after) {
        StringBuilder sql = new StringBuilder("SELECT i.metadata_json, coalesce(s.series_number, ?), s.pk,"
                + " coalesce(i.instance_number, ?), i.pk"
                + " FROM study st JOIN series s ON s.study_fk = st.pk JOIN instance i ON i.series_fk = s.pk"
                + " WHERE st.study_uid = ?");
        List<Object> params = new ArrayList<>(List.of(NO_NUMBER, NO_NUMBER, studyUid));
        if (seriesUid != null) {
            sql.append(" AND s.series_uid = ?");
            params.add(seriesUid);
        }
        if (instanceUid != null) {
            sql.append(" AND i.sop_instance_uid = ?");
            params.add(instanceUid);
        }
        if (after != null) {
            sql.append(" AND (coalesce(s.series_number, ?), s.pk, coalesce(i.instance_number, ?), i.pk)"
                    + " > (?, ?, ?, ?)");
            params.addAll(List.of(NO_NUMBER, NO_NUMBER, after.seriesNumber(), after.seriesPk(), after.instanceNumber(),
                    after.instancePk()));
        }
        sql.append(" ORDER BY 2, 3, 4, 5 LIMIT ").append(PAGE);
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql.toString())) {
            for (int n = 0; n < params.size(); n++) {
                ps.setObject(n + 1, params.get(n));
            }
            List<String> members = new ArrayList<>();
            Position last = null;
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    members.add(rs.getString(1));
                    last = new Position(rs.getLong(2), rs.getLong(3), rs.getLong(4), rs.getLong(5));
                }
            }
            return new Page(members, members.size() == PAGE ? last : null);
        } catch (SQLException e) {
            throw new IndexException(e);
        }
    }
}
