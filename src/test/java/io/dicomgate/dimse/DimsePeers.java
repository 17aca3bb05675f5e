package io.dicomgate.dimse;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import io.dicomgate.testsupport.Certificates;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * The DICOM listener of the tests: TLS with client certificates required and plain TCP, each on a free
 * loopback port, with certificates made by {@code keytool} at each start under {@code target/dimse-tls/}
 * (no private key is committed): ours, a modality's that our trust store holds, and a rogue one it does
 * not. The PEM files are what dcmtk's {@code +tls} options read.
 *
 * <p>Allow-list: CT1 and ORTHANC from 127.0.0.1; FARAWAY only from 10.9.9.9; LOOP2 only from 127.0.0.2;
 * GATEWAY from 127.0.0.1 with a JWT (User Identity Negotiation) required.
 */
public class DimsePeers implements QuarkusTestResourceLifecycleManager {

    static final Path DIR = Path.of("target", "dimse-tls").toAbsolutePath();
    static final Path SERVER_CERT = DIR.resolve("server.crt");
    static final Path CLIENT_CERT = DIR.resolve("client.crt");
    static final Path CLIENT_KEY = DIR.resolve("client.key");
    static final Path ROGUE_CERT = DIR.resolve("rogue.crt");
    static final Path ROGUE_KEY = DIR.resolve("rogue.key");
    static final String AE = "DICOMGATE";
    static final long MAX_OBJECT = 4 * 1024 * 1024;

    @Override
    public Map<String, String> start() {
        String password = UUID.randomUUID().toString();
        try {
            if (Files.exists(DIR)) {
                try (var files = Files.walk(DIR)) {
                    for (Path f : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                        Files.delete(f);
                    }
                }
            }
            Files.createDirectories(DIR);
            Path server = Certificates.generate(DIR, "server", "CN=localhost", "dns:localhost,ip:127.0.0.1", password,
                    false).keyStore();
            Certificates.KeyPair client = Certificates.generate(DIR, "client", "CN=CT1", null, password, true);
            Certificates.generate(DIR, "rogue", "CN=CT1", null, password, true);
            Path trust = Certificates.trustStore(DIR, "trust", password, client.certificate());
            Map<String, String> config = new HashMap<>();
            config.put("dicomgate.dimse.enabled", "true");
            config.put("dicomgate.dimse.ae-title", AE);
            config.put("dicomgate.dimse.port", Integer.toString(freePort()));
            config.put("dicomgate.dimse.plain-tcp", "true");
            config.put("dicomgate.dimse.plain-port", Integer.toString(freePort()));
            config.put("dicomgate.dimse.tls.key-store", server.toString());
            config.put("dicomgate.dimse.tls.key-store-password", password);
            config.put("dicomgate.dimse.tls.trust-store", trust.toString());
            config.put("dicomgate.dimse.tls.trust-store-password", password);
            config.put("dicomgate.dimse.tls.client-auth-required", "true");
            config.put("dicomgate.dimse.max-object-size", Long.toString(MAX_OBJECT));
            config.put("dicomgate.dimse.idle-timeout", "PT30S");
            allow(config, "CT1", "127.0.0.1", "modality:CT1");
            allow(config, "ORTHANC", "127.0.0.0/30", "gateway:orthanc");
            allow(config, "FARAWAY", "10.9.9.9", "modality:far");
            allow(config, "LOOP2", "127.0.0.2/32", "modality:loop2");
            allow(config, "GATEWAY", "127.0.0.1", "gateway:jwt");
            config.put("dicomgate.dimse.allow.GATEWAY.require-user-identity", "true");
            return config;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void allow(Map<String, String> config, String ae, String addresses, String identity) {
        config.put("dicomgate.dimse.allow." + ae + ".addresses", addresses);
        config.put("dicomgate.dimse.allow." + ae + ".identity", identity);
    }

    @Override
    public void stop() {
        // the files stay under target/ for inspection; the next start replaces them
    }

    /** A finished process: exit code and merged output. */
    record Result(int exit, String output) {
    }

    static Result run(List<String> command, int timeoutSeconds) {
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            process.getOutputStream().close();
            ByteArrayOutputStream output = new ByteArrayOutputStream();
            Thread reader = Thread.ofVirtual().start(() -> {
                try {
                    process.getInputStream().transferTo(output);
                } catch (IOException e) {
                    // process gone
                }
            });
            if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
            reader.join();
            return new Result(process.exitValue(), output.toString(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
