package io.dicomgate.dicom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeFactory;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.AttributeTag;
import com.pixelmed.dicom.AttributeTagAttribute;
import com.pixelmed.dicom.CodeStringAttribute;
import com.pixelmed.dicom.DicomInputStream;
import com.pixelmed.dicom.FileMetaInformation;
import com.pixelmed.dicom.LongStringAttribute;
import com.pixelmed.dicom.OtherByteAttribute;
import com.pixelmed.dicom.OtherWordAttribute;
import com.pixelmed.dicom.PersonNameAttribute;
import com.pixelmed.dicom.SequenceAttribute;
import com.pixelmed.dicom.SignedLongAttribute;
import com.pixelmed.dicom.SignedShortAttribute;
import com.pixelmed.dicom.SignedVeryLongAttribute;
import com.pixelmed.dicom.SpecificCharacterSet;
import com.pixelmed.dicom.TagFromName;
import com.pixelmed.dicom.TransferSyntax;
import com.pixelmed.dicom.UniqueIdentifierAttribute;
import com.pixelmed.dicom.UnknownAttribute;
import com.pixelmed.dicom.UnsignedLongAttribute;
import com.pixelmed.dicom.UnsignedShortAttribute;
import com.pixelmed.dicom.UnsignedVeryLongAttribute;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class DicomJsonWriterTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final JsonFactory FACTORY = MAPPER.getFactory();

    /** Private tag used where a test needs an attribute of an arbitrary VR. */
    private static final AttributeTag PRIVATE = new AttributeTag(0x0009, 0x1001);

    // ---- structure (§F.2.2) ----

    @Test
    void keysAreUppercaseHexInAscendingTagOrderAndEveryAttributeHasVr() throws Exception {
        AttributeList list = new AttributeList();
        put(list, new UniqueIdentifierAttribute(TagFromName.StudyInstanceUID), "1.2.3");
        put(list, new PersonNameAttribute(TagFromName.PatientName), "Doe^John");
        put(list, new CodeStringAttribute(TagFromName.Modality), "CT");
        put(list, new LongStringAttribute(new AttributeTag(0x0009, 0x0010)), "ACME 1.0");
        put(list, new LongStringAttribute(PRIVATE), "private value");
        put(list, new UnsignedShortAttribute(TagFromName.Rows), "512");

        JsonNode json = write(list, BulkDataPolicy.INLINE_ALL);

        assertEquals(
                List.of("00080060", "00090010", "00091001", "00100010", "0020000D", "00280010"),
                fieldNames(json));
        json.properties().forEach(e -> assertTrue(e.getValue().get("vr").isTextual(), e.getKey()));
        assertEquals("LO", json.get("00091001").get("vr").asText());
        assertEquals("private value", json.get("00091001").get("Value").get(0).asText());
    }

    @Test
    void skipsGroupLengthsAndFileMetaInformation() throws Exception {
        AttributeList list = new AttributeList();
        put(list, new UniqueIdentifierAttribute(TagFromName.TransferSyntaxUID), "1.2.840.10008.1.2.1");
        put(list, new UnsignedLongAttribute(new AttributeTag(0x0002, 0x0000)), "100");
        put(list, new UnsignedLongAttribute(new AttributeTag(0x0008, 0x0000)), "40");
        put(list, new UnsignedLongAttribute(new AttributeTag(0x0010, 0x0000)), "20");
        put(list, new CodeStringAttribute(TagFromName.Modality), "MR");
        SequenceAttribute sequence = new SequenceAttribute(TagFromName.ReferencedSeriesSequence);
        AttributeList item = new AttributeList();
        put(item, new UnsignedLongAttribute(new AttributeTag(0x0020, 0x0000)), "30");
        put(item, new UniqueIdentifierAttribute(TagFromName.SeriesInstanceUID), "1.2.4");
        sequence.addItem(item);
        list.put(sequence);

        JsonNode json = write(list, BulkDataPolicy.INLINE_ALL);

        assertEquals(List.of("00080060", "00081115"), fieldNames(json));
        assertEquals(List.of("0020000E"), fieldNames(json.get("00081115").get("Value").get(0)));
    }

    @Test
    void writeFieldsLetsTheCallerAppendPixelDataAfterTheDataSet() throws Exception {
        AttributeList list = new AttributeList();
        put(list, new CodeStringAttribute(TagFromName.Modality), "CT");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (JsonGenerator gen = FACTORY.createGenerator(out)) {
            gen.writeStartObject();
            DicomJsonWriter.writeFields(gen, list, BulkDataPolicy.INLINE_ALL);
            DicomJsonWriter.writeBulkDataUri(gen, 0x7FE00010, "OW", "https://h/frames/1");
            gen.writeEndObject();
        }
        assertEquals(
                "{\"00080060\":{\"vr\":\"CS\",\"Value\":[\"CT\"]},"
                        + "\"7FE00010\":{\"vr\":\"OW\",\"BulkDataURI\":\"https://h/frames/1\"}}",
                out.toString(StandardCharsets.UTF_8));
    }

    @Test
    void writeDatasetRequiresAPolicy() {
        assertThrows(
                NullPointerException.class,
                () -> write(new AttributeList(), null));
    }

    @ParameterizedTest
    @CsvSource({
        "0x0020000D, 0020000D",
        "0x7FE00010, 7FE00010",
        "0xFFFEE000, FFFEE000",
        "0x00000000, 00000000",
        "0x00091001, 00091001",
    })
    void tagKeyIsEightUppercaseHexDigits(String tag, String key) {
        assertEquals(key, DicomJsonWriter.tagKey(Integer.parseUnsignedInt(tag.substring(2), 16)));
    }

    // ---- empty values (§F.2.5) ----

    @ParameterizedTest
    @ValueSource(strings = {"AE", "AS", "AT", "CS", "DA", "DS", "DT", "FD", "FL", "IS", "LO", "LT",
        "OB", "OD", "OF", "OL", "OV", "OW", "PN", "SH", "SL", "SQ", "SS", "ST", "SV", "TM", "UC",
        "UI", "UL", "UN", "UR", "US", "UT", "UV"})
    void zeroLengthAttributeHasVrAndNoValue(String vr) throws Exception {
        AttributeList list = new AttributeList();
        list.put(AttributeFactory.newAttribute(PRIVATE, vr.getBytes(StandardCharsets.US_ASCII)));
        List<String> asked = new ArrayList<>();

        String json = writeString(list, (t, v, l) -> {
            asked.add(v);
            return "https://h/bulk";
        });

        assertEquals("{\"00091001\":{\"vr\":\"" + vr + "\"}}", json);
        assertEquals(List.of(), asked, "an empty value has nothing to refer to");
    }

    @ParameterizedTest
    @ValueSource(strings = {"LO", "PN", "CS", "DS", "UT"})
    void valueOfOnlyPaddingCountsAsEmpty(String vr) throws Exception {
        AttributeList list = new AttributeList();
        Attribute attribute = AttributeFactory.newAttribute(PRIVATE, vr.getBytes(StandardCharsets.US_ASCII));
        attribute.addValue("    ");
        list.put(attribute);

        assertEquals("{\"00091001\":{\"vr\":\"" + vr + "\"}}", writeString(list, BulkDataPolicy.INLINE_ALL));
    }

    // ---- strings (§F.2.3, §F.2.4) ----

    /** vr | values given to PixelMed, "|" separated | expected "Value" ("-" for none). */
    @ParameterizedTest(name = "{0} {1}")
    @CsvSource(delimiter = ';', quoteCharacter = '\'', value = {
        "LO; 'A|   |B'; [\"A\",null,\"B\"]",
        "LO; A||B; [\"A\",null,\"B\"]",
        "CS; ORIGINAL\\PRIMARY\\\\AXIAL; [\"ORIGINAL\",\"PRIMARY\",null,\"AXIAL\"]",
        "LO; '  lead and trail  '; [\"lead and trail\"]",
        "SH; ' x '; [\"x\"]",
        "CS; ' ORIGINAL '; [\"ORIGINAL\"]",
        "AE; ' STORESCP '; [\"STORESCP\"]",
        "DA; '20240131 '; [\"20240131\"]",
        "TM; '101500.5 '; [\"101500.5\"]",
        "LT; '  indented paragraph  '; [\"  indented paragraph\"]",
        "ST; '  C:\\dir\\file  '; [\"  C:\\\\dir\\\\file\"]",
        "UT; 'a\\b\\c'; [\"a\\\\b\\\\c\"]",
        "UC; '  lead kept  '; [\"  lead kept\"]",
        "UR; 'http://h/a?b=1  '; [\"http://h/a?b=1\"]",
        "UC; a|b; [\"a\",\"b\"]",
        "LO; ''; -",
    })
    void stringValuesAreSplitTrimmedAndNulledPerVr(String vr, String values, String expected)
            throws Exception {
        Attribute attribute = AttributeFactory.newAttribute(PRIVATE, vr.getBytes(StandardCharsets.US_ASCII));
        for (String value : values.split("\\|", -1)) {
            attribute.addValue(value);
        }
        AttributeList list = new AttributeList();
        list.put(attribute);

        JsonNode node = write(list, BulkDataPolicy.INLINE_ALL).get("00091001");

        assertEquals(vr, node.get("vr").asText());
        assertValue(expected, node);
    }

    @Test
    void uidPaddedWithNulHasTheNulRemoved() throws Exception {
        byte[] value = "1.2.840.10008.1.2\0".getBytes(StandardCharsets.US_ASCII);
        Attribute uid = new UniqueIdentifierAttribute(TagFromName.SOPInstanceUID, (long) value.length, in(value));
        AttributeList list = new AttributeList();
        list.put(uid);

        assertEquals("1.2.840.10008.1.2", write(list, BulkDataPolicy.INLINE_ALL).get("00080018").get("Value").get(0).asText());
    }

    @Test
    void multiValuedStringReadFromBytesKeepsItsEmptyValueAsNull() throws Exception {
        byte[] value = "ID1\\\\ID3 ".getBytes(StandardCharsets.US_ASCII);
        Attribute ids = new LongStringAttribute(TagFromName.OtherPatientIDs, (long) value.length, in(value), null);
        AttributeList list = new AttributeList();
        list.put(ids);

        assertValue("[\"ID1\",null,\"ID3\"]", write(list, BulkDataPolicy.INLINE_ALL).get("00101000"));
    }

    // ---- person names (§F.2.2) ----

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = ';', quoteCharacter = '\'', value = {
        "Yamada^Tarou=山田^太郎=やまだ^たろう; [{\"Alphabetic\":\"Yamada^Tarou\",\"Ideographic\":\"山田^太郎\",\"Phonetic\":\"やまだ^たろう\"}]",
        "=山田^太郎; [{\"Ideographic\":\"山田^太郎\"}]",
        "==やまだ^たろう; [{\"Phonetic\":\"やまだ^たろう\"}]",
        "Smith^John==; [{\"Alphabetic\":\"Smith^John\"}]",
        "'Smith^John '; [{\"Alphabetic\":\"Smith^John\"}]",
        "' Smith^John'; [{\"Alphabetic\":\" Smith^John\"}]",
        "'Smith^John|=|Doe^Jane'; [{\"Alphabetic\":\"Smith^John\"},null,{\"Alphabetic\":\"Doe^Jane\"}]",
        "Smith^John||Doe^Jane; [{\"Alphabetic\":\"Smith^John\"},null,{\"Alphabetic\":\"Doe^Jane\"}]",
        "'=='; -",
    })
    void personNameValuesAreObjectsOfNonEmptyComponentGroups(String values, String expected)
            throws Exception {
        Attribute name = new PersonNameAttribute(TagFromName.PatientName);
        for (String value : values.split("\\|", -1)) {
            name.addValue(value);
        }
        AttributeList list = new AttributeList();
        list.put(name);

        JsonNode node = write(list, BulkDataPolicy.INLINE_ALL).get("00100010");

        assertEquals("PN", node.get("vr").asText());
        assertValue(expected, node);
    }

    /**
     * PixelMed decodes the bytes through Specific Character Set; the writer must pass the Unicode
     * on intact into UTF-8 JSON. The ISO 2022 case is the PS3.5 Annex H example.
     */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = ';', value = {
        "ISO_IR 100; 4DFC6C6C65725E4AFC7267656E; Müller^Jürgen;;",
        "ISO_IR 192; CE93CEB9CEACCEBDCEBDCEB7CF825ECEA0CEB1CF80CEB1CEB4CF8CCF80CEBFCF85CEBBCEBFCF82; Γιάννης^Παπαδόπουλος;;",
        "\\ISO 2022 IR 87; 59616D6164615E5461726F753D1B24423B3345441B28425E1B244242404F3A1B28423D1B24422464245E"
                + "24401B28425E1B2442243F246D24261B2842; Yamada^Tarou; 山田^太郎; やまだ^たろう",
    })
    void stringsArePassedOnAsUnicodeWhateverTheSpecificCharacterSet(
            String charset, String hex, String alphabetic, String ideographic, String phonetic)
            throws Exception {
        byte[] bytes = HexFormat.of().parseHex(hex.replace(" ", ""));
        String[] charsets = charset.split("\\\\", -1);
        AttributeList list = new AttributeList();
        Attribute characterSet = new CodeStringAttribute(TagFromName.SpecificCharacterSet);
        for (String value : charsets) {
            characterSet.addValue(value);
        }
        list.put(characterSet);
        list.put(new PersonNameAttribute(
                TagFromName.PatientName, (long) bytes.length, in(bytes), new SpecificCharacterSet(charsets)));

        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (JsonGenerator gen = FACTORY.createGenerator(out)) {
            DicomJsonWriter.writeDataset(gen, list, BulkDataPolicy.INLINE_ALL);
        }
        JsonNode name = MAPPER.readTree(new String(out.toByteArray(), StandardCharsets.UTF_8))
                .get("00100010").get("Value").get(0);

        assertEquals(alphabetic, name.path("Alphabetic").textValue());
        assertEquals(ideographic, name.path("Ideographic").textValue());
        assertEquals(phonetic, name.path("Phonetic").textValue());
        assertValue("[" + Arrays.stream(charsets).map(c -> c.isEmpty() ? "null" : "\"" + c + "\"")
                .reduce((a, b) -> a + "," + b).orElseThrow() + "]",
                MAPPER.readTree(out.toByteArray()).get("00080005"));
    }

    // ---- numbers (§F.2.3) ----

    /** Expected output is compared as text, so 1.50 must stay 1.50 and 7 must not become 7.0. */
    @ParameterizedTest(name = "{0} \"{1}\"")
    @CsvSource(delimiter = ';', quoteCharacter = '\'', value = {
        "DS; +1.50; 1.50",
        "DS; .5; 0.5",
        "DS; -.5; -0.5",
        "DS; 1e3; 1e3",
        "DS; 1E+03; 1e+03",
        "DS; -2.5E-4; -2.5e-4",
        "DS; 1.; 1",
        "DS; 007.250; 7.250",
        "DS; ' 2 '; 2",
        "DS; -0; -0",
        "DS; 0.0; 0.0",
        "DS; 1,5; '\"1,5\"'",
        "DS; NaN; '\"NaN\"'",
        "DS; abc; '\"abc\"'",
        "DS; +; '\"+\"'",
        "DS; 1e; '\"1e\"'",
        "IS; +007; 7",
        "IS; -42; -42",
        "IS; 0; 0",
        "IS; 2147483648; 2147483648",
        "IS; 12a; '\"12a\"'",
    })
    void decimalAndIntegerStringsBecomeValidJsonNumbers(String vr, String raw, String expected)
            throws Exception {
        String expectedJson = "{\"00091001\":{\"vr\":\"" + vr + "\",\"Value\":[" + expected + "]}}";
        Attribute attribute = AttributeFactory.newAttribute(PRIVATE, vr.getBytes(StandardCharsets.US_ASCII));
        attribute.addValue(raw);
        AttributeList list = new AttributeList();
        list.put(attribute);

        String fromDataset = writeString(list, BulkDataPolicy.INLINE_ALL);
        String fromIndex = writeObject(gen -> DicomJsonWriter.writeAttribute(gen, 0x00091001, vr, List.of(raw)));

        assertEquals(expectedJson, fromDataset);
        assertEquals(expectedJson, fromIndex);
        // Jackson's default parser is strict: no leading zeros, "+", ".5" or bare NaN get through.
        JsonNode value = MAPPER.readTree(fromDataset).get("00091001").get("Value").get(0);
        assertEquals(!expected.startsWith("\""), value.isNumber());
    }

    @Test
    void decimalStringWithSeveralValues() throws Exception {
        Attribute spacing = AttributeFactory.newAttribute(TagFromName.PixelSpacing);
        spacing.addValue("0.5");
        spacing.addValue("+.25");
        AttributeList list = new AttributeList();
        list.put(spacing);

        assertEquals("{\"00280030\":{\"vr\":\"DS\",\"Value\":[0.5,0.25]}}", writeString(list, BulkDataPolicy.INLINE_ALL));
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource(delimiter = ';', value = {
        "US; 65535; 65535",
        "US; 0; 0",
        "UL; 4294967295; 4294967295",
        "SS; -32768; -32768",
        "SS; 32767; 32767",
        "SL; -2147483648; -2147483648",
        "SV; -9223372036854775808; -9223372036854775808",
        "UV; 18446744073709551615; 18446744073709551615",
        "UV; 9223372036854775807; 9223372036854775807",
    })
    void binaryIntegersAreJsonNumbersInTheirFullRange(String vr, String value, String expected)
            throws Exception {
        // Read from the little-endian value field, as PixelMed reads a file, so the test sees the
        // signed Java types PixelMed really holds US/UL/UV in.
        int width = switch (vr) {
            case "US", "SS" -> 2;
            case "UL", "SL" -> 4;
            default -> 8;
        };
        ByteBuffer field = ByteBuffer.allocate(width).order(ByteOrder.LITTLE_ENDIAN);
        long bits = new BigInteger(value).longValue();
        switch (width) {
            case 2 -> field.putShort((short) bits);
            case 4 -> field.putInt((int) bits);
            default -> field.putLong(bits);
        }
        Attribute attribute = switch (vr) {
            case "US" -> new UnsignedShortAttribute(PRIVATE, (long) width, in(field.array()));
            case "SS" -> new SignedShortAttribute(PRIVATE, (long) width, in(field.array()));
            case "UL" -> new UnsignedLongAttribute(PRIVATE, (long) width, in(field.array()));
            case "SL" -> new SignedLongAttribute(PRIVATE, (long) width, in(field.array()));
            case "SV" -> new SignedVeryLongAttribute(PRIVATE, (long) width, in(field.array()));
            default -> {
                // PixelMed 20220618 reads a UV field as 32 bits and sign-extends it, so the value is
                // set in memory, in the signed long PixelMed holds it in.
                Attribute uv = new UnsignedVeryLongAttribute(PRIVATE);
                uv.setValues(new long[] {bits});
                yield uv;
            }
        };
        AttributeList list = new AttributeList();
        list.put(attribute);

        String json = writeString(list, BulkDataPolicy.INLINE_ALL);

        assertEquals("{\"00091001\":{\"vr\":\"" + vr + "\",\"Value\":[" + expected + "]}}", json);
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource(delimiter = ';', value = {
        "FL; 0.1; 0.1",
        "FL; -1.5; -1.5",
        "FL; NaN; '\"NaN\"'",
        "FL; Infinity; '\"Infinity\"'",
        "FD; 0.1; 0.1",
        "FD; 1.0E-300; 1.0E-300",
        "FD; NaN; '\"NaN\"'",
        "FD; Infinity; '\"Infinity\"'",
        "FD; -Infinity; '\"-Infinity\"'",
    })
    void floatsAreNumbersAndNonFiniteValuesAreStrings(String vr, String value, String expected)
            throws Exception {
        Attribute attribute = AttributeFactory.newAttribute(PRIVATE, vr.getBytes(StandardCharsets.US_ASCII));
        if (vr.equals("FL")) {
            attribute.addValue(Float.parseFloat(value));
        } else {
            attribute.addValue(Double.parseDouble(value));
        }
        AttributeList list = new AttributeList();
        list.put(attribute);

        String json = writeString(list, BulkDataPolicy.INLINE_ALL);

        assertEquals("{\"00091001\":{\"vr\":\"" + vr + "\",\"Value\":[" + expected + "]}}", json);
        MAPPER.readTree(json); // strict parser: would reject a bare NaN
    }

    @Test
    void attributeTagsAreEightHexDigitStrings() throws Exception {
        AttributeTagAttribute pointers = new AttributeTagAttribute(TagFromName.FrameIncrementPointer);
        pointers.addValue(0x0018, 0x1063);
        pointers.addValue(0x0020, 0x000d);
        pointers.addValue(0x7fe0, 0x0010);
        AttributeList list = new AttributeList();
        list.put(pointers);

        assertEquals(
                "{\"00280009\":{\"vr\":\"AT\",\"Value\":[\"00181063\",\"0020000D\",\"7FE00010\"]}}",
                writeString(list, BulkDataPolicy.INLINE_ALL));
    }

    // ---- sequences (§F.2.2) ----

    @Test
    void sequencesNestTwoDeepWithEmptyItemsAsEmptyObjects() throws Exception {
        SequenceAttribute sops = new SequenceAttribute(TagFromName.ReferencedSOPSequence);
        AttributeList sop = new AttributeList();
        put(sop, new UniqueIdentifierAttribute(TagFromName.ReferencedSOPInstanceUID), "1.2.3.4.5");
        put(sop, new UniqueIdentifierAttribute(TagFromName.ReferencedSOPClassUID), "1.2.840.10008.5.1.4.1.1.2");
        sops.addItem(sop);
        sops.addItem(new AttributeList());

        AttributeList series = new AttributeList();
        series.put(sops);
        put(series, new UniqueIdentifierAttribute(TagFromName.SeriesInstanceUID), "1.2.3.4");
        SequenceAttribute seriesSequence = new SequenceAttribute(TagFromName.ReferencedSeriesSequence);
        seriesSequence.addItem(series);
        seriesSequence.addItem(new AttributeList());

        AttributeList list = new AttributeList();
        list.put(seriesSequence);
        list.put(new SequenceAttribute(TagFromName.ReferencedStudySequence));

        JsonNode expected = MAPPER.readTree("""
                {"00081110":{"vr":"SQ"},
                 "00081115":{"vr":"SQ","Value":[
                   {"00081199":{"vr":"SQ","Value":[
                       {"00081150":{"vr":"UI","Value":["1.2.840.10008.5.1.4.1.1.2"]},
                        "00081155":{"vr":"UI","Value":["1.2.3.4.5"]}},
                       {}]},
                    "0020000E":{"vr":"UI","Value":["1.2.3.4"]}},
                   {}]}}""");
        JsonNode json = write(list, BulkDataPolicy.INLINE_ALL);

        assertEquals(expected, json);
        JsonNode firstItem = json.get("00081115").get("Value").get(0);
        assertEquals(List.of("00081199", "0020000E"), fieldNames(firstItem));
        assertEquals(List.of("00081150", "00081155"), fieldNames(firstItem.get("00081199").get("Value").get(0)));
    }

    // ---- binary (§F.2.6, §F.2.7) ----

    @Test
    void otherByteRoundTripsThroughInlineBinary() throws Exception {
        byte[] bytes = new byte[256];
        for (int i = 0; i < bytes.length; i++) {
            bytes[i] = (byte) i;
        }
        OtherByteAttribute document = new OtherByteAttribute(TagFromName.EncapsulatedDocument);
        document.setValues(bytes);
        AttributeList list = new AttributeList();
        list.put(document);

        JsonNode node = write(list, BulkDataPolicy.INLINE_ALL).get("00420011");

        assertEquals(List.of("vr", "InlineBinary"), fieldNames(node));
        assertEquals("OB", node.get("vr").asText());
        assertArrayEquals(bytes, Base64.getDecoder().decode(node.get("InlineBinary").asText()));
    }

    /** The value field as Explicit VR Little Endian holds it, whatever Java type PixelMed uses. */
    @ParameterizedTest(name = "{0}")
    @CsvSource({
        "OW, 0201B0A0",
        "OF, 0000803F000000C0",
        "OD, 000000000000F03F",
        "OL, 0403020188776655",
        "OV, 0807060504030201",
        "UN, 01020304",
        "OB, 0102030405",
    })
    void binaryValuesAreLittleEndianBase64(String vr, String littleEndianHex) throws Exception {
        Attribute attribute = AttributeFactory.newAttribute(PRIVATE, vr.getBytes(StandardCharsets.US_ASCII));
        switch (vr) {
            case "OW" -> attribute.setValues(new short[] {0x0102, (short) 0xA0B0});
            case "OF" -> attribute.setValues(new float[] {1.0f, -2.0f});
            case "OD" -> attribute.setValues(new double[] {1.0});
            case "OL" -> attribute.setValues(new int[] {0x01020304, 0x55667788});
            case "OV" -> attribute.setValues(new long[] {0x0102030405060708L});
            default -> attribute.setValues(HexFormat.of().parseHex(littleEndianHex));
        }
        AttributeList list = new AttributeList();
        list.put(attribute);

        JsonNode node = write(list, BulkDataPolicy.INLINE_ALL).get("00091001");

        assertEquals(vr, node.get("vr").asText());
        assertEquals(littleEndianHex,
                HexFormat.of().withUpperCase().formatHex(Base64.getDecoder().decode(node.get("InlineBinary").asText())));
    }

    @Test
    void policyDecidesTopLevelBinaryButNestedBinaryIsAlwaysInline() throws Exception {
        OtherWordAttribute pixels = new OtherWordAttribute(TagFromName.PixelData);
        pixels.setValues(new short[] {1, 2, 3, 4});
        OtherByteAttribute icc = new OtherByteAttribute(TagFromName.ICCProfile);
        icc.setValues(new byte[] {9, 8});
        OtherByteAttribute nested = new OtherByteAttribute(TagFromName.ICCProfile);
        nested.setValues(new byte[] {7, 6});
        AttributeList item = new AttributeList();
        item.put(nested);
        SequenceAttribute iconSequence = new SequenceAttribute(TagFromName.IconImageSequence);
        iconSequence.addItem(item);
        AttributeList list = new AttributeList();
        list.put(pixels);
        list.put(icc);
        list.put(iconSequence);
        List<String> asked = new ArrayList<>();

        JsonNode json = write(list, (tag, vr, length) -> {
            asked.add(DicomJsonWriter.tagKey(tag.getGroup() << 16 | tag.getElement()) + " " + vr + " " + length);
            return tag.equals(TagFromName.PixelData) ? "https://h/studies/1/series/2/instances/3/bulk/7FE00010" : null;
        });

        assertEquals(List.of("00282000 OB 2", "7FE00010 OW 8"), asked);
        assertEquals(MAPPER.readTree("""
                {"vr":"OW","BulkDataURI":"https://h/studies/1/series/2/instances/3/bulk/7FE00010"}"""),
                json.get("7FE00010"));
        assertEquals(MAPPER.readTree("{\"vr\":\"OB\",\"InlineBinary\":\"CQg=\"}"), json.get("00282000"));
        assertEquals(MAPPER.readTree("{\"vr\":\"OB\",\"InlineBinary\":\"BwY=\"}"),
                json.get("00880200").get("Value").get(0).get("00282000"));
    }

    @Test
    void unknownPrivateAttributeIsWrittenAsUn() throws Exception {
        UnknownAttribute unknown = new UnknownAttribute(new AttributeTag(0x0011, 0x1010));
        unknown.setValues(new byte[] {'a', 'b'});
        AttributeList list = new AttributeList();
        put(list, new LongStringAttribute(new AttributeTag(0x0011, 0x0010)), "ACME");
        list.put(unknown);

        assertEquals(
                "{\"00110010\":{\"vr\":\"LO\",\"Value\":[\"ACME\"]},\"00111010\":{\"vr\":\"UN\",\"InlineBinary\":\"YWI=\"}}",
                writeString(list, BulkDataPolicy.INLINE_ALL));
    }

    // ---- low-level writers used by QIDO ----

    @ParameterizedTest(name = "{1} {2}")
    @CsvSource(delimiter = ';', quoteCharacter = '\'', value = {
        "0x00100010; PN; Doe^John=ド^ジョン; {\"vr\":\"PN\",\"Value\":[{\"Alphabetic\":\"Doe^John\",\"Ideographic\":\"ド^ジョン\"}]}",
        "0x00100010; PN; Doe^John\\; {\"vr\":\"PN\",\"Value\":[{\"Alphabetic\":\"Doe^John\"},null]}",
        "0x00201208; IS; 42; {\"vr\":\"IS\",\"Value\":[42]}",
        "0x00280030; DS; 0.5|.5; {\"vr\":\"DS\",\"Value\":[0.5,0.5]}",
        "0x00280010; US; 65535; {\"vr\":\"US\",\"Value\":[65535]}",
        "0x00189219; FD; NaN; {\"vr\":\"FD\",\"Value\":[\"NaN\"]}",
        "0x00180088; FD; 1.5e2; {\"vr\":\"FD\",\"Value\":[1.5e2]}",
        "0x00080061; CS; CT\\MR; {\"vr\":\"CS\",\"Value\":[\"CT\",\"MR\"]}",
        "0x00080061; CS; CT|MR; {\"vr\":\"CS\",\"Value\":[\"CT\",\"MR\"]}",
        "0x00081030; LO; 'Head '; {\"vr\":\"LO\",\"Value\":[\"Head\"]}",
        "0x00081030; LO; ''; {\"vr\":\"LO\"}",
        "0x00200020; CS; A|; {\"vr\":\"CS\",\"Value\":[\"A\",null]}",
        "0x00081160; AT; 00100010|(0020,000d)|0x7FE00010; {\"vr\":\"AT\",\"Value\":[\"00100010\",\"0020000D\",\"7FE00010\"]}",
        "0x00180010; LT; a\\b; {\"vr\":\"LT\",\"Value\":[\"a\\\\b\"]}",
    })
    void writeAttributeFromIndexStrings(String tag, String vr, String values, String expected)
            throws Exception {
        int t = Integer.parseUnsignedInt(tag.substring(2), 16);
        List<String> list = Arrays.asList(values.split("\\|", -1));

        String json = writeObject(gen -> DicomJsonWriter.writeAttribute(gen, t, vr, list));

        assertEquals("{\"" + DicomJsonWriter.tagKey(t) + "\":" + expected + "}", json);
    }

    @Test
    void writeAttributeWithoutValuesWritesVrOnly() throws Exception {
        assertEquals("{\"00080020\":{\"vr\":\"DA\"}}",
                writeObject(gen -> DicomJsonWriter.writeAttribute(gen, 0x00080020, "DA", List.of())));
        assertEquals("{\"00081115\":{\"vr\":\"SQ\"}}",
                writeObject(gen -> DicomJsonWriter.writeAttribute(gen, 0x00081115, "SQ", null)));
    }

    @ParameterizedTest
    @CsvSource({"SQ, x", "OB, AQI=", "ps, x", "PNX, x"})
    void writeAttributeRejectsWhatItCannotRepresent(String vr, String value) {
        assertThrows(IllegalArgumentException.class,
                () -> writeObject(gen -> DicomJsonWriter.writeAttribute(gen, 0x00091001, vr, List.of(value))));
    }

    // ---- a real Part 10 file ----

    /**
     * Written and read back by PixelMed in each transfer syntax, so the values come through
     * PixelMed's own readers: file meta and group lengths present in the file, OW pixel data in Big
     * Endian, a private attribute that Implicit VR turns into UN.
     */
    @ParameterizedTest
    @ValueSource(strings = {
        TransferSyntax.ExplicitVRLittleEndian, TransferSyntax.ImplicitVRLittleEndian, TransferSyntax.ExplicitVRBigEndian})
    void part10FileReadBackByPixelMed(String transferSyntax, @TempDir Path dir) throws Exception {
        AttributeList list = new AttributeList();
        put(list, new CodeStringAttribute(TagFromName.SpecificCharacterSet), "ISO_IR 100");
        put(list, new UniqueIdentifierAttribute(TagFromName.SOPClassUID), "1.2.840.10008.5.1.4.1.1.7");
        put(list, new UniqueIdentifierAttribute(TagFromName.SOPInstanceUID), "1.2.3.4.5.6");
        put(list, new UniqueIdentifierAttribute(TagFromName.StudyInstanceUID), "1.2.3");
        put(list, new PersonNameAttribute(TagFromName.PatientName, new SpecificCharacterSet(new String[] {"ISO_IR 100"})),
                "Müller^Jürgen");
        put(list, new LongStringAttribute(TagFromName.OtherPatientIDs), "A", "", "C");
        put(list, new UnsignedShortAttribute(TagFromName.Rows), "2");
        put(list, new UnsignedShortAttribute(TagFromName.Columns), "1");
        put(list, new UnsignedShortAttribute(TagFromName.SamplesPerPixel), "1");
        put(list, new CodeStringAttribute(TagFromName.PhotometricInterpretation), "MONOCHROME2");
        put(list, new UnsignedShortAttribute(TagFromName.BitsAllocated), "16");
        put(list, new UnsignedShortAttribute(TagFromName.BitsStored), "16");
        put(list, new UnsignedShortAttribute(TagFromName.HighBit), "15");
        put(list, new UnsignedShortAttribute(TagFromName.PixelRepresentation), "0");
        put(list, new UnsignedShortAttribute(TagFromName.LargestImagePixelValue), "65535");
        put(list, new LongStringAttribute(new AttributeTag(0x0009, 0x0010)), "ACME 1.0");
        put(list, new LongStringAttribute(new AttributeTag(0x0009, 0x1001)), "secret");
        SequenceAttribute codes = new SequenceAttribute(TagFromName.ProcedureCodeSequence);
        AttributeList code = new AttributeList();
        put(code, new LongStringAttribute(TagFromName.CodeMeaning), "CT Kopf");
        codes.addItem(code);
        list.put(codes);
        OtherWordAttribute pixels = new OtherWordAttribute(TagFromName.PixelData);
        pixels.setValues(new short[] {0x0102, (short) 0xFFFE});
        list.put(pixels);
        FileMetaInformation.addFileMetaInformation(list, transferSyntax, "DICOMGATE");
        File file = dir.resolve("instance.dcm").toFile();
        list.write(file, transferSyntax, true, true);

        byte[] latin1 = "Müller^Jürgen".getBytes(StandardCharsets.ISO_8859_1);
        byte[] fileBytes = java.nio.file.Files.readAllBytes(file.toPath());
        assertTrue(indexOf(fileBytes, latin1) >= 0, "the name is stored in ISO 8859-1, not UTF-8");

        AttributeList read = new AttributeList();
        read.read(file);
        assertTrue(read.containsKey(TagFromName.TransferSyntaxUID), "the file has meta information to skip");
        JsonNode json = write(read, BulkDataPolicy.INLINE_ALL);

        List<String> keys = fieldNames(json);
        assertEquals(keys.stream().sorted().toList(), keys);
        assertFalse(keys.stream().anyMatch(k -> k.startsWith("0002") || k.endsWith("0000")), keys.toString());
        assertEquals("Müller^Jürgen", json.get("00100010").get("Value").get(0).get("Alphabetic").asText());
        assertValue("[\"A\",null,\"C\"]", json.get("00101000"));
        assertValue("[65535]", json.get("00280107"));
        assertEquals("CT Kopf", json.get("00081032").get("Value").get(0).get("00080104").get("Value").get(0).asText());
        assertEquals("OW", json.get("7FE00010").get("vr").asText());
        assertEquals("0201FEFF",
                HexFormat.of().withUpperCase().formatHex(Base64.getDecoder().decode(json.get("7FE00010").get("InlineBinary").asText())));
        JsonNode secret = json.get("00091001");
        if (transferSyntax.equals(TransferSyntax.ImplicitVRLittleEndian)) {
            assertEquals("UN", secret.get("vr").asText());
            assertEquals("secret", new String(Base64.getDecoder().decode(secret.get("InlineBinary").asText()), StandardCharsets.US_ASCII));
        } else {
            assertValue("[\"secret\"]", secret);
        }
    }

    // ---- helpers ----

    @FunctionalInterface
    private interface Writing {
        void write(JsonGenerator gen) throws IOException;
    }

    private static void put(AttributeList list, Attribute attribute, String... values) throws Exception {
        for (String value : values) {
            attribute.addValue(value);
        }
        list.put(attribute);
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    private static DicomInputStream in(byte[] bytes) throws IOException {
        return new DicomInputStream(new ByteArrayInputStream(bytes), TransferSyntax.ExplicitVRLittleEndian, false);
    }

    private static String writeString(AttributeList list, BulkDataPolicy policy) throws IOException {
        return writeObject(gen -> DicomJsonWriter.writeFields(gen, list, policy));
    }

    private static JsonNode write(AttributeList list, BulkDataPolicy policy) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (JsonGenerator gen = FACTORY.createGenerator(out)) {
            DicomJsonWriter.writeDataset(gen, list, policy);
        }
        return MAPPER.readTree(out.toByteArray());
    }

    /** Wraps the fields written by {@code body} in braces and returns the JSON text. */
    private static String writeObject(Writing body) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (JsonGenerator gen = FACTORY.createGenerator(out)) {
            gen.writeStartObject();
            body.write(gen);
            gen.writeEndObject();
        }
        String json = out.toString(StandardCharsets.UTF_8);
        MAPPER.readTree(json); // whatever is written must be valid JSON
        return json;
    }

    private static List<String> fieldNames(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }

    /** @param expected the "Value" array as JSON, or "-" for an attribute with no "Value" */
    private static void assertValue(String expected, JsonNode attribute) throws IOException {
        if (expected.equals("-")) {
            assertEquals(List.of("vr"), fieldNames(attribute), attribute.toString());
        } else {
            assertEquals(MAPPER.readTree(expected), attribute.get("Value"), attribute.toString());
        }
    }
}
