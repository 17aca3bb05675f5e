package io.dicomgate.dicom;

import com.pixelmed.dicom.AttributeTag;

/**
 * Decides, per top-level binary attribute, whether to inline it or refer to it (PS3.18 §F.2.6
 * BulkDataURI versus §F.2.7 InlineBinary).
 *
 * <p>Attributes nested in sequence items are always written inline: a BulkDataURI for them would
 * need an item path in the URI, which this server does not serve.
 */
@FunctionalInterface
public interface BulkDataPolicy {

    /**
     * @param tag the attribute, at the top level of the data set
     * @param vr its Value Representation, one of OB, OD, OF, OL, OV, OW, UN
     * @param valueLength its Value Length in bytes, never 0 (an empty value has nothing to refer to
     *     and is written as {@code {"vr":...}} without asking)
     * @return the BulkDataURI to write instead of the value, or null to write InlineBinary. Called
     *     only for top-level attributes with VR OB, OD, OF, OL, OV, OW, UN.
     */
    String bulkDataUri(AttributeTag tag, String vr, long valueLength);

    /** Writes every binary value as InlineBinary. */
    BulkDataPolicy INLINE_ALL = (t, v, l) -> null;
}
