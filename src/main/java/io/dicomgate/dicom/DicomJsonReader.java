package io.dicomgate.dicom;

import java.io.IOException;
import java.math.BigDecimal;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeFactory;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.AttributeTag;
import com.pixelmed.dicom.AttributeTagAttribute;
import com.pixelmed.dicom.DicomException;
import com.pixelmed.dicom.SequenceAttribute;
import com.pixelmed.dicom.SpecificCharacterSet;

/**
 * Builds a PixelMed data set from one DICOM JSON Model object (PS3.18 Annex F), the inverse of
 * {@link DicomJsonWriter}: every VR, PN objects (§F.2.2), sequences, {@code InlineBinary} (§F.2.7)
 * and {@code BulkDataURI} (§F.2.6).
 *
 * <p>Top-level BulkDataURIs are not read into memory: they are returned as {@link Deferred}
 * references so that the caller streams the bulk data into the Part 10 file. Nested ones (inside
 * sequence items) are read through the resolver, since PixelMed must hold an item's values.
 * The JSON text is Unicode (§F.2.2 note), so a data set holding non-ASCII text is given Specific
 * Character Set ISO_IR 192 (UTF-8) and its strings are encoded as such.
 */
public final class DicomJsonReader {

    /** Most values one attribute may hold (count); beyond it the data set fails (C000). */
    static final int MAX_VALUES = 1_000_000;
    /** FL and FD values are added one by one (PixelMed has no array setter for them): fewer. */
    static final int MAX_FLOAT_VALUES = 20_000;
    private static final java.util.Set<String> QUADRATIC_VRS = java.util.Set.of("FL", "FD", "PN", "AT");


    /** A top-level binary attribute whose value is in a bulk data part. */
    public record Deferred(AttributeTag tag, String vr, String uri) {
    }

    /** The data set without its deferred values, and those values in tag order. */
    public record Result(AttributeList attributes, Map<AttributeTag, Deferred> deferred) {
    }

    /** Reads the bytes behind a nested BulkDataURI. */
    @FunctionalInterface
    public interface BulkDataResolver {
        /** @throws InvalidDicomException when no bulk data part carries {@code uri} */
        byte[] read(String uri) throws IOException, InvalidDicomException;
    }

    private static final Set<String> BINARY_VRS = Set.of("OB", "OD", "OF", "OL", "OV", "OW", "UN");
    private static final Set<String> KNOWN_VRS = Set.of("AE", "AS", "AT", "CS", "DA", "DS", "DT", "FD", "FL", "IS",
            "LO", "LT", "OB", "OD", "OF", "OL", "OV", "OW", "PN", "SH", "SL", "SQ", "SS", "ST", "SV", "TM", "UC", "UI",
            "UL", "UN", "UR", "US", "UT", "UV");
    private static final AttributeTag SPECIFIC_CHARACTER_SET = new AttributeTag(0x0008, 0x0005);
    private static final String[] PN_GROUPS = { "Alphabetic", "Ideographic", "Phonetic" };

    private DicomJsonReader() {
    }

    /**
     * @param dataset one element of the DICOM JSON array
     * @throws InvalidDicomException for anything that is not the DICOM JSON Model: a key that is not
     *     eight hex digits, a missing or unknown VR, a value of the wrong JSON type, bad base64, a
     *     BulkDataURI on a non-binary VR, an unresolved nested BulkDataURI
     */
    public static Result read(JsonNode dataset, BulkDataResolver resolver) throws InvalidDicomException, IOException {
        if (dataset == null || !dataset.isObject()) {
            throw new InvalidDicomException("a DICOM JSON data set is an object");
        }
        SpecificCharacterSet charset = new SpecificCharacterSet(
                new String[] { isAscii(dataset.toString()) ? "" : "ISO_IR 192" });
        Map<AttributeTag, Deferred> deferred = new LinkedHashMap<>();
        AttributeList list = readList(dataset, resolver, charset, deferred);
        if (!isAscii(dataset.toString())) {
            Attribute scs = new com.pixelmed.dicom.CodeStringAttribute(SPECIFIC_CHARACTER_SET);
            try {
                scs.addValue("ISO_IR 192");
            } catch (DicomException e) {
                throw new InvalidDicomException("Specific Character Set");
            }
            list.put(scs);
        }
        return new Result(list, deferred);
    }

