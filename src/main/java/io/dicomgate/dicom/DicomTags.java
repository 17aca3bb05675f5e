package io.dicomgate.dicom;

import com.pixelmed.dicom.AttributeTag;
import com.pixelmed.dicom.DicomDictionary;
import java.nio.charset.StandardCharsets;

/**
 * Tag, keyword and VR look-ups in PixelMed's data dictionary, for QIDO attribute IDs (PS3.18
 * §8.3.4.1: a keyword or eight hex digits) and the VR that §F.2.3 writes for a database column.
 */
public final class DicomTags {

    /** Loading the dictionary parses large tables, so the one PixelMed builds once is shared. */
    private static final DicomDictionary DICTIONARY = DicomDictionary.StandardDictionary;

    private DicomTags() {}

    /**
     * @param keywordOrHex a dictionary keyword such as "StudyInstanceUID", or eight hex digits such
     *     as "0020000D" (either case)
     * @throws IllegalArgumentException for null, an unknown keyword or anything else
     */
    public static int tagOf(String keywordOrHex) {
        if (keywordOrHex == null) {
            throw new IllegalArgumentException("No attribute given");
        }
        String id = keywordOrHex.trim();
        if (id.matches("[0-9A-Fa-f]{8}")) {
            return Integer.parseUnsignedInt(id, 16);
        }
        AttributeTag tag = id.isEmpty() ? null : DICTIONARY.getTagFromName(id);
        if (tag == null) {
            throw new IllegalArgumentException("Unknown attribute: " + keywordOrHex);
        }
        return tag.getGroup() << 16 | tag.getElement();
    }

    /** @return the dictionary keyword, or null for private and unknown tags */
    public static String keywordOf(int tag) {
        return DICTIONARY.getNameFromTag(attributeTag(tag));
    }

    /**
     * @return the dictionary VR, or null if the tag is not in the dictionary. The dictionary's
     *     "either" VRs are resolved to the one Explicit VR Little Endian uses for native data: US
     *     for "US or SS" and OW for "OB or OW" and "US or OW", since §F.2.3 needs a real VR.
     */
    public static String vrOf(int tag) {
        byte[] vr = DICTIONARY.getValueRepresentationFromTag(attributeTag(tag));
        if (vr == null) {
            return null;
        }
        return switch (new String(vr, StandardCharsets.US_ASCII)) {
            case "XS" -> "US";
            case "OX", "XO" -> "OW";
            case String s -> s;
        };
    }

    private static AttributeTag attributeTag(int tag) {
        return new AttributeTag(tag >>> 16, tag & 0xFFFF);
    }
}
