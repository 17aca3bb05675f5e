package io.dicomgate.wado;

import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.xpath.XPathConstants;
import javax.xml.xpath.XPathFactory;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.w3c.dom.Document;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.dicomgate.testsupport.Api;
import io.dicomgate.testsupport.DicomFixtures;
import io.dicomgate.testsupport.MultipartParts;
import io.dicomgate.testsupport.PostgresTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;

/** QIDO results and metadata as multipart/related; type="application/dicom+xml" (PS3.18 §8.7.3.2, PS3.19). */
@QuarkusTest
@QuarkusTestResource(PostgresTestResource.class)
class XmlRepresentationTest {

    private static final String XML = "multipart/related; type=\"application/dicom+xml\"";
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private static Document parse(byte[] xml) throws Exception {
        return DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(new ByteArrayInputStream(xml));
    }

    private static String xpath(Document doc, String expression) throws Exception {
        return (String) XPathFactory.newInstance().newXPath().evaluate(expression, doc, XPathConstants.STRING);
    }

    private static List<Document> xmlParts(Response response) throws Exception {
        response.then().statusCode(200).contentType(startsWith("multipart/related"));
        assertTrue(response.contentType().contains("type=\"application/dicom+xml\""), response.contentType());
        List<MultipartParts.Part> parts = MultipartParts.parse(response);
        java.util.ArrayList<Document> docs = new java.util.ArrayList<>();
        for (MultipartParts.Part part : parts) {
            assertEquals("application/dicom+xml", part.contentType());
            docs.add(parse(part.body()));
        }
        return docs;
    }

    /** Every attribute of a JSON result appears in the XML document with the same values. */
    private static void assertSameAttributes(JsonNode json, Document xml) throws Exception {
        assertEquals(json.size(), Integer.parseInt(xpath(xml, "count(/NativeDicomModel/DicomAttribute)")));
        for (Iterator<Map.Entry<String, JsonNode>> it = json.fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> a = it.next();
            String at = "/NativeDicomModel/DicomAttribute[@tag='" + a.getKey() + "']";
            assertEquals(a.getValue().get("vr").asText(), xpath(xml, at + "/@vr"), a.getKey());
            JsonNode values = a.getValue().path("Value");
            for (int i = 0; i < values.size(); i++) {
                JsonNode v = values.get(i);
                if (v.isObject() && v.has("Alphabetic")) {
                    String[] parts = v.get("Alphabetic").asText().split("\\^");
                    assertEquals(parts[0], xpath(xml, at + "/PersonName[@number='" + (i + 1) + "']/Alphabetic/FamilyName"));
                } else if (!v.isObject()) {
                    assertEquals(v.asText(), xpath(xml, at + "/Value[@number='" + (i + 1) + "']"), a.getKey());
                }
            }
        }
    }

    @Test
    void searchResultsAsXmlCarryWhatTheJsonCarries() throws Exception {
        var a = DicomFixtures.instance().patient("PID-XMLQ", "XMLSON^ANNA").studyDescription("xml study");
        var b = DicomFixtures.instance().inSeriesOf(a).instanceNumber(2);
        Api.store(a.bytes(), b.bytes()).then().statusCode(200);
        for (String path : List.of("/dicomweb/studies?PatientID=PID-XMLQ&includefield=StudyDescription",
                "/dicomweb/studies/" + a.studyUid() + "/series?includefield=all",
                "/dicomweb/studies/" + a.studyUid() + "/instances?includefield=00100020")) {
            JsonNode json = MAPPER.readTree(Api.as(Api.ADMIN).accept("application/dicom+json").get(path)
                    .then().statusCode(200).contentType("application/dicom+json").extract().asByteArray());
            List<Document> xml = xmlParts(Api.as(Api.ADMIN).accept(XML).get(path));
            assertEquals(json.size(), xml.size(), path);
            for (int i = 0; i < xml.size(); i++) {
                assertSameAttributes(json.get(i), xml.get(i));
            }
        }
        Document study = xmlParts(Api.as(Api.ADMIN).accept(XML).get("/dicomweb/studies?PatientID=PID-XMLQ")).get(0);
        assertEquals("XMLSON", xpath(study, "//DicomAttribute[@keyword='PatientName']/PersonName/Alphabetic/FamilyName"));
        assertEquals("ANNA", xpath(study, "//DicomAttribute[@tag='00100010']/PersonName/Alphabetic/GivenName"));
        assertEquals(a.studyUid(), xpath(study, "//DicomAttribute[@tag='0020000D']/Value[@number='1']"));
        assertEquals("2", xpath(study, "//DicomAttribute[@keyword='NumberOfStudyRelatedInstances']/Value"));
    }