    /** @param deferred null inside items, where BulkDataURIs are resolved at once */
    private static AttributeList readList(JsonNode dataset, BulkDataResolver resolver, SpecificCharacterSet charset,
            Map<AttributeTag, Deferred> deferred) throws InvalidDicomException, IOException {
        AttributeList list = new AttributeList();
        for (Map.Entry<String, JsonNode> field : dataset.properties()) {
            String key = field.getKey();
            if (!key.matches("[0-9A-Fa-f]{8}")) {
                throw new InvalidDicomException("attribute key is not eight hexadecimal digits");
            }
            int tagValue = Integer.parseUnsignedInt(key, 16);
            AttributeTag tag = new AttributeTag(tagValue >>> 16, tagValue & 0xFFFF);
            // File Meta is rebuilt for the object being written (PS3.10 §7.1); group lengths are
            // not part of the JSON model (§F.2.2) and PixelMed recomputes what it needs.
            if (tag.getGroup() == 0x0002 || tag.getElement() == 0x0000) {
                continue;
            }
            JsonNode node = field.getValue();
            if (node == null || !node.isObject() || !node.path("vr").isTextual()
                    || !KNOWN_VRS.contains(node.get("vr").asText())) {
                throw new InvalidDicomException("attribute " + key.toUpperCase() + " has no valid vr");
            }
            String vr = node.get("vr").asText();
            if (node.has("BulkDataURI")) {
                if (!BINARY_VRS.contains(vr) || !node.get("BulkDataURI").isTextual()) {
                    throw new InvalidDicomException("BulkDataURI on attribute " + key.toUpperCase());
                }
                String uri = node.get("BulkDataURI").asText();
                if (deferred != null) {
                    deferred.put(tag, new Deferred(tag, vr, uri));
                    continue;
                }
                list.put(binary(tag, vr, resolver.read(uri)));
                continue;
            }
            list.put(attribute(tag, vr, node, resolver, charset));
        }
        return list;
    }

    private static Attribute attribute(AttributeTag tag, String vr, JsonNode node, BulkDataResolver resolver,
            SpecificCharacterSet charset) throws InvalidDicomException, IOException {
        try {
            if (BINARY_VRS.contains(vr)) {
                JsonNode inline = node.get("InlineBinary");
                if (inline == null || inline.isNull()) {
                    return binary(tag, vr, new byte[0]);
                }
                if (!inline.isTextual()) {
                    throw new InvalidDicomException("InlineBinary is a base64 string");
                }
                try {
                    return binary(tag, vr, Base64.getDecoder().decode(inline.asText()));
                } catch (IllegalArgumentException e) {
                    throw new InvalidDicomException("InlineBinary is not base64");
                }
            }
            Attribute attribute = AttributeFactory.newAttribute(tag, vr.getBytes(java.nio.charset.StandardCharsets.US_ASCII),
                    charset);
            JsonNode values = node.get("Value");
            if (values == null || values.isNull()) {
                return attribute;
            }
            if (!values.isArray()) {
                throw new InvalidDicomException("Value is an array");
            }
            int max = QUADRATIC_VRS.contains(vr) ? MAX_FLOAT_VALUES : MAX_VALUES;
            if (values.size() > max) {
                throw new InvalidDicomException("attribute " + tag + " has more than " + max + " values");
            }
            if (values.size() > 1 && addAll(attribute, vr, values)) {
                return attribute;
            }
            for (JsonNode value : values) {
                addValue(attribute, vr, value, resolver, charset);
            }
            return attribute;
        } catch (DicomException e) {
            throw new InvalidDicomException("attribute " + tag + " cannot hold its value");
        }
    }

    /**
     * Sets many values at once, in time linear in their number: PixelMed's {@code addValue} copies the
     * whole value array for every value it adds (quadratic: 200,000 values took 46 s). Text VRs are
     * given as one backslash-joined value, which PixelMed writes as exactly the bytes of the separate
     * values (PS3.5 §6.4: values are separated by backslashes); integer VRs as one array.
     *
     * @return false when this VR is added value by value (PN, AT, SQ, FL, FD)
     */
    private static boolean addAll(Attribute attribute, String vr, JsonNode values)
            throws DicomException, InvalidDicomException {
        switch (vr) {
            case "US", "SS" -> {
                short[] a = new short[values.size()];
                for (int i = 0; i < a.length; i++) {
                    a[i] = (short) integer(values.get(i));
                }
                attribute.setValues(a);
            }
            case "UL", "SL" -> {
                int[] a = new int[values.size()];
                for (int i = 0; i < a.length; i++) {
                    a[i] = (int) integer(values.get(i));
                }
                attribute.setValues(a);
            }
            case "SV", "UV" -> {
                long[] a = new long[values.size()];
                for (int i = 0; i < a.length; i++) {
                    a[i] = integer(values.get(i));
                }
                attribute.setValues(a);
            }
            case "PN", "AT", "SQ", "FL", "FD" -> {
                return false;
            }
            default -> {
                StringBuilder joined = new StringBuilder();
                for (int i = 0; i < values.size(); i++) {
                    JsonNode value = values.get(i);
                    String text;
                    if (value == null || value.isNull()) {
                        text = "";
                    } else if (value.isTextual()) {
                        text = value.asText();
                    } else if (value.isNumber() && ("DS".equals(vr) || "IS".equals(vr))) {
                        text = value.isBigDecimal() ? value.decimalValue().toString() : value.asText();
                    } else {
                        throw new InvalidDicomException("a " + vr + " value is a string");
                    }
                    if (text.indexOf('\\') >= 0) {
                        throw new InvalidDicomException("a value of a multi-valued " + vr + " holds a backslash");
                    }
                    if (i > 0) {
                        joined.append('\\');
                    }
                    joined.append(text);
                }
                attribute.addValue(joined.toString());
            }
        }
        return true;
    }

