package io.dicomgate.access;

import java.util.List;

/**
 * A boolean SQL predicate with its positional parameters, spliced into a search's WHERE clause so
 * the access rule is applied by the database before LIMIT/OFFSET.
 */
public record SqlFilter(String sql, List<Object> params) {
    public static final SqlFilter ALL = new SqlFilter("TRUE", List.of());
    public static final SqlFilter NONE = new SqlFilter("FALSE", List.of());
}
