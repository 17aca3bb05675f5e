package io.dicomgate.dicom;

import com.fasterxml.jackson.core.Base64Variants;
import com.fasterxml.jackson.core.JsonGenerator;
import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.AttributeTag;
import com.pixelmed.dicom.AttributeTagAttribute;
import com.pixelmed.dicom.DicomException;
import com.pixelmed.dicom.SequenceAttribute;
import com.pixelmed.dicom.SequenceItem;
import com.pixelmed.dicom.StringAttribute;
import com.pixelmed.dicom.UnsignedVeryLongAttribute;
import java.io.IOException;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Streams PixelMed data sets as the DICOM JSON Model of PS3.18 Annex F, straight into a Jackson
 * {@link JsonGenerator} so a large study never exists as a JSON tree in memory.
 *
 * <p>Each attribute becomes {@code "ggggeeee": {"vr": ..., "Value" | "InlineBinary" |
 * "BulkDataURI": ...}} (§F.2.2). Strings are written as PixelMed decoded them through Specific
 * Character Set (0008,0005); the JSON text itself is always Unicode (§F.2.2 note 3), so (0008,0005)
 * is passed through only as metadata.
 */
public final class DicomJsonWriter {

    /** VRs whose value is the §F.2.7 base64 octet stream rather than a "Value" array. */
    private static final Set<String> BINARY_VRS = Set.of("OB", "OD", "OF", "OL", "OV", "OW", "UN");

    /**
     * VRs that PS3.5 §6.2 declares single-valued, so a backslash is data, not a delimiter (§F.2.4).
     */
    private static final Set<String> SINGLE_VALUED_VRS = Set.of("LT", "ST", "UT", "UR");

    /**
     * VRs whose leading spaces PS3.5 §6.2 calls insignificant; for every other string VR only the
     * trailing padding goes, because leading spaces in text, UC and PN are data.
     */
    private static final Set<String> LEADING_SPACE_INSIGNIFICANT_VRS =
            Set.of("AE", "AS", "CS", "DS", "IS", "LO", "SH", "UI");

    /** VRs mapped to a JSON Number by Table F.2.3-1. */
    private static final Set<String> NUMBER_VRS =
            Set.of("DS", "IS", "FL", "FD", "SL", "SS", "SV", "UL", "US", "UV");

    /** PN component group names, in the order of the "=" separated groups (§F.2.2). */
    private static final String[] PN_GROUPS = {"Alphabetic", "Ideographic", "Phonetic"};

    /**
     * A decimal as DS/IS allow it (PS3.5 §6.2): optional sign, digits either side of an optional
     * point, optional exponent. Groups: sign, integer digits, fraction digits, exponent.
     */
    private static final Pattern DECIMAL =
            Pattern.compile("([+-]?)([0-9]*)(?:\\.([0-9]*))?(?:[eE]([+-]?[0-9]+))?");

    private static final Pattern VR = Pattern.compile("[A-Z]{2}");

    private static final char[] HEX = "0123456789ABCDEF".toCharArray();

    private DicomJsonWriter() {}

    /**
     * Writes one data set as a JSON object ({...}) in ascending tag order (§F.2.2). Skips group
     * lengths (gggg,0000), which §F.2.2 excludes, and the File Meta group (0002), which describes
     * the Part 10 file rather than the instance.
     *
     * @param policy consulted for each non-empty top-level attribute with a binary VR; pixel data is
     *     usually given a BulkDataURI this way (§F.2.6)
     */
    public static void writeDataset(JsonGenerator gen, AttributeList list, BulkDataPolicy policy)
            throws IOException {
        gen.writeStartObject();
        writeFields(gen, list, policy);
        gen.writeEndObject();
    }

    /**
     * Writes the fields of a data set (no braces) — so callers can append extra fields such as a
     * Pixel Data BulkDataURI. Such fields must sort after every tag in {@code list} to keep the
     * ascending order §F.2.2 requires.
     */
    public static void writeFields(JsonGenerator gen, AttributeList list, BulkDataPolicy policy)
            throws IOException {
        // A missing policy must not silently inline gigabytes of pixel data.
        Objects.requireNonNull(policy, "policy");
        writeItemFields(gen, list, policy);
    }

