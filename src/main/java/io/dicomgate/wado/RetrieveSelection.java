package io.dicomgate.wado;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import javax.sql.DataSource;

import jakarta.enterprise.context.ApplicationScoped;

import io.dicomgate.access.AccessPolicy;
import io.dicomgate.access.PatientRef;
import io.dicomgate.access.SqlFilter;
import io.dicomgate.index.Instance;
import io.dicomgate.index.Series;
import io.dicomgate.index.Study;

/**
 * What a WADO-RS retrieve (PS3.18 §10.4) needs from the index, in one statement: the addressed
 * study's patient, whether the caller may read the study, and — only if so — the addressed instances
 * in series then instance number order. A retrieve used to ask the access query and the instance
 * query one after the other; on a small request those round trips were most of its time.
 *
 * <p>The instances come back as detached {@link Instance} values with their {@link Series} (pk, UID,
 * number, modality) and {@link Study} (pk, UID) filled in; the stored metadata is not read.
 */
@ApplicationScoped
public class RetrieveSelection {

    /** The study's patient, whether it is readable, and the addressed instances (none unless readable). */
    public record Result(PatientRef patient, boolean readable, List<Instance> instances) {
    }

    private final DataSource dataSource;

    public RetrieveSelection(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /**
     * One query of one shape for every study UID: an unknown study finds no row (empty), a hidden one
     * its patient with {@code readable} false and no instances.
     *
     * @param readable the access rule over {@code patient p} and {@code study st}
     */
    public Optional<Result> select(SqlFilter readable, String studyUid, String seriesUid, String instanceUid) {
        String rule = readable == SqlFilter.NONE ? "false" : "(" + readable.sql() + ")";
        StringBuilder sql = new StringBuilder("WITH target AS (SELECT p.patient_id, p.issuer, st.pk AS study_pk, ")
                .append(rule).append(" AS readable FROM study st JOIN patient p ON p.pk = st.patient_fk")
                .append(" WHERE st.study_uid = ?)")
                .append(" SELECT t.patient_id, t.issuer, t.readable, s.pk, s.series_uid, s.series_number, s.modality,")
                .append(" i.pk, i.sop_instance_uid, i.sop_class_uid, i.instance_number, i.pixel_rows, i.pixel_columns,")
                .append(" i.bits_allocated, i.samples_per_pixel, i.number_of_frames, i.transfer_syntax_uid, i.size_bytes,")
                .append(" i.sha256, i.blob_key, i.pixel_vr, i.pixel_offset, i.pixel_length, t.study_pk")
                .append(" FROM target t LEFT JOIN (series s JOIN instance i ON i.series_fk = s.pk");
        if (instanceUid != null) {
            sql.append(" AND i.sop_instance_uid = ?");
        }
        sql.append(") ON s.study_fk = t.study_pk AND t.readable");
        if (seriesUid != null) {
            sql.append(" AND s.series_uid = ?");
        }
        sql.append(" ORDER BY s.series_number NULLS LAST, s.pk, i.instance_number NULLS LAST, i.pk");
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql.toString())) {
            int next = 1;
            if (readable != SqlFilter.NONE) {
                AccessPolicy.bind(ps, next, readable.params());
                next += readable.params().size();
            }
            ps.setString(next++, studyUid);
            if (instanceUid != null) {
                ps.setString(next++, instanceUid);
            }
            if (seriesUid != null) {
                ps.setString(next, seriesUid);
            }
            try (ResultSet rs = ps.executeQuery()) {
                return read(rs, studyUid);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("retrieve selection failed", e);
        }
    }

    private static Optional<Result> read(ResultSet rs, String studyUid) throws SQLException {
        if (!rs.next()) {
            return Optional.empty();
        }
        PatientRef patient = new PatientRef(rs.getString(1), rs.getString(2));
        boolean readable = rs.getBoolean(3);
        List<Instance> instances = new ArrayList<>();
        Map<Long, Series> series = new HashMap<>();
        Study study = new Study();
        study.pk = rs.getLong(24);
        study.studyUid = studyUid;
        do {
            long instancePk = rs.getLong(8);
            if (rs.wasNull()) {
                continue; // the study's row alone: hidden, or no series/instance matched
            }
            long seriesPk = rs.getLong(4);
            Series s = series.get(seriesPk);
            if (s == null) {
                s = new Series();
                s.pk = seriesPk;
                s.seriesUid = rs.getString(5);
                s.seriesNumber = (Integer) rs.getObject(6);
                s.modality = rs.getString(7);
                s.study = study;
                series.put(seriesPk, s);
            }
            Instance i = new Instance();
            i.pk = instancePk;
            i.series = s;
            i.sopInstanceUid = rs.getString(9);
            i.sopClassUid = rs.getString(10);
            i.instanceNumber = (Integer) rs.getObject(11);
            i.rows = (Integer) rs.getObject(12);
            i.columns = (Integer) rs.getObject(13);
            i.bitsAllocated = (Integer) rs.getObject(14);
            i.samplesPerPixel = (Integer) rs.getObject(15);
            i.numberOfFrames = (Integer) rs.getObject(16);
            i.transferSyntaxUid = rs.getString(17);
            i.sizeBytes = rs.getLong(18);
            i.sha256 = rs.getString(19);
            i.blobKey = rs.getString(20);
            i.pixelVr = rs.getString(21);
            i.pixelOffset = (Long) rs.getObject(22);
            i.pixelLength = (Long) rs.getObject(23);
            instances.add(i);
        } while (rs.next());
        return Optional.of(new Result(patient, readable, instances));
    }
}
