package io.dicomgate.web;

import static org.hamcrest.Matchers.startsWith;

import java.util.List;
import java.util.Map;

import io.dicomgate.testsupport.Api;
import io.dicomgate.testsupport.DicomFixtures;
import io.dicomgate.testsupport.Multipart;
import io.dicomgate.testsupport.PostgresTestResource;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.restassured.specification.RequestSpecification;

/**
 * Where RetrieveURLs point (README, "Behind a proxy"): the configured public base URL over any Host
 * header; forwarded headers only from trusted proxies. Each profile is its own test class below.
 */
final class PublicUrlTest {

    private PublicUrlTest() {
    }

    /** A STOW whose response's study RetrieveURL (0008,1190) must start with {@code expected}. */
    static void studyRetrieveUrlStartsWith(RequestSpecification request, String expected) {
        DicomFixtures.Builder instance = DicomFixtures.instance();
        request.contentType(Multipart.DICOM_TYPE).accept("application/dicom+json")
                .body(Multipart.of(instance.bytes()).bytes()).post("/dicomweb/studies")
                .then().statusCode(200)
                .body("'00081190'.Value[0]", startsWith(expected + "/dicomweb/studies/" + instance.studyUid()));
    }

    static RequestSpecification forwarded() {
        return Api.as(Api.ADMIN).header("X-Forwarded-Proto", "https").header("X-Forwarded-Host", "pacs.example.org")
                .header("X-Forwarded-Prefix", "/imaging");
    }

    /** Forwarded headers enabled, trusted only from {@code trustedProxies}. */
    static Map<String, String> forwardingFrom(String trustedProxies) {
        return Map.of("quarkus.http.proxy.proxy-address-forwarding", "true",
                "quarkus.http.proxy.allow-x-forwarded", "true",
                "quarkus.http.proxy.enable-forwarded-host", "true",
                "quarkus.http.proxy.enable-forwarded-prefix", "true",
                "quarkus.http.proxy.trusted-proxies", trustedProxies);
    }

    /** Base profile: the test database plus {@code overrides}. */
    abstract static class Profile implements QuarkusTestProfile {
        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(PostgresTestResource.class));
        }

        abstract Map<String, String> overrides();

        @Override
        public Map<String, String> getConfigOverrides() {
            return overrides();
        }
    }
}
