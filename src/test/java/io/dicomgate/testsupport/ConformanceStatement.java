package io.dicomgate.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads {@code openapi/CONFORMANCE.md}: its headings, and each table by the heading above it, as
 * rows keyed by column name (cells trimmed, backticks removed). A table belongs to the nearest
 * heading before it; tests name tables by that heading, so adding a section never breaks them.
 */
public final class ConformanceStatement {

    public static final Path FILE = Path.of("openapi/CONFORMANCE.md");

    private final List<String> headings = new ArrayList<>();
    private final Map<String, List<List<Map<String, String>>>> tables = new LinkedHashMap<>();

    private ConformanceStatement(List<String> lines) {
        String heading = "";
        List<String> header = null;
        List<Map<String, String>> rows = null;
        for (String line : lines) {
            if (line.startsWith("#")) {
                heading = line.replaceFirst("^#+\\s*", "").replaceFirst("^[0-9.]+\\s+", "").trim();
                headings.add(heading);
                header = null;
                continue;
            }
            if (!line.startsWith("|")) {
                header = null;
                continue;
            }
            List<String> cells = cells(line);
            if (header == null) {
                header = cells;
                rows = new ArrayList<>();
                tables.computeIfAbsent(heading, h -> new ArrayList<>()).add(rows);
            } else if (cells.stream().allMatch(c -> c.matches(":?-+:?"))) {
                continue;
            } else {
                Map<String, String> row = new LinkedHashMap<>();
                for (int i = 0; i < header.size(); i++) {
                    row.put(header.get(i), i < cells.size() ? cells.get(i) : "");
                }
                rows.add(row);
            }
        }
    }

    public static ConformanceStatement read() {
        try {
            return new ConformanceStatement(Files.readAllLines(FILE));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Headings without their section numbers ("Search (QIDO-RS, PS3.18 §10.6)"). */
    public List<String> headings() {
        return headings;
    }

    /** The first table under the heading; fails when there is none. */
    public List<Map<String, String>> table(String heading) {
        List<List<Map<String, String>>> found = tables.get(heading);
        if (found == null || found.isEmpty()) {
            throw new AssertionError("CONFORMANCE.md has no table under the heading '" + heading + "'");
        }
        return found.get(0);
    }

    /** One column of the first table under the heading. */
    public List<String> column(String heading, String column) {
        List<String> values = new ArrayList<>();
        for (Map<String, String> row : table(heading)) {
            if (!row.containsKey(column)) {
                throw new AssertionError("table '" + heading + "' has no column '" + column + "'");
            }
            values.add(row.get(column));
        }
        return values;
    }

    private static List<String> cells(String line) {
        String inner = line.trim();
        inner = inner.substring(1, inner.endsWith("|") ? inner.length() - 1 : inner.length());
        List<String> cells = new ArrayList<>();
        for (String cell : inner.split("(?<!\\\\)\\|", -1)) {
            cells.add(cell.trim().replace("`", ""));
        }
        return cells;
    }
}
