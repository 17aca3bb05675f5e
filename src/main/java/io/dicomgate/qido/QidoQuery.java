package io.dicomgate.qido;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import io.dicomgate.dicom.DicomTags;
import io.dicomgate.dicom.DicomTime;
import io.dicomgate.dicom.InvalidRequestException;
import io.dicomgate.dicom.Uid;

/**
 * A QIDO-RS search parsed once from the request (PS3.18 §8.3.4 query parameters, §10.6.1).
 *
 * @param level what the search returns
 * @param studyUid the study of the target resource, or null
 * @param seriesUid the series of the target resource, or null
 * @param matches matching keys with their (percent-decoded) values, in request order
 * @param includeAll {@code includefield=all}
 * @param includeFields tags named by {@code includefield}
 * @param unsupportedKeys attribute keys that cannot be matched on; reported in a Warning
 * @param fuzzy {@code fuzzymatching=true} was asked for
 * @param limit {@code limit}, or null
 * @param offset {@code offset}, 0 when absent
 */
public record QidoQuery(QueryLevel level, String studyUid, String seriesUid, Map<MatchKey, String> matches,
        boolean includeAll, Set<Integer> includeFields, List<String> unsupportedKeys, boolean fuzzy, Integer limit,
        int offset) {

    private static final Pattern DATE = Pattern.compile("\\d{8}");
    private static final Pattern INTEGER = Pattern.compile("[+-]?\\d{1,9}");

    /**
     * Whether the search is pinned to one study (a study UID in the path or one StudyInstanceUID)
     * or one patient (an exact PatientID), so it reads a handful of rows whatever the index size.
     */
    public boolean pinned() {
        String patientId = matches.get(MatchKey.PATIENT_ID);
        String studyUids = matches.get(MatchKey.STUDY_INSTANCE_UID);
        return studyUid != null
                || (patientId != null && !patientId.isEmpty() && patientId.indexOf('*') < 0 && patientId.indexOf('?') < 0)
                || (studyUids != null && uids(studyUids).size() == 1);
    }

    /**
     * Parses decoded query parameters.
     *
     * @throws InvalidRequestException for anything PS3.18 §8.3.4 makes a 400
     */
    public static QidoQuery parse(QueryLevel level, String studyUid, String seriesUid,
            Map<String, List<String>> params) {
        Map<MatchKey, String> matches = new LinkedHashMap<>();
        Set<Integer> includeFields = new LinkedHashSet<>();
        List<String> unsupported = new ArrayList<>();
        boolean includeAll = false;
        boolean fuzzy = false;
        Integer limit = null;
        int offset = 0;
        for (Map.Entry<String, List<String>> param : params.entrySet()) {
            String name = param.getKey();
            List<String> values = param.getValue();
            switch (name) {
                case "limit" -> limit = nonNegative(name, single(name, values));
                case "offset" -> offset = nonNegative(name, single(name, values));
                case "fuzzymatching" -> fuzzy = bool(name, single(name, values));
                case "emptyvaluematching", "multiplevaluematching" -> bool(name, single(name, values));
                case "includefield" -> {
                    for (String value : values) {
                        for (String field : value.split(",")) {
                            String f = field.trim();
                            if (f.equals("all")) {
                                includeAll = true;
                            } else if (!f.isEmpty()) {
                                includeFields.add(tag(f));
                            }
                        }
                    }
                }
                default -> {
                    if (name.contains(".")) {
                        // Sequence matching (PS3.4 C.2.2.2.6) is not supported.
                        unsupported.add(name);
                        continue;
                    }
                    int tag = tag(name);
                    MatchKey key = MatchKey.byTag(tag);
                    if (key == null || !level.includes(key.level)) {
                        unsupported.add(name);
                        continue;
                    }
                    String value = key.kind == MatchKey.Kind.UID_LIST ? String.join(",", values)
                            : single(name, values);
                    validate(key, value);
                    matches.put(key, value);
                }
            }
        }
        return new QidoQuery(level, studyUid, seriesUid, matches, includeAll, Set.copyOf(includeFields),
                List.copyOf(unsupported), fuzzy, limit, offset);
    }

    private static int tag(String keywordOrTag) {
        try {
            return DicomTags.tagOf(keywordOrTag);
        } catch (IllegalArgumentException e) {
            throw new InvalidRequestException("unknown attribute: " + printable(keywordOrTag));
        }
    }

    private static void validate(MatchKey key, String value) {
        if (value.isEmpty() || value.equals("*")) {
            return; // universal matching
        }
        switch (key.kind) {
            case DATE -> range(key, value, DATE);
            case TIME -> {
                for (String bound : rangeBounds(key, value)) {
                    if (!bound.isEmpty() && !DicomTime.isValid(bound)) {
                        throw new InvalidRequestException("invalid time for " + keyword(key));
                    }
                }
            }
            case UID_LIST -> {
                for (String uid : uids(value)) {
                    if (!Uid.isValid(uid)) {
                        throw new InvalidRequestException("invalid UID in " + keyword(key));
                    }
                }
            }
            case INTEGER -> {
                if (!INTEGER.matcher(value.trim()).matches()) {
                    throw new InvalidRequestException("invalid integer for " + keyword(key));
                }
            }
            default -> {
                if (value.length() > 400) {
                    throw new InvalidRequestException("value too long for " + keyword(key));
                }
            }
        }
    }

    private static void range(MatchKey key, String value, Pattern bound) {
        for (String b : rangeBounds(key, value)) {
            if (!b.isEmpty() && !bound.matcher(b).matches()) {
                throw new InvalidRequestException("invalid date for " + keyword(key) + " (YYYYMMDD or a range)");
            }
        }
    }

    /** {@code a}, {@code a-b}, {@code -b} or {@code a-} → its bounds (PS3.4 C.2.2.2.5). */
    static String[] rangeBounds(MatchKey key, String value) {
        int dash = value.indexOf('-');
        if (dash < 0) {
            return new String[] { value };
        }
        if (value.indexOf('-', dash + 1) >= 0 || value.equals("-")) {
            throw new InvalidRequestException("invalid range for " + keyword(key));
        }
        return new String[] { value.substring(0, dash), value.substring(dash + 1) };
    }

    /** UID list values: separated by backslash (PS3.4 C.2.2.2.2) or comma (PS3.18 §8.3.4.1), or repeated. */
    static List<String> uids(String value) {
        List<String> result = new ArrayList<>();
        for (String uid : value.split("[,\\\\]")) {
            if (!uid.isBlank()) {
                result.add(uid.trim());
            }
        }
        return result;
    }

    private static String single(String name, List<String> values) {
        if (values.size() != 1) {
            throw new InvalidRequestException("query parameter " + printable(name) + " given more than once");
        }
        return values.get(0);
    }

    private static int nonNegative(String name, String value) {
        try {
            int n = Integer.parseInt(value.trim());
            if (n >= 0) {
                return n;
            }
        } catch (NumberFormatException e) {
            // fall through
        }
        throw new InvalidRequestException(name + " must be a non-negative integer");
    }

    private static boolean bool(String name, String value) {
        return switch (value) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new InvalidRequestException(name + " must be true or false");
        };
    }

    private static String keyword(MatchKey key) {
        String keyword = DicomTags.keywordOf(key.tag);
        return keyword != null ? keyword : String.format("%08X", key.tag);
    }

    /** Echoes a client-supplied key in an error message without letting it carry arbitrary text. */
    private static String printable(String s) {
        String cut = s.length() > 64 ? s.substring(0, 64) : s;
        return cut.replaceAll("[^A-Za-z0-9.]", "?");
    }
}
