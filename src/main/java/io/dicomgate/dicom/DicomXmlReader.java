package io.dicomgate.dicom;

import java.io.IOException;
import java.io.InputStream;
import java.util.Map;
import java.util.TreeMap;

import javax.xml.XMLConstants;
import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Reads one PS3.19 §A.1 Native DICOM Model document ({@code application/dicom+xml}), the inverse of
 * {@link DicomXmlWriter}.
 *
 * <p>PS3.18 §F.1 defines the XML and JSON models as two encodings of the same content, so the
 * document is translated into the DICOM JSON Model and built by {@link DicomJsonReader}: XML and
 * JSON metadata then share every VR rule, the bulk data mechanism ({@code <BulkData uri>} becomes
 * a {@code BulkDataURI}) and the character set handling. {@code <Value number>},
 * {@code <PersonName number>} (components joined with {@code ^}, groups with {@code =}) and
 * {@code <Item number>} keep their positions; {@code keyword} and {@code privateCreator} are
 * informative, the {@code tag} is what counts.
 *
 * <p>The parser never reads a DTD or an external entity: a document with a DOCTYPE is refused.
 */
public final class DicomXmlReader {

    /** Positions beyond this are refused rather than allocated (PS3.5 VM is bounded by the 4 GiB length). */
    private static final int MAX_NUMBER = 1 << 24;
    private static final String[] PN_GROUPS = { "Alphabetic", "Ideographic", "Phonetic" };
    private static final String[] PN_COMPONENTS = { "FamilyName", "GivenName", "MiddleName", "NamePrefix", "NameSuffix" };
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final XMLInputFactory XML = secureFactory();

    private DicomXmlReader() {
    }

    private static XMLInputFactory secureFactory() {
        XMLInputFactory factory = XMLInputFactory.newFactory();
        factory.setProperty(XMLInputFactory.SUPPORT_DTD, false);
        factory.setProperty(XMLInputFactory.IS_SUPPORTING_EXTERNAL_ENTITIES, false);
        factory.setProperty(XMLInputFactory.IS_REPLACING_ENTITY_REFERENCES, false);
        factory.setProperty(XMLInputFactory.IS_NAMESPACE_AWARE, true);
        trySet(factory, XMLConstants.ACCESS_EXTERNAL_DTD, "");
        trySet(factory, XMLConstants.ACCESS_EXTERNAL_SCHEMA, "");
        return factory;
    }

    private static void trySet(XMLInputFactory factory, String property, Object value) {
        try {
            factory.setProperty(property, value);
        } catch (IllegalArgumentException e) {
            // Not every StAX implementation knows the JAXP 1.5 properties; SUPPORT_DTD=false suffices.
        }
    }

    /**
     * @param document one {@code NativeDicomModel} document
     * @throws InvalidDicomException when the document is not well-formed XML, has a DOCTYPE, is not a
     *     {@code NativeDicomModel} or, once translated, not a valid data set (see {@link DicomJsonReader#read})
     */
    public static DicomJsonReader.Result read(InputStream document, DicomJsonReader.BulkDataResolver resolver)
            throws InvalidDicomException, IOException {
        return DicomJsonReader.read(toJson(document), resolver);
    }

    /** The document as one DICOM JSON Model object (PS3.18 Annex F). */
    public static ObjectNode toJson(InputStream document) throws InvalidDicomException {
        XMLStreamReader xml = null;
        try {
            xml = XML.createXMLStreamReader(document);
            int event = nextTag(xml);
            if (event != XMLStreamConstants.START_ELEMENT || !isModel(xml, "NativeDicomModel")) {
                throw new InvalidDicomException("the document is not a NativeDicomModel");
            }
            ObjectNode dataset = readDataset(xml);
            while (xml.hasNext()) {
                event = xml.next();
                if (event == XMLStreamConstants.START_ELEMENT || event == XMLStreamConstants.DTD) {
                    throw new InvalidDicomException("content after the NativeDicomModel");
                }
            }
            return dataset;
        } catch (XMLStreamException | RuntimeException e) {
            throw new InvalidDicomException("not well-formed XML");
        } finally {
            if (xml != null) {
                try {
                    xml.close();
                } catch (XMLStreamException e) {
                    // nothing was held open but the parser itself
                }
            }
        }
    }

