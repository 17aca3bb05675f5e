package io.dicomgate.imports.cli;

import java.io.Console;
import java.io.PrintStream;
import java.lang.reflect.Method;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * {@code bin/import}: starts an import job on dicomgate ({@code POST /api/imports}) and follows it to
 * its end with a progress line, then prints the summary and the first lines of the report. A plain
 * JDK program (no Quarkus boot): {@code bin/import} runs it on the packaged application's class path.
 * Ctrl-C only detaches: the job runs on the server. Secrets are read from files or the environment and
 * never printed.
 */
public final class ImportCommand {

    static final String NAME = "bin/import";
    /** Set by {@code bin/import} to the terminal's width, so that the progress line never wraps. */
    static final String ENV_COLUMNS = "DICOMGATE_COLUMNS";
    static final Duration POLL = Duration.ofSeconds(1);
    static final Duration PLAIN_EVERY = Duration.ofSeconds(10);
    /** The rates on the progress line are measured over this much of the recent past. */
    static final Duration RATE_WINDOW = Duration.ofSeconds(10);
    /** How long a followed job's server may stay unreachable before the command gives up (the job goes on). */
    static final Duration GIVE_UP = Duration.ofMinutes(2);
    static final int REPORT_LINES = 20;
    private static final int REPORT_PAGE = 1000;
    private static final int REPORT_PAGES_SCANNED = 5;

    /** Time, moved by the tests instead of sleeping. */
    interface Ticker {
        long nanoTime();

        void sleep(Duration duration) throws InterruptedException;

        Ticker SYSTEM = new Ticker() {
            @Override
            public long nanoTime() {
                return System.nanoTime();
            }

            @Override
            public void sleep(Duration duration) throws InterruptedException {
                Thread.sleep(duration);
            }
        };
    }

    /** Where the Ctrl-C handler goes: the JVM's shutdown hooks, or a test. */
    interface Hooks {
        void add(Thread hook);

        void remove(Thread hook);

        Hooks RUNTIME = new Hooks() {
            @Override
            public void add(Thread hook) {
                Runtime.getRuntime().addShutdownHook(hook);
            }

            @Override
            public void remove(Thread hook) {
                try {
                    Runtime.getRuntime().removeShutdownHook(hook);
                } catch (IllegalStateException shuttingDown) {
                    // the hook is running: nothing to remove
                }
            }
        };
    }

    /** The process around the command: its streams, terminal, time and hooks. */
    record Io(PrintStream out, PrintStream err, boolean terminal, int columns, Ticker ticker, Hooks hooks) {
    }

    private final ImportOptions options;
    private final ImportApi api;
    private final Io io;
    private final Set<String> secrets;
    private final AtomicBoolean detached = new AtomicBoolean();

    private ImportCommand(ImportOptions options, ImportApi api, Io io, Set<String> secrets) {
        this.options = options;
        this.api = api;
        this.io = io;
        this.secrets = secrets;
    }

    public static void main(String[] args) {
        Console console = System.console();
        Io io = new Io(System.out, System.err, console != null && isTerminal(console), columns(System.getenv(ENV_COLUMNS)),
                Ticker.SYSTEM, Hooks.RUNTIME);
        System.exit(run(List.of(args), System.getenv(), Path.of("").toAbsolutePath(), io));
    }

