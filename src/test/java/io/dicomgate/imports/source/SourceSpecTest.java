package io.dicomgate.imports.source;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Validation of what a client asks to import from: each refusal says what is wrong. */
class SourceSpecTest {

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            ''       | ''                     | type is required
            nfs      | ''                     | unknown source type
            folder   | ''                     | path is required
            folder   | relative/dir           | path must be absolute
            folder   | /no/such/dir           | not a readable directory
            ftp      | ''                     | url is required
            ftp      | http://host/dir        | must start with ftp:// or ftps://
            ftp      | ftp://u:pw@host/dir    | must not hold a password
            ftp      | ftp:///dir             | url has no host
            dicomweb | ftp://host/dicom-web   | must start with http:// or https://
            dicomweb | http://u:p@host/dw     | must not hold credentials
            dicomweb | http://host/dw?x=1     | no query
            dimse    | ''                     | host is required
            """)
    void refusals(String type, String pathOrUrl, String message) {
        String path = "folder".equals(type) ? pathOrUrl : null;
        String url = "folder".equals(type) ? null : pathOrUrl;
        SourceSpec spec = new SourceSpec(type, path, url, null, null, null, null, null, null, null, null, null, null, null);
        refused(spec::validate, message);
    }

    @Test
    void dimseFieldsAreChecked() {
        refused(() -> SourceSpec.dimse("pacs", 0, "PACS", null).validate(), "port");
        refused(() -> SourceSpec.dimse("pacs", 104, "A\\B", null).validate(), "calledAe");
        refused(() -> SourceSpec.dimse("pacs", 104, "PACS", "SEVENTEEN-LETTERS").validate(), "callingAe");
        SourceSpec move = new SourceSpec("dimse", null, null, null, null, null, "pacs", 104, "PACS", null, "C-MOVE", null,
                null, null);
        refused(move::validate, "C-MOVE is not offered yet");
        SourceSpec.dimse("pacs", 104, "PACS", null).validate();
    }

    @Test
    void ftpTlsModesAndUser() {
        assertEquals("none", SourceSpec.ftp("ftp://h/", null, null, null, null).ftpTls());
        assertEquals("implicit", SourceSpec.ftp("ftps://h/", null, null, null, null).ftpTls());
        assertEquals("explicit", SourceSpec.ftp("ftp://h/", null, null, "EXPLICIT", null).ftpTls());
        refused(() -> SourceSpec.ftp("ftp://h/", null, null, "starttls", null).validate(), "tls must be");
        refused(() -> SourceSpec.ftp("ftp://h/", null, null, null, "/no/such.pem").validate(), "caFile");
        assertEquals("scanner", SourceSpec.ftp("ftp://scanner@h/", null, "pw", null, null).ftpUser());
        assertEquals("anonymous", SourceSpec.ftp("ftp://h/", null, null, null, null).ftpUser());
    }

    @Test
    void dicomwebTakesBasicOrBearerNotBoth() {
        refused(() -> SourceSpec.dicomweb("http://h/dw", "u", "p", "tok").validate(), "either");
        refused(() -> SourceSpec.dicomweb("http://h/dw", null, "p", null).validate(), "password without username");
    }

    @Test
    void toStringNeverShowsSecrets() {
        SourceSpec spec = new SourceSpec("ftp", null, "ftp://u:hunter2@h/", "u", "pw-secret-1", "tok-secret-2", null, null,
                null, null, null, null, null, null);
        String text = spec.toString();
        for (String secret : new String[] { "hunter2", "pw-secret-1", "tok-secret-2" }) {
            assertFalse(text.contains(secret), text);
        }
        assertTrue(text.contains("***"));
    }

    @Test
    void jacksonReadsTheSecretsButNeverWritesThem() throws Exception {
        ObjectMapper json = new ObjectMapper();
        SourceSpec spec = json.readValue("""
                {"type":"dicomweb","url":"https://pacs.example/dicom-web","username":"u","password":"pw-secret-1"}
                """, SourceSpec.class);
        assertEquals("pw-secret-1", spec.password());
        assertEquals("u", spec.username());
        String written = json.writeValueAsString(spec);
        assertFalse(written.contains("pw-secret-1"), written);
        assertTrue(written.contains("\"username\":\"u\""), written);
        assertEquals(null, spec.withoutSecrets().password());
    }

    @Test
    void keysArePrintableAndReversible() {
        String name = "a\u0001b\\c\nd\u2028e é";
        String key = Keys.printable(name);
        assertEquals("a\\u0001b\\\\c\\u000ad\\u2028e é", key);
        assertEquals(name, Keys.original(key));
    }

    private static void refused(Executable validation, String message) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, validation);
        assertTrue(e.getMessage().contains(message), e.getMessage());
    }
}
