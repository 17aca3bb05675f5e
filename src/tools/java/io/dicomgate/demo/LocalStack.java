package io.dicomgate.demo;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.dicomgate.testsupport.KeycloakServer;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

/**
 * PostgreSQL (zonky embedded binaries), the real Keycloak and the packaged dicomgate, each as a
 * process of its own on loopback ports, with their data under one directory. Used by the demo
 * ({@link DemoStack}), the benchmark and the failsafe tests of the packaged application
 * ({@code ProductIT}, {@code BrowserIT}); never by the surefire suite.
 */
public final class LocalStack implements AutoCloseable {

    /** Demo-only secret of the dicomgate-directory client in keycloak-realm/dicomgate-realm.json. */
    static final String DIRECTORY_DEMO_SECRET = "dicomgate-directory-demo-secret";


    /**
     * @param dataDir holds {@code postgres/}, {@code keycloak/}, {@code storage/} and the logs
     * @param appPort dicomgate's HTTP port (0 for a free one)
     * @param keycloakPort Keycloak's HTTP port (0 for a free one)
     * @param postgresPort PostgreSQL's port (0 for a free one)
     * @param persistentKeycloak keep Keycloak's database (an H2 file) across restarts
     * @param appJvmArgs extra JVM options of the dicomgate process, e.g. {@code -Xmx256m}
     * @param appEnv environment of the dicomgate process beyond {@link #appEnvironment()} (wins over it),
     *        e.g. the S3 store's {@code DICOMGATE_STORAGE_*}
     */
    public record Config(Path dataDir, int appPort, int keycloakPort, int postgresPort,
            boolean persistentKeycloak, Path keycloakHome, Path realmFile, Path appJar, List<String> appJvmArgs,
            Map<String, String> appEnv) {

        public Config(Path dataDir, int appPort, int keycloakPort, int postgresPort, boolean persistentKeycloak,
                Path keycloakHome, Path realmFile, Path appJar, List<String> appJvmArgs) {
            this(dataDir, appPort, keycloakPort, postgresPort, persistentKeycloak, keycloakHome, realmFile, appJar,
                    appJvmArgs, Map.of());
        }
    }

    /** Another dicomgate process on the same database, Keycloak and (with S3) bucket. */
    public record Node(String name, int port, Process process) implements AutoCloseable {

        public String url() {
            return "http://localhost:" + port;
        }

        /** As a crash: SIGKILL, no shutdown hooks. */
        public void kill() throws InterruptedException {
            process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        }

        @Override
        public void close() {
            stop(process);
        }
    }

    public static final String DATABASE = "dicomgate";

    /**
     * The memory limits dicomgate runs with unless the caller sets its own (the same as the
     * Dockerfile's {@code JDK_JAVA_OPTIONS}): a fixed heap, direct-buffer and metaspace ceiling, so the process stays within a known footprint whatever the load (README, Memory).
     * {@code DICOMGATE_APP_JAVA_OPTS} replaces them.
     */
    public static final List<String> MEMORY_LIMITS = List.of("-Xms192m", "-Xmx384m", "-XX:MaxDirectMemorySize=128m",
            "-XX:MaxMetaspaceSize=192m");
    private static final Duration APP_STARTUP = Duration.ofSeconds(120);

    private final Config config;
    private final int appPort;
    private EmbeddedPostgres postgres;
    private KeycloakServer keycloak;
    private Process app;

    private LocalStack(Config config, int appPort) {
        this.config = config;
        this.appPort = appPort;
    }

