package io.dicomgate.qido;

import java.util.ArrayList;
import java.util.List;

import io.dicomgate.access.SqlFilter;
import io.dicomgate.dicom.DicomTime;
import io.dicomgate.dicom.PersonNames;
import io.dicomgate.index.IndexWriter;

/**
 * Builds the one SQL statement of a search. The caller's access restriction is part of the WHERE
 * clause, so LIMIT/OFFSET page through what the caller may see and nothing else.
 */
final class QidoSql {

    final String sql;
    final List<Object> params;

    private QidoSql(String sql, List<Object> params) {
        this.sql = sql;
        this.params = params;
    }

    /**
     * @param fetch rows to fetch (one more than returned, to know whether results were cut)
     */
    static QidoSql build(QidoQuery q, SqlFilter access, int fetch) {
        StringBuilder sql = new StringBuilder("SELECT st.patient_attrs_json, st.attrs_json, st.study_uid,"
                + " st.modalities_in_study, st.num_series, st.num_instances");
        if (q.level().includes(QueryLevel.SERIES)) {
            sql.append(", se.attrs_json, se.series_uid, se.num_instances");
        }
        if (q.level() == QueryLevel.INSTANCE) {
            sql.append(", i.attrs_json, i.sop_instance_uid");
        }
        sql.append(", p.patient_id, p.issuer");
        sql.append(" FROM study st JOIN patient p ON p.pk = st.patient_fk");
        if (q.level().includes(QueryLevel.SERIES)) {
            sql.append(" JOIN series se ON se.study_fk = st.pk");
        }
        if (q.level() == QueryLevel.INSTANCE) {
            sql.append(" JOIN instance i ON i.series_fk = se.pk");
        }
        List<Object> params = new ArrayList<>(access.params());
        sql.append(" WHERE (").append(access.sql()).append(')');
        if (q.studyUid() != null) {
            sql.append(" AND st.study_uid = ?");
            params.add(q.studyUid());
        }
        if (q.seriesUid() != null) {
            sql.append(" AND se.series_uid = ?");
            params.add(q.seriesUid());
        }
        q.matches().forEach((key, value) -> {
            if (q.fuzzy() && key.fuzzyColumn != null) {
                fuzzy(sql, params, key.fuzzyColumn, value);
            } else {
                match(sql, params, key, value);
            }
        });
        sql.append(switch (q.level()) {
            case STUDY -> " ORDER BY st.study_date DESC, st.study_time DESC, st.pk DESC";
            case SERIES -> " ORDER BY st.pk, se.series_number, se.pk";
            case INSTANCE -> " ORDER BY se.pk, i.instance_number, i.pk";
        });
        sql.append(" LIMIT ? OFFSET ?");
        params.add(fetch);
        params.add(q.offset());
        return new QidoSql(sql.toString(), params);
    }

    /** PS3.4 C.2.2.2: universal, single value, wildcard, range and UID list matching. */
    private static void match(StringBuilder sql, List<Object> params, MatchKey key, String value) {
        if (value.isEmpty() || value.equals("*")) {
            return;
        }
        switch (key.kind) {
            case TEXT -> text(sql, params, key.column, value);
            case PERSON_NAME -> text(sql, params, key.column, IndexWriter.normalizeName(value));
            case DATE -> range(sql, params, key, value, false);
            case TIME -> range(sql, params, key, value, true);
            case UID_LIST -> {
                List<String> uids = QidoQuery.uids(value);
                sql.append(" AND ").append(key.column).append(" = ANY (?)");
                params.add(uids.toArray(String[]::new));
            }
            case INTEGER -> {
                sql.append(" AND ").append(key.column).append(" = ?");
                params.add(Integer.parseInt(value.trim()));
            }
            case ARRAY -> {
                if (hasWildcard(value)) {
                    sql.append(" AND EXISTS (SELECT 1 FROM unnest(").append(key.column)
                            .append(") AS m WHERE m LIKE ? ESCAPE '\\')");
                    params.add(like(value));
                } else {
                    sql.append(" AND ").append(key.column).append(" @> ARRAY[?]::varchar[]");
                    params.add(value);
                }
            }
        }
    }

    /**
     * Fuzzy person name matching (PS3.18 §8.3.4.1, PS3.4 C.2.2.2.1.3; the rule is
     * {@link PersonNames}): every word of the query, wildcards allowed, must match one stored word.
     */
    private static void fuzzy(StringBuilder sql, List<Object> params, String column, String value) {
        for (String word : PersonNames.fuzzyQuery(value)) {
            if (hasWildcard(word)) {
                sql.append(" AND EXISTS (SELECT 1 FROM unnest(").append(column)
                        .append(") AS w WHERE w LIKE ? ESCAPE '\\')");
                params.add(like(word));
            } else {
                sql.append(" AND ").append(column).append(" @> ARRAY[?]::text[]");
                params.add(word);
            }
        }
    }

    private static void text(StringBuilder sql, List<Object> params, String column, String value) {
        if (hasWildcard(value)) {
            sql.append(" AND ").append(column).append(" LIKE ? ESCAPE '\\'");
            params.add(like(value));
        } else {
            sql.append(" AND ").append(column).append(" = ?");
            params.add(value);
        }
    }

    private static void range(StringBuilder sql, List<Object> params, MatchKey key, String value, boolean time) {
        String[] bounds = QidoQuery.rangeBounds(key, value);
        if (bounds.length == 1) {
            if (time) {
                // A time at lower precision matches every stored time inside it.
                sql.append(" AND ").append(key.column).append(" BETWEEN ? AND ?");
                params.add(DicomTime.floor(value));
                params.add(DicomTime.ceiling(value));
            } else {
                sql.append(" AND ").append(key.column).append(" = ?");
                params.add(value);
            }
            return;
        }
        if (!bounds[0].isEmpty()) {
            sql.append(" AND ").append(key.column).append(" >= ?");
            params.add(time ? DicomTime.floor(bounds[0]) : bounds[0]);
        }
        if (!bounds[1].isEmpty()) {
            sql.append(" AND ").append(key.column).append(" <= ?");
            params.add(time ? DicomTime.ceiling(bounds[1]) : bounds[1]);
        }
    }

    private static boolean hasWildcard(String value) {
        return value.indexOf('*') >= 0 || value.indexOf('?') >= 0;
    }

    /** DICOM wildcards to a LIKE pattern, escaping LIKE's own metacharacters. */
    static String like(String value) {
        StringBuilder out = new StringBuilder(value.length() + 8);
        for (char c : value.toCharArray()) {
            switch (c) {
                case '*' -> out.append('%');
                case '?' -> out.append('_');
                case '%', '_', '\\' -> out.append('\\').append(c);
                default -> out.append(c);
            }
        }
        return out.toString();
    }
}
