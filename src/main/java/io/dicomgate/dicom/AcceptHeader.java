package io.dicomgate.dicom;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The Acceptable Media Types of a request (PS3.18 §8.7, RFC 9110 §12.5.1): the {@code accept}
 * query parameter when given (§8.3.3.1), else the Accept header, as media ranges ordered by q-value
 * (stable: equal q-values keep the client's order).
 *
 * <p>400 (Bad Request) for: a value that is not a media range list, a q-value outside the RFC 9110
 * {@code qvalue} grammar, a wildcard or a mix of DICOM and non-DICOM media types in the
 * {@code accept} query parameter (§8.3.3.1), and a transfer-syntax parameter on
 * {@code application/dicom+json} or {@code +xml}, which are not encoded in a transfer syntax
 * (§8.7.3.5.2). A {@code charset} other than UTF-8 on {@code application/dicom+json} makes that
 * range match nothing (JSON is UTF-8, PS3.18 Annex F), which ends in 406 if nothing else fits.
 */
public final class AcceptHeader {

    /** One media range with its parameters and quality. */
    public record Range(ContentType type, double q) {
        /** Whether this range covers the media type {@code type/subtype}. */
        public boolean covers(String mediaType) {
            if (q <= 0 || !charsetAcceptable(mediaType)) {
                return false;
            }
            String range = type.mediaType();
            if (range.equals("*/*") || range.equals(mediaType)) {
                return true;
            }
            return range.endsWith("/*") && mediaType.startsWith(range.substring(0, range.length() - 1));
        }

        public String param(String name) {
            return type.param(name);
        }

        private boolean charsetAcceptable(String mediaType) {
            String charset = type.param("charset");
            boolean json = mediaType.equals(DicomMediaTypes.DICOM_JSON) || mediaType.equals("application/json");
            return charset == null || !json || charset.equalsIgnoreCase("utf-8") || charset.equalsIgnoreCase("utf8");
        }
    }

    /**
     * The resource families of DICOMweb, with what each can be sent as (named in a {@code 406}), whether
     * single-part image and video types are bulk data there (frames, bulk data) rather than rendered
     * media types, and whether the representation is text (so Accept-Charset applies).
     */
    public enum Resource {
        SEARCH("search results are available as " + DicomMediaTypes.DICOM_JSON + " or multipart/related; type=\""
                + DicomMediaTypes.DICOM_XML + "\"", false, true),
        METADATA("metadata is available as " + DicomMediaTypes.DICOM_JSON + " or multipart/related; type=\""
                + DicomMediaTypes.DICOM_XML + "\"", false, true),
        INSTANCES("instances are available as multipart/related; type=\"application/dicom\" (transfer-syntax=* for"
                + " as stored), application/dicom for one instance, or multipart/related;"
                + " type=\"application/octet-stream\" for their bulk data", false, false),
        BULK_DATA("frames and bulk data are available as multipart/related; type=\"application/octet-stream\""
                + " (transfer-syntax=* for as stored) or in their compressed media type, e.g."
                + " multipart/related; type=\"image/jpeg\"", true, false),
        RENDERED("rendered images are available as image/jpeg, image/png or image/gif", false, false),
        STORE_RESPONSE("the store response is available as " + DicomMediaTypes.DICOM_JSON, false, true);

        private final String available;
        private final boolean imagesAreBulkData;
        private final boolean text;

        Resource(String available, boolean imagesAreBulkData, boolean text) {
            this.available = available;
            this.imagesAreBulkData = imagesAreBulkData;
            this.text = text;
        }

        public String available() {
            return available;
        }
    }

    /**
     * The Acceptable Media Types of a DICOMweb request for {@code resource}, with the rules of PS3.18
     * that need the whole request:
     * <ul>
     * <li>§8.7.7: "If the origin server receives a request without an Accept header field, but that
     * might have a response payload, it shall return a 406 (Not Acceptable)" — also when the
     * {@code accept} query parameter is given (§8.7.5: it "does not eliminate the need for an Accept
     * header field"). The body names the acceptable types.</li>
     * <li>§8.7.5: "If the Acceptable Media Types contains both DICOM and Rendered Media Types, the
     * origin server shall return 400 (Bad Request)."</li>
     * <li>§8.8.4, for text representations: an Accept-Charset that names no supported character set
     * (dicomgate writes DICOM JSON and XML in UTF-8) is {@code 400}; values that are not valid or not
     * supported are otherwise ignored (§8.8.1).</li>
     * </ul>
     */
    public static AcceptHeader negotiate(String header, List<String> queryParam, String acceptCharset,
            Resource resource) {
        if (header == null || header.isBlank()) {
            throw new NotAcceptableException("an Accept header is required (PS3.18 §8.7.7); " + resource.available()
                    + ", and */* accepts the default");
        }
        AcceptHeader accept = of(header, queryParam);
        if (resource != Resource.STORE_RESPONSE) {
            List<Range> all = new ArrayList<>();
            addAll(all, header);
            if (queryParam != null) {
                queryParam.forEach(value -> addAll(all, value));
            }
            refuseDicomAndRendered(all, resource.imagesAreBulkData);
        }
        if (resource.text) {
            checkCharset(acceptCharset);
        }
        return accept;
    }

    private static void refuseDicomAndRendered(List<Range> ranges, boolean imagesAreBulkData) {
        String dicom = null;
        String rendered = null;
        for (Range r : ranges) {
            if (r.q() <= 0) {
                continue;
            }
            ContentType t = r.type();
            String m = t.mediaType();
            if (t.type().equals("*") || t.subtype().equals("*")) {
                continue;
            }
            if (m.startsWith(DicomMediaTypes.DICOM) || m.equals(DicomMediaTypes.MULTIPART_RELATED)
                    || m.equals(DicomMediaTypes.OCTET_STREAM)) {
                dicom = dicom == null ? m : dicom;
            } else if (t.type().equals("text") || m.equals("application/pdf")
                    || (!imagesAreBulkData && (t.type().equals("image") || t.type().equals("video")))) {
                rendered = rendered == null ? m : rendered;
            }
        }
        if (dicom != null && rendered != null) {
            throw new InvalidRequestException("the Acceptable Media Types mix a DICOM media type (" + dicom
                    + ") and a rendered media type (" + rendered + "); ask for one kind (PS3.18 §8.7.5)");
        }
    }

    private static final java.util.regex.Pattern CHARSET_TOKEN = java.util.regex.Pattern
            .compile("[!#$%&'*+.^_`|~0-9A-Za-z-]+");

    /** PS3.18 §8.8.4; see {@link #negotiate}. */
    static void checkCharset(String acceptCharset) {
        if (acceptCharset == null || acceptCharset.isBlank()) {
            return;
        }
        for (String part : splitOutsideQuotes(acceptCharset)) {
            String[] pieces = part.split(";");
            String name = pieces[0].trim();
            if (name.length() > 1 && name.startsWith("\"") && name.endsWith("\"")) {
                name = name.substring(1, name.length() - 1);
            } else if (!CHARSET_TOKEN.matcher(name).matches()) {
                continue;
            }
            boolean refused = false;
            for (int i = 1; i < pieces.length; i++) {
                String p = pieces[i].trim().toLowerCase(java.util.Locale.ROOT).replace(" ", "");
                if (p.startsWith("q=") && QVALUE.matcher(p.substring(2)).matches() && Double.parseDouble(p.substring(2)) == 0) {
                    refused = true;
                }
            }
            if (!refused && (name.equals("*") || name.equalsIgnoreCase("utf-8") || name.equalsIgnoreCase("utf8")
                    || name.equalsIgnoreCase("ISO_IR 192"))) {
                return;
            }
        }
        throw new InvalidRequestException("Accept-Charset names no supported character set: DICOM JSON and XML are"
                + " sent in UTF-8 (\"ISO_IR 192\"); accept UTF-8 or * (PS3.18 §8.8.4)");
    }

    private static final java.util.regex.Pattern QVALUE = java.util.regex.Pattern
            .compile("0(\\.[0-9]{0,3})?|1(\\.0{0,3})?");

    private final List<Range> ranges;

    private AcceptHeader(List<Range> ranges) {
        this.ranges = ranges;
    }

    /**
     * @param header the Accept header, may be null
     * @param queryParam values of the {@code accept} query parameter, which take precedence
     */
    public static AcceptHeader of(String header, List<String> queryParam) {
        List<Range> ranges = new ArrayList<>();
        if (queryParam != null && !queryParam.isEmpty()) {
            for (String value : queryParam) {
                addAll(ranges, value);
            }
            checkQueryParameter(ranges);
        } else if (header != null && !header.isBlank()) {
            addAll(ranges, header);
        }
        if (ranges.isEmpty()) {
            ranges.add(new Range(ContentType.parse("*/*"), 1.0));
        }
        ranges.sort(Comparator.comparingDouble(Range::q).reversed());
        return new AcceptHeader(List.copyOf(ranges));
    }

    /** Ranges with q > 0, best first. */
    public List<Range> ranges() {
        return ranges.stream().filter(r -> r.q() > 0).toList();
    }

    /** Whether {@code mediaType} (type/subtype) is acceptable at all. */
    public boolean accepts(String mediaType) {
        return !excludes(mediaType, null) && ranges().stream().anyMatch(r -> r.covers(mediaType));
    }

    /**
     * Whether the client refused {@code mediaType} with {@code q=0} (RFC 9110 §12.5.1: the most
     * specific range wins, so {@code *\/*, application/dicom;q=0} excludes application/dicom).
     *
     * @param partType the {@code type} parameter a multipart range must name, or null
     */
    public boolean excludes(String mediaType, String partType) {
        return ranges.stream().anyMatch(r -> r.q() == 0 && r.type().mediaType().equals(mediaType)
                && (partType == null || partType.equalsIgnoreCase(r.param("type"))));
    }

    /** PS3.18 §8.3.3.1: no wildcards, and DICOM and non-DICOM media types never together. */
    private static void checkQueryParameter(List<Range> ranges) {
        boolean dicom = false;
        boolean other = false;
        for (Range r : ranges) {
            ContentType t = r.type();
            if (t.type().equals("*") || t.subtype().equals("*")) {
                throw new InvalidRequestException("the accept query parameter must not contain wildcards");
            }
            String m = t.mediaType();
            String part = t.param("type");
            if (m.startsWith(DicomMediaTypes.DICOM) || (part != null && part.toLowerCase(java.util.Locale.ROOT)
                    .startsWith(DicomMediaTypes.DICOM))) {
                dicom = true;
            } else if (!m.equals(DicomMediaTypes.MULTIPART_RELATED) && !m.equals(DicomMediaTypes.OCTET_STREAM)) {
                other = true;
            }
        }
        if (dicom && other) {
            throw new InvalidRequestException("the accept query parameter mixes DICOM and non-DICOM media types");
        }
    }

    private static void addAll(List<Range> ranges, String value) {
        for (String part : splitOutsideQuotes(value)) {
            if (part.isBlank()) {
                continue;
            }
            ContentType type;
            try {
                type = ContentType.parse(part.trim());
            } catch (IllegalArgumentException e) {
                throw new InvalidRequestException("malformed Accept value");
            }
            double q = 1.0;
            String qValue = type.param("q");
            if (qValue != null) {
                if (!QVALUE.matcher(qValue).matches()) {
                    throw new InvalidRequestException("malformed q-value in Accept");
                }
                q = Double.parseDouble(qValue);
            }
            String m = type.mediaType();
            String partType = type.param("type");
            boolean structured = m.equals(DicomMediaTypes.DICOM_JSON) || m.equals(DicomMediaTypes.DICOM_XML)
                    || DicomMediaTypes.DICOM_XML.equalsIgnoreCase(partType) || DicomMediaTypes.DICOM_JSON.equalsIgnoreCase(partType);
            if (structured && type.param("transfer-syntax") != null) {
                throw new InvalidRequestException("transfer-syntax does not apply to " + m);
            }
            ranges.add(new Range(type, q));
        }
    }

    private static List<String> splitOutsideQuotes(String value) {
        List<String> parts = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '"') {
                quoted = !quoted;
            } else if (c == '\\' && quoted && i + 1 < value.length()) {
                current.append(c).append(value.charAt(++i));
                continue;
            }
            if (c == ',' && !quoted) {
                parts.add(current.toString());
                current.setLength(0);
            } else {
                current.append(c);
            }
        }
        parts.add(current.toString());
        return parts;
    }
}
