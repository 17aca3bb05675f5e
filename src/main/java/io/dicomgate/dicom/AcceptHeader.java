package io.dicomgate.dicom;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The acceptable media types of a request (PS3.18 §8.7.1, RFC 9110 §12.5.1): the {@code accept}
 * query parameter when given (§8.3.3.1), else the Accept header, as media ranges ordered by q-value.
 */
public final class AcceptHeader {

    /** One media range with its parameters and quality. */
    public record Range(ContentType type, double q) {
        /** Whether this range covers the media type {@code type/subtype}. */
        public boolean covers(String mediaType) {
            String range = type.mediaType();
            if (range.equals("*/*") || range.equals(mediaType)) {
                return true;
            }
            return range.endsWith("/*") && mediaType.startsWith(range.substring(0, range.length() - 1));
        }

        public String param(String name) {
            return type.param(name);
        }
    }

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
        return ranges().stream().anyMatch(r -> r.covers(mediaType));
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
                try {
                    q = Double.parseDouble(qValue);
                } catch (NumberFormatException e) {
                    throw new InvalidRequestException("malformed q-value in Accept");
                }
                if (q < 0 || q > 1) {
                    throw new InvalidRequestException("malformed q-value in Accept");
                }
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
