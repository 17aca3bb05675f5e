package io.dicomgate.qido;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

import javax.sql.DataSource;

import jakarta.enterprise.context.ApplicationScoped;

import io.dicomgate.access.AccessPolicy;
import io.dicomgate.access.BreakGlassGrants;
import io.dicomgate.access.BreakGlassRequest;
import io.dicomgate.access.Caller;
import io.dicomgate.access.PatientRef;
import io.dicomgate.access.Scopes.Permission;
import io.dicomgate.audit.AuditAction;
import io.dicomgate.audit.AuditContext;
import io.dicomgate.dicom.InvalidRequestException;
import io.dicomgate.index.IndexException;

/** Runs QIDO-RS searches (PS3.18 §10.6) as one SQL query each, access rule included. */
@ApplicationScoped
public class QidoService {

    private final DataSource dataSource;
    private final AccessPolicy access;
    private final BreakGlassGrants breakGlass;
    private final QidoConfig config;
    private final AuditContext audit;

    public QidoService(DataSource dataSource, AccessPolicy access, BreakGlassGrants breakGlass, QidoConfig config,
            AuditContext audit) {
        this.dataSource = dataSource;
        this.access = access;
        this.breakGlass = breakGlass;
        this.config = config;
        this.audit = audit;
    }

    /**
     * @param breakGlassRequest the request's break-the-glass headers, or null; it opens a grant for
     *        the patient named by an exact PatientID (and IssuerOfPatientID) matching key
     */
    public QidoResult search(QidoQuery query, Caller caller, BreakGlassRequest breakGlassRequest, String serviceUrl) {
        audit.action(AuditAction.SEARCH).target(query.studyUid(), query.seriesUid(), null);
        if (breakGlassRequest != null && access.mayBreakGlass(caller)) {
            openBreakGlass(query, caller, breakGlassRequest);
        }
        int max = config.maxResults();
        boolean capped = query.limit() == null || query.limit() > max;
        int returned = capped ? max : query.limit();
        // Pinned to one study or patient, the access rule is a few probes; over many studies it pays
        // to start from the caller's consented patients (AccessPolicy#readableFilter).
        QidoSql sql = QidoSql.build(query, access.readableFilter(caller, Permission.SEARCH, !query.pinned()),
                returned + 1);
        List<QidoRow> rows = execute(sql, query.level());
        List<String> warnings = new ArrayList<>();
        if (rows.size() > returned) {
            rows = rows.subList(0, returned);
            if (capped) {
                // PS3.18 §8.3.4.4: the server cut the results at its maximum.
                warnings.add(serviceUrl + ": The number of results exceeded the maximum supported by the server."
                        + " Additional results can be requested.");
            }
        }
        for (String key : query.unsupportedKeys()) {
            warnings.add(serviceUrl + ": The following attribute is not supported for matching and was ignored: "
                    + key.replaceAll("[^A-Za-z0-9.]", "?"));
        }
        rows.forEach(row -> audit.patient(new PatientRef(row.patientId(), row.issuer())));
        return new QidoResult(query, rows, warnings);
    }

    /**
     * A break-the-glass search names exactly one patient: by an exact PatientID with an exact
     * IssuerOfPatientID; by an exact PatientID alone only when no two patients in the archive share it
     * (an empty IssuerOfPatientID is universal matching, PS3.4 C.2.2.2.3, so patients without an issuer
     * can be named no other way); or by the one study it is about (in the path, or a single
     * StudyInstanceUID key). Anything else — wildcards, several patients under one ID — is {@code 400}:
     * an emergency opens one patient, never a set of them.
     */
    private void openBreakGlass(QidoQuery query, Caller caller, BreakGlassRequest request) {
        String patientId = query.matches().get(MatchKey.PATIENT_ID);
        String issuer = query.matches().get(MatchKey.ISSUER_OF_PATIENT_ID);
        String studyKey = query.matches().get(MatchKey.STUDY_INSTANCE_UID);
        List<String> studyKeys = studyKey == null ? List.of() : QidoQuery.uids(studyKey);
        List<PatientRef> patients;
        if (exact(patientId) && (issuer == null || exact(issuer))) {
            patients = issuer == null
                    ? patients("SELECT patient_id, issuer FROM patient WHERE patient_id = ? LIMIT 2", List.of(patientId))
                    : patients("SELECT patient_id, issuer FROM patient WHERE patient_id = ? AND issuer = ?",
                            List.of(patientId, issuer));
            if (patients.size() > 1) {
                throw new InvalidRequestException("a break-the-glass search names exactly one patient: this PatientID"
                        + " needs its IssuerOfPatientID");
            }
        } else if (patientId == null && (query.studyUid() != null || studyKeys.size() == 1)) {
            patients = patients("SELECT p.patient_id, p.issuer FROM study st JOIN patient p ON p.pk = st.patient_fk"
                    + " WHERE st.study_uid = ?", List.of(query.studyUid() != null ? query.studyUid() : studyKeys.get(0)));
        } else {
            throw new InvalidRequestException("a break-the-glass search names exactly one patient: exact PatientID"
                    + " and IssuerOfPatientID, or one study");
        }
        for (PatientRef patient : patients) {
            if (breakGlass.openIfRequested(caller, request, patient)) {
                audit.breakGlass(request.reason(), request.purposeOfUse());
            }
        }
    }

    private static boolean exact(String value) {
        return value != null && !value.isEmpty() && !value.contains("*") && !value.contains("?");
    }

    private List<PatientRef> patients(String sql, List<String> params) {
        List<PatientRef> patients = new ArrayList<>();
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < params.size(); i++) {
                ps.setString(i + 1, params.get(i));
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    patients.add(new PatientRef(rs.getString(1), rs.getString(2)));
                }
            }
        } catch (SQLException e) {
            throw new IndexException(e);
        }
        return patients;
    }

    private List<QidoRow> execute(QidoSql sql, QueryLevel level) {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql.sql)) {
            int n = 1;
            for (Object param : sql.params) {
                if (param instanceof String[] array) {
                    ps.setArray(n++, c.createArrayOf("varchar", array));
                } else {
                    ps.setObject(n++, param);
                }
            }
            List<QidoRow> rows = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    rows.add(row(rs, level));
                }
            }
            return rows;
        } catch (SQLException e) {
            throw new IndexException(e);
        }
    }

    private static QidoRow row(ResultSet rs, QueryLevel level) throws SQLException {
        Array modalities = rs.getArray(4);
        String[] mods = modalities == null ? new String[0] : (String[]) modalities.getArray();
        boolean series = level.includes(QueryLevel.SERIES);
        boolean instance = level == QueryLevel.INSTANCE;
        return new QidoRow(rs.getString("patient_id"), rs.getString("issuer"), rs.getString(1), rs.getString(2),
                rs.getString(3), mods, rs.getInt(5), rs.getInt(6),
                series ? rs.getString(7) : null, series ? rs.getString(8) : null,
                series ? rs.getInt(9) : null,
                instance ? rs.getString(10) : null, instance ? rs.getString(11) : null);
    }
}
