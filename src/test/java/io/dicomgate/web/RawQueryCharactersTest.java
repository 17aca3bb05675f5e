package io.dicomgate.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.dicomgate.testsupport.Api;
import io.dicomgate.testsupport.DicomFixtures;
import io.dicomgate.testsupport.PostgresTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * Characters people type unencoded in DICOMweb queries reach the search as if they had been
 * percent-encoded; other invalid request targets get a {@code 400} whose body names the character.
 * Sent over a raw socket: HTTP clients encode these characters themselves.
 */
@QuarkusTest
@QuarkusTestResource(PostgresTestResource.class)
class RawQueryCharactersTest {

    /** Status line and body of a GET with this exact request target. */
    static String[] get(String target) throws Exception {
        int port = ConfigProvider.getConfig().getValue("quarkus.http.test-port", Integer.class);
        try (Socket socket = new Socket("localhost", port)) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write(("GET " + target + " HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer " + Api.ADMIN
                    + "\r\nAccept: application/dicom+json\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
            ByteArrayOutputStream all = new ByteArrayOutputStream();
            socket.getInputStream().transferTo(all);
            String text = all.toString(StandardCharsets.UTF_8);
            int end = text.indexOf("\r\n\r\n");
            return new String[] { text.substring(0, text.indexOf("\r\n")), end < 0 ? "" : text.substring(end + 4) };
        }
    }

    @Test
    void aRawCaretAndWildcardMatchLikeTheirEncodedForm() throws Exception {
        String id = "RAW" + System.nanoTime() % 1_000_000_000L;
        var doe = DicomFixtures.instance().patient(id, "DOE^JOHN");
        Api.store(doe.bytes(), DicomFixtures.instance().patient(id, "ROE^JANE").bytes()).then().statusCode(200);

        String[] raw = get("/dicomweb/studies?PatientID=" + id + "&PatientName=DOE^J*");
        String[] encoded = get("/dicomweb/studies?PatientID=" + id + "&PatientName=DOE%5EJ*");
        assertEquals("HTTP/1.1 200 OK", raw[0]);
        assertEquals(encoded[0], raw[0]);
        assertTrue(raw[1].contains(doe.studyUid()), raw[1]);
        assertFalse(raw[1].contains("JANE"), raw[1]);
        assertEquals(encoded[1], raw[1]);
    }

    @ParameterizedTest
    @ValueSource(strings = { "A|B", "A[B]", "A{B}", "A\"B", "A<B>", "A\\B", "A`B", "%5E|^" })
    void otherUnencodedCharactersGetADicomWebAnswerNotAnEmpty400(String value) throws Exception {
        String[] answer = get("/dicomweb/studies?StudyDescription=" + value + "&PatientID=none-" + System.nanoTime());
        assertEquals("HTTP/1.1 204 No Content", answer[0], value);
    }

    @Test
    void otherInvalidTargetsAreRefusedWithTheCharacterNamed() throws Exception {
        // A lone % (not a %XX escape): the one character a client must encode that we cannot guess.
        String[] percent = get("/dicomweb/studies?StudyDescription=100%+sure");
        assertEquals("HTTP/1.1 400 Bad Request", percent[0]);
        assertTrue(percent[1].contains("U+0025") && percent[1].contains("%25"), percent[1]);
        assertFalse(percent[1].contains("StudyDescription"), "the target is not echoed: " + percent[1]);
        // A control character the HTTP parser lets through.
        String[] control = get("/dicomweb/studies?PatientName=A\u0001B");
        assertEquals("HTTP/1.1 400 Bad Request", control[0]);
        assertTrue(control[1].contains("U+0001") && control[1].contains("%01"), control[1]);
    }

    @Test
    void encodingTouchesOnlyTheListedCharacters() {
        assertEquals("/a?b=%5E%7C%7B%7D%22%3C%3E%5C%60%25%41[]*", RequestTargetCharacters.encode("/a?b=^|{}\"<>\\`%25%41[]*"));
        assertTrue(RequestTargetCharacters.plain("/dicomweb/studies?PatientName=DOE%5EJ*&limit=10"));
        assertFalse(RequestTargetCharacters.plain("/dicomweb/studies?PatientName=DOE^J*"));
    }
}