    /** Reads the DicomAttribute children of the current element (NativeDicomModel or Item) up to its end. */
    private static ObjectNode readDataset(XMLStreamReader xml) throws XMLStreamException, InvalidDicomException {
        ObjectNode dataset = NODES.objectNode();
        while (nextTag(xml) == XMLStreamConstants.START_ELEMENT) {
            if (!isModel(xml, "DicomAttribute")) {
                throw new InvalidDicomException("unexpected element " + xml.getLocalName());
            }
            String tag = xml.getAttributeValue(null, "tag");
            String vr = xml.getAttributeValue(null, "vr");
            if (tag == null || !tag.matches("[0-9A-Fa-f]{8}")) {
                throw new InvalidDicomException("DicomAttribute tag is not eight hexadecimal digits");
            }
            String key = tag.toUpperCase(java.util.Locale.ROOT);
            if (dataset.has(key)) {
                throw new InvalidDicomException("attribute " + key + " appears twice");
            }
            dataset.set(key, readAttribute(xml, vr));
        }
        return dataset;
    }

    private static ObjectNode readAttribute(XMLStreamReader xml, String vr)
            throws XMLStreamException, InvalidDicomException {
        ObjectNode attribute = NODES.objectNode();
        if (vr != null) {
            attribute.put("vr", vr);
        }
        Map<Integer, JsonNode> values = new TreeMap<>();
        boolean binary = false;
        while (nextTag(xml) == XMLStreamConstants.START_ELEMENT) {
            String name = xml.getLocalName();
            if (!isModel(xml, name) || binary) {
                throw new InvalidDicomException("unexpected element " + name);
            }
            switch (name) {
                case "Value" -> put(values, number(xml), emptyIsNull(text(xml)));
                case "PersonName" -> {
                    int number = number(xml);
                    put(values, number, personName(xml));
                }
                case "Item" -> {
                    int number = number(xml);
                    put(values, number, readDataset(xml));
                }
                case "BulkData" -> {
                    String uri = xml.getAttributeValue(null, "uri");
                    if (uri == null || !values.isEmpty()) {
                        throw new InvalidDicomException("BulkData without a uri");
                    }
                    attribute.put("BulkDataURI", uri);
                    skipEmpty(xml);
                    binary = true;
                }
                case "InlineBinary" -> {
                    if (!values.isEmpty()) {
                        throw new InvalidDicomException("InlineBinary with values");
                    }
                    attribute.put("InlineBinary", text(xml).replaceAll("\\s", ""));
                    binary = true;
                }
                default -> throw new InvalidDicomException("unexpected element " + name);
            }
        }
        if (!values.isEmpty()) {
            ArrayNode array = attribute.putArray("Value");
            int expected = 1;
            for (Map.Entry<Integer, JsonNode> value : values.entrySet()) {
                if (value.getKey() != expected++) {
                    throw new InvalidDicomException("value numbers are not 1 to n");
                }
                array.add(value.getValue());
            }
        }
        return attribute;
    }

    /** PS3.19 §A.1: the groups as PN component groups, their components joined by "^" (PS3.5 §6.2). */
    private static JsonNode personName(XMLStreamReader xml) throws XMLStreamException, InvalidDicomException {
        ObjectNode name = NODES.objectNode();
        while (nextTag(xml) == XMLStreamConstants.START_ELEMENT) {
            String group = xml.getLocalName();
            if (!isModel(xml, group) || indexOf(PN_GROUPS, group) < 0 || name.has(group)) {
                throw new InvalidDicomException("unexpected element " + group + " in PersonName");
            }
            String[] components = new String[PN_COMPONENTS.length];
            int last = -1;
            while (nextTag(xml) == XMLStreamConstants.START_ELEMENT) {
                int c = indexOf(PN_COMPONENTS, xml.getLocalName());
                if (!isModel(xml, xml.getLocalName()) || c < 0 || components[c] != null) {
                    throw new InvalidDicomException("unexpected element " + xml.getLocalName() + " in " + group);
                }
                components[c] = text(xml);
                if (!components[c].isEmpty()) {
                    last = Math.max(last, c);
                }
            }
            StringBuilder text = new StringBuilder();
            for (int c = 0; c <= last; c++) {
                if (c > 0) {
                    text.append('^');
                }
                text.append(components[c] == null ? "" : components[c]);
            }
            name.put(group, text.toString());
        }
        return name.isEmpty() ? NODES.nullNode() : name;
    }

