package io.dicomgate.wado;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Set;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import io.dicomgate.dicom.AcceptHeader;
import io.dicomgate.dicom.NotAcceptableException;

class RetrieveNegotiationTest {

    private static final String ELE = "1.2.840.10008.1.2.1";
    private static final String ILE = "1.2.840.10008.1.2";
    private static final String JPEG = "1.2.840.10008.1.2.4.50";

    @ParameterizedTest(name = "{0} | stored {1} → {2}")
    @CsvSource(delimiter = '|', value = {
            "|1.2.840.10008.1.2|multipart:1.2.840.10008.1.2.1",
            "*/*|1.2.840.10008.1.2.4.50|multipart:*",
            "*/*|1.2.840.10008.1.2|multipart:1.2.840.10008.1.2.1",
            "multipart/related; type=\"application/dicom\"|1.2.840.10008.1.2|multipart:1.2.840.10008.1.2.1",
            "multipart/related; type=application/dicom; transfer-syntax=*|1.2.840.10008.1.2.4.50|multipart:*",
            "multipart/related; type=\"application/dicom\"; transfer-syntax=1.2.840.10008.1.2.4.50|1.2.840.10008.1.2.4.50|multipart:1.2.840.10008.1.2.4.50",
            "application/dicom; transfer-syntax=*|1.2.840.10008.1.2|single:*",
            "multipart/related; type=\"application/dicom\"; transfer-syntax=1.2.840.10008.1.2.1; q=0.9, application/dicom; q=1|1.2.840.10008.1.2|single:1.2.840.10008.1.2.1",
            "multipart/related; type=\"application/dicom\"|1.2.840.10008.1.2.4.50|406",
            "multipart/related; type=\"application/dicom+xml\"|1.2.840.10008.1.2|406",
            "image/jpeg|1.2.840.10008.1.2.4.50|406",
            "application/dicom; q=0|1.2.840.10008.1.2|406",
    })
    void dicomRepresentation(String accept, String stored, String expected) {
        AcceptHeader header = AcceptHeader.of(accept, null);
        if (expected.equals("406")) {
            assertThrows(NotAcceptableException.class, () -> RetrieveNegotiation.dicom(header, Set.of(stored), true));
            return;
        }
        var choice = RetrieveNegotiation.dicom(header, Set.of(stored), true);
        assertEquals(expected, (choice.multipart() ? "multipart:" : "single:") + choice.transferSyntax());
    }

    @ParameterizedTest(name = "{0} | stored {1} → {2}")
    @CsvSource(delimiter = '|', value = {
            "|1.2.840.10008.1.2|application/octet-stream:1.2.840.10008.1.2.1",
            "multipart/related; type=\"application/octet-stream\"|1.2.840.10008.1.2.1|application/octet-stream:1.2.840.10008.1.2.1",
            "multipart/related; type=\"application/octet-stream\"; transfer-syntax=*|1.2.840.10008.1.2.4.50|application/octet-stream:1.2.840.10008.1.2.4.50",
            "multipart/related; type=\"image/jpeg\"|1.2.840.10008.1.2.4.50|image/jpeg:1.2.840.10008.1.2.4.50",
            "*/*|1.2.840.10008.1.2.4.50|application/octet-stream:1.2.840.10008.1.2.4.50",
            "multipart/related; type=\"application/octet-stream\"|1.2.840.10008.1.2.4.50|406",
            "multipart/related; type=\"image/jpeg\"|1.2.840.10008.1.2.1|406",
            "multipart/related; type=\"image/jp2\"|1.2.840.10008.1.2.4.50|406",
    })
    void frameRepresentation(String accept, String stored, String expected) {
        AcceptHeader header = AcceptHeader.of(accept, null);
        if (expected.equals("406")) {
            assertThrows(NotAcceptableException.class, () -> RetrieveNegotiation.octets(header, stored));
            return;
        }
        var choice = RetrieveNegotiation.octets(header, stored);
        assertEquals(expected, choice.partType() + ":" + choice.transferSyntax());
    }

    @org.junit.jupiter.api.Test
    void mixedStudyFallsBackToStoredSyntaxesOnlyForWildcards() {
        var mixed = Set.of(ILE, JPEG);
        assertEquals("*", RetrieveNegotiation.dicom(AcceptHeader.of("*/*", null), mixed, false).transferSyntax());
        assertThrows(NotAcceptableException.class, () -> RetrieveNegotiation.dicom(
                AcceptHeader.of("multipart/related; type=\"application/dicom\"", null), mixed, false));
        assertEquals(ELE, RetrieveNegotiation.dicom(AcceptHeader.of("*/*", List.of()), Set.of(ILE), false)
                .transferSyntax());
    }

    @org.junit.jupiter.api.Test
    void singlePartOnlyWhereAllowed() {
        assertThrows(NotAcceptableException.class, () -> RetrieveNegotiation.dicom(
                AcceptHeader.of("application/dicom", null), Set.of(ELE), false));
    }
}
