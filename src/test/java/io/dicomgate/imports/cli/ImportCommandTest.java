package io.dicomgate.imports.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * The client's own logic (polling, attaching, detaching, tokens, exit codes, what it prints) against a
 * small JDK HTTP server that answers as the import job API does. Not a test of the server: the
 * end-to-end test runs against dicomgate itself. Time is a fake ticker: polls do not sleep.
 */
class ImportCommandTest {

    private static final String TOKEN = "tok-abcdefgh-123456";
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private HttpServer server;
    /** "METHOD path" → answers in order; the last one repeats. */
    private final Map<String, Deque<Answer>> script = new ConcurrentHashMap<>();
    private final List<Request> requests = Collections.synchronizedList(new ArrayList<>());
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private final FakeTicker ticker = new FakeTicker();
    private final List<Thread> hooks = new ArrayList<>();

    record Answer(int status, String body) {
    }

    record Request(String method, String path, String authorization, String body) {
    }

    static final class FakeTicker implements ImportCommand.Ticker {
        long nanos = 1_000_000_000L;
        Runnable onSleep = () -> {
        };

        @Override
        public long nanoTime() {
            return nanos;
        }

        @Override
        public void sleep(Duration duration) {
            nanos += duration.toNanos();
            onSleep.run();
        }
    }

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", this::handle);
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private void handle(HttpExchange exchange) throws IOException {
        String key = exchange.getRequestMethod() + " " + exchange.getRequestURI();
        requests.add(new Request(exchange.getRequestMethod(), exchange.getRequestURI().toString(),
                exchange.getRequestHeaders().getFirst("Authorization"),
                new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8)));
        Deque<Answer> answers = script.get(key);
        Answer answer = answers == null ? new Answer(404, "{\"error\":\"not scripted: " + key + "\"}")
                : answers.size() > 1 ? answers.removeFirst() : answers.peekFirst();
        byte[] body = answer.body().getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(answer.status(), body.length == 0 ? -1 : body.length);
        exchange.getResponseBody().write(body);
        exchange.close();
    }

    private void on(String request, Answer... answers) {
        script.put(request, new ArrayDeque<>(List.of(answers)));
    }

    private static Answer ok(String body) {
        return new Answer(200, body);
    }

    static String job(String id, String state, boolean listingDone, long discovered, long stored, long quarantined,
            long sourceErrors, long coerced, long bytes, String error) {
        return """
                {"id":"%s","state":"%s","source":"ftp://ftp.example:2121/dicom","startedBy":"admin",
                 "startedAt":"2026-12-06T10:00:00Z","finishedAt":null,"listingDone":%s,
                 "counts":{"discovered":%d,"skipped":0,"stored":%d,"alreadyPresent":0,"coerced":%d,"quarantined":%d,
                           "sourceErrors":%d,"failed":0},
                 "bytes":%d,"elapsedSeconds":10.0,"error":%s}"""
                .formatted(id, state, listingDone, discovered, stored, coerced, quarantined, sourceErrors, bytes,
                        error == null ? "null" : JSON.valueToTree(error).toString());
    }

    private static String running(String id, long stored) {
        return job(id, "RUNNING", true, 100, stored, 0, 0, 0, stored * 500_000, null);
    }

    private static String done(String id) {
        return job(id, "DONE", true, 100, 100, 0, 0, 0, 50_000_000, null);
    }

    private int run(boolean terminal, Map<String, String> env, String... args) {
        Map<String, String> withServer = new HashMap<>(env);
        withServer.putIfAbsent("DICOMGATE_URL", "http://127.0.0.1:" + server.getAddress().getPort());
        ImportCommand.Hooks recorder = new ImportCommand.Hooks() {
            @Override
            public void add(Thread hook) {
                hooks.add(hook);
            }

            @Override
            public void remove(Thread hook) {
                hooks.remove(hook);
            }
        };
        ImportCommand.Io io = new ImportCommand.Io(new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), terminal, 0, ticker, recorder);
        return ImportCommand.run(List.of(args), withServer, Path.of("/srv"), io);
    }

    private int run(String... args) {
        return run(false, Map.of("DICOMGATE_TOKEN", TOKEN), args);
    }

    private String out() {
        return out.toString(StandardCharsets.UTF_8);
    }

    private String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    private void assertNoSecrets(String... secrets) {
        for (String secret : secrets) {
            assertFalse(out().contains(secret), out());
            assertFalse(err().contains(secret), err());
        }
    }

    @Test
    void startsAJobFollowsItAndExits0WhenDoneCleanly() throws Exception {
        on("POST /api/imports", new Answer(202, job("J1", "RUNNING", false, 0, 0, 0, 0, 0, 0, null)));
        on("GET /api/imports/J1", ok(running("J1", 10)), ok(running("J1", 60)), ok(done("J1")));

        assertEquals(0, run("--parallel", "6", "nas/studies"));

        Request post = requests.get(0);
        assertEquals(JSON.readTree("{\"source\":{\"type\":\"folder\",\"path\":\"/srv/nas/studies\"},\"parallelism\":6}"),
                JSON.readTree(post.body()));
        assertTrue(requests.stream().allMatch(r -> ("Bearer " + TOKEN).equals(r.authorization())));
        assertEquals(4, requests.size());
        String out = out();
        assertTrue(out.contains("Import J1 started: ftp://ftp.example:2121/dicom"), out);
        assertTrue(out.contains("import J1: 0/? files (still listing)"), out);
        assertTrue(out.contains("Import J1 DONE: ftp://ftp.example:2121/dicom"), out);
        assertTrue(out.matches("(?s).*  stored +100\\n.*"), out);
        assertFalse(out.contains("\r"), out);
        assertTrue(hooks.isEmpty(), "the Ctrl-C hook is removed at the end");
        assertNoSecrets(TOKEN);
    }

    @Test
    void quarantinedObjectsExit2AndTheReportsFirstLinesArePrinted() {
        on("POST /api/imports", new Answer(202, running("J2", 0)));
        on("GET /api/imports/J2", ok(job("J2", "DONE", true, 100, 97, 1, 1, 1, 1000, null)));
        on("GET /api/imports/J2/report?offset=0&limit=1000", ok("""
                {"job":{},"items":[
                 {"item":"a/1.dcm","object":"a/1.dcm","outcome":"ALREADY_PRESENT","reason":null,"detail":"","fixes":[]},
                 {"item":"b.zip","object":"b.zip!/x.dcm","outcome":"COERCED","reason":null,"detail":"",
                  "fixes":["File Meta SOP Instance UID set from the data set"],"sopInstanceUid":"1.2.3"},
                 {"item":"c/2","object":"c/2","outcome":"QUARANTINED","reason":"CANNOT_UNDERSTAND","detail":"truncated pixel data",
                  "fixes":[]},
                 {"item":"d/3","object":"d/3","outcome":"SOURCE_ERROR","reason":null,"detail":"550 permission denied"}]}"""));

        assertEquals(2, run("ftp://ftp.example/dicom"));

        String out = out();
        assertTrue(out.contains("Not plainly stored (the first 3; all of them: bin/import --report J2):"), out);
        assertTrue(out.contains("  COERCED         b.zip [b.zip!/x.dcm]  fixes: File Meta SOP Instance UID set from the data set"),
                out);
        assertTrue(out.contains("  QUARANTINED     c/2  CANNOT_UNDERSTAND: truncated pixel data"), out);
        assertTrue(out.contains("  SOURCE_ERROR    d/3  550 permission denied"), out);
        assertFalse(out.contains("a/1.dcm"), out);
        assertTrue(out.contains("--report J2 lists them all"), out);
    }

    @Test
    void aJobForTheSameSourceRunningAlreadyIsFollowed() {
        on("POST /api/imports", new Answer(409, "{\"error\":\"an import of this source is running\",\"id\":\"J0\"}"));
        on("GET /api/imports/J0", ok(running("J0", 50)), ok(done("J0")));

        assertEquals(0, run("/data"));

        assertTrue(out().contains("An import of this source is running already (J0): following it."), out());
        assertTrue(out().contains("Import J0 DONE"), out());
        assertTrue(requests.stream().noneMatch(r -> r.path().contains("cancel")));
    }

    @Test
    void aFailedJobExits1AndSaysWhy() {
        on("POST /api/imports", new Answer(202, running("J3", 0)));
        on("GET /api/imports/J3", ok(job("J3", "FAILED", true, 100, 10, 0, 0, 0, 0, "the FTP server closed the connection")));

        assertEquals(1, run("/data"));

        assertTrue(out().contains("  error: the FTP server closed the connection"), out());
        assertTrue(out().contains("The import ended FAILED"), out());
    }

    @Test
    void aRefusedTokenExits1WithoutPrintingIt() {
        on("POST /api/imports", new Answer(401, ""));

        assertEquals(1, run(false, Map.of("DICOMGATE_TOKEN", TOKEN), "--debug", "/data"));

        assertTrue(err().contains("bin/import: dicomgate refused the credentials (401)"), err());
        assertTrue(err().contains("(io.dicomgate.imports.cli.ApiException)"), err());
        assertFalse(err().contains("\tat "), "no stack trace");
        assertNoSecrets(TOKEN);
    }

    @Test
    void aServerMessageCarryingASecretIsRedacted() throws IOException {
        Path password = Files.writeString(dir.resolve("pw"), "ftp-Passw0rd!\n");
        on("POST /api/imports", new Answer(400, "{\"error\":\"login failed for bob/ftp-Passw0rd! at ftp.example\"}"));

        assertEquals(1, run("--password-file", password.toString(), "ftp://bob@ftp.example/dicom"));

        assertTrue(err().contains("dicomgate answered HTTP 400: login failed for bob/*** at ftp.example"), err());
        assertTrue(requests.get(0).body().contains("\"password\":\"ftp-Passw0rd!\""));
        assertNoSecrets("ftp-Passw0rd!", TOKEN);
    }

    @Test
    void clientCredentialsAreFetchedAndRefreshedBeforeTheyExpire() throws IOException {
        Path secret = Files.writeString(dir.resolve("secret"), "client-secret-xyz\n");
        on("POST /token", ok("{\"access_token\":\"cc-token-one-1111\",\"expires_in\":5}"),
                ok("{\"access_token\":\"cc-token-two-2222\",\"expires_in\":5}"),
                ok("{\"access_token\":\"cc-token-three-3333\",\"expires_in\":5}"));
        on("POST /api/imports", new Answer(202, running("J4", 0)));
        List<Answer> polls = new ArrayList<>();
        for (int i = 1; i <= 9; i++) {
            polls.add(ok(running("J4", i * 10)));
        }
        polls.add(ok(done("J4")));
        on("GET /api/imports/J4", polls.toArray(Answer[]::new));
        String tokenUrl = "http://127.0.0.1:" + server.getAddress().getPort() + "/token";

        assertEquals(0, run(false, Map.of(), "--token-url", tokenUrl, "--client-id", "importer",
                "--client-secret-file", secret.toString(), "/data"));

        List<Request> tokenRequests = requests.stream().filter(r -> r.path().equals("/token")).toList();
        assertTrue(tokenRequests.size() >= 2, "refreshed during a 10 s job with 5 s tokens: " + tokenRequests.size());
        assertEquals("Basic " + Base64.getEncoder().encodeToString("importer:client-secret-xyz".getBytes(StandardCharsets.UTF_8)),
                tokenRequests.get(0).authorization());
        assertEquals("grant_type=client_credentials", tokenRequests.get(0).body());
        List<Request> api = requests.stream().filter(r -> r.path().startsWith("/api/")).toList();
        assertEquals("Bearer cc-token-one-1111", api.get(0).authorization());
        assertEquals("Bearer cc-token-two-2222", api.get(5).authorization());
        assertNoSecrets("client-secret-xyz", "cc-token-one-1111", "cc-token-two-2222");
    }

    @Test
    void detachPrintsTheJobIdAndReturns() {
        on("POST /api/imports", new Answer(202, running("J5", 0)));

        assertEquals(0, run("--detach", "/data"));

        assertEquals("Import J5 started: ftp://ftp.example:2121/dicom\nJ5\n", out());
        assertEquals(1, requests.size());
    }

    @Test
    void ctrlCDetachesAndLeavesTheJobRunning() {
        on("POST /api/imports", new Answer(202, running("J6", 0)));
        on("GET /api/imports/J6", ok(running("J6", 10)), ok(running("J6", 20)), ok(done("J6")));
        ticker.onSleep = () -> {
            if (!hooks.isEmpty()) {
                hooks.get(0).run();
            }
        };

        run("/data");

        String out = out();
        assertTrue(out.contains("Detached from import J6: it goes on on the server (it stops only with bin/import"
                + " --cancel J6)."), out);
        assertTrue(out.contains("Follow it again with: bin/import --status J6"), out);
        assertEquals(1, out.split("Detached", -1).length - 1, "said once");
        assertTrue(requests.stream().noneMatch(r -> r.path().contains("cancel")));
    }

    @Test
    void withoutATerminalALineEveryTenSeconds() {
        on("POST /api/imports", new Answer(202, running("J7", 0)));
        List<Answer> polls = new ArrayList<>();
        for (int i = 1; i <= 24; i++) {
            polls.add(ok(running("J7", i)));
        }
        polls.add(ok(done("J7")));
        on("GET /api/imports/J7", polls.toArray(Answer[]::new));

        assertEquals(0, run("/data"));

        // readings at 0, 1, … 24 s: lines at 0, 10 and 20 s
        List<String> lines = out().lines().filter(l -> l.startsWith("import J7: ")).toList();
        assertEquals(3, lines.size(), out());
        assertEquals("import J7: 10%  10/100 files  5.0 MB  0.5 MB/s  1.0 files/s  ETA 0:01:30  coerced 0  quarantined 0"
                + "  errors 0", lines.get(1));
    }

    @Test
    void onATerminalOneLineRedrawnInPlace() {
        on("POST /api/imports", new Answer(202, running("J8", 0)));
        on("GET /api/imports/J8", ok(running("J8", 40)), ok(done("J8")));

        assertEquals(0, run(true, Map.of("DICOMGATE_TOKEN", TOKEN), "/data"));

        String out = out();
        assertTrue(out.contains("\r[--------------------]   0%  0/100 files"), out);
        assertTrue(out.contains("\r[########------------]  40%  40/100 files"), out);
        assertTrue(out.contains("\r[####################] 100%  100/100 files"), out);
        assertFalse(out.contains("import J8: "), out);
    }

    @Test
    void aServerAwayForAWhileIsWaitedFor() {
        on("POST /api/imports", new Answer(202, running("J9", 0)));
        on("GET /api/imports/J9", new Answer(503, ""), new Answer(503, ""), ok(done("J9")));

        assertEquals(0, run("--quiet", "/data"));

        assertTrue(out().startsWith("Import J9 DONE"), out());
    }

    @Test
    void aServerAwayTooLongEndsTheCommandButNotTheJob() {
        on("POST /api/imports", new Answer(202, running("J10", 0)));
        on("GET /api/imports/J10", new Answer(503, ""));

        assertEquals(1, run("--quiet", "/data"));

        assertTrue(err().contains("the import goes on on the server: bin/import --status J10"), err());
    }

    @Test
    void statusOnceReportAndCancel() {
        on("GET /api/imports/J11", ok(running("J11", 30)));
        assertEquals(0, run("--status", "J11", "--detach"));
        assertTrue(out().contains("Import J11 RUNNING: ftp://ftp.example:2121/dicom\n  30%  30/100 files"), out());

        on("GET /api/imports/J12/report?offset=0&limit=1000", ok("{\"job\":" + job("J12", "DONE", true, 3, 1, 1, 1, 0, 0, null)
                + ",\"items\":[{\"item\":\"x\",\"outcome\":\"QUARANTINED\",\"reason\":\"DATASET_MISMATCH\",\"detail\":\"d\"},"
                + "{\"item\":\"y\",\"outcome\":\"SOURCE_ERROR\",\"detail\":\"gone\"}]}"));
        assertEquals(2, run("--report", "J12"));
        assertTrue(out().contains("QUARANTINED     x  DATASET_MISMATCH: d\nSOURCE_ERROR    y  gone\n2 objects not plainly stored"),
                out());

        on("POST /api/imports/J13/cancel", new Answer(202, running("J13", 5)));
        assertEquals(0, run("--cancel", "J13"));
        assertTrue(out().contains("Cancel requested for import J13 (RUNNING)"), out());

        assertEquals(1, run("--status", "NOPE"));
        assertTrue(err().contains("no such import job"), err());
    }
}
