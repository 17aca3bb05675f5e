package io.dicomgate.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.TrustManagerFactory;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import io.dicomgate.testsupport.Api;
import io.dicomgate.testsupport.Certificates;
import io.dicomgate.testsupport.DicomFixtures;
import io.dicomgate.testsupport.Multipart;
import io.dicomgate.testsupport.PostgresTestResource;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/**
 * dicomgate terminating TLS itself (README, "Native TLS"): a self-signed certificate made at test
 * time by the JDK's keytool, served through Quarkus' TLS registry ({@code quarkus.tls.key-store.p12.*})
 * with {@code quarkus.http.insecure-requests=disabled}. A client that trusts the certificate gets the
 * usual answers over HTTPS; plain HTTP gets no answer at all. {@link NativeTlsRedirectTest} covers
 * {@code redirect}.
 */
@QuarkusTest
@TestProfile(NativeTlsTest.HttpsOnly.class)
class NativeTlsTest {

    @TestHTTPResource(value = "/", tls = true)
    URL https;

    public static class HttpsOnly implements QuarkusTestProfile {
        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(PostgresTestResource.class),
                    new TestResourceEntry(SelfSignedCertificate.class));
        }

        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("quarkus.http.insecure-requests", "disabled");
        }
    }

    /** Where plain HTTP would listen: a free port, so that "refused" means dicomgate did not open it. */
    @ConfigProperty(name = "quarkus.http.test-port")
    int httpPort;

    @Test
    void httpsAnswersHealthAndDicomWebWithTheUsualStatuses() throws Exception {
        assertTrue(https.toString().startsWith("https://localhost:"), https.toString());
        HttpClient client = trustingClient();
        assertEquals(200, client.send(get("q/health/live", null), HttpResponse.BodyHandlers.discarding()).statusCode());
        assertEquals(401, client.send(get("dicomweb/studies", null), HttpResponse.BodyHandlers.discarding())
                .statusCode());

        DicomFixtures.Builder instance = DicomFixtures.instance();
        HttpResponse<String> stow = client.send(HttpRequest.newBuilder(https.toURI().resolve("dicomweb/studies"))
                .header("Authorization", "Bearer " + Api.ADMIN).header("Content-Type", Multipart.DICOM_TYPE)
                .header("Accept", "application/dicom+json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(Multipart.of(instance.bytes()).bytes())).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, stow.statusCode(), stow.body());
        // The RetrieveURL names the scheme the client used.
        assertTrue(stow.body().contains("\"" + https + "dicomweb/studies/" + instance.studyUid()), stow.body());
        HttpResponse<String> qido = client.send(get("dicomweb/studies?StudyInstanceUID=" + instance.studyUid(),
                Api.ADMIN), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, qido.statusCode(), qido.body());
    }

    @Test
    void aClientThatDoesNotTrustTheCertificateFailsTheHandshake() {
        HttpClient untrusting = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        assertThrows(SSLHandshakeException.class,
                () -> untrusting.send(get("q/health/live", null), HttpResponse.BodyHandlers.discarding()));
    }

    @Test
    void plainHttpIsNotServed() throws IOException {
        HttpClient plain = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        // No HTTP listener at all: the connection is refused.
        assertThrows(ConnectException.class, () -> plain.send(HttpRequest.newBuilder(
                URI.create("http://localhost:" + httpPort + "/q/health/live")).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.discarding()));
        // Cleartext to the TLS port is no TLS handshake: the server closes the connection without a byte.
        assertEquals("", plainRequest(https.getPort(), "/q/health/live"));
    }

    /** Sends a cleartext HTTP/1.1 GET and returns whatever comes back until the server closes. */
    static String plainRequest(int port, String path) throws IOException {
        try (Socket socket = new Socket("localhost", port)) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: localhost:" + port
                    + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            ByteArrayOutputStream answer = new ByteArrayOutputStream();
            try {
                socket.getInputStream().transferTo(answer);
            } catch (SocketException reset) {
                // a reset is a close too
            }
            return answer.toString(StandardCharsets.US_ASCII);
        }
    }

    private HttpRequest get(String path, String bearer) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(https.toURI().resolve(path)).timeout(Duration.ofSeconds(30))
                .header("Accept", "application/dicom+json");
        if (bearer != null) {
            request.header("Authorization", "Bearer " + bearer);
        }
        return request.GET().build();
    }

    /** An HTTP client whose only trust anchor is the test certificate (and which checks the host name). */
    static HttpClient trustingClient() throws IOException, GeneralSecurityException {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        try (InputStream pem = Files.newInputStream(SelfSignedCertificate.CERTIFICATE)) {
            trust.setCertificateEntry("dicomgate", CertificateFactory.getInstance("X.509").generateCertificate(pem));
        }
        TrustManagerFactory trustManagers = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trustManagers.init(trust);
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(null, trustManagers.getTrustManagers(), null);
        return HttpClient.newBuilder().sslContext(tls).connectTimeout(Duration.ofSeconds(5))
                .followRedirects(HttpClient.Redirect.NEVER).build();
    }

    static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * A self-signed certificate for {@code localhost}/{@code 127.0.0.1}, made by {@code keytool} into
     * {@code target/native-tls/} at each start (no private key is committed), served on a free HTTPS
     * port; plain HTTP is given a free port of its own, where it listens only if told to.
     */
    public static class SelfSignedCertificate implements QuarkusTestResourceLifecycleManager {

        static final Path DIRECTORY = Path.of("target", "native-tls");
        static final Path KEY_STORE = DIRECTORY.resolve("server.p12");
        static final Path CERTIFICATE = DIRECTORY.resolve("server.crt");

        @Override
        public Map<String, String> start() {
            String password = UUID.randomUUID().toString();
            try {
                Files.createDirectories(DIRECTORY);
                Files.deleteIfExists(KEY_STORE);
                Files.deleteIfExists(CERTIFICATE);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            keytool("-genkeypair", "-alias", "dicomgate", "-keyalg", "EC", "-groupname", "secp256r1",
                    "-dname", "CN=localhost", "-ext", "SAN=dns:localhost,ip:127.0.0.1", "-validity", "2",
                    "-storetype", "PKCS12", "-keystore", KEY_STORE.toString(), "-storepass", password);
            keytool("-exportcert", "-rfc", "-alias", "dicomgate", "-keystore", KEY_STORE.toString(), "-storepass",
                    password, "-file", CERTIFICATE.toString());
            // Free ports chosen here rather than 0: with test-ssl-port=0 the redirect of insecure-requests=redirect
            // names an unresolved port (https://localhost:-2/...).
            return Map.of("quarkus.tls.key-store.p12.path", KEY_STORE.toAbsolutePath().toString(),
                    "quarkus.tls.key-store.p12.password", password,
                    "quarkus.http.test-ssl-port", Integer.toString(freePort()),
                    "quarkus.http.test-port", Integer.toString(freePort()));
        }

        @Override
        public void stop() {
            // The files stay under target/ for inspection; the next start replaces them.
        }

        private static void keytool(String... arguments) {
            Certificates.keytool(arguments);
        }
    }
}
