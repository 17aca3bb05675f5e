package io.dicomgate.dicom;

import java.util.regex.Pattern;

/**
 * TM values (PS3.5 §6.2, HHMMSS.FFFFFF with optional trailing components) in a fixed-width form,
 * so that the index can compare times as strings and QIDO ranges (PS3.4 C.2.2.2.5) work at any
 * precision.
 */
public final class DicomTime {

    private static final Pattern TM = Pattern.compile("\\d{2}(\\d{2}(\\d{2}(\\.\\d{1,6})?)?)?");

    private DicomTime() {
    }

    public static boolean isValid(String tm) {
        return tm != null && TM.matcher(tm.replace(":", "")).matches();
    }

    /** Lower bound form: missing components are zero. {@code "1015"} → {@code "101500.000000"}. */
    public static String floor(String tm) {
        return pad(tm, '0');
    }

    /** Upper bound form: missing components are at their maximum. {@code "1015"} → {@code "101599.999999"}. */
    public static String ceiling(String tm) {
        return pad(tm, '9');
    }

    /** The stored form of a TM value, or null when it is not a valid time. */
    public static String normalize(String tm) {
        return isValid(tm) ? floor(tm) : null;
    }

    private static String pad(String tm, char fill) {
        String value = tm.replace(":", "");
        String whole = value;
        String fraction = "";
        int dot = value.indexOf('.');
        if (dot >= 0) {
            whole = value.substring(0, dot);
            fraction = value.substring(dot + 1);
        }
        StringBuilder out = new StringBuilder(13).append(whole);
        while (out.length() < 6) {
            out.append(fill);
        }
        out.append('.').append(fraction);
        while (out.length() < 13) {
            out.append(fill);
        }
        return out.toString();
    }
}
