package io.dicomgate.dicom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class ContentTypeTest {

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
            multipart/related; type="application/dicom"; boundary=abc123        | multipart/related | abc123
            Multipart/Related;Boundary="a b:c"                                   | multipart/related | a b:c
            multipart/related; boundary="quoted \\"inner\\" and \\\\ slash"      | multipart/related | quoted "inner" and \\ slash
            multipart/related ; boundary = ----=_Part_0_12.34 ;                   | multipart/related | ----=_Part_0_12.34
            application/dicom                                                    | application/dicom |
            multipart/related; boundary=CaseKept; type=application/dicom         | multipart/related | CaseKept
            `multipart/related;	boundary="tab-before"`                             | multipart/related | tab-before
            multipart/related; type=application/dicom; boundary=a=b/c:d          | multipart/related | a=b/c:d
            """)
    void parsesMediaTypeAndBoundary(String header, String mediaType, String boundary) {
        ContentType ct = ContentType.parse(header);
        assertEquals(mediaType, ct.mediaType());
        assertEquals(boundary, ct.param("boundary"));
        assertEquals(boundary, ct.param("BOUNDARY"));
    }

    @Test
    void keepsParametersInOrderWithLowerCasedNames() {
        ContentType ct = ContentType.parse("Multipart/Related; TYPE=\"application/dicom\"; Start=\"<a@b>\"");
        assertEquals("multipart", ct.type());
        assertEquals("related", ct.subtype());
        assertEquals(List.of("type", "start"), List.copyOf(ct.parameters().keySet()));
        assertEquals(Map.of("type", "application/dicom", "start", "<a@b>"), ct.parameters());
        assertNull(ct.param("boundary"));
    }

    @Test
    void toStringRoundTrips() {
        ContentType ct = ContentType.parse("multipart/related; boundary=\"x\\\"y\"; type=application/dicom");
        assertEquals(ct, ContentType.parse(ct.toString()));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "   ", "multipart", "multipart/", "/related", "multi part/related",
        "multipart/related; boundary", "multipart/related; boundary=", "multipart/related; =x",
        "multipart/related; boundary=\"unterminated", "multipart/related; boundary=a b",
        "multipart/related boundary=x", "multipart/related; boundary=a; boundary=b", "text/plain; a=\"x\" y",
        "tëxt/plain", "text/plain; a=b,c", "text/plain; a=b\\c"})
    void rejectsGarbage(String header) {
        assertThrows(IllegalArgumentException.class, () -> ContentType.parse(header));
    }

    @Test
    void rejectsNull() {
        assertThrows(IllegalArgumentException.class, () -> ContentType.parse(null));
    }
}
