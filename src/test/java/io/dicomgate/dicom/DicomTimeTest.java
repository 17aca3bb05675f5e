package io.dicomgate.dicom;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class DicomTimeTest {

    @ParameterizedTest
    @CsvSource({
            "10, 100000.000000, 109999.999999",
            "1015, 101500.000000, 101599.999999",
            "101530, 101530.000000, 101530.999999",
            "101530.5, 101530.500000, 101530.599999",
            "10:15:30, 101530.000000, 101530.999999",
    })
    void floorAndCeilingCoverTheWholePrecision(String tm, String floor, String ceiling) {
        assertEquals(floor, DicomTime.floor(tm));
        assertEquals(ceiling, DicomTime.ceiling(tm));
    }

    @ParameterizedTest
    @CsvSource({ "1, false", "25x, false", "1015, true", "101530.123456, true", "101530.1234567, false" })
    void validity(String tm, boolean valid) {
        assertEquals(valid, DicomTime.isValid(tm));
    }
}
