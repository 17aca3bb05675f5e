package io.dicomgate.dicom;

/**
 * The two representations of the DICOM data model that search results (PS3.18 §10.6.3.3) and
 * metadata (§10.4.3.3.2) come in: a DICOM JSON array (Annex F, the default) or
 * {@code multipart/related; type="application/dicom+xml"} with one PS3.19 Native DICOM Model
 * document per part (§8.7.3.2, Table 8.7.3-1/-2 "Metadata").
 */
public enum DicomModelRepresentation {
    JSON, XML;

    /**
     * The first acceptable range, in q-value order, that names one of the two wins (§8.7.1); a bare
     * {@code application/dicom+xml} is not a representation §8.7.3.2 defines, so it does not match.
     *
     * @throws NotAcceptableException when no range allows either (406)
     */
    public static DicomModelRepresentation choose(AcceptHeader accept, String what) {
        for (AcceptHeader.Range range : accept.ranges()) {
            String type = range.param("type");
            if (range.covers(DicomMediaTypes.MULTIPART_RELATED) && type != null
                    && DicomMediaTypes.DICOM_XML.equalsIgnoreCase(type.trim())) {
                return XML;
            }
            if (range.covers(DicomMediaTypes.DICOM_JSON)) {
                return JSON;
            }
        }
        throw new NotAcceptableException(what + " are available as " + DicomMediaTypes.DICOM_JSON
                + " or multipart/related; type=\"" + DicomMediaTypes.DICOM_XML + "\"");
    }
}
