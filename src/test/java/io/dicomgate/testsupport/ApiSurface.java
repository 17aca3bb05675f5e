package io.dicomgate.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.annotation.Annotation;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import jakarta.ws.rs.HttpMethod;

/**
 * The HTTP operations of dicomgate as {@code "METHOD /path"} strings, seen three ways: the JAX-RS
 * resource methods compiled into {@code target/classes}, the hand-written OpenAPI document, and
 * any OpenAPI document (such as the one served at {@code /q/openapi}).
 */
public final class ApiSurface {

    /** The OpenAPI document in the repository. */
    public static final Path OPENAPI_FILE = Path.of("openapi/dicomgate.yaml");
    /** Routes that Quarkus extensions provide, not JAX-RS resources. */
    /** Documented routes served outside JAX-RS resource methods (health, OpenAPI, metrics, the §8.9 capabilities filter). */
    public static final Set<String> EXTENSION_ROUTES = Set.of("GET /q/health", "GET /q/openapi", "GET /q/metrics",
            "OPTIONS /dicomweb", "OPTIONS /dicomweb/{resource}");
    private static final Set<String> METHODS = Set.of("get", "put", "post", "delete", "options", "head", "patch",
            "trace");

    private ApiSurface() {
    }

    /** Operations of an OpenAPI document (YAML or JSON). */
    public static Set<String> operations(JsonNode openapi) {
        Set<String> ops = new TreeSet<>();
        for (Iterator<Map.Entry<String, JsonNode>> paths = openapi.path("paths").fields(); paths.hasNext();) {
            Map.Entry<String, JsonNode> path = paths.next();
            path.getValue().fieldNames().forEachRemaining(m -> {
                if (METHODS.contains(m)) {
                    ops.add(m.toUpperCase() + " " + path.getKey());
                }
            });
        }
        return ops;
    }

    public static JsonNode openapiFile() {
        try {
            return new ObjectMapper(new YAMLFactory()).readTree(OPENAPI_FILE.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Every JAX-RS resource method compiled from {@code src/main/java}. */
    public static Set<String> jaxRsOperations() {
        Path classes = Path.of("target/classes");
        Set<String> ops = new TreeSet<>();
        try (Stream<Path> files = Files.walk(classes)) {
            for (Path file : (Iterable<Path>) files.filter(f -> f.toString().endsWith(".class"))::iterator) {
                String name = classes.relativize(file).toString().replace('/', '.').replaceAll("\\.class$", "");
                Class<?> type;
                try {
                    type = Class.forName(name, false, ApiSurface.class.getClassLoader());
                } catch (ClassNotFoundException | LinkageError e) {
                    continue;
                }
                jakarta.ws.rs.Path root = type.getAnnotation(jakarta.ws.rs.Path.class);
                if (root == null) {
                    continue;
                }
                for (Method method : type.getDeclaredMethods()) {
                    String http = httpMethod(method);
                    if (http != null) {
                        jakarta.ws.rs.Path sub = method.getAnnotation(jakarta.ws.rs.Path.class);
                        ops.add(http + " " + join(root.value(), sub == null ? "" : sub.value()));
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return ops;
    }

    private static String httpMethod(Method method) {
        for (Annotation a : method.getAnnotations()) {
            HttpMethod http = a.annotationType().getAnnotation(HttpMethod.class);
            if (http != null) {
                return http.value();
            }
        }
        return null;
    }

    /** Joins JAX-RS path templates the way OpenAPI writes them: one slash, no regex in parameters. */
    public static String join(String root, String sub) {
        StringBuilder path = new StringBuilder();
        for (String segment : (root + "/" + sub).split("/")) {
            if (segment.isBlank()) {
                continue;
            }
            String s = segment.trim();
            int colon = s.indexOf(':');
            if (s.startsWith("{") && s.endsWith("}") && colon > 0) {
                s = "{" + s.substring(1, colon).trim() + "}";
            }
            path.append('/').append(s);
        }
        return path.isEmpty() ? "/" : path.toString();
    }
}
