package io.dicomgate.stow;

import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.OtherByteAttributeMultipleCompressedFrames;
import com.pixelmed.dicom.TagFromName;

import io.dicomgate.dicom.DicomXmlWriter;
import io.dicomgate.testsupport.Api;
import io.dicomgate.testsupport.DicomFixtures;
import io.dicomgate.testsupport.Multipart;
import io.dicomgate.testsupport.PostgresTestResource;
import io.dicomgate.testsupport.StoredInstances;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;

/** STOW-RS with PS3.19 XML metadata and bulk data parts (PS3.18 §10.5.1.2.2). */
@QuarkusTest
@QuarkusTestResource(PostgresTestResource.class)
class StowXmlTest {

    private static final String XML_TYPE = "multipart/related; type=\"application/dicom+xml\"; boundary="
            + Multipart.BOUNDARY;
    private static final String DICOM_XML = "application/dicom+xml";
    private static final String FAILED = "'00081198'.Value";
    private static final String REFERENCED = "'00081199'.Value";

    /** The Native DICOM Model document of the data set, Pixel Data referred to by {@code pixelUri} (or inline when null). */
    private static byte[] metadata(AttributeList list, String pixelUri) throws Exception {
        ByteArrayOutputStream xml = new ByteArrayOutputStream();
        DicomXmlWriter.write(xml, list,
                (tag, vr, length) -> pixelUri != null && tag.equals(TagFromName.PixelData) ? pixelUri : null);
        return xml.toByteArray();
    }

    private static Response post(Multipart body) {
        return Api.as(Api.ADMIN).contentType(XML_TYPE).body(body.bytes()).post("/dicomweb/studies");
    }

    @Test
    void oneDocumentPerInstanceWithOctetStreamPixelPartsIsStoredAsExplicitLittleEndian() throws Exception {
        var a = DicomFixtures.instance().patient("PID-STOWXML", "XML^STOW").size(8, 6).frames(2);
        var b = DicomFixtures.instance().inSeriesOf(a).instanceNumber(2).size(4, 4);
        AttributeList listA = a.attributes();
        AttributeList listB = b.attributes();
        byte[] pixelsA = listA.get(TagFromName.PixelData).getByteValues(false);
        byte[] pixelsB = listB.get(TagFromName.PixelData).getByteValues(false);
        Multipart body = new Multipart()
                .part(DICOM_XML, metadata(listA, "urn:uuid:pixels-a"))
                .part("application/octet-stream", "urn:uuid:pixels-a", pixelsA)
                .part(DICOM_XML, metadata(listB, "pixels/b"))
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
    }

    @Test
    void jpegPixelPartBecomesEncapsulatedJpegBaseline() throws Exception {
        var a = DicomFixtures.instance().patient("PID-STOWXMLJPEG", "JPEG^XML").size(16, 16)
                .transferSyntax(DicomFixtures.JPEG_BASELINE);
        AttributeList list = a.attributes();
        byte[] jpeg = ((OtherByteAttributeMultipleCompressedFrames) list.get(TagFromName.PixelData)).getFrames()[0];
        list.remove(TagFromName.PixelData);
        String xml = new String(metadata(list, null), StandardCharsets.UTF_8);
        String metadata = xml.replace("</NativeDicomModel>",
                "<DicomAttribute tag=\"7FE00010\" vr=\"OB\"><BulkData uri=\"frames/1\"/></DicomAttribute></NativeDicomModel>");
        post(new Multipart().part(DICOM_XML, metadata.getBytes(StandardCharsets.UTF_8)).part("image/jpeg", "frames/1", jpeg))
                .then().statusCode(200).body(REFERENCED, hasSize(1));
        AttributeList stored = StoredInstances.retrieve(a);
        assertEquals(DicomFixtures.JPEG_BASELINE, Attribute.getSingleStringValueOrNull(stored, TagFromName.TransferSyntaxUID));
    }

    @Test
    void inlinePixelDataNeedsNoBulkPart() throws Exception {
        var a = DicomFixtures.instance().size(2, 2);
        post(new Multipart().part("application/dicom+xml; charset=utf-8", metadata(a.attributes(), null)))
                .then().statusCode(200).body(REFERENCED, hasSize(1));
        assertArrayEquals(a.attributes().get(TagFromName.PixelData).getByteValues(false),
                StoredInstances.retrieve(a).get(TagFromName.PixelData).getByteValues(false));
    }

