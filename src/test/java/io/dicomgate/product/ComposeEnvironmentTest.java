package io.dicomgate.product;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.yaml.snakeyaml.Yaml;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;

import io.dicomgate.web.DicomWebPaths;
import io.quarkus.runtime.annotations.ConfigPhase;
import io.quarkus.runtime.annotations.ConfigRoot;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.ConfigMappings;

/**
 * Every environment variable docker/compose.yaml sets on a dicomgate node is one the application
 * reads at run time (README, "Docker compose: two nodes"): a typo would otherwise be ignored in
 * silence and the node would run on a default. Each variable is mapped to its property the way
 * SmallRye Config's environment source does (upper case, every non-alphanumeric character an
 * underscore, a map key for a {@code *}) and looked up among
 * <ul>
 * <li>the properties of dicomgate's {@code @ConfigMapping} interfaces, plus
 * {@link DicomWebPaths#PUBLIC_BASE_URL}, the one key read without a mapping;
 * <li>the properties of every Quarkus run-time config root on the classpath (each extension lists
 * its roots in {@code META-INF/quarkus-config-roots.list}); build-time ones are refused, since a
 * container cannot change them.
 * </ul>
 * JVM options ({@code JDK_JAVA_OPTIONS}, {@code JAVA_*}) are the launcher's, not configuration.
 */
class ComposeEnvironmentTest {

    private static final Path COMPOSE = Path.of("docker/compose.yaml");
    private static final KnownConfiguration KNOWN = KnownConfiguration.load();

    @Test
    void everyVariableOfBothNodesIsOneDicomgateReads() throws IOException {
        Map<String, Map<String, String>> nodes;
        try (Reader compose = Files.newBufferedReader(COMPOSE, StandardCharsets.UTF_8)) {
            nodes = dicomgateNodes(compose);
        }
        assertEquals(List.of("dicomgate-a", "dicomgate-b"), List.copyOf(nodes.keySet()));
        assertEquals(nodes.get("dicomgate-a"), nodes.get("dicomgate-b"), "both nodes are configured alike");
        assertEquals(List.of(), problems(nodes));
        assertTrue(nodes.get("dicomgate-a").keySet().containsAll(List.of("QUARKUS_DATASOURCE_JDBC_URL",
                "QUARKUS_OIDC_AUTH_SERVER_URL", "DICOMGATE_PUBLIC_BASE_URL", "QUARKUS_HTTP_PROXY_TRUSTED_PROXIES",
                "DICOMGATE_STORAGE_TYPE", "DICOMGATE_STORAGE_S3_BUCKET")), nodes.toString());
    }

    @Test
    void aMisspelledVariableFailsTheCheck() {
        String compose = """
                x-node: &node
                  build: { context: .., dockerfile: docker/Dockerfile }
                  environment:
                    QUARKUS_DATASOURCE_JDBC_UR: jdbc:postgresql://postgres:5432/dicomgate
                    DICOMGATE_STORAGE_ROOT: /var/lib/dicomgate/storage
                    JDK_JAVA_OPTIONS: -Xmx384m
                services:
                  dicomgate-a:
                    <<: *node
                  postgres:
                    image: postgres:17
                    environment: [ "QUARKUS_NOT_OURS=1" ]
                """;
        assertEquals(List.of("dicomgate-a: QUARKUS_DATASOURCE_JDBC_UR is no property dicomgate reads"),
                problems(dicomgateNodes(new StringReader(compose))));
    }

    @Test
    void aNodeWithAnEnvFileFailsTheCheck() {
        String compose = """
                services:
                  dicomgate-a:
                    image: dicomgate:local
                    env_file: [ .env ]
                """;
        assertEquals(List.of("dicomgate-a: env_file hides its variables from this check; list them under environment"),
                problems(dicomgateNodes(new StringReader(compose))));
    }

