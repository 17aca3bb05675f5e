package io.dicomgate.bench;

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

/**
 * Debian's Orthanc with its DICOMweb plugin as a process of the benchmark, for the side-by-side
 * figures: free HTTP and DICOM ports on loopback, its own storage and index under {@code dir},
 * authentication off (as the open archives dicomgate replaces run it). Installed with
 * {@code apt-get install orthanc orthanc-dicomweb} when missing and the benchmark runs as root; the
 * package's own service is not started (a temporary {@code policy-rc.d} refuses it).
 */
final class OrthancProcess implements AutoCloseable {

    static final Path BINARY = Path.of("/usr/sbin/Orthanc");
    static final Path DICOMWEB_PLUGIN = Path.of("/usr/share/orthanc/plugins/libOrthancDicomWeb.so");

    private final Process process;
    private final int httpPort;

    private OrthancProcess(Process process, int httpPort) {
        this.process = process;
        this.httpPort = httpPort;
    }

    /** Installs Orthanc if needed, starts it and waits until its DICOMweb root answers. */
    static OrthancProcess start(Path dir) throws IOException, InterruptedException {
        install();
        Files.createDirectories(dir.resolve("storage"));
        int httpPort = freePort();
        int dicomPort = freePort();
        Path config = dir.resolve("orthanc.json");
        Files.writeString(config, """
                {
                  "Name": "dicomgate-bench-orthanc",
                  "StorageDirectory": "%1$s",
                  "IndexDirectory": "%1$s",
                  "HttpPort": %2$d,
                  "DicomPort": %3$d,
                  "RemoteAccessAllowed": false,
                  "AuthenticationEnabled": false,
                  "Plugins": ["%4$s"],
                  "DicomWeb": { "Enable": true, "Root": "/dicom-web/" }
                }
                """.formatted(dir.resolve("storage").toAbsolutePath(), httpPort, dicomPort, DICOMWEB_PLUGIN));
        Process p = new ProcessBuilder(BINARY.toString(), config.toAbsolutePath().toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("orthanc.log").toFile()).start();
        p.getOutputStream().close();
        OrthancProcess orthanc = new OrthancProcess(p, httpPort);
        // Ctrl-C or kill of the benchmark: Orthanc goes too (close() is idempotent).
        Runtime.getRuntime().addShutdownHook(new Thread(orthanc::close, "bench-stop-orthanc"));
        try {
            orthanc.awaitReady(dir.resolve("orthanc.log"));
        } catch (RuntimeException | IOException | InterruptedException e) {
            orthanc.close();
            throw e;
        }
        return orthanc;
    }

    private static void install() throws IOException, InterruptedException {
        if (Files.isExecutable(BINARY) && Files.exists(DICOMWEB_PLUGIN)) {
            return;
        }
        if (!"root".equals(System.getProperty("user.name"))) {
            throw new IllegalStateException("Orthanc is not installed: as root, apt-get install orthanc orthanc-dicomweb");
        }
        System.out.println("installing Debian's orthanc and orthanc-dicomweb (apt-get)...");
        Path policy = Path.of("/usr/sbin/policy-rc.d");
        boolean ownPolicy = !Files.exists(policy);
        if (ownPolicy) {
            Files.writeString(policy, "#!/bin/sh\nexit 101\n");
            policy.toFile().setExecutable(true);
        }
        try {
            ProcessBuilder apt = new ProcessBuilder("apt-get", "install", "-y", "-q", "orthanc", "orthanc-dicomweb")
                    .inheritIO();
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

    private void awaitReady(Path log) throws IOException, InterruptedException {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("Orthanc exited with " + process.exitValue() + "; see " + log);
            }
            try {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(dicomwebUrl() + "/studies?limit=1"))
                        .header("Accept", "application/dicom+json").build(), HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException("Orthanc not ready after 60 s; see " + log);
    }

    /** Root of its DICOMweb API, e.g. {@code http://127.0.0.1:41234/dicom-web}. */
    String dicomwebUrl() {
        return "http://127.0.0.1:" + httpPort + "/dicom-web";
    }

    long pid() {
        return process.pid();
    }

    /** Orthanc's own version string, from {@code /system}. */
    String version() {
        try {
            HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + httpPort + "/system")).build(), HttpResponse.BodyHandlers.ofString());
            return r.body().replaceAll("(?s).*\"Version\"\\s*:\\s*\"([^\"]+)\".*", "$1");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "?";
        }
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
