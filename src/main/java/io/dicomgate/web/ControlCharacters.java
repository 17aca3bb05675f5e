package io.dicomgate.web;

import java.util.List;
import java.util.Map;

import jakarta.ws.rs.container.ContainerRequestContext;

import org.jboss.resteasy.reactive.server.ServerRequestFilter;

import io.dicomgate.dicom.InvalidRequestException;

/**
 * Refuses control characters at the edge, before any resource method runs: a C0 control character
 * (U+0000–U+001F) or DEL in a decoded query value, path segment or break-the-glass header is {@code 400} naming the parameter,
 * never the value. No DICOM matching key or UID holds one (PS3.5 §6.1.2: control characters other
 * than the listed format effectors are not allowed in character strings, and none in a UID or in a
 * single-line value used for matching), and PostgreSQL text cannot hold NUL at all, so letting one
 * through could only end as a 500 or as an audit record that cannot be written. JSON bodies are
 * checked by the same rule where they are read ({@link #check(String, String)}).
 */
public class ControlCharacters {

    /** Headers whose free text is stored (in the audit trail and break-the-glass grants). */
    private static final List<String> FREE_TEXT_HEADERS = List.of("X-Break-Glass-Reason", "X-Break-Glass-Purpose");

    /** Whether the text holds a C0 control character or DEL. */
    public static boolean contains(String text) {
        return contains(text, false);
    }

    /**
     * @param freeText whether TAB, LF and CR are allowed, as in a reason or comment someone typed
     *        (PS3.5 §6.2: the format effectors of LT/ST/UT text)
     */
    static boolean contains(String text, boolean freeText) {
        if (text == null) {
            return false;
        }
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if ((c < 0x20 || c == 0x7f) && !(freeText && (c == '\t' || c == '\n' || c == '\r'))) {
                return true;
            }
        }
        return false;
    }

    /**
     * @param what the parameter or field the text came from, as the client named it (reduced to safe
     *        characters before it is quoted back)
     * @throws InvalidRequestException when the text holds a control character
     */
    public static void check(String what, String text) {
        check(what, text, false);
    }

    /** As {@link #check(String, String)}, allowing TAB, LF and CR in free text (reasons, comments). */
    public static void checkFreeText(String what, String text) {
        check(what, text, true);
    }

    private static void check(String what, String text, boolean freeText) {
        if (contains(text, freeText)) {
            throw new InvalidRequestException(safe(what) + " contains a control character (U+0000-U+001F or U+007F),"
                    + " which no value here may hold");
        }
    }

    @ServerRequestFilter
    public void refuseControlCharacters(ContainerRequestContext request) {
        var uri = request.getUriInfo();
        for (Map.Entry<String, List<String>> e : uri.getQueryParameters(true).entrySet()) {
            check("query parameter '" + e.getKey() + "' name", e.getKey());
            for (String value : e.getValue()) {
                check("query parameter '" + e.getKey() + "'", value);
            }
        }
        for (var segment : uri.getPathSegments(true)) {
            check("the request path", segment.getPath());
        }
        for (String header : FREE_TEXT_HEADERS) {
            checkFreeText(header, request.getHeaderString(header));
        }
    }

    private static String safe(String what) {
        StringBuilder s = new StringBuilder(Math.min(what.length(), 80));
        for (int i = 0; i < what.length() && s.length() < 80; i++) {
            char c = what.charAt(i);
            s.append(c >= 0x20 && c < 0x7f ? c : '?');
        }
        return s.toString();
    }
}
