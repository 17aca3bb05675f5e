package io.dicomgate.wado;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import io.dicomgate.dicom.AcceptHeader;
import io.dicomgate.dicom.InvalidRequestException;
import io.dicomgate.dicom.NotAcceptableException;

/** PS3.18 §8.7 content negotiation and the transfer syntax matrix, without a server. */
class RetrieveNegotiationTest {

    private static final String ELE = "1.2.840.10008.1.2.1";
    private static final String ILE = "1.2.840.10008.1.2";
    private static final String JPEG = "1.2.840.10008.1.2.4.50";
    private static final String JPEG_LS = "1.2.840.10008.1.2.4.80";

    private static Transcoder.Stored stored(String ts, int bits) {
        return new Transcoder.Stored(ts, bits, 1);
    }

    @ParameterizedTest(name = "{0} | stored {1} ({2} bit) → {3}")
    @CsvSource(delimiter = '|', value = {
            // defaults (§8.7.3.5.2: Explicit VR Little Endian when no transfer syntax is named)
            "|1.2.840.10008.1.2|16|multipart:1.2.840.10008.1.2.1",
            "*/*|1.2.840.10008.1.2.4.50|8|multipart:*",
            "*/*|1.2.840.10008.1.2|16|multipart:1.2.840.10008.1.2.1",
            "multipart/related; type=\"application/dicom\"|1.2.840.10008.1.2|16|multipart:1.2.840.10008.1.2.1",
            "multipart/related; type=application/dicom; transfer-syntax=*|1.2.840.10008.1.2.4.50|8|multipart:*",
            "multipart/related; type=\"application/dicom\"; transfer-syntax=1.2.840.10008.1.2.4.50|1.2.840.10008.1.2.4.50|8|multipart:1.2.840.10008.1.2.4.50",
            "application/dicom; transfer-syntax=*|1.2.840.10008.1.2|16|single:*",
            "multipart/related; type=\"application/dicom\"; transfer-syntax=1.2.840.10008.1.2.1; q=0.9, application/dicom; q=1|1.2.840.10008.1.2|16|single:1.2.840.10008.1.2.1",
            // decoding: every decodable syntax → Explicit VR LE
            "multipart/related; type=\"application/dicom\"|1.2.840.10008.1.2.4.50|8|multipart:1.2.840.10008.1.2.1",
            "application/dicom|1.2.840.10008.1.2.4.51|8|single:1.2.840.10008.1.2.1",
            "application/dicom|1.2.840.10008.1.2.4.51|16|406",
            "application/dicom|1.2.840.10008.1.2.4.57|16|single:1.2.840.10008.1.2.1",
            "application/dicom|1.2.840.10008.1.2.4.70|16|single:1.2.840.10008.1.2.1",
            "application/dicom|1.2.840.10008.1.2.4.90|16|single:1.2.840.10008.1.2.1",
            "application/dicom|1.2.840.10008.1.2.4.91|16|single:1.2.840.10008.1.2.1",
            "application/dicom|1.2.840.10008.1.2.5|16|single:1.2.840.10008.1.2.1",
            "application/dicom|1.2.840.10008.1.2.4.80|8|406",
            "application/dicom|1.2.840.10008.1.2.4.81|8|406",
            "application/dicom|1.2.840.10008.1.2.4.92|8|406",
            "application/dicom|1.2.840.10008.1.2.4.201|8|406",
            "application/dicom|1.2.840.10008.1.2.4.100|8|406",
            // encoding from native (and from what decodes to native)
            "application/dicom; transfer-syntax=1.2.840.10008.1.2.5|1.2.840.10008.1.2|16|single:1.2.840.10008.1.2.5",
            "application/dicom; transfer-syntax=1.2.840.10008.1.2.5|1.2.840.10008.1.2.4.70|16|single:1.2.840.10008.1.2.5",
            "application/dicom; transfer-syntax=1.2.840.10008.1.2.4.50|1.2.840.10008.1.2.1|8|single:1.2.840.10008.1.2.4.50",
            "application/dicom; transfer-syntax=1.2.840.10008.1.2.4.50|1.2.840.10008.1.2.1|16|406",
            "application/dicom; transfer-syntax=1.2.840.10008.1.2.4.90|1.2.840.10008.1.2.1|16|406",
            "application/dicom; transfer-syntax=1.2.840.10008.1.2.2|1.2.840.10008.1.2.1|16|406",
            "application/dicom; transfer-syntax=1.2.3.4|1.2.840.10008.1.2.1|16|406",
            // 400: a transfer-syntax that is not a UID, malformed q-values
            "application/dicom; transfer-syntax=JPEG|1.2.840.10008.1.2.1|16|400",
            "application/dicom; transfer-syntax=1.2.840.10008.1.2.1.|1.2.840.10008.1.2.1|16|400",
            "application/dicom; q=1.5|1.2.840.10008.1.2.1|16|400",
            "application/dicom; q=0.1234|1.2.840.10008.1.2.1|16|400",
            "application/dicom; q=high|1.2.840.10008.1.2.1|16|400",
            "application/dicom;;|1.2.840.10008.1.2.1|16|400",
            "application|1.2.840.10008.1.2.1|16|400",
            // q-values: order, and q=0 excludes even under a wildcard
            "application/dicom; q=0|1.2.840.10008.1.2|16|406",
            "*/*, multipart/related; type=\"application/dicom\"; q=0|1.2.840.10008.1.2|16|406",
            "image/png, application/dicom; q=0.5|1.2.840.10008.1.2|16|single:1.2.840.10008.1.2.1",
            "application/dicom; transfer-syntax=1.2.840.10008.1.2.4.80; q=1, application/dicom; transfer-syntax=*; q=0.2|1.2.840.10008.1.2.4.50|8|single:*",
            // other media types
            "multipart/related; type=\"application/dicom+xml\"|1.2.840.10008.1.2|16|406",
            "image/jpeg|1.2.840.10008.1.2.4.50|8|406",
            "application/dicom+json; transfer-syntax=1.2.840.10008.1.2.1|1.2.840.10008.1.2|16|400",
    })
    void dicomRepresentation(String accept, String storedTs, int bits, String expected) {
        var stored = Set.of(stored(storedTs, bits));
        switch (expected) {
            case "406" -> assertThrows(NotAcceptableException.class,
                    () -> RetrieveNegotiation.dicom(AcceptHeader.of(accept, null), stored, true));
            case "400" -> assertThrows(InvalidRequestException.class,
                    () -> RetrieveNegotiation.dicom(AcceptHeader.of(accept, null), stored, true));
            default -> {
                var choice = RetrieveNegotiation.dicom(AcceptHeader.of(accept, null), stored, true);
                assertEquals(expected, (choice.multipart() ? "multipart:" : "single:") + choice.transferSyntax());
            }
        }
    }

