package io.dicomgate.qido;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import io.dicomgate.access.SqlFilter;
import io.dicomgate.dicom.InvalidRequestException;

class QidoQueryTest {

    private static QidoQuery parse(QueryLevel level, String... keyValues) {
        Map<String, List<String>> params = new LinkedHashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            params.computeIfAbsent(keyValues[i], k -> new java.util.ArrayList<>()).add(keyValues[i + 1]);
        }
        return QidoQuery.parse(level, null, null, params);
    }

    @ParameterizedTest(name = "{0}={1} → {2}")
    @CsvSource(delimiter = '|', value = {
            "PatientName|Doe*|st.patient_name_norm LIKE ? ESCAPE '\\'|DOE%",
            "PatientName|Doe^John|st.patient_name_norm = ?|DOE^JOHN",
            "PatientID|A_1%|p.patient_id = ?|A_1%",
            "PatientID|A_1*|p.patient_id LIKE ? ESCAPE '\\'|A\\_1%",
            "00100020|X?|p.patient_id LIKE ? ESCAPE '\\'|X_",
            "StudyDate|20200101|st.study_date = ?|20200101",
            "StudyDate|20200101-|st.study_date >= ?|20200101",
            "StudyDate|-20201231|st.study_date <= ?|20201231",
            "StudyTime|10|st.study_time BETWEEN ? AND ?|100000.000000",
            "ModalitiesInStudy|CT|st.modalities_in_study @> ARRAY[?]::varchar[]|CT",
            "SeriesNumber|3|se.series_number = ?|3",
    })
    void matchingBecomesParameterisedSql(String key, String value, String sqlFragment, String firstParam) {
        QidoSql sql = QidoSql.build(parse(QueryLevel.INSTANCE, key, value), SqlFilter.ALL, 11);
        assertTrue(sql.sql.contains(sqlFragment), sql.sql);
        assertEquals(firstParam, String.valueOf(sql.params.get(0)));
        assertTrue(!sql.sql.contains("'" + value), "values are bound, never inlined");
    }

    @ParameterizedTest(name = "fuzzy {0}={1} → {2}")
    @CsvSource(delimiter = '|', value = {
            "PatientName|jurgen^muller|st.patient_name_fuzzy @> ARRAY[?]::text[] AND st.patient_name_fuzzy @> ARRAY[?]::text[]|JURGEN,MULLER",
            "PatientName|Doe John|st.patient_name_fuzzy @> ARRAY[?]::text[] AND st.patient_name_fuzzy @> ARRAY[?]::text[]|DOE,JOHN",
            "PatientName|Mül*|unnest(st.patient_name_fuzzy) AS w WHERE w LIKE ?|MUL%",
            "PatientName|^|LIMIT|",
            "ReferringPhysicianName|wilson|st.referring_physician_name_fuzzy @> ARRAY[?]::text[]|WILSON",
            "PatientID|müller|p.patient_id = ?|müller",
    })
    void fuzzyPersonNameMatchingComparesFoldedWords(String key, String value, String sqlFragment, String params) {
        QidoSql sql = QidoSql.build(parse(QueryLevel.STUDY, key, value, "fuzzymatching", "true"), SqlFilter.ALL, 11);
        assertTrue(sql.sql.contains(sqlFragment), sql.sql);
        List<Object> expected = new java.util.ArrayList<>(
                params == null ? List.of() : List.of(params.split(",")));
        expected.addAll(List.of(11, 0));
        assertEquals(expected, sql.params);
        assertTrue(!sql.sql.contains("patient_name_norm") && !sql.sql.contains("referring_physician_name_norm"),
                "fuzzy matching never falls back to the literal column: " + sql.sql);
    }

    @Test
    void withoutFuzzymatchingPersonNamesMatchLiterally() {
        QidoSql sql = QidoSql.build(parse(QueryLevel.STUDY, "PatientName", "jurgen^muller"), SqlFilter.ALL, 11);
        assertTrue(sql.sql.contains("st.patient_name_norm = ?") && !sql.sql.contains("fuzzy"), sql.sql);
        assertEquals(List.of("JURGEN^MULLER", 11, 0), sql.params);
    }

    @Test
    void accessRuleComesBeforeMatchingAndPaging() {
        SqlFilter onlyOne = new SqlFilter("p.patient_id = ?", List.of("P1"));
        QidoSql sql = QidoSql.build(parse(QueryLevel.STUDY, "PatientName", "A*", "offset", "20"), onlyOne, 11);
        assertTrue(sql.sql.indexOf("WHERE (p.patient_id = ?)") < sql.sql.indexOf("LIMIT"), sql.sql);
        assertEquals(List.of("P1", "A%", 11, 20), sql.params);
    }

    @Test
    void universalMatchingAddsNoCondition() {
        QidoSql sql = QidoSql.build(parse(QueryLevel.STUDY, "PatientName", "", "StudyDate", "*"), SqlFilter.ALL, 5);
        assertEquals(List.of(5, 0), sql.params);
    }

    @Test
    void seriesKeysAreNotMatchedAtStudyLevel() {
        QidoQuery q = parse(QueryLevel.STUDY, "Modality", "CT");
        assertTrue(q.matches().isEmpty());
        assertEquals(List.of("Modality"), q.unsupportedKeys());
    }

    @Test
    void includefieldTakesKeywordsTagsAndAll() {
        QidoQuery q = parse(QueryLevel.STUDY, "includefield", "StudyDescription,00100040", "includefield", "all");
        assertTrue(q.includeAll());
        assertEquals(java.util.Set.of(0x00081030, 0x00100040), q.includeFields());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = { "limit|x", "offset|-1", "StudyDate|2020", "StudyDate|1-2-3",
            "StudyInstanceUID|1.02", "Unknown|x", "StudyTime|99999999", "fuzzymatching|yes" })
    void invalidValuesAreRejected(String key, String value) {
        assertThrows(InvalidRequestException.class, () -> parse(QueryLevel.INSTANCE, key, value));
    }

    @Test
    void likeEscapesItsOwnMetacharacters() {
        assertEquals("50\\%\\_off%", QidoSql.like("50%_off*"));
    }
}
