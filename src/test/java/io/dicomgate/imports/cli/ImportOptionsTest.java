package io.dicomgate.imports.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import com.fasterxml.jackson.databind.ObjectMapper;

class ImportOptionsTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path CWD = Path.of("/home/admin");
    private static final Map<String, String> ENV = Map.of("DICOMGATE_TOKEN", "token-from-env",
            "DICOMGATE_IMPORT_PASSWORD", "pw-from-env");

    @TempDir
    Path dir;

    private static ImportOptions parse(Map<String, String> env, String... args) throws UsageException {
        return ImportOptions.parse(List.of(args), env, CWD);
    }

    private static String specJson(Map<String, String> env, String... args) throws Exception {
        return JSON.writeValueAsString(parse(env, args).jobSpec());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            studies/2019                             | {"source":{"type":"folder","path":"/home/admin/studies/2019"}}
            /mnt/nas/../nas/cd1                      | {"source":{"type":"folder","path":"/mnt/nas/cd1"}}
            file:///mnt/nas/cd%201                   | {"source":{"type":"folder","path":"/mnt/nas/cd 1"}}
            ftp://bob@ftp.clinic.example:2121/dicom  | {"source":{"type":"ftp","url":"ftp://ftp.clinic.example:2121/dicom","username":"bob","password":"pw-from-env"}}
            ftps://bob@10.0.0.5/                     | {"source":{"type":"ftp","url":"ftps://10.0.0.5/","username":"bob","password":"pw-from-env"}}
            ftp://nas.local/pub                      | {"source":{"type":"ftp","url":"ftp://nas.local/pub","username":"anonymous","password":"anonymous@"}}
            dicomweb+http://pacs:8042/dicom-web      | {"source":{"type":"dicomweb","url":"http://pacs:8042/dicom-web"}}
            dicomweb+https://reader@pacs/dicomweb    | {"source":{"type":"dicomweb","url":"https://pacs/dicomweb","username":"reader","password":"pw-from-env"}}
            dicom://ORTHANC@pacs.local:4242          | {"source":{"type":"dimse","host":"pacs.local","port":4242,"calledAe":"ORTHANC","callingAe":"DICOMGATE","retrieve":"C-GET"}}
            dicom://OLDPACS@10.1.2.3                 | {"source":{"type":"dimse","host":"10.1.2.3","port":104,"calledAe":"OLDPACS","callingAe":"DICOMGATE","retrieve":"C-GET"}}
            """)
    void eachSourceFormIsItsJobSpec(String source, String expected) throws Exception {
        assertEquals(JSON.readTree(expected), JSON.readTree(specJson(ENV, source)));
    }

    @Test
    void dimseOptionsAndParallelism() throws Exception {
        assertEquals(JSON.readTree("""
                {"source":{"type":"dimse","host":"pacs","port":11112,"calledAe":"PACS","callingAe":"GATE1","retrieve":"C-MOVE"},
                 "parallelism":8}"""),
                JSON.readTree(specJson(ENV, "--calling-ae", "GATE1", "--retrieve=c-move", "--parallel", "8",
                        "dicom://PACS@pacs:11112")));
    }

    @Test
    void passwordAndTokensComeFromFilesWithoutTheirLineBreak() throws Exception {
        Path password = write("password", "s3cret pass\n");
        Path bearer = write("bearer", "  eyJhbGciOi.x.y \n");
        Path ca = write("ca.pem", "-----BEGIN CERTIFICATE-----\n");
        assertEquals(JSON.readTree("""
                {"source":{"type":"ftp","url":"ftps://h:990/d","username":"u","password":"s3cret pass","trustPem":"%s"}}"""
                .formatted(ca)), JSON.readTree(specJson(ENV, "--password-file", password.toString(), "--trust-pem",
                        ca.toString(), "ftps://u@h:990/d")));
        assertEquals(JSON.readTree("""
                {"source":{"type":"dicomweb","url":"https://pacs/wado","bearerToken":"eyJhbGciOi.x.y"}}"""),
                JSON.readTree(specJson(ENV, "--bearer-token-file", bearer.toString(), "dicomweb+https://pacs/wado")));
        ImportOptions options = parse(ENV, "--password-file", password.toString(), "ftp://u@h/d");
        assertTrue(options.secrets().contains("s3cret pass"));
        assertTrue(options.secrets().contains("token-from-env"));
    }

    @Test
    void aUserWithoutAPasswordIsAClearError() {
        UsageException e = assertThrows(UsageException.class,
                () -> parse(Map.of("DICOMGATE_TOKEN", "t"), "ftp://bob@h/d"));
        assertTrue(e.getMessage().contains("--password-file"), e.getMessage());
    }

    @ParameterizedTest
    @CsvSource({ "ftp://bob:Hunter2pw@ftp.example/dicom", "ftps://bob:Hunter2pw@h:990", "dicomweb+https://u:Hunter2pw@pacs/x",
        "dicom://AE:Hunter2pw@h:104", "ftp://bob:Hunter2pw@bad host/x" })
    void aPasswordInTheUrlIsRefusedWithoutRepeatingIt(String source) {
        UsageException e = assertThrows(UsageException.class, () -> parse(ENV, source));
        assertTrue(e.getMessage().contains("process list"), e.getMessage());
        assertFalse(e.getMessage().contains("Hunter2pw"), e.getMessage());
    }

    @ParameterizedTest
    @CsvSource({ "--password", "--token", "--client-secret", "--bearer-token" })
    void secretOptionsAreRefused(String option) {
        UsageException e = assertThrows(UsageException.class, () -> parse(ENV, option, "Hunter2pw", "/data"));
        assertTrue(e.getMessage().contains("process list"), e.getMessage());
        assertFalse(e.getMessage().contains("Hunter2pw"), e.getMessage());
    }

    @Test
    void aPasswordInTheServerOrTokenUrlIsRefused() {
        assertThrows(UsageException.class, () -> parse(ENV, "--server", "https://admin:Hunter2pw@dg", "/data"));
        assertThrows(UsageException.class,
                () -> parse(ENV, "--token-url", "https://c:Hunter2pw@sso/token", "--client-id", "c", "/data"));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            --parallel 0 /data                       | --parallel is a number from 1 to 16
            --parallel 17 /data                      | --parallel is a number from 1 to 16
            --parallel many /data                    | --parallel is a number from 1 to 16
            dicom://pacs:104                         | dicom://CALLEDAE@host:port
            dicom://THIS_AE_TITLE_IS_TOO_LONG@h      | 1 to 16 characters
            --retrieve C-FIND dicom://AE@h           | C-GET or C-MOVE
            --calling-ae X /data                     | go with a dicom:// source
            --trust-pem /ca.pem ftp://u@h/d          | goes with an ftps:// source
            --bearer-token-file /t ftp://h/d         | goes with a dicomweb
            gopher://h/x                             | unknown source type gopher://
            /a /b                                    | give one SOURCE
            --status 1234                            | (no error)
            --status 12/../34                        | not a job id
            --status abc --cancel abc                | one of --status, --report and --cancel
            --report abc /data                       | --report takes no SOURCE
            --frobnicate /data                       | unknown option --frobnicate
            """)
    void badCommandLinesAreRefusedClearly(String line, String message) {
        String[] args = line.strip().split(" +");
        if (message.equals("(no error)")) {
            org.junit.jupiter.api.Assertions.assertDoesNotThrow(() -> parse(ENV, args));
            return;
        }
        UsageException e = assertThrows(UsageException.class, () -> parse(ENV, args));
        assertTrue(e.getMessage().contains(message), e.getMessage());
    }

    @Test
    void authenticationFromEnvTokenFileOrClientCredentials() throws Exception {
        assertEquals(new ImportOptions.Auth.Token("token-from-env"), parse(ENV, "/data").auth());
        Path token = write("token", "file-token\n");
        assertEquals(new ImportOptions.Auth.Token("file-token"),
                parse(ENV, "--token-file", token.toString(), "/data").auth());
        Path secret = write("secret", "client-secret-value\n");
        ImportOptions.Auth auth = parse(ENV, "--token-url", "https://sso/realms/x/protocol/openid-connect/token",
                "--client-id", "importer", "--client-secret-file", secret.toString(), "/data").auth();
        assertEquals(new ImportOptions.Auth.ClientCredentials(URI.create("https://sso/realms/x/protocol/openid-connect/token"),
                "importer", "client-secret-value"), auth);
        ImportOptions fromEnv = parse(Map.of("DICOMGATE_CLIENT_SECRET", "env-secret"), "--token-url", "http://sso/t",
                "--client-id", "importer", "/data");
        assertInstanceOf(ImportOptions.Auth.ClientCredentials.class, fromEnv.auth());
        assertTrue(fromEnv.secrets().contains("env-secret"));
        assertThrows(UsageException.class, () -> parse(Map.of(), "/data"));
        assertThrows(UsageException.class, () -> parse(Map.of(), "--token-url", "http://sso/t", "/data"));
        assertThrows(UsageException.class,
                () -> parse(ENV, "--token-file", token.toString(), "--token-url", "http://sso/t", "--client-id", "c", "/d"));
    }

    @Test
    void serverFromOptionEnvOrDefault() throws Exception {
        assertEquals(URI.create("http://localhost:8080"), parse(ENV, "/data").server());
        Map<String, String> env = new java.util.HashMap<>(ENV);
        env.put("DICOMGATE_URL", "https://dicomgate.clinic.example/");
        assertEquals(URI.create("https://dicomgate.clinic.example"), parse(env, "/data").server());
        assertEquals(URI.create("http://other:9090"), parse(env, "--server=http://other:9090", "/data").server());
    }

    @Test
    void modes() throws Exception {
        assertEquals(ImportOptions.Mode.HELP, parse(Map.of(), "--help").mode());
        ImportOptions status = parse(ENV, "--status", "3f2a-11", "--detach");
        assertEquals(ImportOptions.Mode.STATUS, status.mode());
        assertEquals("3f2a-11", status.jobId());
        assertTrue(status.detach());
        assertEquals(ImportOptions.Mode.CANCEL, parse(ENV, "--cancel", "x").mode());
        List<String> args = new ArrayList<>(Arrays.asList("--quiet", "--debug", "--", "-odd-folder"));
        ImportOptions odd = ImportOptions.parse(args, ENV, CWD);
        assertTrue(odd.quiet() && odd.debug());
        assertEquals("/home/admin/-odd-folder", ((Map<?, ?>) odd.jobSpec().get("source")).get("path"));
    }

    private Path write(String name, String content) throws IOException {
        return Files.writeString(dir.resolve(name), content);
    }
}