    /**
     * Low-level: one attribute from plain string values as the index stores them (used by QIDO from
     * database columns). {@code values} may be empty (→ {"vr":...} only, §F.2.5). Handles PN ("="
     * groups → Alphabetic/Ideographic/Phonetic, §F.2.2), IS/DS/US/SS/UL/SL/FL/FD/UV/SV as JSON
     * numbers (§F.2.3; a value that is not a number, such as "NaN", stays a string), AT as hex
     * strings, others as strings. A value holding backslashes is split into several values except
     * for LT, ST, UT and UR (§F.2.4); empty values of a multi-valued attribute become null (§F.2.5).
     *
     * @throws IllegalArgumentException for a malformed VR, or for values given to SQ or a binary VR
     *     (those have no string form here; use {@link #writeDataset} or {@link #writeBulkDataUri})
     */
    public static void writeAttribute(JsonGenerator gen, int tag, String vr, List<String> values)
            throws IOException {
        if (vr == null || !VR.matcher(vr).matches()) {
            throw new IllegalArgumentException("Not a VR: " + vr);
        }
        boolean empty = values == null || values.isEmpty();
        if (!empty && (vr.equals("SQ") || BINARY_VRS.contains(vr))) {
            throw new IllegalArgumentException(
                    "No string values for " + vr + " attribute " + tagKey(tag));
        }
        gen.writeFieldName(tagKey(tag));
        gen.writeStartObject();
        gen.writeStringField("vr", vr);
        if (!empty) {
            writeStringValues(gen, vr, values.toArray(String[]::new));
        }
        gen.writeEndObject();
    }

    /** Low-level: {"vr":vr,"BulkDataURI":uri} under the tag key (§F.2.6). */
    public static void writeBulkDataUri(JsonGenerator gen, int tag, String vr, String uri)
            throws IOException {
        gen.writeFieldName(tagKey(tag));
        gen.writeStartObject();
        gen.writeStringField("vr", vr);
        gen.writeStringField("BulkDataURI", uri);
        gen.writeEndObject();
    }

    /** "0020000D" style key: eight uppercase hexadecimal digits (§F.2.2). */
    public static String tagKey(int tag) {
        char[] key = new char[8];
        for (int i = 7; i >= 0; i--) {
            key[i] = HEX[tag & 0xF];
            tag >>>= 4;
        }
        return new String(key);
    }

    /** @param policy null inside sequence items, where binary values are always inline */
    private static void writeItemFields(JsonGenerator gen, AttributeList list, BulkDataPolicy policy)
            throws IOException {
        for (Attribute attribute : list.values()) {
            AttributeTag tag = attribute.getTag();
            if (tag.isGroupLength() || tag.isFileMetaInformationGroup()) {
                continue;
            }
            try {
                writeAttribute(gen, attribute, policy);
            } catch (DicomException e) {
                throw new IOException("Cannot read the value of " + tag, e);
            }
        }
    }

    private static void writeAttribute(JsonGenerator gen, Attribute attribute, BulkDataPolicy policy)
            throws IOException, DicomException {
        AttributeTag tag = attribute.getTag();
        int key = tag.getGroup() << 16 | tag.getElement();
        String vr = vrOf(attribute);
        if (BINARY_VRS.contains(vr) && policy != null && attribute.getVL() > 0) {
            String uri = policy.bulkDataUri(tag, vr, attribute.getVL());
            if (uri != null) {
                writeBulkDataUri(gen, key, vr, uri);
                return;
            }
        }
        gen.writeFieldName(tagKey(key));
        gen.writeStartObject();
        gen.writeStringField("vr", vr);
        if (attribute instanceof SequenceAttribute sequence) {
            writeItems(gen, sequence);
        } else if (attribute.getVL() > 0) {
            writeValue(gen, attribute, vr);
        }
        gen.writeEndObject();
    }

    /**
     * PixelMed (20220618) answers "UL" for its UnsignedVeryLongAttribute; trusting it would write a
     * 64-bit value under the wrong VR and mask it to 32 bits.
     */
    private static String vrOf(Attribute attribute) {
        return attribute instanceof UnsignedVeryLongAttribute ? "UV" : attribute.getVRAsString();
    }

    /** §F.2.2: items as nested JSON Model objects; an empty item is {}; no items, no "Value". */
    private static void writeItems(JsonGenerator gen, SequenceAttribute sequence) throws IOException {
        int count = sequence.getNumberOfItems();
        if (count == 0) {
            return;
        }
        gen.writeArrayFieldStart("Value");
        for (int i = 0; i < count; i++) {
            SequenceItem item = sequence.getItem(i);
            AttributeList itemList = item == null ? null : item.getAttributeList();
            gen.writeStartObject();
            if (itemList != null) {
                writeItemFields(gen, itemList, null);
            }
            gen.writeEndObject();
        }
        gen.writeEndArray();
    }