    @ParameterizedTest(name = "{0} | stored {1} → {2}")
    @CsvSource(delimiter = '|', value = {
            "|1.2.840.10008.1.2|application/octet-stream:1.2.840.10008.1.2.1:stored",
            "multipart/related; type=\"application/octet-stream\"|1.2.840.10008.1.2.1|application/octet-stream:1.2.840.10008.1.2.1:stored",
            "multipart/related; type=\"application/octet-stream\"; transfer-syntax=*|1.2.840.10008.1.2.4.50|application/octet-stream:1.2.840.10008.1.2.4.50:stored",
            "multipart/related; type=\"image/jpeg\"|1.2.840.10008.1.2.4.50|image/jpeg:1.2.840.10008.1.2.4.50:stored",
            "*/*|1.2.840.10008.1.2.4.50|application/octet-stream:1.2.840.10008.1.2.4.50:stored",
            "multipart/related; type=\"application/octet-stream\"|1.2.840.10008.1.2.4.50|application/octet-stream:1.2.840.10008.1.2.1:decoded",
            "multipart/related; type=\"application/octet-stream\"; transfer-syntax=1.2.840.10008.1.2.1|1.2.840.10008.1.2.4.90|application/octet-stream:1.2.840.10008.1.2.1:decoded",
            "multipart/related; type=\"application/octet-stream\"|1.2.840.10008.1.2.5|application/octet-stream:1.2.840.10008.1.2.1:decoded",
            "multipart/related; type=\"application/octet-stream\"|1.2.840.10008.1.2.4.80|406",
            "multipart/related; type=\"image/jpeg\"|1.2.840.10008.1.2.1|406",
            "multipart/related; type=\"image/jp2\"|1.2.840.10008.1.2.4.50|406",
            "multipart/related; type=\"application/octet-stream\"; transfer-syntax=x|1.2.840.10008.1.2.1|400",
    })
    void frameRepresentation(String accept, String storedTs, String expected) {
        var stored = stored(storedTs, 8);
        switch (expected) {
            case "406" -> assertThrows(NotAcceptableException.class,
                    () -> RetrieveNegotiation.octets(AcceptHeader.of(accept, null), stored));
            case "400" -> assertThrows(InvalidRequestException.class,
                    () -> RetrieveNegotiation.octets(AcceptHeader.of(accept, null), stored));
            default -> {
                var choice = RetrieveNegotiation.octets(AcceptHeader.of(accept, null), stored);
                assertEquals(expected, choice.partType() + ":" + choice.transferSyntax() + ":"
                        + (choice.decode() ? "decoded" : "stored"));
            }
        }
    }