    /** Starts everything; on failure stops what was started and rethrows. */
    public static LocalStack start(Config config) {
        requireFile(config.appJar(), "the application is not packaged: run ./mvnw package -DskipTests");
        requireFile(config.keycloakHome().resolve("bin/kc.sh"),
                "Keycloak is not unpacked: run ./mvnw process-test-resources");
        requireFree(config.appPort(), "dicomgate HTTP", "DICOMGATE_HTTP_PORT");
        requireFree(config.keycloakPort(), "Keycloak HTTP", "DICOMGATE_KEYCLOAK_PORT");
        requireFree(config.postgresPort(), "PostgreSQL", "DICOMGATE_POSTGRES_PORT");
        LocalStack stack = new LocalStack(config, config.appPort() == 0 ? freePort() : config.appPort());
        try {
            Files.createDirectories(config.dataDir());
            Files.createDirectories(config.dataDir().resolve("import"));
            stack.startPostgres();
            stack.startKeycloak();
            stack.startApp(config.appJvmArgs());
            return stack;
        } catch (IOException e) {
            stack.close();
            throw new UncheckedIOException(e);
        } catch (RuntimeException e) {
            stack.close();
            throw e;
        }
    }

    private void startPostgres() throws IOException {
        long t0 = System.nanoTime();
        Path dir = config.dataDir().resolve("postgres");
        EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder();
        if (config.postgresPort() != 0) {
            builder.setPort(config.postgresPort());
        }
        // Durable, as a small clinic may run it for real: the embedded server starts with -F (no fsync) and
        // synchronous_commit=off unless told otherwise; a later -c fsync=on wins over -F.
        builder.setServerConfig("fsync", "on");
        builder.setServerConfig("synchronous_commit", "on");
        // -Ddicomgate.postgres.<setting>=<value> passes a server setting, e.g. log_min_duration_statement=50
        // (or fsync=off for a throwaway run: never with data that matters).
        System.getProperties().stringPropertyNames().stream().filter(k -> k.startsWith("dicomgate.postgres."))
                .forEach(k -> builder.setServerConfig(k.substring("dicomgate.postgres.".length()), System.getProperty(k)));
        postgres = builder
                .setDataDirectory(dir)
                .setCleanDataDirectory(false)
                .setPGStartupWait(Duration.ofSeconds(60))
                .setOutputRedirector(ProcessBuilder.Redirect.appendTo(config.dataDir().resolve("postgres.log").toFile()))
                .setErrorRedirector(ProcessBuilder.Redirect.appendTo(config.dataDir().resolve("postgres.log").toFile()))
                .start();
        try (var c = postgres.getPostgresDatabase().getConnection(); var s = c.createStatement();
                var rs = s.executeQuery("SELECT 1 FROM pg_database WHERE datname = '" + DATABASE + "'")) {
            if (!rs.next()) {
                s.execute("CREATE DATABASE " + DATABASE);
            }
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException("cannot create database " + DATABASE, e);
        }
        log("PostgreSQL ready on port %d in %.1f s (data: %s)", postgres.getPort(), secondsSince(t0), dir);
    }

