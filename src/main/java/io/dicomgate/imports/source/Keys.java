package io.dicomgate.imports.source;

import java.util.Locale;

/**
 * Item and object keys: printable, reversible. A path segment from a share or a zip may hold any
 * character; reports, logs and the checkpoint table get control characters as {@code \\uXXXX} and a
 * backslash as {@code \\\\}, so a key never breaks a log line or a terminal, and the original name
 * can still be found from the key.
 */
final class Keys {

    private Keys() {
    }

    /** Escapes C0/C1 control characters, DEL, line and paragraph separators and the backslash. */
    static String printable(String s) {
        if (s == null) {
            return null;
        }
        StringBuilder out = null;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean escape = c == '\\' || c < 0x20 || (c >= 0x7f && c <= 0x9f) || c == '\u2028' || c == '\u2029';
            if (escape && out == null) {
                out = new StringBuilder(s.length() + 16).append(s, 0, i);
            }
            if (out != null) {
                if (c == '\\') {
                    out.append("\\\\");
                } else if (escape) {
                    out.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
                } else {
                    out.append(c);
                }
            }
        }
        return out == null ? s : out.toString();
    }

    /** The inverse of {@link #printable}; IllegalArgumentException for a malformed escape. */
    static String original(String key) {
        if (key.indexOf('\\') < 0) {
            return key;
        }
        StringBuilder out = new StringBuilder(key.length());
        for (int i = 0; i < key.length(); i++) {
            char c = key.charAt(i);
            if (c != '\\') {
                out.append(c);
            } else if (i + 1 < key.length() && key.charAt(i + 1) == '\\') {
                out.append('\\');
                i++;
            } else if (i + 5 < key.length() && key.charAt(i + 1) == 'u') {
                out.append((char) Integer.parseInt(key.substring(i + 2, i + 6), 16));
                i += 5;
            } else {
                throw new IllegalArgumentException("malformed key escape");
            }
        }
        return out.toString();
    }

    /** A URL for a message with any password in its user part hidden. */
    static String redactUrl(String url) {
        if (url == null) {
            return null;
        }
        return url.replaceFirst("^([A-Za-z][A-Za-z0-9+.-]*://[^/@:]*):[^/@]*@", "$1:***@");
    }

    /** A short message for a report: the exception's message, or its class when it has none. */
    static String message(Throwable e) {
        String m = e.getMessage();
        String text = m == null || m.isBlank() ? e.getClass().getSimpleName() : m.strip();
        text = printable(text);
        return text.length() > 300 ? text.substring(0, 300) + "…" : text;
    }
}