    private static void writeValue(JsonGenerator gen, Attribute attribute, String vr)
            throws IOException, DicomException {
        switch (vr) {
            case "OB", "OD", "OF", "OL", "OV", "OW", "UN" -> {
                // PixelMed keeps OW/OF/... as Java arrays; asking for little-endian bytes gives the
                // Explicit VR Little Endian value field §F.2.7 encodes, whatever the source syntax.
                byte[] bytes = attribute.getByteValues(false);
                if (bytes != null && bytes.length > 0) {
                    gen.writeFieldName("InlineBinary");
                    gen.writeBinary(Base64Variants.MIME_NO_LINEFEEDS, bytes, 0, bytes.length);
                }
            }
            case "US", "UL", "SS", "SL", "SV", "UV" -> writeIntegers(gen, vr, attribute.getLongValues());
            case "FL" -> writeFloats(gen, attribute.getFloatValues());
            case "FD" -> writeDoubles(gen, attribute.getDoubleValues());
            case "AT" -> writeTags(gen, attribute);
            default -> writeStringValues(gen, vr, rawStrings(attribute));
        }
    }

    /**
     * PixelMed's getStringValues trims leading spaces even where PS3.5 calls them significant, so
     * the untrimmed values are taken and trimmed per VR here. Text VRs only offer getStringValues,
     * which does not trim.
     */
    private static String[] rawStrings(Attribute attribute) throws DicomException {
        return attribute instanceof StringAttribute
                ? attribute.getOriginalStringValues()
                : attribute.getStringValues();
    }

    /** PixelMed widens US/UL into signed types; masking restores the unsigned range (§F.2.3). */
    private static void writeIntegers(JsonGenerator gen, String vr, long[] values) throws IOException {
        if (values == null || values.length == 0) {
            return;
        }
        gen.writeArrayFieldStart("Value");
        for (long value : values) {
            switch (vr) {
                case "US" -> gen.writeNumber(value & 0xFFFFL);
                case "UL" -> gen.writeNumber(value & 0xFFFFFFFFL);
                case "UV" -> {
                    if (value >= 0) {
                        gen.writeNumber(value);
                    } else {
                        gen.writeNumber(new BigInteger(Long.toUnsignedString(value)));
                    }
                }
                default -> gen.writeNumber(value);
            }
        }
        gen.writeEndArray();
    }

    /**
     * JSON has no NaN or infinities (RFC 8259 §6) and Annex F gives them no encoding, so they are
     * written as the strings "NaN", "Infinity", "-Infinity" rather than as invalid JSON.
     */
    private static void writeFloats(JsonGenerator gen, float[] values) throws IOException {
        if (values == null || values.length == 0) {
            return;
        }
        gen.writeArrayFieldStart("Value");
        for (float value : values) {
            if (Float.isFinite(value)) {
                // float, not double, so 0.1f is written "0.1" and not "0.10000000149011612".
                gen.writeNumber(value);
            } else {
                gen.writeString(Float.toString(value));
            }
        }
        gen.writeEndArray();
    }

    private static void writeDoubles(JsonGenerator gen, double[] values) throws IOException {
        if (values == null || values.length == 0) {
            return;
        }
        gen.writeArrayFieldStart("Value");
        for (double value : values) {
            if (Double.isFinite(value)) {
                gen.writeNumber(value);
            } else {
                gen.writeString(Double.toString(value));
            }
        }
        gen.writeEndArray();
    }

    /** AT values as "ggggeeee" strings (Table F.2.3-1). */
    private static void writeTags(JsonGenerator gen, Attribute attribute)
            throws IOException, DicomException {
        if (!(attribute instanceof AttributeTagAttribute at)) {
            writeStringValues(gen, "AT", rawStrings(attribute));
            return;
        }
        AttributeTag[] tags = at.getAttributeTagValues();
        if (tags == null || tags.length == 0) {
            return;
        }
        gen.writeArrayFieldStart("Value");
        for (AttributeTag t : tags) {
            gen.writeString(tagKey(t.getGroup() << 16 | t.getElement()));
        }
        gen.writeEndArray();
    }

