package io.dicomgate.wado;

import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayInputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.DicomInputStream;
import com.pixelmed.dicom.TagFromName;

import io.dicomgate.testsupport.Api;
import io.dicomgate.testsupport.DicomFixtures;
import io.dicomgate.testsupport.MultipartParts;
import io.dicomgate.testsupport.PostgresTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;

/** WADO-RS (PS3.18 §10.4): instances, metadata, bulk data and frames, round-tripped through STOW-RS. */
@QuarkusTest
@QuarkusTestResource(PostgresTestResource.class)
class WadoTest {

    private static final String ANY_TS = "multipart/related; type=\"application/dicom\"; transfer-syntax=*";

    private static String instancePath(DicomFixtures.Builder b) {
        return "/dicomweb/studies/" + b.studyUid() + "/series/" + b.seriesUid() + "/instances/" + b.sopUid();
    }

    @Test
    void studySeriesAndInstanceRetrieveAreByteIdenticalAndComplete() {
        var a = DicomFixtures.instance();
        var b = DicomFixtures.instance().inSeriesOf(a).instanceNumber(2);
        var c = DicomFixtures.instance().inStudyOf(a).seriesNumber(2).transferSyntax(DicomFixtures.JPEG_BASELINE);
        byte[][] sent = { a.bytes(), b.bytes(), c.bytes() };
        Api.store(sent).then().statusCode(200);

        List<MultipartParts.Part> study = MultipartParts.parse(Api.as(Api.ADMIN).accept(ANY_TS)
                .get("/dicomweb/studies/" + a.studyUid()).then().statusCode(200)
                .header("Content-Type", startsWith("multipart/related; type=\"application/dicom\"")).extract().response());
        assertEquals(3, study.size());
        for (int i = 0; i < 3; i++) {
            assertArrayEquals(sent[i], study.get(i).body(), "part " + i);
        }
        List<MultipartParts.Part> series = MultipartParts.parse(Api.as(Api.ADMIN).accept(ANY_TS)
                .get("/dicomweb/studies/" + a.studyUid() + "/series/" + a.seriesUid()));
        assertEquals(2, series.size());
        List<MultipartParts.Part> instance = MultipartParts.parse(Api.as(Api.ADMIN).accept(ANY_TS).get(instancePath(b)));
        assertEquals(1, instance.size());
        assertArrayEquals(sent[1], instance.get(0).body());
    }

    @Test
    void defaultTransferSyntaxIsExplicitLittleEndianTranscodedFromNative() throws Exception {
        var a = DicomFixtures.instance().transferSyntax(DicomFixtures.IMPLICIT_LE);
        Api.store(a.bytes()).then().statusCode(200);
        List<MultipartParts.Part> parts = MultipartParts.parse(Api.as(Api.ADMIN)
                .accept("multipart/related; type=\"application/dicom\"").get(instancePath(a)).then().statusCode(200)
                .extract().response());
        assertEquals(DicomFixtures.EXPLICIT_LE, parts.get(0).transferSyntax());
        AttributeList list = new AttributeList();
        list.read(new DicomInputStream(new ByteArrayInputStream(parts.get(0).body())));
        assertEquals(DicomFixtures.EXPLICIT_LE, list.get(TagFromName.TransferSyntaxUID).getSingleStringValueOrNull());
        assertEquals(a.sopUid(), list.get(TagFromName.SOPInstanceUID).getSingleStringValueOrNull());
        short[] pixels = list.get(TagFromName.PixelData).getShortValues();
        assertEquals(DicomFixtures.Builder.pixel(0, 3, 5), pixels[3 * 8 + 5]);
    }

    @Test
    void compressedInstanceIsDecodedOnlyWhenExplicitLittleEndianIsAsked() {
        var a = DicomFixtures.instance().transferSyntax(DicomFixtures.JPEG_BASELINE);
        Api.store(a.bytes()).then().statusCode(200);
        Api.as(Api.ADMIN).accept("multipart/related; type=\"application/dicom\"; transfer-syntax=1.2.840.10008.1.2.1")
                .get(instancePath(a)).then().statusCode(200);
        Api.as(Api.ADMIN).accept("multipart/related; type=\"application/dicom\"; transfer-syntax=1.2.840.10008.1.2.4.80")
                .get(instancePath(a)).then().statusCode(406);
        Api.as(Api.ADMIN).accept("multipart/related; type=\"application/dicom\"; transfer-syntax=1.2.840.10008.1.2.4.50")
                .get(instancePath(a)).then().statusCode(200);
        // Several acceptable types with q-values: the first feasible one wins.
        Api.as(Api.ADMIN).accept("multipart/related; type=\"application/dicom\"; transfer-syntax=1.2.840.10008.1.2.1,"
                + " multipart/related; type=\"application/dicom\"; transfer-syntax=*; q=0.5")
                .get(instancePath(a)).then().statusCode(200);
        Api.as(Api.ADMIN).accept("image/png").get(instancePath(a)).then().statusCode(406);
    }

