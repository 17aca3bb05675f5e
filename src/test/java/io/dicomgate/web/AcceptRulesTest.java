package io.dicomgate.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import io.dicomgate.testsupport.Api;
import io.dicomgate.testsupport.DicomFixtures;
import io.dicomgate.testsupport.Multipart;
import io.dicomgate.testsupport.PostgresTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * PS3.18 §8.7.5 and §8.7.7 (Accept) and §8.8.4 (Accept-Charset) on every DICOMweb resource family.
 * Sent with java.net.http, which adds no Accept header of its own.
 */
@QuarkusTest
@QuarkusTestResource(PostgresTestResource.class)
class AcceptRulesTest {

    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static DicomFixtures.Builder stored;

    @BeforeEach
    void storeOnce() {
        if (stored == null) {
            var b = DicomFixtures.instance();
            Api.store(b.bytes()).then().statusCode(200);
            stored = b;
        }
    }

    private static String path(String resource) {
        String study = "/dicomweb/studies/" + stored.studyUid();
        String instance = study + "/series/" + stored.seriesUid() + "/instances/" + stored.sopUid();
        return switch (resource) {
            case "search" -> "/dicomweb/studies?StudyInstanceUID=" + stored.studyUid();
            case "metadata" -> study + "/metadata";
            case "instance" -> instance;
            case "study" -> study;
            case "frames" -> instance + "/frames/1";
            case "rendered" -> instance + "/rendered";
            case "thumbnail" -> study + "/thumbnail";
            default -> throw new IllegalArgumentException(resource);
        };
    }

    private static HttpResponse<String> get(String path, String... headers) throws Exception {
        int port = ConfigProvider.getConfig().getValue("quarkus.http.test-port", Integer.class);
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                .header("Authorization", "Bearer " + Api.ADMIN);
        if (headers.length > 0) {
            request.headers(headers);
        }
        return HTTP.send(request.GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    @ParameterizedTest(name = "{0} without Accept → 406 naming {1}")
    @CsvSource(delimiter = '|', value = {
            "search    | application/dicom+json",
            "metadata  | application/dicom+json",
            "instance  | type=\"application/dicom\"",
            "study     | type=\"application/dicom\"",
            "frames    | type=\"application/octet-stream\"",
            "rendered  | image/jpeg",
            "thumbnail | image/jpeg" })
    void aRequestWithoutAcceptIs406NamingTheTypes(String resource, String named) throws Exception {
        HttpResponse<String> r = get(path(resource));
        assertEquals(406, r.statusCode(), r.body());
        assertTrue(r.body().contains("an Accept header is required") && r.body().contains(named), r.body());
        // The accept query parameter does not stand in for the header (§8.7.5).
        String withParam = path(resource) + (path(resource).contains("?") ? "&" : "?") + "accept=application/dicom%2Bjson";
        assertEquals(406, get(withParam).statusCode());
    }

    @Test
    void storeWithoutAcceptIs406BeforeReadingTheBody() throws Exception {
        int port = ConfigProvider.getConfig().getValue("quarkus.http.test-port", Integer.class);
        var b = DicomFixtures.instance();
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/dicomweb/studies"))
                .header("Authorization", "Bearer " + Api.ADMIN).header("Content-Type", Multipart.DICOM_TYPE)
                .POST(HttpRequest.BodyPublishers.ofByteArray(Multipart.of(b.bytes()).bytes())).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(406, r.statusCode(), r.body());
        assertTrue(r.body().contains("application/dicom+json"), r.body());
        Api.as(Api.ADMIN).queryParam("StudyInstanceUID", b.studyUid()).get("/dicomweb/studies").then().statusCode(204);
    }

    @ParameterizedTest(name = "{0} with Accept: {1} → 400")
    @CsvSource(delimiter = '|', value = {
            "search    | application/dicom+json, image/jpeg",
            "metadata  | application/dicom+json, text/html",
            "instance  | multipart/related; type=\"application/dicom\", image/png",
            "study     | application/dicom, application/pdf",
            "rendered  | image/jpeg, application/dicom",
            "thumbnail | image/png, multipart/related; type=\"application/dicom\"" })
    void dicomAndRenderedTypesTogetherAre400(String resource, String accept) throws Exception {
        HttpResponse<String> r = get(path(resource), "Accept", accept);
        assertEquals(400, r.statusCode(), r.body());
        assertTrue(r.body().contains("§8.7.5"), r.body());
    }

    @Test
    void theHeaderAndTheQueryParameterAreOneSetOfAcceptableTypes() throws Exception {
        assertEquals(400, get(path("rendered") + "?accept=image/png", "Accept", "application/dicom").statusCode());
        assertEquals(200, get(path("rendered") + "?accept=image/png", "Accept", "*/*").statusCode());
    }

    @Test
    void singlePartImageTypesAreBulkDataForFramesNotRenderedTypes() throws Exception {
        HttpResponse<String> r = get(path("frames"), "Accept",
                "multipart/related; type=\"application/octet-stream\"; transfer-syntax=*, image/jpeg;q=0.5");
        assertEquals(200, r.statusCode(), r.body());
    }

    @Test
    void whatBrowsersAndCurlSendStillWorks() throws Exception {
        assertEquals(200, get(path("search"), "Accept", "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8")
                .statusCode());
        assertEquals(200, get(path("rendered"), "Accept", "image/avif,image/webp,image/apng,image/*,*/*;q=0.8").statusCode());
        assertEquals(200, get(path("metadata"), "Accept", "*/*").statusCode());
    }

    @ParameterizedTest(name = "Accept-Charset: {0} → {1}")
    @CsvSource(delimiter = '|', value = {
            "ISO-8859-1                 | 400",
            "utf-8;q=0                  | 400",
            "not a charset              | 400",
            "ISO-8859-1, utf-8;q=0.5    | 200",
            "*                          | 200",
            "UTF-8                      | 200",
            "\"ISO_IR 192\"             | 200" })
    void acceptCharsetMustNameUtf8ForTextRepresentations(String charset, int status) throws Exception {
        HttpResponse<String> search = get(path("search"), "Accept", "application/dicom+json", "Accept-Charset", charset);
        assertEquals(status, search.statusCode(), search.body());
        assertEquals(status, get(path("metadata"), "Accept", "application/dicom+json", "Accept-Charset", charset).statusCode());
        if (status == 400) {
            assertTrue(search.body().contains("UTF-8"), search.body());
        }
    }

    @Test
    void acceptCharsetDoesNotApplyToPixelsAndPart10() throws Exception {
        assertNotEquals(400, get(path("instance"), "Accept", "application/dicom", "Accept-Charset", "ISO-8859-1").statusCode());
        assertEquals(200, get(path("rendered"), "Accept", "image/png", "Accept-Charset", "ISO-8859-1").statusCode());
    }
}
