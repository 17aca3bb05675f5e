package io.dicomgate.web;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.emptyString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import io.dicomgate.testsupport.Api;
import io.dicomgate.testsupport.DicomFixtures;
import io.dicomgate.testsupport.PostgresTestResource;
import io.dicomgate.testsupport.TestTokens;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;

/** PS3.18 §8.9 Retrieve Capabilities (OPTIONS) and HEAD on the retrieve resources. */
@QuarkusTest
@QuarkusTestResource(PostgresTestResource.class)
class CapabilitiesTest {

    @ParameterizedTest(name = "OPTIONS {0} → Allow {1}")
    @CsvSource(delimiter = '|', value = {
            "/dicomweb|OPTIONS|<resource path=\"\">",
            "/dicomweb/studies|GET, POST, HEAD, OPTIONS|<resource path=\"studies\">",
            "/dicomweb/studies/1.2.3|GET, POST, HEAD, OPTIONS|<resource path=\"studies/1.2.3\">",
            "/dicomweb/studies/1.2.3/series/4.5/instances/6.7/frames/1,2|GET, HEAD, OPTIONS|<resource path=\"studies/1.2.3/series/4.5/instances/6.7/frames/1,2\">",
            "/dicomweb/series|GET, HEAD, OPTIONS|<resource path=\"series\">",
    })
    void capabilitiesNeedNoTokenAndDescribeTheTargetResource(String path, String allow, String fragment) {
        given().accept("application/vnd.sun.wadl+xml").options(path).then().statusCode(200)
                .contentType(containsString("application/vnd.sun.wadl+xml")).header("Allow", equalTo(allow))
                .body(containsString("<resources base=\"http://"), containsString(fragment),
                        containsString("<application xmlns=\"http://wadl.dev.java.net/2009/02\">"));
    }

    @Test
    void serviceDescriptionListsEveryResource() {
        String wadl = given().options("/dicomweb").then().statusCode(200).extract().asString();
        for (String resource : new String[] { "studies", "{study}", "metadata", "series", "{series}", "instances",
                "{instance}", "bulkdata", "{tag}", "frames", "{frameList}" }) {
            org.junit.jupiter.api.Assertions.assertTrue(wadl.contains("path=\"" + resource + "\""), resource);
        }
    }

    @Test
    void capabilitiesRevealNothingAboutStoredData() {
        var a = DicomFixtures.instance();
        Api.store(a.bytes()).then().statusCode(200);
        String known = given().options("/dicomweb/studies/" + a.studyUid()).then().statusCode(200).extract().asString();
        String unknown = given().options("/dicomweb/studies/" + DicomFixtures.uid()).then().statusCode(200).extract()
                .asString();
        assertEquals(known.replace(a.studyUid(), "X"), unknown.replaceAll("studies/[0-9.]+\"", "studies/X\""));
    }

    @Test
    void unknownResourcesAre404AndOtherMediaTypes406() {
        given().options("/dicomweb/nothing").then().statusCode(404);
        given().accept("application/json").options("/dicomweb").then().statusCode(406);
        // Only OPTIONS is open: every other method still needs a token.
        given().get("/dicomweb/studies").then().statusCode(401);
    }

    @Test
    void headAnswersLikeGetWithoutABodyAndWithTheSameAccessRules() {
        var a = DicomFixtures.instance();
        Api.store(a.bytes()).then().statusCode(200);
        String path = "/dicomweb/studies/" + a.studyUid() + "/series/" + a.seriesUid() + "/instances/" + a.sopUid();
        Response get = Api.as(Api.ADMIN).accept("application/dicom").get(path);
        Response head = Api.as(Api.ADMIN).accept("application/dicom").head(path);
        head.then().statusCode(200).body(emptyString());
        assertEquals(get.contentType(), head.contentType());
        Api.as(Api.ADMIN).head(path + "/metadata").then().statusCode(200).contentType("application/dicom+json");
        Api.as(Api.ADMIN).accept("multipart/related; type=\"application/octet-stream\"").head(path + "/frames/1")
                .then().statusCode(200).contentType(containsString("multipart/related"));
        // No token: 401; a clinician without consent: the same 404 as an unknown study.
        given().head(path).then().statusCode(401);
        String stranger = TestTokens.user("dr.stranger", "clinician");
        Api.as(stranger).head(path).then().statusCode(404);
        Api.as(Api.ADMIN).head("/dicomweb/studies/" + DicomFixtures.uid()).then().statusCode(404);
        Api.as(Api.ADMIN).accept("image/png").head(path).then().statusCode(406).header("Content-Type", not(
                containsString("dicom")));
    }
}