    @Test
    void missingBulkPartFailsThatInstanceOnly() throws Exception {
        var ok = DicomFixtures.instance().size(2, 2);
        var missing = DicomFixtures.instance().size(2, 2);
        post(new Multipart().part(DICOM_XML, metadata(ok.attributes(), "bulk/ok"))
                .part(DICOM_XML, metadata(missing.attributes(), "bulk/gone"))
                .part("application/octet-stream", "bulk/ok", ok.attributes().get(TagFromName.PixelData).getByteValues(false)))
                .then().statusCode(202)
                .body(REFERENCED + "[0].'00081155'.Value[0]", equalTo(ok.sopUid()))
                .body(FAILED, hasSize(1))
                .body(FAILED + "[0].'00081155'.Value[0]", equalTo(missing.sopUid()))
                .body(FAILED + "[0].'00081197'.Value[0]", equalTo(0xC000));
        Api.as(Api.ADMIN).get("/dicomweb/studies/" + missing.studyUid() + "/metadata").then().statusCode(404);
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "not xml at all",
            "<NativeDicomModel><DicomAttribute tag=\"00080018\" vr=\"UI\"><Value number=\"1\">1.2.3</Value>",
            "<Other xmlns=\"http://dicom.nema.org/PS3.19/models/NativeDICOM\"/>",
            "[{\"00080018\":{\"vr\":\"UI\",\"Value\":[\"1.2.3\"]}}]",
            "<!DOCTYPE NativeDicomModel [<!ENTITY x SYSTEM \"file:///etc/passwd\">]><NativeDicomModel>"
                    + "<DicomAttribute tag=\"00100020\" vr=\"LO\"><Value number=\"1\">&x;</Value></DicomAttribute></NativeDicomModel>",
            "<NativeDicomModel><DicomAttribute tag=\"00100010\" vr=\"PN\"><Value number=\"1\">plain string</Value>"
                    + "</DicomAttribute></NativeDicomModel>",
    })
    void malformedMetadataIsAFailedInstance(String metadata) {
        post(new Multipart().part(DICOM_XML, metadata.getBytes(StandardCharsets.UTF_8)))
                .then().statusCode(409).body(FAILED, hasSize(1)).body(FAILED + "[0].'00081197'.Value[0]", equalTo(0xC000));
    }

    @Test
    void incompleteMetadataIsADataSetMismatch() {
        post(new Multipart().part(DICOM_XML, ("<NativeDicomModel xmlns=\"" + DicomXmlWriter.NAMESPACE + "\">"
                + "<DicomAttribute tag=\"00080016\" vr=\"UI\" keyword=\"SOPClassUID\"><Value number=\"1\">1.2.3</Value>"
                + "</DicomAttribute></NativeDicomModel>").getBytes(StandardCharsets.UTF_8)))
                .then().statusCode(409).body(FAILED + "[0].'00081197'.Value[0]", equalTo(0xA900))
                .body(FAILED + "[0].'00081150'.Value[0]", equalTo("1.2.3"));
    }

    @Test
    void bulkPartOfAnUnknownMediaTypeIsTransferSyntaxNotSupported() throws Exception {
        var a = DicomFixtures.instance().size(2, 2);
        post(new Multipart().part(DICOM_XML, metadata(a.attributes(), "b")).part("text/plain", "b", new byte[8]))
                .then().statusCode(409).body(FAILED + "[0].'00081197'.Value[0]", equalTo(0xC122))
                .body(FAILED + "[0].'00081155'.Value[0]", equalTo(a.sopUid()));
    }

    @Test
    void requestWithoutXmlMetadataOrTruncatedIsBadRequestAndStoresNothing() throws Exception {
        var a = DicomFixtures.instance().size(2, 2);
        post(new Multipart().part("application/octet-stream", "b", new byte[8])).then().statusCode(400);
        // JSON metadata in a request that announces XML is not metadata of this request.
        post(new Multipart().part("application/dicom+json", "[{}]".getBytes(StandardCharsets.UTF_8))).then().statusCode(400);
        byte[] truncated = new Multipart().part(DICOM_XML, metadata(a.attributes(), null)).bytes(Multipart.BOUNDARY, false);
        Api.as(Api.ADMIN).contentType(XML_TYPE).body(truncated).post("/dicomweb/studies").then().statusCode(400);
        Api.as(Api.ADMIN).get("/dicomweb/studies/" + a.studyUid() + "/metadata").then().statusCode(404);
    }

    @Test
    void studyResourceChecksTheStudyOfAssembledInstances() throws Exception {
        var a = DicomFixtures.instance().size(2, 2);
        Api.as(Api.ADMIN).contentType(XML_TYPE)
                .body(new Multipart().part(DICOM_XML, metadata(a.attributes(), null)).bytes())
                .post("/dicomweb/studies/1.2.3.4.5.6.7").then().statusCode(409)
                .body(FAILED + "[0].'00081197'.Value[0]", equalTo(0xA900));
    }

    @Test
    void patientTokenMayNotStoreMetadataEither() throws Exception {
        var a = DicomFixtures.instance().size(2, 2);
        Api.as(io.dicomgate.testsupport.TestTokens.user("alice", "patient")).contentType(XML_TYPE)
                .body(new Multipart().part(DICOM_XML, metadata(a.attributes(), null)).bytes())
                .post("/dicomweb/studies").then().statusCode(403);
    }
}