    /** PS3.18 §8.3.3.1 (accept query parameter) and the charset rule for DICOM JSON. */
    @ParameterizedTest(name = "header [{0}] query [{1}] accepts {2} → {3}")
    @CsvSource(delimiter = '|', value = {
            "application/dicom+json||application/dicom+json|true",
            "application/dicom+json; charset=utf-8||application/dicom+json|true",
            "application/dicom+json; charset=UTF-8||application/dicom+json|true",
            "application/dicom+json; charset=iso-8859-1||application/dicom+json|false",
            "*/*, application/dicom+json; q=0||application/dicom+json|false",
            "*/*|application/dicom+json|application/dicom+json|true",
            "application/dicom+json|image/png|application/dicom+json|false",
            "|*/*|application/dicom+json|400",
            "|application/*|application/dicom+json|400",
            "|application/dicom+json, image/jpeg|application/dicom+json|400",
            "|multipart/related; type=\"application/dicom\", image/png|application/dicom|400",
    })
    void acceptRules(String header, String query, String mediaType, String expected) {
        if (expected.equals("400")) {
            assertThrows(InvalidRequestException.class, () -> AcceptHeader.of(header, List.of(query)));
            return;
        }
        AcceptHeader accept = AcceptHeader.of(header, query == null ? null : List.of(query));
        assertEquals(Boolean.parseBoolean(expected), accept.accepts(mediaType));
    }

    @Test
    void mixedStudyFallsBackToStoredSyntaxesOnlyForWildcards() {
        var mixed = Set.of(stored(ILE, 16), stored(JPEG_LS, 8));
        assertEquals("*", RetrieveNegotiation.dicom(AcceptHeader.of("*/*", null), mixed, false).transferSyntax());
        assertThrows(NotAcceptableException.class, () -> RetrieveNegotiation.dicom(
                AcceptHeader.of("multipart/related; type=\"application/dicom\"", null), mixed, false));
        // Decodable + native: the explicit default decodes; the wildcard sends as stored.
        var decodable = Set.of(stored(ILE, 16), stored(JPEG, 8));
        assertEquals(ELE, RetrieveNegotiation.dicom(AcceptHeader.of("multipart/related; type=\"application/dicom\"",
                null), decodable, false).transferSyntax());
        assertEquals("*", RetrieveNegotiation.dicom(AcceptHeader.of("*/*", null), decodable, false).transferSyntax());
        assertEquals(ELE, RetrieveNegotiation.dicom(AcceptHeader.of("*/*", List.of()), Set.of(stored(ILE, 16)), false)
                .transferSyntax());
    }

    @Test
    void singlePartOnlyWhereAllowed() {
        assertThrows(NotAcceptableException.class, () -> RetrieveNegotiation.dicom(
                AcceptHeader.of("application/dicom", null), Set.of(stored(ELE, 16)), false));
    }
}