    @ParameterizedTest(name = "{0} → {1}")
    @CsvSource({
            "QUARKUS_HTTP_PROXY_TRUSTED_PROXIES, quarkus.http.proxy.trusted-proxies",
            "QUARKUS_HTTP_PROXY_PROXY_ADDRESS_FORWARDING, quarkus.http.proxy.proxy-address-forwarding",
            "QUARKUS_DATASOURCE_JDBC_URL, quarkus.datasource.jdbc.url",
            "QUARKUS_OIDC_AUTH_SERVER_URL, quarkus.oidc.auth-server-url",
            "QUARKUS_TLS_KEY_STORE_P12_PATH, quarkus.tls.key-store.p12.path",
            "QUARKUS_TLS_KEYCLOAK_TRUST_STORE_PEM_CERTS, quarkus.tls.keycloak.trust-store.pem.certs",
            "DICOMGATE_STORAGE_S3_ACCESS_KEY_ID, dicomgate.storage.s3.access-key-id",
            "DICOMGATE_STORAGE_TYPE, dicomgate.storage.type",
            "DICOMGATE_DIRECTORY_CLIENT_SECRET, dicomgate.directory.client-secret",
            "DICOMGATE_GUARD_ROLE_CLINICIAN_PATIENTS_PER_HOUR, dicomgate.guard.role.clinician.patients-per-hour",
            "DICOMGATE_PUBLIC_BASE_URL, dicomgate.public-base-url" })
    void variablesMapToTheirProperties(String variable, String property) {
        assertEquals(Optional.of(property), KNOWN.property(variable));
    }

    @ParameterizedTest
    @ValueSource(strings = { "QUARKUS_DATASOURCE_JDBC_UR", "QUARKUS_HTTP_PROXY_TRUSTED_PROXY", "DICOMGATE_STORAGE_S3_BUCKT",
            "DICOMGATE_PUBLIC_URL", "DICOMGATE_STORAGE", "QUARKUS_OIDC_AUTH_SERVER" })
    void misspelledVariablesAreUnknown(String variable) {
        assertEquals(Optional.empty(), KNOWN.property(variable));
    }

    @Test
    void buildTimePropertiesAreRefusedAndJvmOptionsExempt() {
        assertEquals("QUARKUS_DATASOURCE_DB_KIND is quarkus.datasource.db-kind, fixed at build time",
                KNOWN.problem("QUARKUS_DATASOURCE_DB_KIND"));
        assertNull(KNOWN.problem("JDK_JAVA_OPTIONS"));
        assertNull(KNOWN.problem("JAVA_TOOL_OPTIONS"));
    }

    /** The services built from docker/Dockerfile (or running its image), with their environment. */
    @SuppressWarnings("unchecked")
    static Map<String, Map<String, String>> dicomgateNodes(Reader compose) {
        Map<String, Object> root = new Yaml().load(compose);
        Map<String, Map<String, String>> nodes = new TreeMap<>();
        ((Map<String, Object>) root.get("services")).forEach((name, value) -> {
            Map<String, Object> service = (Map<String, Object>) value;
            Object build = service.get("build");
            boolean dicomgate = String.valueOf(service.get("image")).startsWith("dicomgate")
                    || build instanceof Map<?, ?> b && "docker/Dockerfile".equals(b.get("dockerfile"));
            if (dicomgate) {
                Map<String, String> environment = environment(service.get("environment"));
                if (service.containsKey("env_file")) {
                    environment.put(ENV_FILE, "");
                }
                nodes.put(name, environment);
            }
        });
        return nodes;
    }

    private static final String ENV_FILE = "(env_file)";

    /** {@code environment:} as a map or as a list of {@code NAME=value}. */
    private static Map<String, String> environment(Object environment) {
        Map<String, String> variables = new LinkedHashMap<>();
        if (environment instanceof Map<?, ?> map) {
            map.forEach((k, v) -> variables.put(String.valueOf(k), String.valueOf(v)));
        } else if (environment instanceof List<?> list) {
            for (Object entry : list) {
                String[] pair = String.valueOf(entry).split("=", 2);
                variables.put(pair[0], pair.length > 1 ? pair[1] : "");
            }
        }
        return variables;
    }

    static List<String> problems(Map<String, Map<String, String>> nodes) {
        List<String> problems = new ArrayList<>();
        nodes.forEach((node, environment) -> environment.keySet().forEach(variable -> {
            String problem = variable.equals(ENV_FILE)
                    ? "env_file hides its variables from this check; list them under environment"
                    : KNOWN.problem(variable);
            if (problem != null) {
                problems.add(node + ": " + problem);
            }
        }));
        return problems;
    }

    /** The property names dicomgate reads, as SmallRye Config patterns ({@code *} a map key, {@code [*]} an index). */
    record KnownConfiguration(List<Name> names) {

        record Name(String pattern, boolean runtime, Pattern environment) {
            Name(String pattern, boolean runtime) {
                this(pattern, runtime, Pattern.compile(environmentRegex(pattern)));
            }
        }

