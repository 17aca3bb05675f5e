package io.dicomgate.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.dicomgate.dicom.TransferSyntaxes;
import io.dicomgate.ingest.FailureReason;
import io.dicomgate.testsupport.ApiSurface;
import io.dicomgate.testsupport.ConformanceStatement;

/**
 * Keeps {@code openapi/CONFORMANCE.md} true. Each table is found by the heading above it, so a new
 * section (rendered resources, capabilities, XML, …) adds a heading here and a test, and breaks
 * nothing else. The query-key table is checked in {@code qido.QidoConformanceTest}.
 */
class ConformanceStatementTest {

    private static final ConformanceStatement STATEMENT = ConformanceStatement.read();

    /** The PS3.2 Annex K shape: these sections must exist (in any numbering). */
    @ParameterizedTest
    @ValueSource(strings = { "Overview", "Implementation model", "Endpoints", "Store (STOW-RS, PS3.18 §10.5)",
            "Failure reasons", "Search (QIDO-RS, PS3.18 §10.6)", "Query keys", "Fuzzy matching", "Results",
            "Retrieve (WADO-RS, PS3.18 §10.4)", "Transfer syntaxes", "Character sets", "Limits", "Status codes",
            "Security", "Not supported in this version" })
    void hasSection(String heading) {
        assertTrue(STATEMENT.headings().contains(heading), "missing section '" + heading + "' in " + STATEMENT.headings());
    }

    @Test
    void endpointsAreThoseOfTheOpenApiDocument() {
        List<String> rows = new ArrayList<>();
        for (Map<String, String> row : STATEMENT.table("Endpoints")) {
            rows.add(row.get("Method") + " " + row.get("Path"));
        }
        assertEquals(rows.size(), new TreeSet<>(rows).size(), "no endpoint listed twice");
        assertEquals(ApiSurface.operations(ApiSurface.openapiFile()), new TreeSet<>(rows));
    }

    @Test
    void transferSyntaxesAreThoseStowAccepts() {
        Map<String, String> stated = new TreeMap<>();
        STATEMENT.table("Transfer syntaxes").forEach(row -> stated.put(row.get("UID"), row.get("Encoding")));
        Map<String, String> code = new TreeMap<>();
        TransferSyntaxes.NATIVE.forEach(uid -> code.put(uid, "native"));
        TransferSyntaxes.ENCAPSULATED.forEach(uid -> code.put(uid, "encapsulated"));
        assertEquals(code, stated);
    }

    @Test
    void failureReasonsAreThoseStowSends() {
        Set<String> code = Arrays.stream(FailureReason.values()).map(r -> String.format("%04X", r.code))
                .collect(Collectors.toCollection(TreeSet::new));
        assertEquals(code, new TreeSet<>(STATEMENT.column("Failure reasons", "Code")));
    }

    @Test
    void limitsAreTheConfiguredDefaults() throws Exception {
        Map<String, String> stated = new TreeMap<>();
        STATEMENT.table("Limits").forEach(row -> stated.put(row.get("Setting"), row.get("Default")));
        var maxResults = Class.forName("io.dicomgate.qido.QidoConfig").getMethod("maxResults")
                .getAnnotation(io.smallrye.config.WithDefault.class).value();
        assertEquals(maxResults, stated.get("dicomgate.qido.max-results"));
        var properties = new java.util.Properties();
        try (var in = getClass().getResourceAsStream("/application.properties")) {
            properties.load(in);
        }
        assertEquals(properties.getProperty("quarkus.http.limits.max-body-size"),
                stated.get("quarkus.http.limits.max-body-size"));
        assertEquals(Set.of("dicomgate.qido.max-results", "quarkus.http.limits.max-body-size"), stated.keySet(),
                "every stated limit is checked here");
    }

    @Test
    void statusCodesAreTheOnesTheOpenApiDocumentUses() {
        Set<String> stated = new TreeSet<>(STATEMENT.column("Status codes", "Status"));
        Set<String> documented = new TreeSet<>();
        ApiSurface.openapiFile().path("paths").forEach(path -> path.forEach(op -> op.path("responses")
                .fieldNames().forEachRemaining(documented::add)));
        documented.remove("default");
        Set<String> undocumentedInStatement = new TreeSet<>(documented);
        undocumentedInStatement.removeAll(stated);
        assertEquals(Set.of(), undocumentedInStatement, "statuses the OpenAPI document uses but the statement omits");
    }
}