    private static void put(Map<Integer, JsonNode> values, int number, JsonNode value) throws InvalidDicomException {
        if (values.putIfAbsent(number, value) != null) {
            throw new InvalidDicomException("value number " + number + " appears twice");
        }
    }

    private static int number(XMLStreamReader xml) throws InvalidDicomException {
        String text = xml.getAttributeValue(null, "number");
        try {
            int number = Integer.parseInt(text == null ? "" : text.trim());
            if (number >= 1 && number <= MAX_NUMBER) {
                return number;
            }
        } catch (NumberFormatException e) {
            // fall through
        }
        throw new InvalidDicomException("number is not a positive integer");
    }

    /**
     * The text content of the current element up to its end tag. Unlike {@code getElementText}, an
     * entity reference the parser did not expand is refused instead of silently dropped.
     */
    private static String text(XMLStreamReader xml) throws XMLStreamException, InvalidDicomException {
        StringBuilder text = new StringBuilder();
        while (true) {
            int event = xml.next();
            switch (event) {
                case XMLStreamConstants.CHARACTERS, XMLStreamConstants.CDATA, XMLStreamConstants.SPACE ->
                    text.append(xml.getText());
                case XMLStreamConstants.COMMENT, XMLStreamConstants.PROCESSING_INSTRUCTION -> {
                    // ignorable
                }
                case XMLStreamConstants.END_ELEMENT -> {
                    return text.toString();
                }
                default -> throw new InvalidDicomException("a value holds only text");
            }
        }
    }

    private static JsonNode emptyIsNull(String text) {
        return text.isEmpty() ? NODES.nullNode() : NODES.textNode(text);
    }

    private static void skipEmpty(XMLStreamReader xml) throws XMLStreamException, InvalidDicomException {
        if (nextTag(xml) != XMLStreamConstants.END_ELEMENT) {
            throw new InvalidDicomException("BulkData is an empty element");
        }
    }

    /**
     * The next start or end tag, skipping comments, processing instructions and whitespace; text
     * anywhere else (outside Value, InlineBinary and name components) and a DOCTYPE are refused.
     */
    private static int nextTag(XMLStreamReader xml) throws XMLStreamException, InvalidDicomException {
        while (xml.hasNext()) {
            int event = xml.next();
            switch (event) {
                case XMLStreamConstants.START_ELEMENT, XMLStreamConstants.END_ELEMENT -> {
                    return event;
                }
                case XMLStreamConstants.CHARACTERS, XMLStreamConstants.CDATA, XMLStreamConstants.SPACE -> {
                    if (!xml.isWhiteSpace() && !xml.getText().isBlank()) {
                        throw new InvalidDicomException("text outside a value");
                    }
                }
                case XMLStreamConstants.COMMENT, XMLStreamConstants.PROCESSING_INSTRUCTION -> {
                    // ignorable
                }
                case XMLStreamConstants.DTD -> throw new InvalidDicomException("a DOCTYPE is not accepted");
                case XMLStreamConstants.ENTITY_REFERENCE -> throw new InvalidDicomException("entity references are not accepted");
                default -> {
                    return event;
                }
            }
        }
        return XMLStreamConstants.END_DOCUMENT;
    }

    /** Elements of the PS3.19 namespace, or of no namespace as some encoders write them. */
    private static boolean isModel(XMLStreamReader xml, String localName) {
        String namespace = xml.getNamespaceURI();
        return localName.equals(xml.getLocalName())
                && (namespace == null || namespace.isEmpty() || DicomXmlWriter.NAMESPACE.equals(namespace));
    }

    private static int indexOf(String[] names, String name) {
        for (int i = 0; i < names.length; i++) {
            if (names[i].equals(name)) {
                return i;
            }
        }
        return -1;
    }
}