    private void startKeycloak() {
        Path kcDir = config.dataDir().resolve("keycloak");
        try {
            Files.createDirectories(kcDir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        log("starting Keycloak (the first start re-builds the distribution, up to a minute)...");
        keycloak = KeycloakServer.start(config.keycloakHome(), config.realmFile(), new KeycloakServer.Options(
                config.keycloakPort(), config.persistentKeycloak() ? kcDir.resolve("keycloakdb") : null,
                config.dataDir().resolve("keycloak.log"), null));
    }

    /**
     * (Re)starts dicomgate with these extra JVM options and waits until it is ready. It is started
     * as a product: {@code java -jar quarkus-run.jar}, configured through its environment only
     * ({@link #appEnvironment()}), none of this JVM's {@code QUARKUS_*}/{@code DICOMGATE_*} variables
     * or JVM options inherited.
     */
    public void startApp(List<String> jvmArgs) {
        stopApp();
        app = launch(appPort, appEnvironment(), config.dataDir().resolve("dicomgate.log"), jvmArgs);
    }

    /**
     * Starts one more dicomgate node, configured as the first but on a free port, with a staging
     * area of its own and {@code env} on top; waits until it is ready. The caller stops it.
     */
    public Node startNode(String name, Map<String, String> env) {
        int port = freePort();
        Map<String, String> environment = new LinkedHashMap<>(appEnvironment());
        environment.put("QUARKUS_HTTP_PORT", Integer.toString(port));
        environment.put("DICOMGATE_STORAGE_ROOT", config.dataDir().resolve("storage-" + name).toAbsolutePath().toString());
        environment.putAll(env);
        return new Node(name, port, launch(port, environment, config.dataDir().resolve("dicomgate-" + name + ".log"),
                config.appJvmArgs()));
    }

    private Process launch(int port, Map<String, String> environment, Path logFile, List<String> jvmArgs) {
        long t0 = System.nanoTime();
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(memoryLimits(jvmArgs));
        command.addAll(jvmArgs);
        command.add("-jar");
        command.add(config.appJar().toAbsolutePath().toString());
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()));
        builder.environment().keySet().removeIf(name -> name.startsWith("QUARKUS_") || name.startsWith("DICOMGATE_")
                || name.equals("JAVA_TOOL_OPTIONS") || name.equals("JDK_JAVA_OPTIONS"));
        builder.environment().putAll(environment);
        Process process;
        try {
            process = builder.start();
            process.getOutputStream().close();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start dicomgate", e);
        }
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        URI ready = URI.create("http://localhost:" + port + "/q/health/ready");
        long deadline = System.nanoTime() + APP_STARTUP.toNanos();
        String last = "no answer";
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("dicomgate exited with code " + process.exitValue()
                        + "; last lines of " + logFile + ":\n" + KeycloakServer.logTail(logFile, 40));
            }
            try {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(ready).timeout(Duration.ofSeconds(5)).build(),
                        HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200) {
                    log("dicomgate ready on port %d in %.1f s (pid %d, %s, log: %s)", port, secondsSince(t0),
                            process.pid(), String.join(" ", command.subList(1, command.indexOf("-jar")).stream()
                                    .filter(a -> a.startsWith("-X")).toList()), logFile);
                    return process;
                }
                last = "HTTP " + r.statusCode() + " " + r.body();
            } catch (IOException e) {
                last = e.toString();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                stop(process);
                throw new IllegalStateException("interrupted");
            }
            sleep(300);
        }
        stop(process);
        throw new IllegalStateException("dicomgate not ready after " + APP_STARTUP.toSeconds() + " s (last: " + last
                + "); last lines of " + logFile + ":\n" + KeycloakServer.logTail(logFile, 40));
    }

    /**
     * The environment dicomgate is configured by (README, "Running the packaged application"): its
     * port, the database, the Keycloak realm, the blob store and the user-directory client.
     */
    public Map<String, String> appEnvironment() {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("QUARKUS_HTTP_PORT", Integer.toString(appPort));
        // Loopback unless told otherwise (DICOMGATE_HTTP_HOST=0.0.0.0): a demo is never an open share.
        String host = System.getenv("DICOMGATE_HTTP_HOST");
        env.put("QUARKUS_HTTP_HOST", host == null || host.isBlank() ? "127.0.0.1" : host.trim());
        env.put("QUARKUS_OIDC_AUTH_SERVER_URL", keycloak.issuerUrl());
        env.put("QUARKUS_DATASOURCE_JDBC_URL", jdbcUrl());
        env.put("QUARKUS_DATASOURCE_USERNAME", "postgres");
        env.put("QUARKUS_DATASOURCE_PASSWORD", "postgres");
        env.put("DICOMGATE_STORAGE_ROOT", config.dataDir().resolve("storage").toAbsolutePath().toString());
        // Folder imports (bin/import) read only under these folders: the demo's import folder, or the
        // caller's DICOMGATE_IMPORTS_FOLDER_ROOTS (comma-separated).
        String roots = System.getenv("DICOMGATE_IMPORTS_FOLDER_ROOTS");
        env.put("DICOMGATE_IMPORTS_FOLDER_ROOTS", roots == null || roots.isBlank()
                ? config.dataDir().resolve("import").toAbsolutePath().toString() : roots.trim());
        // The demo realm's user-directory client (consents bind to the account a username names).
        env.put("DICOMGATE_DIRECTORY_CLIENT_SECRET", DIRECTORY_DEMO_SECRET);
        env.putAll(config.appEnv());
        return env;
    }

    /** {@link #MEMORY_LIMITS} (or the environment's) without the options {@code jvmArgs} sets itself. */
    static List<String> memoryLimits(List<String> jvmArgs) {
        String env = System.getenv("DICOMGATE_APP_JAVA_OPTS");
        List<String> limits = env == null || env.isBlank() ? MEMORY_LIMITS : List.of(env.trim().split("\\s+"));
        return limits.stream().filter(limit -> jvmArgs.stream().noneMatch(arg -> sameOption(arg, limit))).toList();
    }

    private static boolean sameOption(String a, String b) {
        return optionName(a).equals(optionName(b));
    }

    private static String optionName(String option) {
        if (option.startsWith("-Xmx") || option.startsWith("-Xms") || option.startsWith("-Xss")) {
            return option.substring(0, 4);
        }
        int eq = option.indexOf('=');
        return eq < 0 ? option : option.substring(0, eq);
    }

    public String appUrl() {
        return "http://localhost:" + appPort;
    }

    public String dicomwebUrl() {
        return appUrl() + "/dicomweb";
    }

    public KeycloakServer keycloak() {
        return keycloak;
    }

    public String jdbcUrl() {
        return postgres.getJdbcUrl("postgres", DATABASE);
    }

    public java.sql.Connection connection() throws java.sql.SQLException {
        return java.sql.DriverManager.getConnection(jdbcUrl(), "postgres", "postgres");
    }

    public long appPid() {
        return app.pid();
    }

    public Path dataDir() {
        return config.dataDir();
    }

    private void stopApp() {
        if (app != null) {
            stop(app);
        }
        app = null;
    }

    private static void stop(Process process) {
        if (!process.isAlive()) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }

    /** Stops dicomgate, Keycloak (with every process kc.sh started) and PostgreSQL, in that order. */
    @Override
    public synchronized void close() {
        try {
            stopApp();
        } finally {
            try {
                if (keycloak != null) {
                    keycloak.close();
                    keycloak = null;
                }
            } finally {
                if (postgres != null) {
                    try {
                        postgres.close();
                    } catch (IOException e) {
                        System.err.println("stopping PostgreSQL failed: " + e);
                    }
                    postgres = null;
                }
            }
        }
    }

    /** {@code -Dname}, else the environment variable, else the default. */
    public static int intSetting(String property, String env, int fallback) {
        String value = System.getProperty(property, System.getenv(env));
        return value == null || value.isBlank() ? fallback : Integer.parseInt(value.trim());
    }

    public static Path pathSetting(String property, String fallback) {
        String value = System.getProperty(property);
        return Path.of(value == null || value.isBlank() ? fallback : value).toAbsolutePath();
    }

    private static void requireFree(int port, String what, String env) {
        if (port == 0) {
            return;
        }
        try (ServerSocket socket = new ServerSocket(port)) {
            socket.setReuseAddress(true);
        } catch (IOException e) {
            throw new IllegalStateException("port " + port + " for " + what + " is taken (" + e.getMessage()
                    + "): stop whatever listens there, or choose another port with " + env + "=<port>");
        }
    }

    private static void requireFile(Path file, String hint) {
        if (!Files.exists(file)) {
            throw new IllegalStateException(file + " is missing: " + hint);
        }
    }

    public static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Deletes a directory and everything below it, if it exists: a fresh data directory for a test run. */
    public static void deleteRecursively(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (var paths = Files.walk(dir)) {
            for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + dir, e);
        }
    }

    static void log(String format, Object... args) {
        System.out.printf("[stack] " + format + "%n", args);
    }

    private static double secondsSince(long t0) {
        return (System.nanoTime() - t0) / 1e9;
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted");
        }
    }
}
