package io.dicomgate.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Debian's Orthanc (1.10) with its DICOMweb plugin, as a process of its own: free HTTP and DICOM
 * ports on loopback, storage and index under a directory of the caller, optional HTTP basic users,
 * and modalities registered by AE title (Orthanc answers C-FIND/C-GET only to known AEs). The
 * archive dicomgate imports from in the source tests, and the side-by-side server of the benchmark.
 *
 * <p>{@link #available()} installs {@code orthanc orthanc-dicomweb} when they are missing and the JVM
 * runs as root (CI), with a temporary {@code policy-rc.d} so the package's own service never starts;
 * elsewhere it says false and tests skip.
 */
public final class OrthancServer implements AutoCloseable {

    public static final Path BINARY = Path.of("/usr/sbin/Orthanc");
    public static final Path DICOMWEB_PLUGIN = Path.of("/usr/share/orthanc/plugins/libOrthancDicomWeb.so");
    public static final String AE_TITLE = "ORTHANC";

    /** What to start. */
    public record Options(Map<String, String> users, Map<String, Integer> modalities) {
        public static Options open() {
            return new Options(Map.of(), Map.of());
        }

        /** With HTTP basic authentication for these user/password pairs. */
        public Options withUser(String user, String password) {
            Map<String, String> more = new LinkedHashMap<>(users);
            more.put(user, password);
            return new Options(more, modalities);
        }

        /** A peer on 127.0.0.1 allowed to C-ECHO/C-FIND/C-GET/C-MOVE/C-STORE; port is where C-MOVE sends. */
        public Options withModality(String aeTitle, int port) {
            Map<String, Integer> more = new LinkedHashMap<>(modalities);
            more.put(aeTitle, port);
            return new Options(users, more);
        }
    }

    private final Process process;
    private final int httpPort;
    private final int dicomPort;
    private final String authorization;
    private final Path log;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private OrthancServer(Process process, int httpPort, int dicomPort, String authorization, Path log) {
        this.process = process;
        this.httpPort = httpPort;
        this.dicomPort = dicomPort;
        this.authorization = authorization;
        this.log = log;
    }

    /** True when Orthanc and its DICOMweb plugin are installed, after installing them as root. */
    public static synchronized boolean available() {
        if (Files.isExecutable(BINARY) && Files.exists(DICOMWEB_PLUGIN)) {
            return true;
        }
        if (!"root".equals(System.getProperty("user.name"))) {
            return false;
        }
        try {
            install();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
        return Files.isExecutable(BINARY) && Files.exists(DICOMWEB_PLUGIN);
    }

    private static void install() throws IOException, InterruptedException {
        Path policy = Path.of("/usr/sbin/policy-rc.d");
        boolean ownPolicy = !Files.exists(policy);
        if (ownPolicy) {
            Files.writeString(policy, "#!/bin/sh\nexit 101\n");
            policy.toFile().setExecutable(true);
        }
        try {
            ProcessBuilder apt = new ProcessBuilder("apt-get", "install", "-y", "-q", "--no-install-recommends", "orthanc",
                    "orthanc-dicomweb").inheritIO();
            apt.environment().put("DEBIAN_FRONTEND", "noninteractive");
            int rc = apt.start().waitFor();
            if (rc != 0) {
                throw new IllegalStateException("apt-get install orthanc orthanc-dicomweb exited with " + rc);
            }
        } finally {
            if (ownPolicy) {
                Files.deleteIfExists(policy);
            }
        }
    }

    /** Starts Orthanc with its files under {@code dir} and waits until its DICOMweb root answers. */
    public static OrthancServer start(Path dir, Options options) throws IOException, InterruptedException {
        if (!available()) {
            throw new IllegalStateException("Orthanc is not installed: as root, apt-get install orthanc orthanc-dicomweb");
        }
        Path storage = Files.createDirectories(dir.resolve("storage"));
        int httpPort = freePort();
        int dicomPort = freePort();
        String users = options.users().entrySet().stream()
                .map(e -> json(e.getKey()) + ": " + json(e.getValue())).collect(Collectors.joining(", "));
        String modalities = options.modalities().entrySet().stream()
                .map(e -> json(e.getKey().toLowerCase()) + ": [" + json(e.getKey()) + ", \"127.0.0.1\", " + e.getValue() + "]")
                .collect(Collectors.joining(", "));
        Path config = dir.resolve("orthanc.json");
        Files.writeString(config, """
                {
                  "Name": "dicomgate-test-orthanc",
                  "StorageDirectory": %s,
                  "IndexDirectory": %s,
                  "HttpPort": %d,
                  "DicomPort": %d,
                  "DicomAet": "%s",
                  "RemoteAccessAllowed": false,
                  "AuthenticationEnabled": %s,
                  "RegisteredUsers": { %s },
                  "DicomModalities": { %s },
                  "DicomCheckModalityHost": true,
                  "Plugins": [%s],
                  "DicomWeb": { "Enable": true, "Root": "/dicom-web/" }
                }
                """.formatted(json(storage.toAbsolutePath().toString()), json(storage.toAbsolutePath().toString()),
                httpPort, dicomPort, AE_TITLE, !options.users().isEmpty(), users, modalities,
                json(DICOMWEB_PLUGIN.toString())));
        Path log = dir.resolve("orthanc.log");
        Process p = new ProcessBuilder(BINARY.toString(), config.toAbsolutePath().toString()).redirectErrorStream(true)
                .redirectOutput(log.toFile()).start();
        p.getOutputStream().close();
        String authorization = options.users().isEmpty() ? null : options.users().entrySet().stream().findFirst()
                .map(e -> "Basic " + Base64.getEncoder().encodeToString((e.getKey() + ":" + e.getValue())
                        .getBytes(StandardCharsets.UTF_8))).orElseThrow();
        OrthancServer orthanc = new OrthancServer(p, httpPort, dicomPort, authorization, log);
        Runtime.getRuntime().addShutdownHook(new Thread(orthanc::close, "stop-orthanc"));
        try {
            orthanc.awaitReady();
        } catch (RuntimeException | IOException | InterruptedException e) {
            orthanc.close();
            throw e;
        }
        return orthanc;
    }

    private void awaitReady() throws IOException, InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("Orthanc exited with " + process.exitValue() + "; see " + log);
            }
            try {
                if (http.send(request("/dicom-web/studies?limit=1").header("Accept", "application/dicom+json").build(),
                        HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException("Orthanc not ready after 60 s; see " + log);
    }

    /** Stores a Part 10 file through Orthanc's REST API ({@code POST /instances}); returns Orthanc's answer. */
    public String upload(byte[] part10) throws IOException, InterruptedException {
        HttpRequest post = request("/instances").POST(HttpRequest.BodyPublishers.ofByteArray(part10))
                .header("Content-Type", "application/dicom").build();
        HttpResponse<String> r;
        try {
            r = http.send(post, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            // Orthanc closes an idle kept-alive connection after its KeepAliveTimeout (1 s), and the JDK
            // client does not retry a POST on a connection the server closed. Storing again is idempotent.
            r = http.send(post, HttpResponse.BodyHandlers.ofString());
        }
        if (r.statusCode() != 200) {
            throw new IOException("Orthanc refused the upload: HTTP " + r.statusCode() + " " + r.body());
        }
        return r.body();
    }

    private HttpRequest.Builder request(String path) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(httpUrl() + path)).timeout(Duration.ofSeconds(30));
        if (authorization != null) {
            b.header("Authorization", authorization);
        }
        return b;
    }

    /** e.g. {@code http://127.0.0.1:41234} */
    public String httpUrl() {
        return "http://127.0.0.1:" + httpPort;
    }

    /** Root of its DICOMweb API, e.g. {@code http://127.0.0.1:41234/dicom-web}. */
    public String dicomwebUrl() {
        return httpUrl() + "/dicom-web";
    }

    public int dicomPort() {
        return dicomPort;
    }

    public long pid() {
        return process.pid();
    }

    /** Orthanc's own version string, from {@code /system}. */
    public String version() {
        try {
            String body = http.send(request("/system").build(), HttpResponse.BodyHandlers.ofString()).body();
            return body.replaceAll("(?s).*\"Version\"\\s*:\\s*\"([^\"]+)\".*", "$1");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "?";
        }
    }

    @Override
    public void close() {
        Processes.stop(process);
    }

    private static String json(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
