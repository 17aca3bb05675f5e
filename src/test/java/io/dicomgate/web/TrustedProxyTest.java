package io.dicomgate.web;

import java.util.Map;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

/** Behind a trusted TLS-terminating proxy, RetrieveURLs carry the forwarded scheme, host and prefix. */
@QuarkusTest
@TestProfile(TrustedProxyTest.Trusted.class)
class TrustedProxyTest {

    public static class Trusted extends PublicUrlTest.Profile {
        @Override
        Map<String, String> overrides() {
            return PublicUrlTest.forwardingFrom("127.0.0.1,::1");
        }
    }

    @Test
    void forwardedHeadersOfATrustedProxyAreUsed() {
        PublicUrlTest.studyRetrieveUrlStartsWith(PublicUrlTest.forwarded(), "https://pacs.example.org/imaging");
    }
}
