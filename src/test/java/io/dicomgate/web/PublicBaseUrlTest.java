package io.dicomgate.web;

import java.util.Map;

import org.junit.jupiter.api.Test;

import io.dicomgate.testsupport.Api;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

/** A configured public base URL wins over the Host header and over forwarded headers. */
@QuarkusTest
@TestProfile(PublicBaseUrlTest.Configured.class)
class PublicBaseUrlTest {

    public static class Configured extends PublicUrlTest.Profile {
        @Override
        Map<String, String> overrides() {
            return Map.of(DicomWebPaths.PUBLIC_BASE_URL, "https://images.hospital.example/pacs/");
        }
    }

    @Test
    void retrieveUrlsUseTheConfiguredBaseWhateverTheHostHeaderSays() {
        PublicUrlTest.studyRetrieveUrlStartsWith(Api.as(Api.ADMIN).header("Host", "evil.example"),
                "https://images.hospital.example/pacs");
        PublicUrlTest.studyRetrieveUrlStartsWith(PublicUrlTest.forwarded(), "https://images.hospital.example/pacs");
    }
}
