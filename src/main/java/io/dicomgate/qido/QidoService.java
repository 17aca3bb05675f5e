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
import io.dicomgate.access.Caller;
import io.dicomgate.index.IndexException;

/** Runs QIDO-RS searches (PS3.18 §10.6) as one SQL query each, access rule included. */
@ApplicationScoped
public class QidoService {

    private final DataSource dataSource;
    private final AccessPolicy access;
    private final QidoConfig config;

    public QidoService(DataSource dataSource, AccessPolicy access, QidoConfig config) {
        this.dataSource = dataSource;
        this.access = access;
        this.config = config;
    }

    public QidoResult search(QidoQuery query, Caller caller, String serviceUrl) {
        int max = config.maxResults();
        boolean capped = query.limit() == null || query.limit() > max;
        int returned = capped ? max : query.limit();
        QidoSql sql = QidoSql.build(query, access.readableFilter(caller, "p"), returned + 1);
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
        if (query.fuzzy()) {
            // PS3.18 §8.3.4.5 (fuzzymatching): literal matching was performed instead.
            warnings.add(serviceUrl + ": The fuzzymatching parameter is not supported."
                    + " Only literal matching has been performed.");
        }
        for (String key : query.unsupportedKeys()) {
            warnings.add(serviceUrl + ": The following attribute is not supported for matching and was ignored: "
                    + key.replaceAll("[^A-Za-z0-9.]", "?"));
        }
        return new QidoResult(query, rows, warnings);
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
        return new QidoRow(rs.getString(1), rs.getString(2), rs.getString(3), mods, rs.getInt(5), rs.getInt(6),
                series ? rs.getString(7) : null, series ? rs.getString(8) : null,
                series ? rs.getInt(9) : null,
                instance ? rs.getString(10) : null, instance ? rs.getString(11) : null);
    }
}
