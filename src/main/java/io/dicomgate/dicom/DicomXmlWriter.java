package io.dicomgate.dicom;

import java.io.IOException;
import java.io.OutputStream;
import java.util.HashMap;
import java.util.Map;

import javax.xml.stream.XMLOutputFactory;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamWriter;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.util.TokenBuffer;
import com.pixelmed.dicom.AttributeList;

/**
 * Streams data sets as the Native DICOM Model of PS3.19 §A.1 ({@code application/dicom+xml}), the
 * XML representation PS3.18 §8.7.3.2 and §F.1 pair with DICOM JSON.
 *
 * <p>The source is always the DICOM JSON Model (PS3.18 Annex F): the members dicomgate stores for
 * QIDO and metadata, or a PixelMed data set run through {@link DicomJsonWriter}. One mapping
 * therefore serves both, and XML says exactly what the JSON says: {@code "Value"} entries become
 * {@code <Value number="n">}, PN objects become {@code <PersonName>} with their component groups
 * split into FamilyName … NameSuffix (PS3.5 §6.2), items become {@code <Item number="n">},
 * {@code BulkDataURI} becomes {@code <BulkData uri="…"/>} and {@code InlineBinary} stays base64.
 * Attributes are written one at a time from a streaming JSON parser to a StAX writer.
 */
public final class DicomXmlWriter {

    /** PS3.19 §A.1.6: the schema's default namespace. */
    public static final String NAMESPACE = "http://dicom.nema.org/PS3.19/models/NativeDICOM";

    private static final XMLOutputFactory XML = XMLOutputFactory.newFactory();
    /** Exact decimals, so a DS of "1.50" is not rewritten as 1.5 on its way to XML. */
    private static final ObjectMapper MAPPER = new ObjectMapper()
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .configure(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES, false);

    private static final String[] PN_GROUPS = { "Alphabetic", "Ideographic", "Phonetic" };
    /** PS3.5 §6.2 PN components in the order of the "^" separated values (PS3.19 §A.1.1 Table A.1.5-2). */
    private static final String[] PN_COMPONENTS = { "FamilyName", "GivenName", "MiddleName", "NamePrefix", "NameSuffix" };

    private DicomXmlWriter() {
    }

    /**
     * Writes one {@code NativeDicomModel} document (UTF-8, with declaration) from the members of a
     * DICOM JSON object, i.e. the text between its braces, as the index stores them.
     */
    public static void writeMembers(OutputStream out, String members) throws IOException {
        try (JsonParser json = MAPPER.createParser("{" + (members == null ? "" : members) + "}")) {
            if (json.nextToken() != JsonToken.START_OBJECT) {
                throw new IOException("not a DICOM JSON object");
            }
            writeDocument(out, json);
        }
    }

    /** Writes one document from a DICOM JSON object node. */
    public static void write(OutputStream out, JsonNode dataset) throws IOException {
        try (JsonParser json = MAPPER.treeAsTokens(dataset)) {
            json.nextToken();
            writeDocument(out, json);
        }
    }

    /** Writes one document from a PixelMed data set, with the same binary-value policy as the JSON writer. */
    public static void write(OutputStream out, AttributeList list, BulkDataPolicy policy) throws IOException {
        try (TokenBuffer buffer = new TokenBuffer(MAPPER, false)) {
            DicomJsonWriter.writeDataset(buffer, list, policy);
            try (JsonParser json = buffer.asParser(MAPPER)) {
                json.nextToken();
                writeDocument(out, json);
            }
        }
    }

    /** @param json positioned on the START_OBJECT of the data set */
    private static void writeDocument(OutputStream out, JsonParser json) throws IOException {
        try {
            XMLStreamWriter xml = XML.createXMLStreamWriter(out, "UTF-8");
            xml.writeStartDocument("UTF-8", "1.0");
            xml.writeStartElement("NativeDicomModel");
            xml.writeDefaultNamespace(NAMESPACE);
            // Values are data: leading, trailing and repeated spaces must survive XML processing.
            xml.writeAttribute("xml", "http://www.w3.org/XML/1998/namespace", "space", "preserve");
            writeDataset(xml, json);
            xml.writeEndElement();
            xml.writeEndDocument();
            xml.flush();
            xml.close();
        } catch (XMLStreamException e) {
            throw new IOException("XML could not be written", e);
        }
    }

    /** Reads the attributes of one object (parser on its START_OBJECT) and writes them. */
    private static void writeDataset(XMLStreamWriter xml, JsonParser json) throws IOException, XMLStreamException {
        Map<Integer, String> privateCreators = new HashMap<>();
        while (json.nextToken() == JsonToken.FIELD_NAME) {
            String key = json.currentName();
            json.nextToken();
            JsonNode attribute = MAPPER.readTree(json);
            writeAttribute(xml, key, attribute, privateCreators);
        }
    }

    private static void writeDataset(XMLStreamWriter xml, JsonNode item) throws XMLStreamException {
        Map<Integer, String> privateCreators = new HashMap<>();
        for (Map.Entry<String, JsonNode> field : item.properties()) {
            writeAttribute(xml, field.getKey(), field.getValue(), privateCreators);
        }
    }

