package io.dicomgate.web;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * The request target (RFC 9112 §3.2), checked before anything else reads it. People and clients type
 * {@code PatientName=DOE^J*} (PS3.18 §8.3.4 uses {@code ^} in person names and {@code *} as wildcard)
 * and {@code |}, {@code {}}, {@code "}, {@code <>}, {@code \}, backtick unencoded, as Orthanc accepts
 * them; RFC 3986 §2 says they must be percent-encoded. dicomgate encodes exactly these characters
 * ({@code %} sequences are left as they are) and reroutes the request, so {@code DOE^J*} matches like
 * {@code DOE%5EJ*}. Any other target that {@link URI} refuses (control characters, bytes that are not
 * characters of a URI) is {@code 400} with a plain-text body naming the character and its encoding.
 * (Quarkus's own check, an empty {@code 400}, is switched off by {@link io.dicomgate.Main}; this
 * filter keeps the validation.)
 */
@ApplicationScoped
public class RequestTargetCharacters {

    /** Typed unencoded in the wild; never legal raw in a URI, so encoding them changes no valid target. */
    static final String ENCODED = "^|{}\"<>\\`";

    /** First of all routes: before authentication, CORS and the REST layer read the target. */
    void install(@Observes Router router) {
        router.route().order(Integer.MIN_VALUE).handler(this::check);
    }

    void check(RoutingContext rc) {
        String target = rc.request().uri();
        if (plain(target) || valid(target)) {
            rc.next();
            return;
        }
        String encoded = encode(target);
        if (!encoded.equals(target) && valid(encoded)) {
            rc.reroute(rc.request().method(), encoded);
            return;
        }
        rc.response().setStatusCode(400).putHeader(HttpHeaders.CONTENT_TYPE, "text/plain; charset=utf-8")
                .end(refusal(encoded));
    }

    /** Only characters a URI may hold raw: the common case, decided without building a URI. */
    static boolean plain(String target) {
        for (int i = 0; i < target.length(); i++) {
            char c = target.charAt(i);
            boolean ok = c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
                    || "-._~:/?#@!$&'()*+,;=".indexOf(c) >= 0
                    || c == '%' && i + 2 < target.length() && hex(target.charAt(i + 1)) && hex(target.charAt(i + 2));
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    private static boolean hex(char c) {
        return Character.digit(c, 16) >= 0;
    }

    static boolean valid(String target) {
        try {
            new URI(target);
            return true;
        } catch (URISyntaxException e) {
            return false;
        }
    }

    static String encode(String target) {
        StringBuilder out = new StringBuilder(target.length() + 16);
        for (int i = 0; i < target.length(); i++) {
            char c = target.charAt(i);
            if (ENCODED.indexOf(c) >= 0) {
                out.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 15, 16)));
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    /** Names the first character {@link URI} refuses, never echoing the target (it may hold PHI). */
    static String refusal(String target) {
        int index;
        try {
            new URI(target);
            index = -1;
        } catch (URISyntaxException e) {
            index = e.getIndex();
        }
        if (index < 0 || index >= target.length()) {
            return "the request target is not a valid URI (RFC 3986); percent-encode reserved characters\n";
        }
        int cp = target.codePointAt(index);
        StringBuilder encoding = new StringBuilder();
        for (byte b : new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8)) {
            encoding.append(String.format("%%%02X", b & 0xff));
        }
        return String.format("character U+%04X at position %d of the request target is not allowed in a URI"
                + " (RFC 3986 §2); send it percent-encoded as %s%n", cp, index + 1, encoding);
    }
}
