package io.dicomgate.stow;

import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.StringWriter;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.OtherByteAttributeMultipleCompressedFrames;
import com.pixelmed.dicom.TagFromName;

import io.dicomgate.dicom.DicomJsonWriter;
import io.dicomgate.testsupport.Api;
import io.dicomgate.testsupport.DicomFixtures;
import io.dicomgate.testsupport.Multipart;
import io.dicomgate.testsupport.PostgresTestResource;
import io.dicomgate.testsupport.StoredInstances;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;

/** STOW-RS with DICOM JSON metadata and bulk data parts (PS3.18 §10.5.1.2.2). */
@QuarkusTest
@QuarkusTestResource(PostgresTestResource.class)
class StowJsonTest {

    private static final String JSON_TYPE = "multipart/related; type=\"application/dicom+json\"; boundary="
            + Multipart.BOUNDARY;
    private static final String FAILED = "'00081198'.Value";
    private static final String REFERENCED = "'00081199'.Value";
    private static final ObjectMapper MAPPER = new ObjectMapper();

    /** DICOM JSON of the data set, Pixel Data referred to by {@code pixelUri} (or inline when null). */
    private static String metadata(AttributeList list, String pixelUri) throws Exception {
        StringWriter text = new StringWriter();
        try (JsonGenerator gen = MAPPER.getFactory().createGenerator(text)) {
            DicomJsonWriter.writeDataset(gen, list,
                    (tag, vr, length) -> pixelUri != null && tag.equals(TagFromName.PixelData) ? pixelUri : null);
        }
        return text.toString();
    }

    private static Response post(Multipart body) {
        return Api.as(Api.ADMIN).contentType(JSON_TYPE).body(body.bytes()).post("/dicomweb/studies");
    }

    @Test
    void metadataWithAnOctetStreamPixelPartIsStoredAsExplicitLittleEndian() throws Exception {
        var a = DicomFixtures.instance().patient("PID-STOWJSON", "JSON^STOW").size(8, 6).frames(2);
        var b = DicomFixtures.instance().inSeriesOf(a).instanceNumber(2).size(4, 4);
        AttributeList listA = a.attributes();
        AttributeList listB = b.attributes();
        String metadata = "[" + metadata(listA, "urn:uuid:pixels-a") + "," + metadata(listB, "pixels/b") + "]";
        byte[] pixelsA = listA.get(TagFromName.PixelData).getByteValues(false);
        byte[] pixelsB = listB.get(TagFromName.PixelData).getByteValues(false);
        Multipart body = new Multipart()
                .part("application/dicom+json", metadata.getBytes(StandardCharsets.UTF_8))
                .part("application/octet-stream", "urn:uuid:pixels-a", pixelsA)
                .part("application/octet-stream", "pixels/b", pixelsB);
        post(body).then().statusCode(200).contentType("application/dicom+json")
                .body(REFERENCED, hasSize(2))
                .body(REFERENCED + "[0].'00081155'.Value[0]", equalTo(a.sopUid()))
                .body(REFERENCED + "[1].'00081155'.Value[0]", equalTo(b.sopUid()))
                .body("'00081198'", nullValue());
        AttributeList storedA = StoredInstances.retrieve(a);
        assertEquals("1.2.840.10008.1.2.1", Attribute.getSingleStringValueOrNull(storedA, TagFromName.TransferSyntaxUID));
        StoredInstances.assertSameValues(listA, storedA);
        assertArrayEquals(pixelsA, storedA.get(TagFromName.PixelData).getByteValues(false));
        AttributeList storedB = StoredInstances.retrieve(b);
        StoredInstances.assertSameValues(listB, storedB);
        assertArrayEquals(pixelsB, storedB.get(TagFromName.PixelData).getByteValues(false));
        // Frames are served from the assembled file like from any stored instance.
        byte[] frame2 = Api.as(Api.ADMIN).accept("multipart/related; type=\"application/octet-stream\"")
                .get("/dicomweb/studies/" + a.studyUid() + "/series/" + a.seriesUid() + "/instances/" + a.sopUid()
                        + "/frames/2")
                .then().statusCode(200).extract().asByteArray();
        assertEquals(true, new String(frame2, StandardCharsets.ISO_8859_1).contains(
                new String(pixelsA, pixelsA.length / 2, pixelsA.length / 2, StandardCharsets.ISO_8859_1)));
    }

    @Test
    void jpegPixelPartBecomesEncapsulatedJpegBaseline() throws Exception {
        var a = DicomFixtures.instance().patient("PID-STOWJPEG", "JPEG^STOW").size(16, 16)
                .transferSyntax(DicomFixtures.JPEG_BASELINE);
        AttributeList list = a.attributes();
        byte[] jpeg = ((OtherByteAttributeMultipleCompressedFrames) list.get(TagFromName.PixelData)).getFrames()[0];
        list.remove(TagFromName.PixelData);
        String json = metadata(list, null);
        // Pixel Data sorts last, so it is appended as the final member of the object.
        String metadata = "[" + json.substring(0, json.length() - 1)
                + ",\"7FE00010\":{\"vr\":\"OB\",\"BulkDataURI\":\"frames/1\"}}]";
        post(new Multipart().part("application/dicom+json", metadata.getBytes(StandardCharsets.UTF_8))
                .part("image/jpeg", "frames/1", jpeg)).then().statusCode(200).body(REFERENCED, hasSize(1));
        AttributeList stored = StoredInstances.retrieve(a);
        assertEquals(DicomFixtures.JPEG_BASELINE, Attribute.getSingleStringValueOrNull(stored, TagFromName.TransferSyntaxUID));
        byte[] frame = Api.as(Api.ADMIN).accept("multipart/related; type=\"image/jpeg\"")
                .get("/dicomweb/studies/" + a.studyUid() + "/series/" + a.seriesUid() + "/instances/" + a.sopUid()
                        + "/frames/1")
                .then().statusCode(200).extract().asByteArray();
        assertEquals(true, new String(frame, StandardCharsets.ISO_8859_1)
                .contains(new String(jpeg, StandardCharsets.ISO_8859_1)));
    }

