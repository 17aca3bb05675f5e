package io.dicomgate.qido;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import io.dicomgate.access.AccessConfig;
import io.dicomgate.access.AccessPolicy;
import io.dicomgate.access.Caller;
import io.dicomgate.access.Roles;
import io.dicomgate.access.Scopes.Permission;

/**
 * {@code EXPLAIN (ANALYZE, BUFFERS)} of the statement a search runs, built by the same
 * {@link QidoSql} and {@link AccessPolicy} code as the server (opt-in policy, default 1000-result
 * cap). For the benchmark; not a test.
 */
public final class QidoExplain {

    private static final AccessConfig OPT_IN = new AccessConfig() {
        @Override
        public PolicyMode policyMode() {
            return PolicyMode.OPT_IN;
        }

        @Override
        public Optional<List<String>> systemClientsReadAll() {
            return Optional.empty();
        }
    };

    private QidoExplain() {
    }

    /** A user-compartment caller with one realm role, as the viewer's password-grant token carries. */
    public static Caller user(String username, String role) {
        return new Caller(username, username, "dicomgate-viewer", Set.of(role), Set.of("user/ImagingStudy.rs"), null,
                "");
    }

    public static Caller clinician(String username) {
        return user(username, Roles.CLINICIAN);
    }

    /** @param path {@code /studies}, {@code /studies/{uid}/series} or {@code /studies/{uid}/series/{uid}/instances} */
    public static String explain(Connection c, Caller caller, String path, Map<String, String> params)
            throws SQLException {
        String[] seg = path.substring(1).split("/");
        QueryLevel level = seg.length == 1 ? QueryLevel.STUDY : seg.length == 3 ? QueryLevel.SERIES : QueryLevel.INSTANCE;
        Map<String, List<String>> multi = new LinkedHashMap<>();
        params.forEach((k, v) -> multi.put(k, List.of(v)));
        QidoQuery q = QidoQuery.parse(level, seg.length > 1 ? seg[1] : null, seg.length > 3 ? seg[3] : null, multi);
        int returned = q.limit() == null || q.limit() > 1000 ? 1000 : q.limit();
        QidoSql sql = QidoSql.build(q, new AccessPolicy(null, OPT_IN).readableFilter(caller, Permission.SEARCH,
                !q.pinned()),
                returned + 1);
        StringBuilder out = new StringBuilder();
        try (PreparedStatement ps = c.prepareStatement("EXPLAIN (ANALYZE, BUFFERS) " + sql.sql)) {
            int n = 1;
            for (Object param : sql.params) {
                if (param instanceof String[] array) {
                    ps.setArray(n++, c.createArrayOf("varchar", array));
                } else {
                    ps.setObject(n++, param);
                }
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.append(rs.getString(1)).append('\n');
                }
            }
        }
        return out.toString();
    }
}