    /** Runs the command line {@code args}; answers the exit status. */
    static int run(List<String> args, Map<String, String> env, Path cwd, Io io) {
        ImportOptions options;
        try {
            options = ImportOptions.parse(args, env, cwd);
        } catch (UsageException e) {
            io.err().println(NAME + ": " + e.getMessage());
            return 1;
        }
        if (options.mode() == ImportOptions.Mode.HELP) {
            io.out().print(help());
            return 0;
        }
        Set<String> secrets = ConcurrentHashMap.newKeySet();
        secrets.addAll(options.secrets());
        // never follow a redirect: the bearer token would go along to wherever it points
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10))
                .followRedirects(HttpClient.Redirect.NEVER).build();
        ObjectMapper json = new ObjectMapper();
        TokenSource tokens = switch (options.auth()) {
            case ImportOptions.Auth.Token t -> TokenSource.fixed(t.token());
            case ImportOptions.Auth.ClientCredentials c -> new TokenSource.ClientCredentials(http, json, c,
                    io.ticker()::nanoTime, secrets::add);
        };
        ImportCommand command = new ImportCommand(options, new ImportApi(http, options.server(), tokens, json), io, secrets);
        try {
            return command.execute();
        } catch (ApiException e) {
            command.error(e.getMessage(), e);
            return 1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 1;
        } catch (RuntimeException e) {
            command.error("unexpected error", e);
            return 1;
        }
    }

    private int execute() throws ApiException, InterruptedException {
        String id = options.jobId();
        return switch (options.mode()) {
            case IMPORT -> startAndFollow();
            case STATUS -> options.detach() ? statusOnce(api.job(id)) : follow(api.job(id));
            case REPORT -> report(id);
            case CANCEL -> cancel(id);
            case HELP -> 0;
        };
    }

    private int startAndFollow() throws ApiException, InterruptedException {
        JobSnapshot job;
        switch (api.start(options.jobSpec())) {
            case ImportApi.Started.Created created -> {
                job = created.job();
                info("Import " + job.id() + " started: " + job.source());
            }
            case ImportApi.Started.AlreadyRunning running -> {
                info("An import of this source is running already (" + running.id() + "): following it.");
                job = options.detach() ? null : api.job(running.id());
                if (job == null) {
                    io.out().println(running.id());
                    return 0;
                }
            }
        }
        if (options.detach()) {
            io.out().println(job.id());
            if (!options.quiet()) {
                io.err().println("Follow it with: " + NAME + " --status " + job.id());
            }
            return 0;
        }
        return follow(job);
    }

    private record Sample(long nanos, JobSnapshot job) {
    }

    /** Polls the job about once a second until it ends; Ctrl-C detaches and leaves it running. */
    private int follow(JobSnapshot first) throws ApiException, InterruptedException {
        String id = first.id();
        Thread hook = new Thread(() -> detach(id), "bin/import detach");
        io.hooks().add(hook);
        JobSnapshot job = first;
        boolean drawn = false;
        int lastLength = 0;
        try {
            Deque<Sample> window = new ArrayDeque<>();
            long lastPlain = 0;
            long unreachableSince = -1;
            boolean firstPlain = true;
            while (true) {
                long now = io.ticker().nanoTime();
                window.addLast(new Sample(now, job));
                while (now - window.peekFirst().nanos() > RATE_WINDOW.toNanos()) {
                    window.removeFirst();
                }
                if (job.terminal()) {
                    break;
                }
                Sample oldest = window.peekFirst();
                double seconds = (now - oldest.nanos()) / 1e9;
                if (!options.quiet() && !detached.get()) {
                    if (io.terminal()) {
                        String line = Progress.line(oldest.job(), job, seconds, true, io.columns());
                        io.out().print("\r" + line + " ".repeat(Math.max(0, lastLength - line.length())));
                        io.out().flush();
                        lastLength = line.length();
                        drawn = true;
                    } else if (firstPlain || now - lastPlain >= PLAIN_EVERY.toNanos()) {
                        io.out().println("import " + id + ": " + Progress.line(oldest.job(), job, seconds, false, 0));
                        lastPlain = now;
                        firstPlain = false;
                    }
                }
                io.ticker().sleep(POLL);
                try {
                    job = api.job(id);
                    unreachableSince = -1;
                } catch (ApiException e) {
                    if (!e.transientFailure()) {
                        throw e;
                    }
                    long failedAt = io.ticker().nanoTime();
                    if (unreachableSince < 0) {
                        unreachableSince = failedAt;
                    } else if (failedAt - unreachableSince > GIVE_UP.toNanos()) {
                        throw new ApiException(e.getMessage() + " for " + GIVE_UP.toMinutes()
                                + " minutes; the import goes on on the server: " + NAME + " --status " + id, e.status(),
                                false, e.getCause());
                    }
                }
            }
        } finally {
            io.hooks().remove(hook);
        }
        if (drawn) {
            String line = Progress.line(null, job, 0, true, io.columns());
            io.out().print("\r" + line + " ".repeat(Math.max(0, lastLength - line.length())) + System.lineSeparator());
        }
        summary(job);
        return job.exitCode();
    }

    /** The Ctrl-C handler: the job is the server's, so leaving only stops watching it. */
    private void detach(String id) {
        if (detached.getAndSet(true)) {
            return;
        }
        PrintStream out = io.out();
        out.println();
        out.println("Detached from import " + id + ": it goes on on the server (it stops only with " + NAME
                + " --cancel " + id + ").");
        out.println("Follow it again with: " + NAME + " --status " + id);
        out.println("Read its report with: " + NAME + " --report " + id);
        out.flush();
    }

    private int statusOnce(JobSnapshot job) throws ApiException, InterruptedException {
        if (job.terminal()) {
            summary(job);
        } else {
            io.out().println("Import " + job.id() + " " + job.state() + ": " + job.source());
            io.out().println("  " + Progress.line(null, job, 0, false, 0));
        }
        return job.exitCode();
    }

    private static final List<String[]> ROWS = List.of(new String[] { "stored", "stored" },
            new String[] { "already present (same bytes)", "alreadyPresent" },
            new String[] { "skipped (done before)", "skipped" }, new String[] { "coerced (stored with a fix)", "coerced" },
            new String[] { "quarantined", "quarantined" }, new String[] { "source errors", "sourceErrors" },
            new String[] { "failed (retried next run)", "failed" });

    private void summary(JobSnapshot job) throws InterruptedException {
        PrintStream out = io.out();
        JobSnapshot.Counts c = job.counts();
        long[] values = { c.stored(), c.alreadyPresent(), c.skipped(), c.coerced(), c.quarantined(), c.sourceErrors(),
            c.failed() };
        out.println("Import " + job.id() + " " + job.state() + ": " + job.source());
        for (int i = 0; i < ROWS.size(); i++) {
            out.println(String.format(Locale.ROOT, "  %-30s %,12d", ROWS.get(i)[0], values[i]));
        }
        out.println("  read " + Progress.megabytes(job.bytes()) + " in " + Progress.duration((long) job.elapsedSeconds()));
        if (job.error() != null) {
            out.println("  error: " + redact(job.error()));
        }
        if (c.coerced() + c.quarantined() + c.errors() > 0) {
            reportExcerpt(job.id());
        }
        switch (job.exitCode()) {
            case 2 -> out.println("Quarantined objects and errors need a look: " + NAME + " --report " + job.id()
                    + " lists them all; failed objects are tried again when the same source is imported again.");
            case 1 -> {
                if (job.terminal()) {
                    out.println("The import ended " + job.state() + "; importing the same source again goes on where it"
                            + " stopped (what is done is skipped).");
                }
            }
            default -> {
            }
        }
    }

    /** The first report lines that are not plainly stored nor already present, from the first few pages. */
    private void reportExcerpt(String id) throws InterruptedException {
        List<JsonNode> shown = new ArrayList<>();
        try {
            for (int page = 0; page < REPORT_PAGES_SCANNED && shown.size() < REPORT_LINES; page++) {
                JsonNode items = api.report(id, (long) page * REPORT_PAGE, REPORT_PAGE).path("items");
                for (JsonNode item : items) {
                    String outcome = item.path("outcome").asText();
                    if (!outcome.equals("STORED") && !outcome.equals("ALREADY_PRESENT") && shown.size() < REPORT_LINES) {
                        shown.add(item);
                    }
                }
                if (items.size() < REPORT_PAGE) {
                    break;
                }
            }
        } catch (ApiException e) {
            io.out().println("  (the report could not be read: " + redact(e.getMessage()) + ")");
            return;
        }
        if (!shown.isEmpty()) {
            io.out().println("Not plainly stored (the first " + shown.size() + "; all of them: " + NAME + " --report " + id
                    + "):");
            shown.forEach(item -> io.out().println("  " + redact(itemLine(item))));
        }
    }

    private int report(String id) throws ApiException, InterruptedException {
        JsonNode page = api.report(id, 0, REPORT_PAGE);
        JobSnapshot job = JobSnapshot.of(page.path("job"));
        io.out().println("Import " + id + " " + job.state() + ": " + job.source());
        long offset = 0;
        while (true) {
            JsonNode items = page.path("items");
            items.forEach(item -> io.out().println(redact(itemLine(item))));
            offset += items.size();
            if (items.size() < REPORT_PAGE) {
                break;
            }
            page = api.report(id, offset, REPORT_PAGE);
        }
        io.out().println(String.format(Locale.ROOT, "%,d objects not plainly stored", offset));
        return job.exitCode();
    }

    private int cancel(String id) throws ApiException, InterruptedException {
        JobSnapshot job = api.cancel(id);
        io.out().println("Cancel requested for import " + id + " (" + job.state() + "): its workers stop after the objects"
                + " in hand; " + NAME + " --status " + id + " follows it to CANCELLED.");
        return 0;
    }

    /** One report item: outcome, item (and object when it differs), reason, detail and fixes. */
    static String itemLine(JsonNode item) {
        StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "%-15s %s", item.path("outcome").asText("?"),
                item.path("item").asText("")));
        String object = item.path("object").asText("");
        if (!object.isEmpty() && !object.equals(item.path("item").asText(""))) {
            line.append(" [").append(object).append(']');
        }
        String reason = item.path("reason").isTextual() ? item.path("reason").asText() : "";
        String detail = item.path("detail").isTextual() ? item.path("detail").asText() : "";
        if (!reason.isEmpty()) {
            line.append("  ").append(reason);
        }
        if (!detail.isEmpty()) {
            line.append(reason.isEmpty() ? "  " : ": ").append(detail);
        }
        List<String> fixes = new ArrayList<>();
        item.path("fixes").forEach(fix -> fixes.add(fix.asText()));
        if (!fixes.isEmpty()) {
            line.append("  fixes: ").append(String.join("; ", fixes));
        }
        return line.toString();
    }

    private void info(String line) {
        if (!options.quiet()) {
            io.out().println(redact(line));
        }
    }

    /** An error without stack trace; {@code --debug} adds the exception classes (their messages may hold secrets). */
    private void error(String message, Throwable e) {
        io.err().println(NAME + ": " + redact(message));
        if (options.debug()) {
            StringBuilder classes = new StringBuilder();
            for (Throwable t = e; t != null; t = t.getCause()) {
                classes.append(classes.isEmpty() ? "" : " <- ").append(t.getClass().getName());
            }
            io.err().println("  (" + classes + ")");
        }
    }

    /**
     * {@code text} with every known secret replaced by {@code ***}; a short one (under 8 characters) only
     * where it stands as a word of its own, so that a 3-letter password does not garble every message.
     */
    String redact(String text) {
        String result = text == null ? "" : text;
        for (String secret : secrets) {
            if (secret.length() >= 8) {
                result = result.replace(secret, "***");
            } else if (!secret.isEmpty()) {
                result = result.replaceAll("(?<![\\p{Alnum}])" + Pattern.quote(secret) + "(?![\\p{Alnum}])", "***");
            }
        }
        return result;
    }

    /**
     * Whether the console is a terminal: {@code System.console()} is one before JDK 22; from JDK 22 it may
     * exist for redirected streams too, and {@code Console.isTerminal()} (JDK 22, looked up because the
     * code targets 21) tells.
     */
    private static boolean isTerminal(Console console) {
        try {
            Method isTerminal = Console.class.getMethod("isTerminal");
            return (Boolean) isTerminal.invoke(console);
        } catch (ReflectiveOperationException e) {
            return true;
        }
    }

    private static int columns(String value) {
        try {
            return value == null ? 0 : Math.max(0, Integer.parseInt(value.strip()));
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    static String help() {
        return """
                Usage: bin/import [options] SOURCE
                       bin/import --status ID | --report ID | --cancel ID

                Imports everything from SOURCE into dicomgate through the same validation, storage, index
                and audit as STOW-RS, as a job on the server (POST /api/imports, role imaging-admin), and
                shows its progress. The job is resumable: importing the same source again skips what an
                earlier job finished.

                SOURCE
                  /path/to/folder                   a folder tree (any file names, zips, DICOMDIR). The path
                                                    is made absolute and read BY THE SERVER, not by this
                                                    command: it must exist on the dicomgate machine.
                  ftp://user@host:port/dir          an FTP server (user: anonymous when left out)
                  ftps://user@host:port/dir         FTP over TLS (--trust-pem FILE: a CA for the server,
                                                    a path on the server machine)
                  dicomweb+https://host:port/path   a DICOMweb server (QIDO-RS + WADO-RS); user@host for
                  dicomweb+http://host:port/path    basic auth, or --bearer-token-file FILE
                  dicom://CALLEDAE@host:port        a DIMSE archive (C-FIND, then C-GET or C-MOVE)

                Source options
                  --parallel N              workers on the server, 1 to 16 (server default 4)
                  --password-file FILE      the source password (or env DICOMGATE_IMPORT_PASSWORD)
                  --bearer-token-file FILE  a bearer token for a DICOMweb source
                  --trust-pem FILE          ftps: CA certificate (PEM) the server trusts
                  --calling-ae AE           dicom: our AE title (default DICOMGATE)
                  --retrieve C-GET|C-MOVE   dicom: how instances are retrieved (default C-GET)
                A password is never an argument (the process list shows arguments): one inside the URL
                is refused.

                dicomgate
                  --server URL              default $DICOMGATE_URL, else http://localhost:8080
                  authentication, one of:
                    env DICOMGATE_TOKEN     a bearer token
                    --token-file FILE       a bearer token in a file
                    --token-url URL --client-id ID   OAuth2 client credentials (token refreshed before
                      it expires), secret in --client-secret-file FILE or env DICOMGATE_CLIENT_SECRET

                What to do
                  (default)                 start the job and follow it to its end
                  --detach                  start the job, print its id and return
                  --status ID               follow a job (with --detach: print its state once)
                  --report ID               print the job's report (everything not plainly stored)
                  --cancel ID               stop a job (what is done stays done)
                  --quiet                   no progress lines (the summary is still printed)
                  --debug                   on errors, also the exception classes (never secrets)

                On a terminal one progress line is redrawn in place; otherwise a line every 10 s.
                Ctrl-C detaches: the import goes on on the server (--cancel stops it). If a job for the
                same source is running, the command follows that job.

                Exit status: 0 done (nothing quarantined, no error); 2 done with quarantined objects or
                errors (see --report); 1 failed, cancelled, interrupted, or a client error.
                """;
    }
}