    /**
     * Writes "Value" for values that arrive as strings, whether from PixelMed or from the index.
     * A single value that is only padding counts as a zero-length value: no "Value" at all (§F.2.5).
     */
    private static void writeStringValues(JsonGenerator gen, String vr, String[] raw)
            throws IOException {
        List<String> values = splitAndTrim(vr, raw);
        if (values.isEmpty() || values.size() == 1 && values.get(0) == null) {
            return;
        }
        gen.writeArrayFieldStart("Value");
        for (String value : values) {
            if (value == null) {
                gen.writeNull();
            } else if (vr.equals("PN")) {
                writePersonName(gen, value);
            } else if (NUMBER_VRS.contains(vr)) {
                String number = jsonNumber(value);
                if (number != null) {
                    gen.writeNumber(number);
                } else {
                    // Table F.2.3-1 allows a string for IS/DS; for the rest it beats failing the
                    // whole response over one bad value.
                    gen.writeString(value);
                }
            } else if (vr.equals("AT")) {
                gen.writeString(atKey(value));
            } else {
                gen.writeString(value);
            }
        }
        gen.writeEndArray();
    }

    /** @return one entry per DICOM value, null for an empty one (§F.2.5) */
    private static List<String> splitAndTrim(String vr, String[] raw) {
        List<String> values = new ArrayList<>();
        if (raw == null) {
            return values;
        }
        boolean split = !SINGLE_VALUED_VRS.contains(vr);
        boolean trimLeading = LEADING_SPACE_INSIGNIFICANT_VRS.contains(vr);
        boolean personName = vr.equals("PN");
        for (String value : raw) {
            if (value == null) {
                values.add(null);
                continue;
            }
            String[] parts = split && value.indexOf('\\') >= 0
                    ? value.split("\\\\", -1)
                    : new String[] {value};
            for (String part : parts) {
                String trimmed = trim(part, trimLeading);
                values.add(personName && trimmed != null && isEmptyName(trimmed) ? null : trimmed);
            }
        }
        return values;
    }

    /** "=" or "==" has no component group to write, so it is as empty as "" (§F.2.5). */
    private static boolean isEmptyName(String value) {
        for (String group : value.split("=", -1)) {
            if (trim(group, false) != null) {
                return false;
            }
        }
        return true;
    }

    /**
     * Removes trailing space padding (and the NUL that pads UI, or that some writers use wrongly
     * elsewhere; no string VR allows NUL as data).
     *
     * @return null when nothing is left
     */
    private static String trim(String value, boolean leading) {
        int end = value.length();
        while (end > 0 && (value.charAt(end - 1) == ' ' || value.charAt(end - 1) == '\0')) {
            end--;
        }
        int start = 0;
        if (leading) {
            while (start < end && value.charAt(start) == ' ') {
                start++;
            }
        }
        return start == end ? null : value.substring(start, end);
    }

    /**
     * §F.2.2: one object per name with its non-empty component groups; a name whose groups are all
     * empty is an empty value, so null (§F.2.5).
     */
    private static void writePersonName(JsonGenerator gen, String value) throws IOException {
        String[] groups = value.split("=", -1);
        boolean started = false;
        for (int i = 0; i < PN_GROUPS.length && i < groups.length; i++) {
            String group = trim(groups[i], false);
            if (group == null) {
                continue;
            }
            if (!started) {
                gen.writeStartObject();
                started = true;
            }
            gen.writeStringField(PN_GROUPS[i], group);
        }
        if (started) {
            gen.writeEndObject();
        } else {
            gen.writeNull();
        }
    }

    /**
     * Rewrites a DICOM decimal ("+1.50", ".5", "1.", "007", "1e3") as a JSON number (RFC 8259 §6)
     * without going through a binary type, so no digit of the original is lost.
     *
     * @return null if {@code value} is not a decimal at all
     */
    static String jsonNumber(String value) {
        Matcher m = DECIMAL.matcher(value);
        if (!m.matches()) {
            return null;
        }
        String integer = m.group(2);
        String fraction = m.group(3) == null ? "" : m.group(3);
        if (integer.isEmpty() && fraction.isEmpty()) {
            return null;
        }
        StringBuilder number = new StringBuilder(value.length() + 1);
        if (m.group(1).equals("-")) {
            number.append('-');
        }
        int firstDigit = 0;
        while (firstDigit < integer.length() - 1 && integer.charAt(firstDigit) == '0') {
            firstDigit++;
        }
        number.append(integer.isEmpty() ? "0" : integer.substring(firstDigit));
        if (!fraction.isEmpty()) {
            number.append('.').append(fraction);
        }
        if (m.group(4) != null) {
            number.append('e').append(m.group(4));
        }
        return number.toString();
    }

    /** Accepts "00100010", "0x00100010" or "(0010,0010)" from the index; anything else as given. */
    private static String atKey(String value) {
        String hex = value.replaceAll("^0[xX]|[(),\\s]", "");
        return hex.matches("[0-9A-Fa-f]{8}") ? hex.toUpperCase(Locale.ROOT) : value;
    }
}
