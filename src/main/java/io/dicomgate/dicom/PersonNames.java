package io.dicomgate.dicom;

import java.text.Normalizer;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * Person name (PN) folding for matching.
 *
 * <p>Literal matching (PS3.4 C.2.2.2.1) compares the whole value upper-cased. Fuzzy matching,
 * which PS3.18 §8.3.4.1 ({@code fuzzymatching=true}) and PS3.4 C.2.2.2.1.3 leave to the
 * conformance statement, compares <em>name parts</em>: the value is split into the words of all
 * its components and component groups (separators {@code ^ =}, whitespace and commas; periods
 * dropped), each word is folded — Unicode NFD with combining marks removed (é→E, ü→U, Ø→O),
 * a few letters that do not decompose spelled out (ß→SS, Æ→AE, Œ→OE, Ł→L, Đ→D, Þ→TH), then
 * upper-cased in the root locale — and the distinct words are kept sorted. A query word matches
 * if it equals, or with {@code *}/{@code ?} wildcards matches, one stored word; a name matches
 * when every query word does. So order, case, accents and which separator was typed do not
 * matter: {@code jurgen^muller} and {@code Müller Jürgen} both find {@code Müller^Jürgen}.
 */
public final class PersonNames {

    private static final Pattern SEPARATORS = Pattern.compile("[\\^=,\\s]+");
    private static final Pattern COMBINING_MARKS = Pattern.compile("\\p{M}+");

    private PersonNames() {
    }

    /** Upper-cased whole value, for case-insensitive literal matching (PS3.4 C.2.2.2.1). */
    public static String normalize(String name) {
        return name == null ? null : name.toUpperCase(Locale.ROOT);
    }

    /**
     * The distinct folded words of a stored name, sorted; null only for a null name (an empty
     * array marks a name already folded, so the start-up backfill does not visit it again).
     */
    public static String[] fuzzyComponents(String name) {
        if (name == null) {
            return null;
        }
        return new TreeSet<>(words(name)).toArray(String[]::new);
    }

    /**
     * The folded words of a query value, wildcards kept, in query order; a word that is only
     * {@code *} matches anything and is dropped.
     */
    public static List<String> fuzzyQuery(String value) {
        List<String> result = new ArrayList<>();
        for (String word : words(value)) {
            if (!word.chars().allMatch(c -> c == '*') && !result.contains(word)) {
                result.add(word);
            }
        }
        return result;
    }

    private static List<String> words(String value) {
        List<String> result = new ArrayList<>();
        for (String raw : SEPARATORS.split(value)) {
            String word = fold(raw);
            if (!word.isEmpty()) {
                result.add(word);
            }
        }
        return result;
    }

    /** One word: accents stripped, special letters spelled out, periods dropped, upper-cased. */
    static String fold(String word) {
        String decomposed = COMBINING_MARKS.matcher(Normalizer.normalize(word, Normalizer.Form.NFD)).replaceAll("");
        StringBuilder out = new StringBuilder(decomposed.length());
        for (int i = 0; i < decomposed.length(); i++) {
            char c = decomposed.charAt(i);
            switch (c) {
                case 'ß' -> out.append("SS");
                case 'Æ', 'æ' -> out.append("AE");
                case 'Œ', 'œ' -> out.append("OE");
                case 'Ø', 'ø' -> out.append('O');
                case 'Ł', 'ł' -> out.append('L');
                case 'Đ', 'đ' -> out.append('D');
                case 'Þ', 'þ' -> out.append("TH");
                case 'ı' -> out.append('I');
                case '.' -> {
                    // "J." and "J" are the same initial
                }
                default -> out.append(c);
            }
        }
        return out.toString().toUpperCase(Locale.ROOT);
    }
}
