package io.dicomgate.dicom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The fuzzy person name folding that QIDO-RS {@code fuzzymatching=true} relies on. */
class PersonNamesTest {

    @ParameterizedTest(name = "{0} → {1}")
    @CsvSource(delimiter = '|', value = {
            "Müller^Jürgen|JURGEN MULLER",
            "Doe^John|DOE JOHN",
            "DOE^JOHN^^DR.|DOE DR JOHN",
            "Wilson^James=ウィルソン^ジェームズ|JAMES WILSON ウィルソン シェームス",
            "van der Berg^Jan|BERG DER JAN VAN",
            "Strauß^Øyvind|OYVIND STRAUSS",
            "Łukasz^Żółć|LUKASZ ZOLC",
            "Garcia^Maria^^^|GARCIA MARIA",
            "Ærø^Élodie|AERO ELODIE",
            "Doe^John^John|DOE JOHN",
    })
    void storedNamesFoldToSortedDistinctWords(String name, String words) {
        assertArrayEquals(words.split(" "), PersonNames.fuzzyComponents(name));
    }

    @Test
    void noNameIsNullAndAWordlessNameIsEmpty() {
        assertNull(PersonNames.fuzzyComponents(null));
        assertArrayEquals(new String[0], PersonNames.fuzzyComponents("^^="));
    }

    @ParameterizedTest(name = "{0} → {1}")
    @CsvSource(delimiter = '|', value = {
            "jurgen^muller|JURGEN,MULLER",
            "Doe John|DOE,JOHN",
            "Doe, John|DOE,JOHN",
            "Mül*^*|MUL*",
            "G?rc*a|G?RC*A",
            "*|''",
            "doe doe|DOE",
    })
    void queryValuesFoldTheSameWayAndKeepWildcards(String value, String words) {
        List<String> expected = words.isEmpty() ? List.of() : List.of(words.split(","));
        assertEquals(expected, PersonNames.fuzzyQuery(value));
    }
}
