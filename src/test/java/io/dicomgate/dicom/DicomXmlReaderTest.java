package io.dicomgate.dicom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.TagFromName;

import io.dicomgate.testsupport.DicomFixtures;

/** PS3.19 Native DICOM Model → PixelMed, checked against what {@link DicomXmlWriter} wrote. */
class DicomXmlReaderTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final String NS = " xmlns=\"" + DicomXmlWriter.NAMESPACE + "\"";

    private static DicomJsonReader.Result read(String xml) throws Exception {
        return DicomXmlReader.read(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)), uri -> {
            throw new InvalidDicomException("no bulk data");
        });
    }

    private static String json(AttributeList list) throws Exception {
        StringWriter text = new StringWriter();
        try (JsonGenerator gen = MAPPER.getFactory().createGenerator(text)) {
            DicomJsonWriter.writeDataset(gen, list, BulkDataPolicy.INLINE_ALL);
        }
        return text.toString();
    }

    @Test
    void everyVrRoundTripsThroughTheXmlWriter() throws Exception {
        String json = """
                {"00080005":{"vr":"CS","Value":["ISO_IR 192"]},
                 "00080016":{"vr":"UI","Value":["1.2.840.10008.5.1.4.1.1.7"]},
                 "00080060":{"vr":"CS","Value":["CT",null,"MR"]},
                 "00100010":{"vr":"PN","Value":[{"Alphabetic":"Müller^Jürgen","Phonetic":"myuller"},null]},
                 "00100020":{"vr":"LO","Value":["a & <escaped> ]]> \\"b\\""]},
                 "00101010":{"vr":"AS","Value":["042Y"]},
                 "00180050":{"vr":"DS","Value":[1.5,2.25]},
                 "00181063":{"vr":"DS"},
                 "00200013":{"vr":"IS","Value":[7]},
                 "00209165":{"vr":"AT","Value":["00100020","7FE00010"]},
                 "00280010":{"vr":"US","Value":[65535]},
                 "00281050":{"vr":"DS","Value":[40]},
                 "00286120":{"vr":"SS","Value":[-3]},
                 "00189219":{"vr":"FD","Value":[0.125,"NaN"]},
                 "00189327":{"vr":"FL","Value":[0.5]},
                 "00080056":{"vr":"CS","Value":["ONLINE"]},
                 "00081115":{"vr":"SQ","Value":[{"0020000E":{"vr":"UI","Value":["1.2.3"]},
                                                  "00081199":{"vr":"SQ","Value":[{}]}}]},
                 "00091010":{"vr":"LO","Value":["ACME 1.0"]},
                 "00091011":{"vr":"UN","InlineBinary":"AAEC"},
                 "00720066":{"vr":"SL","Value":[-70000]},
                 "0072006C":{"vr":"UL","Value":[4294967295]},
                 "00420011":{"vr":"OB","InlineBinary":"AQIDBA=="},
                 "00660040":{"vr":"OL","InlineBinary":"AQAAAAIAAAA="},
                 "7FE00008":{"vr":"OF","InlineBinary":"AACAPw=="},
                 "7FE00010":{"vr":"OW","InlineBinary":"AQACAA=="}}
                """;
        ByteArrayOutputStream xml = new ByteArrayOutputStream();
        DicomXmlWriter.write(xml, MAPPER.readTree(json));
        DicomJsonReader.Result result = read(xml.toString(StandardCharsets.UTF_8));
        assertTrue(result.deferred().isEmpty());
        assertEquals(MAPPER.readTree(json), MAPPER.readTree(json(result.attributes())));
    }

    @Test
    void pixelMedFixtureSurvivesXmlWriteAndRead() throws Exception {
        AttributeList original = DicomFixtures.instance().patient("PID-XML", "XML^ROUND^TRIP").size(3, 5).attributes();
        ByteArrayOutputStream xml = new ByteArrayOutputStream();
        DicomXmlWriter.write(xml, original, BulkDataPolicy.INLINE_ALL);
        AttributeList back = read(xml.toString(StandardCharsets.UTF_8)).attributes();
        for (Attribute a : original.values()) {
            if (a.getTag().getGroup() == 0x0002) {
                continue;
            }
            Attribute b = back.get(a.getTag());
            if (a.getTag().equals(TagFromName.PixelData)) {
                assertArrayEquals(a.getByteValues(false), b.getByteValues(false));
            } else {
                assertEquals(a.getDelimitedStringValuesOrEmptyString(), b.getDelimitedStringValuesOrEmptyString(),
                        a.getTag().toString());
                assertEquals(a.getVRAsString(), b.getVRAsString(), a.getTag().toString());
            }
        }
    }

    @Test
    void handWrittenDocumentWithoutNamespaceOutOfOrderAndPrettyPrinted() throws Exception {
        DicomJsonReader.Result result = read("""
                <?xml version="1.0" encoding="UTF-8"?>
                <!-- a comment -->
                <NativeDicomModel>
                  <DicomAttribute tag="00100010" vr="PN" keyword="NotTheKeyword">
                    <PersonName number="2"><Alphabetic><GivenName>Jane</GivenName></Alphabetic></PersonName>
                    <PersonName number="1">
                      <Alphabetic><FamilyName>Doe</FamilyName><NamePrefix>Dr</NamePrefix></Alphabetic>
                      <Ideographic><FamilyName>ド</FamilyName></Ideographic>
                    </PersonName>
                  </DicomAttribute>
                  <DicomAttribute tag="00280010" vr="US"><Value number="1">12</Value></DicomAttribute>
                  <DicomAttribute tag="00080018" vr="UI"><Value number="1">1.2.3</Value></DicomAttribute>
                  <DicomAttribute tag="00091010" vr="LO"><Value number="1">ACME</Value></DicomAttribute>
                  <DicomAttribute tag="00091001" vr="LO" privateCreator="ACME"><Value number="1">x</Value></DicomAttribute>
                  <DicomAttribute tag="00420011" vr="OB"><InlineBinary>
                    AQID
                    BA==
                  </InlineBinary></DicomAttribute>
                  <DicomAttribute tag="7fe00010" vr="OW"><BulkData uri="urn:uuid:pixels"/></DicomAttribute>
                </NativeDicomModel>
                """);
        AttributeList list = result.attributes();
        assertEquals("Doe^^^Dr=ド\\^Jane", list.get(TagFromName.PatientName).getDelimitedStringValuesOrEmptyString());
        assertEquals(12, Attribute.getSingleIntegerValueOrDefault(list, TagFromName.Rows, 0));
        assertEquals("x", Attribute.getSingleStringValueOrNull(list, new com.pixelmed.dicom.AttributeTag(0x0009, 0x1001)));
        assertArrayEquals(new byte[] { 1, 2, 3, 4 }, list.get(TagFromName.EncapsulatedDocument).getByteValues(false));
        assertEquals("urn:uuid:pixels", result.deferred().get(TagFromName.PixelData).uri());
        assertEquals("OW", result.deferred().get(TagFromName.PixelData).vr());
        assertNull(list.get(TagFromName.PixelData));
    }

    @Test
    void externalEntityIsNeverRead(@TempDir Path dir) throws Exception {
        Path secret = Files.writeString(dir.resolve("secret.txt"), "TOP-SECRET");
        String xxe = "<?xml version=\"1.0\"?><!DOCTYPE NativeDicomModel [<!ENTITY x SYSTEM \"" + secret.toUri()
                + "\">]><NativeDicomModel" + NS + "><DicomAttribute tag=\"00100020\" vr=\"LO\">"
                + "<Value number=\"1\">&x;</Value></DicomAttribute></NativeDicomModel>";
        InvalidDicomException refused = assertThrows(InvalidDicomException.class, () -> read(xxe));
        assertTrue(!refused.getMessage().contains("TOP-SECRET"));
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "not xml at all",
            "",
            "<NativeDicomModel",
            "<Other/>",
            "<NativeDicomModel xmlns=\"urn:other\"/>",
            "<!DOCTYPE NativeDicomModel><NativeDicomModel/>",
            "<!DOCTYPE a [<!ENTITY a \"aaaa\"><!ENTITY b \"&a;&a;&a;&a;\">]><NativeDicomModel><DicomAttribute tag=\"00100020\" vr=\"LO\"><Value number=\"1\">&b;</Value></DicomAttribute></NativeDicomModel>",
            "<NativeDicomModel><DicomAttribute tag=\"00100020\" vr=\"LO\"><Value number=\"1\">&undeclared;</Value></DicomAttribute></NativeDicomModel>",
            "<NativeDicomModel/><NativeDicomModel/>",
            "<NativeDicomModel>text</NativeDicomModel>",
            "<NativeDicomModel><Unknown/></NativeDicomModel>",
            "<NativeDicomModel><DicomAttribute tag=\"0010002\" vr=\"LO\"/></NativeDicomModel>",
            "<NativeDicomModel><DicomAttribute vr=\"LO\"/></NativeDicomModel>",
            "<NativeDicomModel><DicomAttribute tag=\"00100020\"><Value number=\"1\">x</Value></DicomAttribute></NativeDicomModel>",
            "<NativeDicomModel><DicomAttribute tag=\"00100020\" vr=\"XX\"/></NativeDicomModel>",
            "<NativeDicomModel><DicomAttribute tag=\"00100020\" vr=\"LO\"/><DicomAttribute tag=\"00100020\" vr=\"LO\"/></NativeDicomModel>",
            "<NativeDicomModel><DicomAttribute tag=\"00100020\" vr=\"LO\"><Value>x</Value></DicomAttribute></NativeDicomModel>",
            "<NativeDicomModel><DicomAttribute tag=\"00100020\" vr=\"LO\"><Value number=\"0\">x</Value></DicomAttribute></NativeDicomModel>",
            "<NativeDicomModel><DicomAttribute tag=\"00100020\" vr=\"LO\"><Value number=\"2\">x</Value></DicomAttribute></NativeDicomModel>",
            "<NativeDicomModel><DicomAttribute tag=\"00100020\" vr=\"LO\"><Value number=\"1\">x</Value><Value number=\"1\">y</Value></DicomAttribute></NativeDicomModel>",
            "<NativeDicomModel><DicomAttribute tag=\"00100020\" vr=\"LO\"><Value number=\"1\"><b/></Value></DicomAttribute></NativeDicomModel>",
            "<NativeDicomModel><DicomAttribute tag=\"00100010\" vr=\"PN\"><Value number=\"1\">DOE^J</Value></DicomAttribute></NativeDicomModel>",
            "<NativeDicomModel><DicomAttribute tag=\"00100010\" vr=\"PN\"><PersonName number=\"1\"><Alphabetic><Nickname>J</Nickname></Alphabetic></PersonName></DicomAttribute></NativeDicomModel>",
            "<NativeDicomModel><DicomAttribute tag=\"00280010\" vr=\"US\"><Value number=\"1\">many</Value></DicomAttribute></NativeDicomModel>",
            "<NativeDicomModel><DicomAttribute tag=\"00420011\" vr=\"OB\"><InlineBinary>***</InlineBinary></DicomAttribute></NativeDicomModel>",
            "<NativeDicomModel><DicomAttribute tag=\"00420011\" vr=\"OB\"><BulkData/></DicomAttribute></NativeDicomModel>",
            "<NativeDicomModel><DicomAttribute tag=\"00100020\" vr=\"LO\"><BulkData uri=\"urn:x\"/></DicomAttribute></NativeDicomModel>",
            "<NativeDicomModel><DicomAttribute tag=\"00081115\" vr=\"SQ\"><Value number=\"1\">item</Value></DicomAttribute></NativeDicomModel>",
            "<NativeDicomModel><DicomAttribute tag=\"00100020\" vr=\"LO\"><Item number=\"1\"/></DicomAttribute></NativeDicomModel>",
            "<NativeDicomModel><DicomAttribute tag=\"00081115\" vr=\"SQ\"><Item number=\"1\"><DicomAttribute tag=\"00420011\" vr=\"OB\"><BulkData uri=\"urn:missing\"/></DicomAttribute></Item></DicomAttribute></NativeDicomModel>",
    })
    void malformedDocumentsAreRefused(String xml) {
        assertThrows(InvalidDicomException.class, () -> read(xml));
    }

    @Test
    void valuesKeepTheirSpaces() throws Exception {
        JsonNode json = DicomXmlReader.toJson(new ByteArrayInputStream(("<NativeDicomModel" + NS
                + " xml:space=\"preserve\"><DicomAttribute tag=\"00100020\" vr=\"LO\"><Value number=\"1\">  a <![CDATA[<b>]]>  </Value>"
                + "</DicomAttribute></NativeDicomModel>").getBytes(StandardCharsets.UTF_8)));
        assertEquals("  a <b>  ", json.path("00100020").path("Value").path(0).asText());
    }

    @Test
    void emptyModelIsAnEmptyDataSet() throws Exception {
        JsonNode json = DicomXmlReader.toJson(new ByteArrayInputStream(("<NativeDicomModel" + NS + "/>").getBytes(StandardCharsets.UTF_8)));
        assertTrue(json.isEmpty());
    }
}