    @Test
    void acceptQueryParameterOverridesHeader() {
        var a = DicomFixtures.instance();
        Api.store(a.bytes()).then().statusCode(200);
        Api.as(Api.ADMIN).accept("application/*").queryParam("accept", ANY_TS).get(instancePath(a)).then().statusCode(200);
        // A rendered type in the header and a DICOM type in the parameter are one mixed set: 400 (PS3.18 §8.7.5).
        Api.as(Api.ADMIN).accept("image/png").queryParam("accept", ANY_TS).get(instancePath(a)).then().statusCode(400);
    }

    @Test
    void metadataCarriesBulkDataUrisThatResolve() {
        var a = DicomFixtures.instance().size(4, 4);
        Api.store(a.bytes()).then().statusCode(200);
        Response r = Api.as(Api.ADMIN).get("/dicomweb/studies/" + a.studyUid() + "/metadata");
        r.then().statusCode(200).contentType("application/dicom+json").body("$", hasSize(1))
                .body("[0].'00080018'.Value[0]", equalTo(a.sopUid()))
                .body("[0].'00100010'.Value[0].Alphabetic", equalTo("Doe^Jane"))
                .body("[0].'00280010'.Value[0]", equalTo(4))
                .body("[0].'7FE00010'.vr", equalTo("OW"))
                .body("[0].'7FE00010'", not(org.hamcrest.Matchers.hasKey("InlineBinary")));
        String uri = JsonPath.from(r.asString()).getString("[0].'7FE00010'.BulkDataURI");
        org.junit.jupiter.api.Assertions.assertTrue(uri.startsWith("http://"), uri);
        String path = uri.substring(uri.indexOf("/dicomweb/"));
        List<MultipartParts.Part> parts = MultipartParts.parse(Api.as(Api.ADMIN).get(path).then().statusCode(200)
                .extract().response());
        assertEquals(1, parts.size());
        byte[] value = parts.get(0).body();
        assertEquals(4 * 4 * 2, value.length);
        assertEquals(DicomFixtures.Builder.pixel(0, 2, 3),
                ByteBuffer.wrap(value).order(ByteOrder.LITTLE_ENDIAN).getShort((2 * 4 + 3) * 2));
        Api.as(Api.ADMIN).get("/dicomweb/studies/" + a.studyUid() + "/series/" + a.seriesUid() + "/metadata").then()
                .statusCode(200).body("$", hasSize(1));
        Api.as(Api.ADMIN).get(instancePath(a) + "/metadata").then().statusCode(200).body("$", hasSize(1));
    }

    /**
     * The metadata of a study larger than one page ({@link io.dicomgate.index.StudyMetadata#PAGE}) is read
     * page by page: every instance once, in series number then instance number order, whatever order
     * they were stored in, with the page boundary inside a series and series sharing instance numbers.
     */
    @Test
    void metadataOfAStudyLargerThanAPageIsCompleteAndOrdered() {
        int perSeries = io.dicomgate.index.StudyMetadata.PAGE / 2 + 30;
        var first = DicomFixtures.instance().size(2, 2).seriesNumber(7).instanceNumber(perSeries);
        var second = DicomFixtures.instance().size(2, 2).inStudyOf(first).seriesNumber(3).instanceNumber(perSeries);
        List<String> expected = new java.util.ArrayList<>();
        List<byte[]> batch = new java.util.ArrayList<>();
        for (var series : List.of(first, second)) {
            // Stored from the last instance number down, series 7 before series 3.
            for (int n = perSeries; n >= 1; n--) {
                var b = n == perSeries ? series : DicomFixtures.instance().size(2, 2).inSeriesOf(series).instanceNumber(n);
                batch.add(b.bytes());
                if (batch.size() == 30) {
                    Api.store(batch.toArray(byte[][]::new)).then().statusCode(200);
                    batch.clear();
                }
            }
        }
        Api.store(batch.toArray(byte[][]::new)).then().statusCode(200);
        for (int series : new int[] {3, 7}) {
            for (int n = 1; n <= perSeries; n++) {
                expected.add(series + "/" + n);
            }
        }
        JsonPath json = JsonPath.from(Api.as(Api.ADMIN).get("/dicomweb/studies/" + first.studyUid() + "/metadata")
                .then().statusCode(200).extract().asString());
        List<List<Integer>> seriesNumbers = json.getList("'00200011'.Value");
        List<List<Integer>> instanceNumbers = json.getList("'00200013'.Value");
        List<String> got = new java.util.ArrayList<>();
        for (int i = 0; i < seriesNumbers.size(); i++) {
            got.add(seriesNumbers.get(i).get(0) + "/" + instanceNumbers.get(i).get(0));
        }
        assertEquals(expected, got);
        List<List<String>> sopUids = json.getList("'00080018'.Value");
        assertEquals(2 * perSeries, sopUids.stream().map(v -> v.get(0)).distinct().count());
        // One series of the study: its own instances only.
        Api.as(Api.ADMIN).get("/dicomweb/studies/" + first.studyUid() + "/series/" + first.seriesUid() + "/metadata")
                .then().statusCode(200).body("$", hasSize(perSeries))
                .body("'00200011'.Value.flatten()", org.hamcrest.Matchers.everyItem(equalTo(7)));
    }

