package io.dicomgate.testsupport;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.restassured.response.Response;

/** Splits a multipart/related response into its parts, independently of the server's reader. */
public final class MultipartParts {

    private static final Pattern BOUNDARY = Pattern.compile("boundary=\"?([^\";]+)\"?");

    public record Part(Map<String, String> headers, byte[] body) {
        public String contentType() {
            return headers.get("content-type");
        }

        public String transferSyntax() {
            Matcher m = Pattern.compile("transfer-syntax=\"?([0-9.*]+)\"?").matcher(contentType());
            return m.find() ? m.group(1) : null;
        }
    }

    private MultipartParts() {
    }

    public static List<Part> parse(Response response) {
        Matcher m = BOUNDARY.matcher(response.contentType());
        if (!m.find()) {
            throw new AssertionError("no boundary in " + response.contentType());
        }
        return parse(response.asByteArray(), m.group(1));
    }

    public static List<Part> parse(byte[] body, String boundary) {
        byte[] delimiter = ("--" + boundary).getBytes(StandardCharsets.US_ASCII);
        List<Part> parts = new ArrayList<>();
        int pos = indexOf(body, delimiter, 0);
        if (pos < 0) {
            throw new AssertionError("no opening delimiter");
        }
        while (true) {
            int lineEnd = pos + delimiter.length;
            if (body[lineEnd] == '-' && body[lineEnd + 1] == '-') {
                return parts;
            }
            int headersStart = lineEnd + 2;
            int headersEnd = indexOf(body, "\r\n\r\n".getBytes(StandardCharsets.US_ASCII), headersStart);
            Map<String, String> headers = new LinkedHashMap<>();
            for (String line : new String(body, headersStart, headersEnd - headersStart, StandardCharsets.US_ASCII)
                    .split("\r\n")) {
                int colon = line.indexOf(':');
                headers.put(line.substring(0, colon).trim().toLowerCase(Locale.ROOT), line.substring(colon + 1).trim());
            }
            int bodyStart = headersEnd + 4;
            byte[] next = ("\r\n--" + boundary).getBytes(StandardCharsets.US_ASCII);
            int bodyEnd = indexOf(body, next, bodyStart);
            if (bodyEnd < 0) {
                throw new AssertionError("unterminated part");
            }
            parts.add(new Part(headers, Arrays.copyOfRange(body, bodyStart, bodyEnd)));
            pos = bodyEnd + 2;
        }
    }

    private static int indexOf(byte[] haystack, byte[] needle, int from) {
        outer: for (int i = from; i <= haystack.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