    @Test
    void xmlViaTheAcceptQueryParameterAndNoMatchIs204() {
        Api.as(Api.ADMIN).queryParam("accept", XML).get("/dicomweb/studies?PatientID=NOBODY-XML")
                .then().statusCode(204);
    }

    @Test
    void metadataAsXmlOnePartPerInstanceAtEveryLevel() throws Exception {
        var a = DicomFixtures.instance().patient("PID-XMLM", "META^XML").size(4, 4);
        var b = DicomFixtures.instance().inSeriesOf(a).instanceNumber(2).size(4, 4);
        Api.store(a.bytes(), b.bytes()).then().statusCode(200);
        String study = "/dicomweb/studies/" + a.studyUid();
        String series = study + "/series/" + a.seriesUid();
        String instance = series + "/instances/" + a.sopUid();
        assertEquals(2, xmlParts(Api.as(Api.ADMIN).accept(XML).get(study + "/metadata")).size());
        assertEquals(2, xmlParts(Api.as(Api.ADMIN).accept(XML).get(series + "/metadata")).size());
        List<Document> one = xmlParts(Api.as(Api.ADMIN).accept(XML).get(instance + "/metadata"));
        assertEquals(1, one.size());
        Document doc = one.get(0);
        JsonNode json = MAPPER.readTree(Api.as(Api.ADMIN).get(instance + "/metadata").then().statusCode(200)
                .contentType("application/dicom+json").extract().asByteArray()).get(0);
        assertSameAttributes(json, doc);
        assertEquals(a.sopUid(), xpath(doc, "//DicomAttribute[@keyword='SOPInstanceUID']/Value"));
        assertEquals("META", xpath(doc, "//DicomAttribute[@keyword='PatientName']/PersonName/Alphabetic/FamilyName"));
        assertEquals("4", xpath(doc, "//DicomAttribute[@keyword='Rows']/Value"));
        String uri = xpath(doc, "//DicomAttribute[@tag='7FE00010']/BulkData/@uri");
        assertTrue(uri.startsWith("http") && uri.endsWith(instance + "/bulkdata/7FE00010"), uri);
        assertEquals(json.at("/7FE00010/BulkDataURI").asText(), uri);
    }

    @ParameterizedTest
    @ValueSource(strings = { "application/dicom+xml", "application/xml", "multipart/related; type=\"application/dicom\"",
            "multipart/related" })
    void otherRepresentationsAreNotAcceptable(String accept) {
        var a = DicomFixtures.instance();
        Api.store(a.bytes()).then().statusCode(200);
        Api.as(Api.ADMIN).accept(accept).get("/dicomweb/studies/" + a.studyUid() + "/metadata").then().statusCode(406);
        Api.as(Api.ADMIN).accept(accept).get("/dicomweb/studies?StudyInstanceUID=" + a.studyUid()).then().statusCode(406);
    }

    @Test
    void higherQualityWinsBetweenJsonAndXml() {
        var a = DicomFixtures.instance();
        Api.store(a.bytes()).then().statusCode(200);
        String path = "/dicomweb/studies/" + a.studyUid() + "/metadata";
        Api.as(Api.ADMIN).accept("application/dicom+json; q=0.5, " + XML).get(path).then().statusCode(200)
                .contentType(startsWith("multipart/related"));
        Api.as(Api.ADMIN).accept("application/dicom+json, " + XML + "; q=0.5").get(path).then().statusCode(200)
                .contentType("application/dicom+json");
        Api.as(Api.ADMIN).accept("*/*").get(path).then().statusCode(200).contentType("application/dicom+json");
    }

    @Test
    void xmlMetadataOfAnUnknownOrHiddenStudyIs404() {
        Api.as(Api.ADMIN).accept(XML).get("/dicomweb/studies/1.2.3.999999/metadata").then().statusCode(404);
        var a = DicomFixtures.instance().patient("PID-XML-HIDDEN", "HIDDEN^X");
        Api.store(a.bytes()).then().statusCode(200);
        Api.as(io.dicomgate.testsupport.TestTokens.user("dr.nobody", "clinician")).accept(XML)
                .get("/dicomweb/studies/" + a.studyUid() + "/metadata").then().statusCode(404);
    }
}
