package io.dicomgate.web;

import java.util.Map;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.RestAssured;

/** Forwarded headers from an address that is not a trusted proxy are ignored. */
@QuarkusTest
@TestProfile(UntrustedProxyTest.OtherProxy.class)
class UntrustedProxyTest {

    public static class OtherProxy extends PublicUrlTest.Profile {
        @Override
        Map<String, String> overrides() {
            return PublicUrlTest.forwardingFrom("10.9.9.9");
        }
    }

    @Test
    void forwardedHeadersOfAnyoneElseAreIgnored() {
        PublicUrlTest.studyRetrieveUrlStartsWith(PublicUrlTest.forwarded(), "http://localhost:" + RestAssured.port);
    }
}
