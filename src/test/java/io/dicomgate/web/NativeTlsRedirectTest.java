package io.dicomgate.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.URL;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import io.dicomgate.testsupport.PostgresTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/**
 * {@code quarkus.http.insecure-requests=redirect} (README, "Native TLS"): plain HTTP answers only
 * with a redirect to the same path over HTTPS, never with content.
 */
@QuarkusTest
@TestProfile(NativeTlsRedirectTest.Redirect.class)
class NativeTlsRedirectTest {

    @TestHTTPResource(value = "/", tls = true)
    URL https;

    @ConfigProperty(name = "quarkus.http.test-port")
    int httpPort;

    public static class Redirect implements QuarkusTestProfile {
        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(PostgresTestResource.class),
                    new TestResourceEntry(NativeTlsTest.SelfSignedCertificate.class));
        }

        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("quarkus.http.insecure-requests", "redirect");
        }
    }

    @Test
    void plainHttpOnlyRedirectsToTheSamePathOverHttps() throws Exception {
        String path = "/dicomweb/studies?PatientID=X";
        String answer = NativeTlsTest.plainRequest(httpPort, path);
        assertTrue(answer.startsWith("HTTP/1.1 301 "), answer);
        String location = "https://localhost:" + https.getPort() + path;
        assertTrue(answer.contains("\r\nLocation: " + location + "\r\n"), answer);
        assertTrue(answer.endsWith("\r\n\r\n"), "a body in the redirect: " + answer);

        HttpResponse<Void> followed = NativeTlsTest.trustingClient().send(HttpRequest.newBuilder(URI.create(location))
                .header("Accept", "application/dicom+json").build(), HttpResponse.BodyHandlers.discarding());
        assertEquals(401, followed.statusCode());
    }
}
