package io.dicomgate.dicom;

import java.util.regex.Pattern;

/**
 * A DICOM Unique Identifier (PS3.5 §9.1): dot-separated numeric components without leading zeros,
 * at most 64 characters.
 */
public record Uid(String value) {

    private static final Pattern SYNTAX = Pattern.compile("(0|[1-9][0-9]*)(\\.(0|[1-9][0-9]*))+");

    public Uid {
        if (!isValid(value)) {
            throw new InvalidRequestException("invalid UID");
        }
    }

    public static boolean isValid(String value) {
        return value != null && value.length() <= 64 && SYNTAX.matcher(value).matches();
    }

    /** Parses a UID from a request (path segment or query value); 400 when malformed. */
    public static String require(String value) {
        return new Uid(value).value();
    }

    @Override
    public String toString() {
        return value;
    }
}