    @ParameterizedTest
    @ValueSource(strings = { DicomFixtures.EXPLICIT_LE, DicomFixtures.IMPLICIT_LE, DicomFixtures.EXPLICIT_BE })
    void nativeFramesInRequestedOrder(String transferSyntax) {
        var a = DicomFixtures.instance().frames(4).size(6, 5).transferSyntax(transferSyntax);
        Api.store(a.bytes()).then().statusCode(200);
        List<MultipartParts.Part> parts = MultipartParts.parse(Api.as(Api.ADMIN)
                .accept("multipart/related; type=\"application/octet-stream\"")
                .get(instancePath(a) + "/frames/3,1").then().statusCode(200).extract().response());
        assertEquals(2, parts.size());
        int[] frames = { 2, 0 };
        for (int p = 0; p < 2; p++) {
            byte[] frame = parts.get(p).body();
            assertEquals(6 * 5 * 2, frame.length);
            ByteBuffer le = ByteBuffer.wrap(frame).order(ByteOrder.LITTLE_ENDIAN);
            assertEquals(DicomFixtures.Builder.pixel(frames[p], 4, 2), le.getShort((4 * 5 + 2) * 2), "frame " + p);
        }
    }

    @Test
    void encapsulatedFramesAreTheStoredJpegBitstreams() throws Exception {
        var a = DicomFixtures.instance().frames(3).size(16, 16).transferSyntax(DicomFixtures.JPEG_BASELINE);
        Api.store(a.bytes()).then().statusCode(200);
        List<MultipartParts.Part> parts = MultipartParts.parse(Api.as(Api.ADMIN)
                .accept("multipart/related; type=\"application/octet-stream\"; transfer-syntax=*")
                .get(instancePath(a) + "/frames/2").then().statusCode(200).extract().response());
        assertEquals(1, parts.size());
        assertEquals(DicomFixtures.JPEG_BASELINE, parts.get(0).transferSyntax());
        var image = javax.imageio.ImageIO.read(new ByteArrayInputStream(parts.get(0).body()));
        int v = image.getRaster().getSample(7, 3, 0);
        org.junit.jupiter.api.Assertions.assertTrue(Math.abs(v - DicomFixtures.Builder.pixel(1, 3, 7)) <= 8,
                "decoded pixel " + v);
        Api.as(Api.ADMIN).accept("multipart/related; type=\"image/jpeg\"").get(instancePath(a) + "/frames/1")
                .then().statusCode(200);
        // Uncompressed frames are decoded (TranscodeTest checks the values); JPEG-LS is not offered.
        Api.as(Api.ADMIN).accept("multipart/related; type=\"application/octet-stream\"")
                .get(instancePath(a) + "/frames/1").then().statusCode(200);
        Api.as(Api.ADMIN).accept("multipart/related; type=\"image/jls\"")
                .get(instancePath(a) + "/frames/1").then().statusCode(406);
    }

    @Test
    void framesBeyondTheLastAre404AndMalformedListsAre400() {
        var a = DicomFixtures.instance().frames(2);
        Api.store(a.bytes()).then().statusCode(200);
        Api.as(Api.ADMIN).get(instancePath(a) + "/frames/3").then().statusCode(404);
        Api.as(Api.ADMIN).get(instancePath(a) + "/frames/0").then().statusCode(400);
        Api.as(Api.ADMIN).get(instancePath(a) + "/frames/1,x").then().statusCode(400);
        Api.as(Api.ADMIN).get(instancePath(a) + "/bulkdata/nothex").then().statusCode(400);
    }

    @Test
    void unknownUidsAre404AndMalformedUidsAre400() {
        var a = DicomFixtures.instance();
        Api.store(a.bytes()).then().statusCode(200);
        String unknown = DicomFixtures.uid();
        Api.as(Api.ADMIN).get("/dicomweb/studies/" + unknown).then().statusCode(404);
        Api.as(Api.ADMIN).get("/dicomweb/studies/" + unknown + "/metadata").then().statusCode(404);
        Api.as(Api.ADMIN).get("/dicomweb/studies/" + a.studyUid() + "/series/" + unknown).then().statusCode(404);
        Api.as(Api.ADMIN).get("/dicomweb/studies/" + a.studyUid() + "/series/" + a.seriesUid() + "/instances/"
                + unknown + "/frames/1").then().statusCode(404);
        Api.as(Api.ADMIN).get("/dicomweb/studies/1.2.x").then().statusCode(400);
        Api.as(Api.ADMIN).get("/dicomweb/studies/" + a.studyUid() + "/series/01.2/metadata").then().statusCode(400);
    }
}