    @Test
    void inlinePixelDataNeedsNoBulkPart() throws Exception {
        var a = DicomFixtures.instance().size(2, 2);
        post(new Multipart().part("application/dicom+json; charset=utf-8",
                ("[" + metadata(a.attributes(), null) + "]").getBytes(StandardCharsets.UTF_8)))
                .then().statusCode(200).body(REFERENCED, hasSize(1));
        assertArrayEquals(a.attributes().get(TagFromName.PixelData).getByteValues(false),
                StoredInstances.retrieve(a).get(TagFromName.PixelData).getByteValues(false));
    }

    @Test
    void missingBulkPartFailsThatInstanceOnly() throws Exception {
        var ok = DicomFixtures.instance().size(2, 2);
        var missing = DicomFixtures.instance().size(2, 2);
        String metadata = "[" + metadata(ok.attributes(), "bulk/ok") + "," + metadata(missing.attributes(), "bulk/gone") + "]";
        post(new Multipart().part("application/dicom+json", metadata.getBytes(StandardCharsets.UTF_8))
                .part("application/octet-stream", "bulk/ok", ok.attributes().get(TagFromName.PixelData).getByteValues(false)))
                .then().statusCode(202)
                .body(REFERENCED + "[0].'00081155'.Value[0]", equalTo(ok.sopUid()))
                .body(FAILED, hasSize(1))
                .body(FAILED + "[0].'00081155'.Value[0]", equalTo(missing.sopUid()))
                .body(FAILED + "[0].'00081197'.Value[0]", equalTo(0xC000));
        Api.as(Api.ADMIN).get("/dicomweb/studies/" + missing.studyUid() + "/metadata").then().statusCode(404);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "not json at all                                                   | 49152",
            "{\"00080018\":{\"vr\":\"UI\",\"Value\":[\"1.2.3\"]}]                | 49152",
            "[1]                                                               | 49152",
            "[{\"00100010\":{\"vr\":\"PN\",\"Value\":[\"plain string\"]}}]     | 49152",
            "[{\"00080016\":{\"vr\":\"UI\",\"Value\":[\"1.2.3\"]}}]            | 43264",
    })
    void malformedOrIncompleteMetadataIsAFailedInstance(String metadata, int reason) {
        post(new Multipart().part("application/dicom+json", metadata.trim().getBytes(StandardCharsets.UTF_8)))
                .then().statusCode(409).body(FAILED, hasSize(1)).body(FAILED + "[0].'00081197'.Value[0]", equalTo(reason));
    }

    @Test
    void bulkPartOfAnUnknownMediaTypeIsTransferSyntaxNotSupported() throws Exception {
        var a = DicomFixtures.instance().size(2, 2);
        post(new Multipart().part("application/dicom+json", ("[" + metadata(a.attributes(), "b") + "]").getBytes(StandardCharsets.UTF_8))
                .part("text/plain", "b", new byte[8]))
                .then().statusCode(409).body(FAILED + "[0].'00081197'.Value[0]", equalTo(0xC122))
                .body(FAILED + "[0].'00081155'.Value[0]", equalTo(a.sopUid()));
    }

    @Test
    void requestWithoutMetadataOrTruncatedIsBadRequestAndStoresNothing() throws Exception {
        var a = DicomFixtures.instance().size(2, 2);
        post(new Multipart().part("application/octet-stream", "b", new byte[8])).then().statusCode(400);
        byte[] truncated = new Multipart().part("application/dicom+json", ("[" + metadata(a.attributes(), null) + "]")
                .getBytes(StandardCharsets.UTF_8)).bytes(Multipart.BOUNDARY, false);
        Api.as(Api.ADMIN).contentType(JSON_TYPE).body(truncated).post("/dicomweb/studies").then().statusCode(400);
        Api.as(Api.ADMIN).get("/dicomweb/studies/" + a.studyUid() + "/metadata").then().statusCode(404);
    }

    @Test
    void otherMetadataTypesAreUnsupportedMediaTypes() {
        Api.as(Api.ADMIN).contentType("multipart/related; type=\"application/json\"; boundary=" + Multipart.BOUNDARY)
                .body(new Multipart().part("application/json", "[]".getBytes(StandardCharsets.UTF_8)).bytes())
                .post("/dicomweb/studies").then().statusCode(415);
    }

    @Test
    void studyResourceChecksTheStudyOfAssembledInstances() throws Exception {
        var a = DicomFixtures.instance().size(2, 2);
        Api.as(Api.ADMIN).contentType(JSON_TYPE)
                .body(new Multipart().part("application/dicom+json",
                        ("[" + metadata(a.attributes(), null) + "]").getBytes(StandardCharsets.UTF_8)).bytes())
                .post("/dicomweb/studies/1.2.3.4.5.6.7").then().statusCode(409)
                .body(FAILED + "[0].'00081197'.Value[0]", equalTo(0xA900));
    }

    @Test
    void patientTokenMayNotStoreMetadataEither() throws Exception {
        var a = DicomFixtures.instance().size(2, 2);
        Api.as(io.dicomgate.testsupport.TestTokens.user("alice", "patient")).contentType(JSON_TYPE)
                .body(new Multipart().part("application/dicom+json",
                        ("[" + metadata(a.attributes(), null) + "]").getBytes(StandardCharsets.UTF_8)).bytes())
                .post("/dicomweb/studies").then().statusCode(403);
    }
}