        static KnownConfiguration load() {
            List<Name> names = new ArrayList<>();
            names.add(new Name(DicomWebPaths.PUBLIC_BASE_URL, true));
            List<JavaClass> mappings = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                    .importPackages("io.dicomgate").stream().filter(c -> c.isAnnotatedWith(ConfigMapping.class)).toList();
            if (mappings.stream().noneMatch(c -> c.getSimpleName().equals("StorageConfig"))) {
                throw new IllegalStateException("dicomgate's @ConfigMapping interfaces not found: " + mappings);
            }
            mappings.forEach(c -> addMapping(names, c.reflect(), true));
            for (String rootClass : quarkusConfigRoots()) {
                Class<?> root;
                try {
                    root = Class.forName(rootClass, false, ComposeEnvironmentTest.class.getClassLoader());
                } catch (ClassNotFoundException | LinkageError e) {
                    continue;   // a root of an optional dependency that is not on the classpath
                }
                ConfigRoot phase = root.getAnnotation(ConfigRoot.class);
                if (root.isAnnotationPresent(ConfigMapping.class) && phase != null) {
                    addMapping(names, root, phase.phase() == ConfigPhase.RUN_TIME);
                }
            }
            return new KnownConfiguration(List.copyOf(names));
        }

        private static void addMapping(List<Name> names, Class<?> mapping, boolean runtime) {
            String prefix = mapping.getAnnotation(ConfigMapping.class).prefix();
            ConfigMappings.getProperties(ConfigMappings.ConfigClass.configClass(mapping, prefix)).keySet()
                    .forEach(name -> names.add(new Name(name, runtime)));
        }

        private static List<String> quarkusConfigRoots() {
            List<String> roots = new ArrayList<>();
            try {
                Enumeration<URL> lists = ComposeEnvironmentTest.class.getClassLoader()
                        .getResources("META-INF/quarkus-config-roots.list");
                while (lists.hasMoreElements()) {
                    try (InputStream in = lists.nextElement().openStream()) {
                        new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().map(String::strip)
                                .filter(line -> !line.isEmpty() && !line.startsWith("#")).forEach(roots::add);
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            if (roots.isEmpty()) {
                throw new IllegalStateException("no META-INF/quarkus-config-roots.list on the classpath");
            }
            return roots;
        }

        /**
         * The environment variable names of a property pattern, as SmallRye's environment source
         * matches them: letters upper case, every other character {@code _}; a map key is any run of
         * upper-case letters, digits and underscores, an index {@code _n_}.
         */
        static String environmentRegex(String pattern) {
            StringBuilder regex = new StringBuilder();
            for (int i = 0; i < pattern.length(); i++) {
                char c = pattern.charAt(i);
                if (pattern.startsWith("[*]", i)) {
                    regex.append("_[0-9]+_");
                    i += 2;
                } else if (c == '*') {
                    regex.append("([A-Z0-9_]+?)");
                } else if (c < 128 && Character.isLetterOrDigit(c)) {
                    regex.append(Character.toUpperCase(c));
                } else {
                    regex.append('_');
                }
            }
            return regex.toString();
        }

        /** The property a variable sets: an exact name before one with a map key. */
        Optional<String> property(String variable) {
            return name(variable).map(match -> match.property);
        }

        /** Why a variable of a dicomgate node is wrong, or null. */
        String problem(String variable) {
            if (variable.equals("JDK_JAVA_OPTIONS") || variable.startsWith("JAVA_")) {
                return null;
            }
            Optional<Match> match = name(variable);
            if (match.isEmpty()) {
                return variable + " is no property dicomgate reads";
            }
            return match.get().name().runtime() ? null
                    : variable + " is " + match.get().property() + ", fixed at build time";
        }

        private record Match(Name name, String property) {
        }

        private Optional<Match> name(String variable) {
            Match withKey = null;
            for (Name name : names) {
                Matcher matcher = name.environment().matcher(variable);
                if (!matcher.matches()) {
                    continue;
                }
                if (matcher.groupCount() == 0) {
                    return Optional.of(new Match(name, name.pattern()));
                }
                if (withKey == null) {
                    String property = name.pattern();
                    for (int g = 1; g <= matcher.groupCount(); g++) {
                        property = property.replaceFirst("\\*(?!])", matcher.group(g).toLowerCase().replace('_', '-'));
                    }
                    withKey = new Match(name, property);
                }
            }
            return Optional.ofNullable(withKey);
        }
    }
}
