package io.dicomgate.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Set;
import java.util.TreeSet;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import io.dicomgate.testsupport.ApiSurface;

/**
 * {@code openapi/dicomgate.yaml} describes exactly the endpoints the code has: an endpoint added
 * without documenting it, or documented but removed, fails here (and in {@link OpenApiServedTest}).
 */
class OpenApiTest {

    @Test
    void everyJaxRsEndpointIsDocumentedAndNothingElse() {
        Set<String> documented = new TreeSet<>(ApiSurface.operations(ApiSurface.openapiFile()));
        documented.removeAll(ApiSurface.EXTENSION_ROUTES);
        Set<String> code = ApiSurface.jaxRsOperations();
        Set<String> undocumented = new TreeSet<>(code);
        undocumented.removeAll(documented);
        Set<String> phantom = new TreeSet<>(documented);
        phantom.removeAll(code);
        assertEquals(Set.of(), undocumented, "endpoints missing from openapi/dicomgate.yaml");
        assertEquals(Set.of(), phantom, "openapi/dicomgate.yaml documents endpoints the code does not have");
        assertTrue(code.size() >= 25, "the scan found the resources: " + code);
    }

    /** Maven copies symlinks as links, so the served copy is a file; it must stay identical. */
    @Test
    void servedCopyIsTheFile() throws java.io.IOException {
        assertEquals(java.nio.file.Files.readString(ApiSurface.OPENAPI_FILE),
                java.nio.file.Files.readString(java.nio.file.Path.of("src/main/resources/META-INF/openapi.yaml")),
                "copy openapi/dicomgate.yaml to src/main/resources/META-INF/openapi.yaml");
    }

    @Test
    void theDocumentIsOneOpenApi30DocumentWithResolvableReferences() {
        JsonNode doc = ApiSurface.openapiFile();
        assertTrue(doc.path("openapi").asText().startsWith("3.0."), "OpenAPI 3.0");
        assertTrue(ApiSurface.operations(doc).containsAll(ApiSurface.EXTENSION_ROUTES));
        Set<String> missing = new TreeSet<>();
        refs(doc, doc, missing);
        assertEquals(Set.of(), missing, "unresolvable $ref");
        Set<String> operationIds = new TreeSet<>();
        doc.path("paths").forEach(path -> path.forEach(op -> {
            if (op.has("operationId")) {
                assertTrue(operationIds.add(op.get("operationId").asText()), "duplicate " + op.get("operationId"));
            }
            if (op.isObject() && op.has("responses")) {
                assertTrue(op.has("tags"), "every operation is tagged: " + op.path("operationId"));
            }
        }));
    }

    @Test
    void pathTemplatesAreJoinedLikeOpenApi() {
        assertEquals("/dicomweb/studies/{studyUid}/bulkdata/{tag}",
                ApiSurface.join("/dicomweb", "/studies/{studyUid}/bulkdata/{tag: [0-9A-Fa-f]{8}}"));
        assertEquals("/api/audit", ApiSurface.join("/api/audit", ""));
    }

    private static void refs(JsonNode root, JsonNode node, Set<String> missing) {
        if (node.isObject()) {
            JsonNode ref = node.get("$ref");
            if (ref != null && ref.isTextual()) {
                String pointer = ref.asText().replaceFirst("^#", "");
                if (root.at(pointer).isMissingNode()) {
                    missing.add(ref.asText());
                }
            }
        }
        node.forEach(child -> refs(root, child, missing));
    }
}
