package io.dicomgate.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.dicomgate.testsupport.Api;
import io.dicomgate.testsupport.DicomFixtures;
import io.dicomgate.testsupport.PostgresTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * The Grafana dashboard ({@code docker/grafana/dicomgate-dashboard.json}) queries only metrics that a
 * real scrape has after a STOW, a search and a retrieve: a renamed meter or a panel for one that
 * does not exist fails here.
 */
@QuarkusTest
@QuarkusTestResource(PostgresTestResource.class)
class DashboardTest {

    private static final Path DASHBOARD = Path.of("docker/grafana/dicomgate-dashboard.json");
    /** PromQL words that look like metric names but are not. */
    private static final Set<String> KEYWORDS = Set.of("by", "without", "on", "ignoring", "group_left", "group_right",
            "bool", "and", "or", "unless", "offset");
    private static final Pattern LABEL_MATCHERS = Pattern.compile("\\{[^}]*\\}");
    private static final Pattern GROUPING = Pattern.compile("\\b(by|without|on|ignoring)\\s*\\([^)]*\\)");
    private static final Pattern RANGES = Pattern.compile("\\[[^\\]]*\\]");
    private static final Pattern VARIABLES = Pattern.compile("\\$\\{?\\w+\\}?");
    private static final Pattern IDENTIFIER = Pattern.compile("(?<![\\w.])([a-zA-Z_:][a-zA-Z0-9_:]*)(\\s*\\()?");

    @Test
    void everyMetricTheDashboardQueriesIsScraped() throws IOException {
        var a = DicomFixtures.instance();
        byte[] truncated = java.util.Arrays.copyOf(DicomFixtures.instance().bytes(), 300);
        Api.store(a.bytes(), truncated).then().statusCode(202);
        Api.as(Api.ADMIN).get("/dicomweb/studies").then().statusCode(200);
        Api.as(Api.ADMIN).accept("application/dicom; transfer-syntax=*")
                .get("/dicomweb/studies/" + a.studyUid() + "/series/" + a.seriesUid() + "/instances/" + a.sopUid())
                .then().statusCode(200);
        Scrape scrape = Scrape.now();

        JsonNode dashboard = new ObjectMapper().readTree(DASHBOARD.toFile());
        List<String> exprs = new ArrayList<>();
        dashboard.findValues("expr").forEach(e -> exprs.add(e.asText()));
        Set<String> used = new TreeSet<>();
        exprs.forEach(e -> used.addAll(metricNames(e)));

        assertTrue(exprs.size() >= 15, "panels' queries: " + exprs);
        assertTrue(used.containsAll(Set.of("dicomgate_dicomweb_requests_seconds_bucket",
                "dicomgate_stow_instances_refused_total", "dicomgate_audit_queue_lag_seconds",
                "dicomgate_blobstore_operations_seconds_bucket", "agroal_active_count", "jvm_memory_used_bytes")),
                used::toString);
        Set<String> missing = new TreeSet<>(used);
        missing.removeAll(scrape.names());
        assertEquals(Set.of(), missing, "queried by the dashboard but not in /q/metrics");
        assertEquals("datasource", dashboard.path("templating").path("list").get(0).path("type").asText());
    }

    @Test
    void metricNamesAreReadFromPromQl() {
        assertEquals(Set.of("a_total", "b_bucket"), metricNames(
                "histogram_quantile(0.95, sum by (transaction, le) (rate(b_bucket{x=\"y\"}[$__rate_interval])))"
                        + " / ignoring(le) sum(increase(a_total[5m]))"));
    }

    /** Metric names in a PromQL expression: identifiers left after labels, groupings and ranges, not called. */
    static Set<String> metricNames(String expr) {
        String stripped = VARIABLES.matcher(RANGES.matcher(GROUPING.matcher(LABEL_MATCHERS.matcher(expr)
                .replaceAll(" ")).replaceAll(" ")).replaceAll(" ")).replaceAll(" ");
        Set<String> names = new TreeSet<>();
        Matcher m = IDENTIFIER.matcher(stripped);
        while (m.find()) {
            if (m.group(2) == null && !KEYWORDS.contains(m.group(1))) {
                names.add(m.group(1));
            }
        }
        return names;
    }
}
