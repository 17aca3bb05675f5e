package io.dicomgate.dicom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

class DicomTagsTest {

    @ParameterizedTest
    @CsvSource({
        "PatientName, 00100010",
        "StudyInstanceUID, 0020000D",
        "ModalitiesInStudy, 00080061",
        "0020000D, 0020000D",
        "0020000d, 0020000D",
        "7FE00010, 7FE00010",
        "00091001, 00091001",
        "' PatientID ', 00100020",
    })
    void tagOfAcceptsKeywordOrEightHexDigits(String id, String key) {
        assertEquals(key, DicomJsonWriter.tagKey(DicomTags.tagOf(id)));
    }

    @ParameterizedTest
    @NullAndEmptySource
    @ValueSource(strings = {"NoSuchKeyword", "patientname", "0020000", "0020000DA", "(0020,000D)", "0x0020000D"})
    void tagOfRejectsAnythingElse(String id) {
        assertThrows(IllegalArgumentException.class, () -> DicomTags.tagOf(id));
    }

    @Test
    void keywordOfNamesStandardTagsOnly() {
        assertEquals("StudyInstanceUID", DicomTags.keywordOf(0x0020000D));
        assertEquals("PatientName", DicomTags.keywordOf(0x00100010));
        assertNull(DicomTags.keywordOf(0x00091001));
    }

    @ParameterizedTest
    @CsvSource({
        "00100010, PN",
        "0020000D, UI",
        "00080020, DA",
        "00080061, CS",
        "00201208, IS",
        "00280010, US",
        "00280030, DS",
        "00081115, SQ",
        "00280106, US",
        "7FE00010, OW",
    })
    void vrOfComesFromTheDictionaryWithAmbiguousVrsResolved(String tag, String vr) {
        assertEquals(vr, DicomTags.vrOf(Integer.parseUnsignedInt(tag, 16)));
    }

    @Test
    void vrOfUnknownTagIsNull() {
        assertNull(DicomTags.vrOf(0x00091001));
    }
}
