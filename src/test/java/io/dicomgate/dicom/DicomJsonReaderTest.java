package io.dicomgate.dicom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.StringWriter;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.TagFromName;

import io.dicomgate.testsupport.DicomFixtures;

/** DICOM JSON (PS3.18 Annex F) → PixelMed, checked by writing it back with {@link DicomJsonWriter}. */
class DicomJsonReaderTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private static String json(AttributeList list) throws Exception {
        StringWriter text = new StringWriter();
        try (JsonGenerator gen = MAPPER.getFactory().createGenerator(text)) {
            DicomJsonWriter.writeDataset(gen, list, BulkDataPolicy.INLINE_ALL);
        }
        return text.toString();
    }

    private static DicomJsonReader.Result read(String json) throws Exception {
        return DicomJsonReader.read(MAPPER.readTree(json), uri -> {
            throw new InvalidDicomException("no bulk data");
        });
    }

    /** A JSON array of {@code n} values produced by {@code value(i)}. */
    private static String values(int n, java.util.function.IntFunction<String> value) {
        StringBuilder b = new StringBuilder("[");
        for (int i = 0; i < n; i++) {
            b.append(i == 0 ? "" : ",").append(value.apply(i));
        }
        return b.append(']').toString();
    }

    /**
     * 200,000 values in one attribute took 46 s when every value copied the array before it; they are
     * read in one pass now (this test would run for minutes otherwise), each value kept in order.
     */
    @Test
    void manyValuesOfOneAttributeAreReadInOnePass() throws Exception {
        int n = 200_000;
        var result = read("{\"00186020\":{\"vr\":\"DS\",\"Value\":" + values(n, i -> i + ".5") + "},"
                + "\"00281101\":{\"vr\":\"US\",\"Value\":" + values(n, i -> Integer.toString(i % 65536)) + "},"
                + "\"00720066\":{\"vr\":\"SL\",\"Value\":" + values(n, i -> Integer.toString(-i)) + "},"
                + "\"00080060\":{\"vr\":\"CS\",\"Value\":" + values(n, i -> i % 7 == 0 ? "null" : "\"M" + i % 10 + "\"") + "}}");
        // As DICOM JSON again (values as the encoded bytes split them: PS3.5 §6.4 backslash separators).
        JsonNode back = MAPPER.readTree(json(result.attributes()));
        JsonNode ds = back.get("00186020").get("Value");
        assertEquals(n, ds.size());
        assertEquals(199999.5, ds.get(n - 1).asDouble());
        JsonNode us = back.get("00281101").get("Value");
        assertEquals(n, us.size());
        assertEquals(199_999 % 65536, us.get(n - 1).asInt());
        assertEquals(-199_999, back.get("00720066").get("Value").get(n - 1).asInt());
        JsonNode cs = back.get("00080060").get("Value");
        assertEquals(n, cs.size());
        assertTrue(cs.get(7).isNull(), cs.get(7).toString());
        assertEquals("M8", cs.get(8).asText());
    }

    @Test
    void valuesPerAttributeAreBounded() {
        InvalidDicomException tooMany = org.junit.jupiter.api.Assertions.assertThrows(InvalidDicomException.class,
                () -> read("{\"00186020\":{\"vr\":\"DS\",\"Value\":" + values(1_000_001, i -> "1") + "}}"));
        assertTrue(tooMany.getMessage().contains("more than 1000000 values"), tooMany.getMessage());
        org.junit.jupiter.api.Assertions.assertThrows(InvalidDicomException.class,
                () -> read("{\"00189219\":{\"vr\":\"FD\",\"Value\":" + values(20_001, i -> "0.5") + "}}"));
        org.junit.jupiter.api.Assertions.assertThrows(InvalidDicomException.class,
                () -> read("{\"00080060\":{\"vr\":\"CS\",\"Value\":[\"A\\\\B\",\"C\"]}}"));
    }

    @Test
    void everyVrRoundTripsThroughJson() throws Exception {
        String json = """
                {"00080005":{"vr":"CS","Value":["ISO_IR 192"]},
                 "00080016":{"vr":"UI","Value":["1.2.840.10008.5.1.4.1.1.7"]},
                 "00080060":{"vr":"CS","Value":["CT",null,"MR"]},
                 "00100010":{"vr":"PN","Value":[{"Alphabetic":"Müller^Jürgen","Phonetic":"myuller"},null]},
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
        DicomJsonReader.Result result = read(json);
        assertTrue(result.deferred().isEmpty());
        JsonNode expected = MAPPER.readTree(json);
        JsonNode actual = MAPPER.readTree(json(result.attributes()));
        assertEquals(expected, actual);
    }

    @Test
    void fixtureSurvivesJsonReadAndPart10Write() throws Exception {
        AttributeList original = DicomFixtures.instance().patient("PID-RT", "ROUND^TRIP").size(3, 5).attributes();
        DicomJsonReader.Result read = read(json(original));
        ByteArrayOutputStream part10 = new ByteArrayOutputStream();
        Part10Writer.write(part10, read.attributes(), TransferSyntaxes.EXPLICIT_VR_LITTLE_ENDIAN, java.util.Map.of());
        AttributeList back = new AttributeList();
        back.read(new com.pixelmed.dicom.DicomInputStream(new java.io.ByteArrayInputStream(part10.toByteArray())));
        for (Attribute a : original.values()) {
            Attribute b = back.get(a.getTag());
            if (a.getTag().equals(TagFromName.PixelData)) {
                assertArrayEquals(a.getByteValues(false), b.getByteValues(false));
            } else {
                assertEquals(a.getDelimitedStringValuesOrEmptyString(), b.getDelimitedStringValuesOrEmptyString(),
                        a.getTag().toString());
            }
        }
        assertEquals(TransferSyntaxes.EXPLICIT_VR_LITTLE_ENDIAN,
                Attribute.getSingleStringValueOrNull(back, TagFromName.TransferSyntaxUID));
        assertEquals(Attribute.getSingleStringValueOrNull(original, TagFromName.SOPInstanceUID),
                Attribute.getSingleStringValueOrNull(back, TagFromName.MediaStorageSOPInstanceUID));
    }

    @Test
    void numbersGivenAsStringsAreAccepted() throws Exception {
        DicomJsonReader.Result result = read("""
                {"00180050":{"vr":"DS","Value":["2.25"]},"00280010":{"vr":"US","Value":["12"]}}""");
        assertEquals("2.25", Attribute.getSingleStringValueOrNull(result.attributes(), TagFromName.SliceThickness));
        assertEquals(12, Attribute.getSingleIntegerValueOrDefault(result.attributes(), TagFromName.Rows, 0));
    }

    @Test
    void topLevelBulkDataUrisAreDeferredNotRead() throws Exception {
        DicomJsonReader.Result result = read("""
                {"00080018":{"vr":"UI","Value":["1.2.3"]},"7FE00010":{"vr":"OW","BulkDataURI":"urn:pixels"}}""");
        assertEquals("urn:pixels", result.deferred().get(TagFromName.PixelData).uri());
        assertEquals(null, result.attributes().get(TagFromName.PixelData));
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "[]",
            "{\"0010001\":{\"vr\":\"LO\",\"Value\":[\"x\"]}}",
            "{\"00100020\":{\"Value\":[\"x\"]}}",
            "{\"00100020\":{\"vr\":\"XX\",\"Value\":[\"x\"]}}",
            "{\"00100020\":{\"vr\":\"LO\",\"Value\":\"x\"}}",
            "{\"00100020\":{\"vr\":\"LO\",\"Value\":[{\"a\":1}]}}",
            "{\"00100010\":{\"vr\":\"PN\",\"Value\":[\"DOE^J\"]}}",
            "{\"00280010\":{\"vr\":\"US\",\"Value\":[\"many\"]}}",
            "{\"00209165\":{\"vr\":\"AT\",\"Value\":[\"0010\"]}}",
            "{\"00420011\":{\"vr\":\"OB\",\"InlineBinary\":\"***\"}}",
            "{\"00100020\":{\"vr\":\"LO\",\"BulkDataURI\":\"urn:x\"}}",
            "{\"00081115\":{\"vr\":\"SQ\",\"Value\":[\"item\"]}}",
            "{\"00081115\":{\"vr\":\"SQ\",\"Value\":[{\"00420011\":{\"vr\":\"OB\",\"BulkDataURI\":\"urn:missing\"}}]}}",
    })
    void malformedDicomJsonIsRefused(String json) {
        assertThrows(InvalidDicomException.class, () -> read(json));
    }
}
