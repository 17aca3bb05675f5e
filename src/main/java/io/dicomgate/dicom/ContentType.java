package io.dicomgate.dicom;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * A parsed media type: {@code type "/" subtype *(";" parameter)} as defined by RFC 2045 §5.1, the
 * grammar RFC 2046 §5.1.1 relies on for the {@code boundary} parameter of multipart bodies.
 *
 * <p>Type, subtype and parameter names are case-insensitive (RFC 2045 §5.1), so they are held
 * lower-cased; parameter values keep their case because {@code boundary} is case-sensitive.
 *
 * @param type       top-level type, lower-cased
 * @param subtype    subtype, lower-cased
 * @param parameters parameter values by lower-cased name, unquoted, in the order given
 */
public record ContentType(String type, String subtype, Map<String, String> parameters) {

    public ContentType {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(subtype, "subtype");
        parameters = Collections.unmodifiableMap(new LinkedHashMap<>(parameters));
    }

    /**
     * Parses a {@code Content-Type} header value.
     *
     * @throws IllegalArgumentException if the value does not follow RFC 2045 §5.1, or names a
     *                                  parameter twice (which of the two applies would be a guess)
     */
    public static ContentType parse(String value) {
        if (value == null) {
            throw new IllegalArgumentException("content type is null");
        }
        var p = new Parser(value);
        p.skipWhitespace();
        String type = p.token("type");
        p.expect('/');
        String subtype = p.token("subtype");
        var params = new LinkedHashMap<String, String>();
        p.skipWhitespace();
        while (!p.atEnd()) {
            p.expect(';');
            p.skipWhitespace();
            if (p.atEnd()) {
                break; // a trailing ";" is common in the wild and carries no meaning
            }
            String name = p.token("parameter name").toLowerCase(Locale.ROOT);
            p.skipWhitespace();
            p.expect('=');
            p.skipWhitespace();
            String paramValue = p.peek() == '"' ? p.quotedString() : p.unquotedValue();
            if (params.putIfAbsent(name, paramValue) != null) {
                throw new IllegalArgumentException("duplicate parameter in content type");
            }
            p.skipWhitespace();
        }
        return new ContentType(type.toLowerCase(Locale.ROOT), subtype.toLowerCase(Locale.ROOT), params);
    }

    /** {@code type/subtype}, lower-cased, without parameters. */
    public String mediaType() {
        return type + "/" + subtype;
    }

    /** The value of the named parameter (name matched case-insensitively), or {@code null}. */
    public String param(String name) {
        return parameters.get(name.toLowerCase(Locale.ROOT));
    }

    @Override
    public String toString() {
        var sb = new StringBuilder(mediaType());
        parameters.forEach((k, v) -> sb.append(';').append(k).append("=\"")
                .append(v.replace("\\", "\\\\").replace("\"", "\\\"")).append('"'));
        return sb.toString();
    }

    private static final class Parser {
        /** RFC 2045 §5.1 tspecials: these may not appear in a token. */
        private static final String TSPECIALS = "()<>@,;:\\\"/[]?=";

        private final String s;
        private int i;

        Parser(String s) {
            this.s = s;
        }

        boolean atEnd() {
            return i >= s.length();
        }

        int peek() {
            return atEnd() ? -1 : s.charAt(i);
        }

        void skipWhitespace() {
            while (!atEnd() && (s.charAt(i) == ' ' || s.charAt(i) == '\t')) {
                i++;
            }
        }

        void expect(char c) {
            skipWhitespace();
            if (peek() != c) {
                throw new IllegalArgumentException("malformed content type: expected '" + c + "'");
            }
            i++;
        }

        String token(String what) {
            skipWhitespace();
            int start = i;
            while (!atEnd() && isTokenChar(s.charAt(i))) {
                i++;
            }
            if (start == i) {
                throw new IllegalArgumentException("malformed content type: missing " + what);
            }
            return s.substring(start, i);
        }

        /**
         * RFC 2045 wants tspecials quoted, but clients commonly send {@code type=application/dicom}
         * bare; since ';', whitespace and '"' still end the value unambiguously, the other
         * tspecials are accepted.
         */
        String unquotedValue() {
            int start = i;
            while (!atEnd()) {
                char c = s.charAt(i);
                if (c <= 0x20 || c >= 0x7f || c == ';' || c == '"' || c == '\\' || c == ',') {
                    break;
                }
                i++;
            }
            if (start == i) {
                throw new IllegalArgumentException("malformed content type: missing parameter value");
            }
            return s.substring(start, i);
        }

        /** RFC 822 quoted-string: a backslash quotes the next character, whatever it is. */
        String quotedString() {
            i++; // opening quote
            var sb = new StringBuilder();
            while (!atEnd()) {
                char c = s.charAt(i++);
                if (c == '"') {
                    return sb.toString();
                }
                if (c == '\\') {
                    if (atEnd()) {
                        break;
                    }
                    c = s.charAt(i++);
                } else if (c == '\r' || c == '\n') {
                    break;
                }
                sb.append(c);
            }
            throw new IllegalArgumentException("malformed content type: unterminated quoted string");
        }

        private static boolean isTokenChar(char c) {
            return c > 0x20 && c < 0x7f && TSPECIALS.indexOf(c) < 0;
        }
    }
}
