package io.dicomgate.testsupport;

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
import java.util.List;
import java.util.Map;

/**
 * A real S3 server: s3proxy (its jar-with-dependencies, copied by the build into {@code target/s3proxy})
 * on a filesystem backend, as a process of its own on a free loopback port, with AWS V4 signatures
 * required. Used by the S3 tests, the two-node test and the benchmark.
 */
public final class S3ProxyServer implements AutoCloseable {

    public static final String ACCESS_KEY = "dicomgate-test";
    public static final String SECRET_KEY = "dicomgate-test-secret-key";
    private static final Duration STARTUP = Duration.ofSeconds(60);
    private static S3ProxyServer shared;

    private final URI endpoint;
    private final Process process;

    private S3ProxyServer(URI endpoint, Process process) {
        this.endpoint = endpoint;
        this.process = process;
    }

    /** One server per JVM, stopped at exit: tests use a bucket of their own on it. */
    public static synchronized S3ProxyServer shared() {
        if (shared == null) {
            try {
                Path target = Path.of("target");
                shared = start(Files.isDirectory(target) ? Files.createTempDirectory(target, "s3proxy-data-")
                        : Files.createTempDirectory("dicomgate-s3proxy"), 0);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            S3ProxyServer server = shared;
            Runtime.getRuntime().addShutdownHook(new Thread(server::close));
        }
        return shared;
    }

    /**
     * Starts s3proxy with its objects under {@code dataDir}.
     *
     * @param port 0 for a free one
     */
    public static S3ProxyServer start(Path dataDir, int port) {
        try {
            Path jar = Path.of(System.getProperty("s3proxy.jar", "target/s3proxy/s3proxy-2.7.0-jar-with-dependencies.jar"));
            if (!Files.isRegularFile(jar)) {
                throw new IllegalStateException("s3proxy jar missing at " + jar + " (run the build's process-test-resources)");
            }
            int chosen = port == 0 ? freePort() : port;
            Path objects = Files.createDirectories(dataDir.resolve("objects"));
            Path properties = dataDir.resolve("s3proxy.conf");
            Files.writeString(properties, String.join("\n",
                    "s3proxy.endpoint=http://127.0.0.1:" + chosen,
                    "s3proxy.authorization=aws-v2-or-v4",
                    "s3proxy.identity=" + ACCESS_KEY,
                    "s3proxy.credential=" + SECRET_KEY,
                    "jclouds.provider=filesystem",
                    "jclouds.filesystem.basedir=" + objects.toAbsolutePath()) + "\n");
            String java = ProcessHandle.current().info().command().orElse("java");
            Process process = new ProcessBuilder(List.of(java, "-Xmx256m", "-jar", jar.toAbsolutePath().toString(),
                    "--properties", properties.toAbsolutePath().toString()))
                    .redirectErrorStream(true)
                    .redirectOutput(dataDir.resolve("s3proxy.log").toFile())
                    .start();
            S3ProxyServer server = new S3ProxyServer(URI.create("http://127.0.0.1:" + chosen), process);
            server.awaitReady();
            return server;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void awaitReady() {
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        long deadline = System.nanoTime() + STARTUP.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("s3proxy exited with " + process.exitValue());
            }
            try {
                // Unsigned: 403 means it is up and checking signatures.
                int status = client.send(HttpRequest.newBuilder(endpoint).GET().build(), HttpResponse.BodyHandlers.discarding())
                        .statusCode();
                if (status > 0) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        close();
        throw new IllegalStateException("s3proxy did not start within " + STARTUP);
    }

    public URI endpoint() {
        return endpoint;
    }

    /** dicomgate's configuration for a bucket on this server. */
    public Map<String, String> storageConfig(String bucket) {
        return Map.of("dicomgate.storage.type", "s3",
                "dicomgate.storage.s3.endpoint", endpoint.toString(),
                "dicomgate.storage.s3.bucket", bucket,
                "dicomgate.storage.s3.access-key-id", ACCESS_KEY,
                "dicomgate.storage.s3.secret-access-key", SECRET_KEY);
    }

    /** Stops the process at once, as a crash would. */
    public void kill() {
        process.destroyForcibly();
    }

    @Override
    public void close() {
        Processes.stop(process);
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