    private static void writeAttribute(XMLStreamWriter xml, String key, JsonNode attribute,
            Map<Integer, String> privateCreators) throws XMLStreamException {
        if (!key.matches("[0-9A-Fa-f]{8}") || attribute == null || !attribute.isObject()) {
            throw new XMLStreamException("not a DICOM JSON attribute: " + clean(key));
        }
        int tag = Integer.parseUnsignedInt(key, 16);
        String vr = attribute.path("vr").asText("UN");
        int group = tag >>> 16;
        int element = tag & 0xFFFF;
        boolean privateGroup = (group & 1) == 1;
        if (privateGroup && element >= 0x10 && element <= 0xFF) {
            JsonNode creator = attribute.path("Value").path(0);
            if (creator.isTextual()) {
                privateCreators.put(group << 8 | element, creator.asText());
            }
        }
        xml.writeStartElement("DicomAttribute");
        xml.writeAttribute("tag", key.toUpperCase(java.util.Locale.ROOT));
        xml.writeAttribute("vr", vr);
        if (!privateGroup) {
            String keyword = DicomTags.keywordOf(tag);
            if (keyword != null && !keyword.isEmpty()) {
                xml.writeAttribute("keyword", keyword);
            }
        } else if (element > 0xFF) {
            // PS3.19 §A.1.1: a private data element names its Private Creator.
            String creator = privateCreators.get(group << 8 | element >>> 8);
            if (creator != null) {
                xml.writeAttribute("privateCreator", clean(creator));
            }
        }
        if (attribute.hasNonNull("BulkDataURI")) {
            xml.writeEmptyElement("BulkData");
            xml.writeAttribute("uri", clean(attribute.get("BulkDataURI").asText()));
        } else if (attribute.hasNonNull("InlineBinary")) {
            xml.writeStartElement("InlineBinary");
            xml.writeCharacters(clean(attribute.get("InlineBinary").asText()));
            xml.writeEndElement();
        } else if (attribute.path("Value").isArray()) {
            JsonNode values = attribute.get("Value");
            for (int i = 0; i < values.size(); i++) {
                JsonNode value = values.get(i);
                String number = Integer.toString(i + 1);
                switch (vr) {
                    case "SQ" -> {
                        xml.writeStartElement("Item");
                        xml.writeAttribute("number", number);
                        if (value != null && value.isObject()) {
                            writeDataset(xml, value);
                        }
                        xml.writeEndElement();
                    }
                    case "PN" -> writePersonName(xml, number, value);
                    default -> {
                        if (value == null || value.isNull()) {
                            // PS3.19 §A.1.1: an empty value keeps its position.
                            xml.writeEmptyElement("Value");
                            xml.writeAttribute("number", number);
                        } else {
                            xml.writeStartElement("Value");
                            xml.writeAttribute("number", number);
                            xml.writeCharacters(clean(scalar(value)));
                            xml.writeEndElement();
                        }
                    }
                }
            }
        }
        xml.writeEndElement();
    }

    /** Numbers keep their JSON text (exact decimals), so XML and JSON carry the same digits. */
    private static String scalar(JsonNode value) {
        if (value.isBigDecimal()) {
            return value.decimalValue().toString();
        }
        return value.asText();
    }

    private static void writePersonName(XMLStreamWriter xml, String number, JsonNode value) throws XMLStreamException {
        boolean empty = value == null || !value.isObject() || value.isEmpty();
        if (empty) {
            xml.writeEmptyElement("PersonName");
            xml.writeAttribute("number", number);
            return;
        }
        xml.writeStartElement("PersonName");
        xml.writeAttribute("number", number);
        for (String group : PN_GROUPS) {
            JsonNode text = value.get(group);
            if (text == null || !text.isTextual()) {
                continue;
            }
            xml.writeStartElement(group);
            String[] components = text.asText().split("\\^", -1);
            for (int c = 0; c < PN_COMPONENTS.length && c < components.length; c++) {
                if (!components[c].isEmpty()) {
                    xml.writeStartElement(PN_COMPONENTS[c]);
                    xml.writeCharacters(clean(components[c]));
                    xml.writeEndElement();
                }
            }
            xml.writeEndElement();
        }
        xml.writeEndElement();
    }

    /**
     * XML 1.0 (§2.2) cannot carry most C0 controls, not even escaped; a value holding one (an
     * undecoded ISO 2022 escape, say) gets U+FFFD there rather than a document no parser accepts.
     */
    static String clean(String value) {
        StringBuilder sb = null;
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            boolean allowed = c == '\t' || c == '\n' || c == '\r' || (c >= 0x20 && c <= 0xD7FF)
                    || (c >= 0xE000 && c <= 0xFFFD) || Character.isSurrogate(c);
            if (!allowed) {
                if (sb == null) {
                    sb = new StringBuilder(value.length()).append(value, 0, i);
                }
                sb.append('\uFFFD');
            } else if (sb != null) {
                sb.append(c);
            }
        }
        return sb == null ? value : sb.toString();
    }
}
