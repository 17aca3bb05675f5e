package io.dicomgate.qido;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;

import io.dicomgate.dicom.DicomTags;
import io.dicomgate.testsupport.ConformanceStatement;

/** The query-key table of {@code openapi/CONFORMANCE.md} is {@link MatchKey}, row for row. */
class QidoConformanceTest {

    /** What each kind of key supports (PS3.4 C.2.2.2), in the statement's words. */
    private static Set<String> matching(MatchKey key) {
        Set<String> types = new TreeSet<>(Set.of("universal"));
        switch (key.kind) {
            case TEXT, ARRAY -> types.addAll(Set.of("single value", "wildcard"));
            case PERSON_NAME -> types.addAll(Set.of("single value", "wildcard", "case-insensitive"));
            case DATE, TIME -> types.addAll(Set.of("single value", "range"));
            case UID_LIST -> types.add("UID list");
            case INTEGER -> types.add("single value");
        }
        if (key.fuzzyColumn != null) {
            types.add("fuzzy");
        }
        return types;
    }

    @Test
    void queryKeyTableIsMatchKey() {
        Map<String, String> code = new TreeMap<>();
        for (MatchKey key : MatchKey.values()) {
            String level = key.level.name().charAt(0) + key.level.name().substring(1).toLowerCase();
            code.put(DicomTags.keywordOf(key.tag), String.format("(%04X,%04X) | %s | %s", key.tag >>> 16,
                    key.tag & 0xFFFF, level, matching(key)));
        }
        Map<String, String> stated = new TreeMap<>();
        for (Map<String, String> row : ConformanceStatement.read().table("Query keys")) {
            Set<String> types = Arrays.stream(row.get("Matching").split("[,;]")).map(String::trim)
                    .collect(Collectors.toCollection(TreeSet::new));
            stated.put(row.get("Keyword"), row.get("Tag") + " | " + row.get("Level") + " | " + types);
        }
        assertEquals(code, stated);
    }
}
