package io.dicomgate.dicom;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class NativePixelDataLengthTest {

    @ParameterizedTest(name = "{5} {2} samples {3} bits x{4} frames: {6} bytes")
    @CsvSource({
        "512, 512, 1, 16, 1, MONOCHROME2, 524288",
        "512, 512, 1, 16, 10, MONOCHROME1, 5242880",
        "8, 8, 3, 8, 1, RGB, 192",
        "8, 8, 3, 8, 1, YBR_FULL, 192",
        "8, 8, 3, 8, 1, YBR_FULL_422, 128",
        "8, 8, 3, 8, 2, YBR_PARTIAL_422, 256",
        "8, 8, 3, 8, 1, YBR_PARTIAL_420, 96",
        "3, 3, 1, 1, 1, MONOCHROME2, 2",
        "8, 8, 3, 8, 1, '', 192",
    })
    void lengthFollowsThePhotometricInterpretation(int rows, int columns, int samples, int bits, int frames,
            String photometric, long expected) {
        assertEquals(expected, NativePixelDataLength.expectedBytes(rows, columns, samples, bits, frames, photometric));
    }
}
