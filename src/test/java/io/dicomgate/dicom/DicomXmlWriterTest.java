package io.dicomgate.dicom;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;

import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.xpath.XPathConstants;
import javax.xml.xpath.XPathFactory;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.w3c.dom.Document;

import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.CodeStringAttribute;
import com.pixelmed.dicom.SequenceAttribute;
import com.pixelmed.dicom.TagFromName;

import io.dicomgate.testsupport.DicomFixtures;

/** PS3.19 Native DICOM Model output, read back with a namespace-aware DOM and XPath. */
class DicomXmlWriterTest {

    private static final String MEMBERS = """
            "00080005":{"vr":"CS","Value":["ISO_IR 192"]},\
            "00080060":{"vr":"CS","Value":["CT","MR"]},\
            "00081030":{"vr":"LO","Value":["a < b & c"]},\
            "00100010":{"vr":"PN","Value":[{"Alphabetic":"Yamada^Tarou^^Dr.","Ideographic":"山田^太郎"}]},\
            "00101010":{"vr":"AS"},\
            "00180050":{"vr":"DS","Value":[1.50,null,-2e3]},\
            "00200013":{"vr":"IS","Value":[7]},\
            "00280010":{"vr":"US","Value":[512]},\
            "00209165":{"vr":"AT","Value":["00100020"]},\
            "00400275":{"vr":"SQ","Value":[{"00400009":{"vr":"SH","Value":["SPS1"]}},{}]},\
            "00090010":{"vr":"LO","Value":["ACME"]},\
            "00091011":{"vr":"LO","Value":["private"]},\
            "00420011":{"vr":"OB","InlineBinary":"AQID"},\
            "7FE00010":{"vr":"OW","BulkDataURI":"http://x/dicomweb/studies/1/series/2/instances/3/bulkdata/7FE00010"}\
            """;

    private static Document parse(byte[] xml) throws Exception {
        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        factory.setNamespaceAware(false);
        return factory.newDocumentBuilder().parse(new ByteArrayInputStream(xml));
    }

    private static String xpath(Document doc, String expression) throws Exception {
        return (String) XPathFactory.newInstance().newXPath().evaluate(expression, doc, XPathConstants.STRING);
    }

    private static Document fromMembers() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        DicomXmlWriter.writeMembers(out, MEMBERS);
        return parse(out.toByteArray());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "local-name(/*)                                                           | NativeDicomModel",
            "count(/NativeDicomModel/DicomAttribute)                                  | 14",
            "/NativeDicomModel/DicomAttribute[@tag='00080060']/@keyword               | Modality",
            "/NativeDicomModel/DicomAttribute[@tag='00080060']/@vr                    | CS",
            "/NativeDicomModel/DicomAttribute[@tag='00080060']/Value[@number='2']     | MR",
            "/NativeDicomModel/DicomAttribute[@tag='00081030']/Value[@number='1']     | a < b & c",
            "//DicomAttribute[@tag='00100010']/PersonName[@number='1']/Alphabetic/FamilyName | Yamada",
            "//DicomAttribute[@tag='00100010']/PersonName/Alphabetic/GivenName        | Tarou",
            "count(//DicomAttribute[@tag='00100010']/PersonName/Alphabetic/MiddleName) | 0",
            "//DicomAttribute[@tag='00100010']/PersonName/Alphabetic/NamePrefix       | Dr.",
            "//DicomAttribute[@tag='00100010']/PersonName/Ideographic/FamilyName      | 山田",
            "count(//DicomAttribute[@tag='00101010']/*)                               | 0",
            "//DicomAttribute[@tag='00180050']/Value[@number='1']                     | 1.50",
            "count(//DicomAttribute[@tag='00180050']/Value[@number='2']/text())       | 0",
            "//DicomAttribute[@tag='00180050']/Value[@number='3']                     | -2E+3",
            "//DicomAttribute[@tag='00200013']/Value[@number='1']                     | 7",
            "//DicomAttribute[@tag='00280010']/Value                                  | 512",
            "//DicomAttribute[@tag='00209165']/Value                                  | 00100020",
            "count(//DicomAttribute[@tag='00400275']/Item)                            | 2",
            "//DicomAttribute[@tag='00400275']/Item[@number='1']/DicomAttribute[@tag='00400009']/Value | SPS1",
            "//DicomAttribute[@tag='00400275']/Item[@number='1']/DicomAttribute/@keyword | ScheduledProcedureStepID",
            "count(//DicomAttribute[@tag='00400275']/Item[@number='2']/*)             | 0",
            "//DicomAttribute[@tag='00091011']/@privateCreator                        | ACME",
            "count(//DicomAttribute[@tag='00091011']/@keyword)                        | 0",
            "//DicomAttribute[@tag='00420011']/InlineBinary                           | AQID",
            "//DicomAttribute[@tag='7FE00010']/BulkData/@uri                          | http://x/dicomweb/studies/1/series/2/instances/3/bulkdata/7FE00010",
    })
    void nativeDicomModelFromDicomJson(String expression, String expected) throws Exception {
        assertEquals(expected, xpath(fromMembers(), expression.trim()));
    }

    @Test
    void documentIsInTheNativeDicomNamespaceAndPreservesSpace() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        DicomXmlWriter.writeMembers(out, MEMBERS);
        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        factory.setNamespaceAware(true);
        Document doc = factory.newDocumentBuilder().parse(new ByteArrayInputStream(out.toByteArray()));
        assertEquals(DicomXmlWriter.NAMESPACE, doc.getDocumentElement().getNamespaceURI());
        assertEquals("preserve", doc.getDocumentElement().getAttributeNS("http://www.w3.org/XML/1998/namespace", "space"));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "//DicomAttribute[@tag='00100010']/PersonName/Alphabetic/FamilyName | DOE",
            "//DicomAttribute[@tag='00100010']/PersonName/Alphabetic/GivenName  | JANE",
            "//DicomAttribute[@tag='00100020']/Value                            | PID-XML",
            "//DicomAttribute[@tag='00280010']/Value                            | 4",
            "//DicomAttribute[@tag='00200013']/@keyword                         | InstanceNumber",
            "//DicomAttribute[@tag='7FE00010']/BulkData/@uri                    | urn:pixels",
            "//DicomAttribute[@tag='00082112']/Item/DicomAttribute[@tag='00080100']/Value | 121320",
    })
    void nativeDicomModelFromPixelMed(String expression, String expected) throws Exception {
        AttributeList list = DicomFixtures.instance().patient("PID-XML", "DOE^JANE").size(4, 4).attributes();
        SequenceAttribute sequence = new SequenceAttribute(TagFromName.SourceImageSequence);
        AttributeList item = new AttributeList();
        CodeStringAttribute code = new CodeStringAttribute(TagFromName.CodeValue);
        code.addValue("121320");
        item.put(code);
        sequence.addItem(item);
        list.put(sequence);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        DicomXmlWriter.write(out, list, (tag, vr, length) -> tag.equals(TagFromName.PixelData) ? "urn:pixels" : null);
        assertEquals(expected, xpath(parse(out.toByteArray()), expression.trim()));
    }

    @ParameterizedTest
    @CsvSource({ "'a\u0001b', 'a\uFFFDb'", "'tab\tok', 'tab\tok'", "'\u001b$B', '\uFFFD$B'" })
    void controlCharactersXmlCannotCarryAreReplaced(String value, String expected) {
        assertEquals(expected, DicomXmlWriter.clean(value));
    }
}