    private static void addValue(Attribute attribute, String vr, JsonNode value, BulkDataResolver resolver,
            SpecificCharacterSet charset) throws DicomException, InvalidDicomException, IOException {
        switch (vr) {
            case "SQ" -> {
                if (value == null || !value.isObject()) {
                    throw new InvalidDicomException("a sequence item is an object");
                }
                ((SequenceAttribute) attribute).addItem(readList(value, resolver, charset, null));
            }
            case "PN" -> attribute.addValue(personName(value));
            case "AT" -> {
                if (value == null || !value.isTextual() || !value.asText().matches("[0-9A-Fa-f]{8}")) {
                    throw new InvalidDicomException("an AT value is eight hexadecimal digits");
                }
                int at = Integer.parseUnsignedInt(value.asText(), 16);
                ((AttributeTagAttribute) attribute).addValue(new AttributeTag(at >>> 16, at & 0xFFFF));
            }
            case "US", "UL", "SS", "SL", "SV", "UV" -> attribute.addValue(integer(value));
            case "FL" -> attribute.addValue((float) decimal(value));
            case "FD" -> attribute.addValue(decimal(value));
            case "DS", "IS" -> {
                if (value == null || value.isNull()) {
                    attribute.addValue("");
                } else if (value.isNumber()) {
                    attribute.addValue(value.isBigDecimal() ? value.decimalValue().toString() : value.asText());
                } else if (value.isTextual()) {
                    attribute.addValue(value.asText());
                } else {
                    throw new InvalidDicomException("a " + vr + " value is a number or a string");
                }
            }
            default -> {
                if (value == null || value.isNull()) {
                    attribute.addValue("");
                } else if (value.isTextual()) {
                    attribute.addValue(value.asText());
                } else {
                    throw new InvalidDicomException("a " + vr + " value is a string");
                }
            }
        }
    }

    /** §F.2.2: the component groups joined by "=", empty trailing groups dropped. */
    private static String personName(JsonNode value) throws InvalidDicomException {
        if (value == null || value.isNull()) {
            return "";
        }
        if (!value.isObject()) {
            throw new InvalidDicomException("a PN value is an object");
        }
        String[] groups = new String[PN_GROUPS.length];
        int last = -1;
        for (int i = 0; i < PN_GROUPS.length; i++) {
            JsonNode group = value.get(PN_GROUPS[i]);
            if (group != null && !group.isNull() && !group.isTextual()) {
                throw new InvalidDicomException("a PN component group is a string");
            }
            groups[i] = group == null || group.isNull() ? "" : group.asText();
            if (!groups[i].isEmpty()) {
                last = i;
            }
        }
        StringBuilder name = new StringBuilder();
        for (int i = 0; i <= last; i++) {
            if (i > 0) {
                name.append('=');
            }
            name.append(groups[i]);
        }
        return name.toString();
    }

    private static long integer(JsonNode value) throws InvalidDicomException {
        if (value != null && value.isIntegralNumber() && value.canConvertToLong()) {
            return value.longValue();
        }
        if (value != null && value.isBigInteger()) {
            return value.bigIntegerValue().longValue(); // UV above 2^63: the same 64 bits
        }
        if (value != null && value.isTextual()) {
            try {
                return Long.parseLong(value.asText().trim());
            } catch (NumberFormatException e) {
                // fall through
            }
        }
        throw new InvalidDicomException("an integer value is expected");
    }

    /** Numbers, or the strings "NaN", "Infinity", "-Infinity" that {@link DicomJsonWriter} writes. */
    private static double decimal(JsonNode value) throws InvalidDicomException {
        if (value != null && value.isNumber()) {
            return value.isBigDecimal() ? new BigDecimal(value.decimalValue().toString()).doubleValue()
                    : value.doubleValue();
        }
        if (value != null && value.isTextual()) {
            try {
                return Double.parseDouble(value.asText().trim());
            } catch (NumberFormatException e) {
                // fall through
            }
        }
        throw new InvalidDicomException("a floating point value is expected");
    }

    /** A binary attribute from its Explicit VR Little Endian value bytes (§F.2.7). */
    public static Attribute binary(AttributeTag tag, String vr, byte[] bytes) throws InvalidDicomException {
        try {
            Attribute attribute = AttributeFactory.newAttribute(tag, vr.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            if (bytes.length > 0) {
                attribute.setValues(bytes, false);
            }
            return attribute;
        } catch (DicomException | RuntimeException e) {
            throw new InvalidDicomException("binary attribute " + tag + " cannot hold its value");
        }
    }

    private static boolean isAscii(String text) {
        for (int i = 0; i < text.length(); i++) {
            if (text.charAt(i) > 0x7F) {
                return false;
            }
        }
        return true;
    }
}
