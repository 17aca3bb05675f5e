package io.dicomgate.dimse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.dicomgate.testsupport.DicomFixtures;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

/**
 * Debian's Orthanc as a DICOM peer that stores to dicomgate (a gateway or an old PACS forwarding to
 * it): started as a process with {@code DicomModalities} naming our TLS port (Orthanc's DICOM TLS,
 * {@code UseDicomTls}, with the modality certificate our trust store holds) and our plain port, then
 * asked through its REST API ({@code POST /modalities/<name>/store}) to C-STORE an instance.
 */
@QuarkusTest
@TestProfile(DimseStoreScpTest.Listener.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OrthancToDimseTest {

    static final Path ORTHANC = Path.of("/usr/sbin/Orthanc");

    @ConfigProperty(name = "dicomgate.dimse.port")
    int tlsPort;

    @ConfigProperty(name = "dicomgate.dimse.plain-port")
    int plainPort;

    private Process orthanc;
    private int httpPort;

    @BeforeAll
    void startOrthanc() throws Exception {
        assertTrue(Files.isExecutable(ORTHANC), "Debian's orthanc package is installed (bin/setup)");
        Path dir = Files.createTempDirectory(DimsePeers.DIR, "orthanc");
        httpPort = DimsePeers.freePort();
        Path config = dir.resolve("orthanc.json");
        Files.writeString(config, """
                {
                  "Name": "dicomgate-dimse-test",
                  "StorageDirectory": "%1$s",
                  "IndexDirectory": "%1$s",
                  "HttpPort": %2$d,
                  "DicomPort": %3$d,
                  "DicomAet": "ORTHANC",
                  "RemoteAccessAllowed": false,
                  "AuthenticationEnabled": false,
                  "DicomTlsEnabled": true,
                  "DicomTlsCertificate": "%4$s",
                  "DicomTlsPrivateKey": "%5$s",
                  "DicomTlsTrustedCertificates": "%6$s",
                  "DicomTlsRemoteCertificateRequired": true,
                  "DicomModalities": {
                    "dicomgate-tls": { "AET": "DICOMGATE", "Host": "127.0.0.1", "Port": %7$d, "UseDicomTls": true },
                    "dicomgate-plain": [ "DICOMGATE", "127.0.0.1", %8$d ]
                  }
                }
                """.formatted(dir.toAbsolutePath(), httpPort, DimsePeers.freePort(), DimsePeers.CLIENT_CERT,
                DimsePeers.CLIENT_KEY, DimsePeers.SERVER_CERT, tlsPort, plainPort));
        orthanc = new ProcessBuilder(ORTHANC.toString(), config.toString()).redirectErrorStream(true)
                .redirectOutput(dir.resolve("orthanc.log").toFile()).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            assertTrue(orthanc.isAlive(), "Orthanc exited; see " + dir.resolve("orthanc.log"));
            try {
                if (get("/system").statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException("Orthanc did not start; see " + dir.resolve("orthanc.log"));
    }

    @AfterAll
    void stopOrthanc() throws InterruptedException {
        if (orthanc != null) {
            orthanc.destroy();
            if (!orthanc.waitFor(10, TimeUnit.SECONDS)) {
                orthanc.destroyForcibly();
            }
        }
    }

    /** {@code dicomgate-tls}: Orthanc's DICOM TLS with its modality certificate; {@code dicomgate-plain}: plain TCP. */
    @ParameterizedTest
    @ValueSource(strings = { "dicomgate-tls", "dicomgate-plain" })
    void orthancStoresToDicomgate(String modality) throws Exception {
        DicomFixtures.Builder instance = DicomFixtures.instance().patient("ORTHANC-" + modality, "Gateway^Orthanc");
        HttpResponse<String> sent = storeThroughOrthanc(instance, modality);
        assertEquals(200, sent.statusCode(), sent.body());
        assertEquals(1, DimseStoreScpTest.studies(instance.studyUid()));
    }

    private HttpResponse<String> storeThroughOrthanc(DicomFixtures.Builder instance, String modality)
            throws IOException, InterruptedException {
        HttpResponse<String> uploaded = http().send(HttpRequest.newBuilder(url("/instances"))
                .POST(HttpRequest.BodyPublishers.ofByteArray(instance.bytes())).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, uploaded.statusCode(), uploaded.body());
        String id = uploaded.body().replaceAll("(?s).*\"ID\"\\s*:\\s*\"([^\"]+)\".*", "$1");
        return http().send(HttpRequest.newBuilder(url("/modalities/" + modality + "/store"))
                .POST(HttpRequest.BodyPublishers.ofString(id)).timeout(Duration.ofSeconds(60)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return http().send(HttpRequest.newBuilder(url(path)).timeout(Duration.ofSeconds(5)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** A client per request: Orthanc closes idle keep-alive connections, and a reused one would fail. */
    private static HttpClient http() {
        return HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    }

    private URI url(String path) {
        return URI.create("http://127.0.0.1:" + httpPort + path);
    }
}
