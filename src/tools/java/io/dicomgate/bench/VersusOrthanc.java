package io.dicomgate.bench;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.math.BigInteger;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.dicomgate.demo.DicomWebClient;
import io.dicomgate.demo.LocalStack;
import io.dicomgate.testsupport.DicomFixtures;
import io.dicomgate.testsupport.OrthancServer;
import io.dicomgate.testsupport.S3ProxyServer;

/**
 * {@code bin/bench --versus orthanc}: dicomgate and Debian's Orthanc (DICOMweb plugin, authentication
 * off) side by side in one run, on the same generated data set — by default 10,000 CT/MR instances of
 * 512×512×16 bit (0.5 MiB) in 100 studies of 2 series × 50 — loaded into both. Each figure is taken
 * for both servers in alternating rounds (so load from elsewhere hits both alike) and printed with
 * the ratio, "× dicomgate" above 1 meaning dicomgate is ahead. Every figure uses a fast client that
 * discards what it reads: {@code curl -o /dev/null} for whole studies, {@link KeepAliveHttp} (one
 * keep-alive connection per client thread, uploads sent from the files with {@code sendfile}) for
 * the rest. dicomgate runs with the heap limits of {@code bin/run} against a durable
 * PostgreSQL (fsync on, synchronous commit) and the real Keycloak; every dicomgate request carries a
 * bearer token, as in production.
 */
final class VersusOrthanc {

    private static final String DICOM_MULTIPART = "multipart/related; type=\"application/dicom\"";
    private static final String OCTET_MULTIPART = "multipart/related; type=\"application/octet-stream\"";
    private static final String BOUNDARY = "dicomgate-versus-7c1e";
    private static final int PER_SERIES = 50;
    private static final int PER_STUDY = 2 * PER_SERIES;
    private static final ObjectMapper JSON = new ObjectMapper();
    /** The realm's import client: imaging-admin and a store scope, as an import needs. */
    private static final String IMPORT_CLIENT = "dicomgate-import";
    private static final String IMPORT_SECRET = "dicomgate-import-demo-secret";

    /** One server under test: where its DICOMweb API is and how a request authenticates. */
    private record Server(String name, List<String> dicomwebs, DicomWebClient.Tokens tokens, long pid, AtomicInteger turn) {
        Server(String name, String dicomweb, DicomWebClient.Tokens tokens, long pid) {
            this(name, List.of(dicomweb), tokens, pid, new AtomicInteger());
        }

        /** The next node's DICOMweb root: requests alternate between the nodes of a server. */
        String dicomweb() {
            return dicomwebs.get(Math.floorMod(turn.getAndIncrement(), dicomwebs.size()));
        }
    }

    /** A figure for both servers: values in the unit named, and whether larger is better. */
    private record Figure(String what, String unit, double orthanc, double dicomgate, boolean higherIsBetter) {
        double ratio() {
            return higherIsBetter ? dicomgate / orthanc : orthanc / dicomgate;
        }
    }

    private final Map<String, String> opts;
    private final LocalStack stack;
    private final Path dir;
    private final int instances;
    /** Instances generated: twice {@link #instances} when a phase stores fresh instances into a shared database. */
    private final int generated;
    /**
     * Versus orthanc: untimed instances stored into both servers in each STOW request shape before the
     * timed STOW figures, of patients of their own ("WU-", not in any search or consent figure).
     */
    private final int stowWarmup;
    private final List<Figure> figures = new ArrayList<>();
    private String baseLabel = "Orthanc";
    private String candidateLabel = "dicomgate";
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private String[] studyUids;
    private String[] seriesUids;
    private String[] sopUids;

    VersusOrthanc(Map<String, String> opts, LocalStack stack, Path dir) {
        this.opts = opts;
        this.stack = stack;
        this.dir = dir;
        String versus = opts.get("versus");
        boolean fresh = "stores".equals(versus) || "import".equals(versus);
        int unit = "import".equals(versus) ? 2 * PER_STUDY : PER_STUDY;   // import: two halves of whole studies
        this.instances = Integer.parseInt(opts.getOrDefault("versus-instances", fresh ? "2000" : "10000")) / unit * unit;
        // import: [0, n) by STOW, [n, 2n) by the import, then one study each to warm up both roads.
        // versus orthanc: [0, n) timed, then [n, n + 2w) for the untimed STOW warm-up of both servers.
        this.stowWarmup = fresh ? 0
                : Math.max(PER_STUDY, Integer.parseInt(opts.getOrDefault("versus-stow-warmup", "2500")) / PER_STUDY * PER_STUDY);
        this.generated = "import".equals(versus) ? 2 * instances + 2 * PER_STUDY : fresh ? 2 * instances
                : instances + 2 * stowWarmup;
    }

    void run() throws Exception {
        generate();
        switch (String.valueOf(opts.get("versus"))) {
            case "stores" -> stores();
            case "import" -> imports();
            default -> orthanc();
        }
    }

    /**
     * The two roads into one node (filesystem store, durable PostgreSQL): STOW-RS in the shapes of the
     * other modes, and a folder import ({@code POST /api/imports}) of as many other instances of the
     * same shape, written into the node's import folder beforehand and timed from the POST to the job's
     * DONE (polled every 200 ms). Issue #10: the import is to reach 90 % of the STOW rate.
     */
    private void imports() throws Exception {
        String issuer = stack.keycloak().issuerUrl();
        Server ingest = new Server("dicomgate", stack.dicomwebUrl(), DicomWebClient.Tokens.clientCredentials(issuer,
                "dicomgate-ingest", "dicomgate-ingest-demo-secret"), stack.appPid());
        DicomWebClient.Tokens admin = DicomWebClient.Tokens.clientCredentials(issuer, IMPORT_CLIENT, IMPORT_SECRET);
        int half = instances / 2;
        int warm = 2 * instances;
        Path root = dir.resolve("import");
        Path[] folders = {importFolder(root, "warm-up", warm + PER_STUDY, warm + 2 * PER_STUDY),
            importFolder(root, "parallelism-4", instances, instances + half),
            importFolder(root, "parallelism-8", instances + half, 2 * instances)};
        long bytesEach = Files.size(file(0));
        System.out.printf("%nimport vs STOW: dicomgate at %s, import folder %s; %d instances by STOW, %d by import"
                + " (%.2f MB each); %d cores, load average %s%n%n", stack.appUrl(), root, instances, instances,
                bytesEach / 1e6, Runtime.getRuntime().availableProcessors(), Representations.loadAverage());

        // Untimed: one study by each road, so neither pays for the JIT and the first connections alone.
        stowRound(ingest, warm, warm + PER_STUDY, 10, 4);
        importFolder(admin, folders[0], PER_STUDY, 4);

        // Interleaved, so load from elsewhere falls on both roads alike.
        double[] stow1 = stowRound(ingest, 0, half, 1, 8);
        double[] import4 = importFolder(admin, folders[1], half, 4);
        double[] stow10 = stowRound(ingest, half, instances, 10, 4);
        double[] import8 = importFolder(admin, folders[2], instances - half, 8);

        String[] roads = {"STOW, 1 instance per request, 8 clients", "STOW, 10 instances per request, 4 clients",
            "folder import, parallelism 4", "folder import, parallelism 8"};
        double[][] runs = {stow1, stow10, import4, import8};
        System.out.printf("%n| road | instances | seconds | inst/s | MB/s |%n|---|---|---|---|---|%n");
        for (int i = 0; i < roads.length; i++) {
            double rate = runs[i][0] / runs[i][1];
            System.out.printf(Locale.ROOT, "| %s | %.0f | %.1f | %.1f | %.1f |%n", roads[i], runs[i][0], runs[i][1],
                    rate, rate * bytesEach / 1e6);
        }
        System.out.printf("%n| import ÷ STOW | ÷ %s | ÷ %s |%n|---|---|---|%n", roads[0], roads[1]);
        for (int i = 2; i < roads.length; i++) {
            double rate = runs[i][0] / runs[i][1];
            System.out.printf(Locale.ROOT, "| %s | %.2f× | %.2f× |%n", roads[i], rate / (stow1[0] / stow1[1]),
                    rate / (stow10[0] / stow10[1]));
        }
        double bestStow = Math.max(stow1[0] / stow1[1], stow10[0] / stow10[1]);
        double bestImport = Math.max(import4[0] / import4[1], import8[0] / import8[1]);
        System.out.printf(Locale.ROOT, "%nissue #10: the faster import reaches %.0f %% of the faster STOW shape (goal:"
                + " 90 %%)%n", 100 * bestImport / bestStow);
        System.out.printf("dicomgate process after the run: %s%n", Benchmark.procStatus(stack.appPid()));
        System.out.printf("%nload average at the end (1/5/15 min): %s%n", Representations.loadAverage());
    }

    /** Instances [from, to) as files in a new folder under the import root (hard links where possible). */
    private Path importFolder(Path root, String name, int from, int to) throws IOException {
        Path folder = Files.createDirectories(root.resolve(name));
        for (int i = from; i < to; i++) {
            Path target = folder.resolve(file(i).getFileName());
            try {
                Files.createLink(target, file(i));
            } catch (UnsupportedOperationException | IOException e) {
                Files.copy(file(i), target);
            }
        }
        return folder;
    }

    /**
     * Imports the folder with this parallelism and waits for the job's end; checks that every one of
     * the {@code expected} objects was stored. Returns {objects, seconds from the POST to DONE}.
     */
    private double[] importFolder(DicomWebClient.Tokens admin, Path folder, int expected, int parallelism)
            throws Exception {
        String body = JSON.writeValueAsString(Map.of("source", Map.of("type", "folder", "path",
                folder.toAbsolutePath().toString()), "parallelism", parallelism));
        long t0 = System.nanoTime();
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(stack.appUrl() + "/api/imports"))
                .timeout(Duration.ofMinutes(1)).header("Authorization", "Bearer " + admin.get())
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
        Benchmark.check(r.statusCode() == 202, "POST /api/imports answered " + r.statusCode() + ": " + r.body());
        String id = JSON.readTree(r.body()).path("id").asText();
        JsonNode job;
        do {
            Thread.sleep(200);
            HttpResponse<String> g = http.send(HttpRequest.newBuilder(URI.create(stack.appUrl() + "/api/imports/" + id))
                    .timeout(Duration.ofMinutes(1)).header("Authorization", "Bearer " + admin.get()).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            Benchmark.check(g.statusCode() == 200, "GET /api/imports/" + id + " answered " + g.statusCode());
            job = JSON.readTree(g.body());
        } while (job.path("state").asText().equals("RUNNING"));
        double seconds = (System.nanoTime() - t0) / 1e9;
        JsonNode counts = job.path("counts");
        long stored = counts.path("stored").asLong() + counts.path("coerced").asLong();
        if (!job.path("state").asText().equals("DONE") || stored != expected) {
            HttpResponse<String> report = http.send(HttpRequest.newBuilder(URI.create(stack.appUrl() + "/api/imports/"
                    + id + "/report?limit=3")).header("Authorization", "Bearer " + admin.get()).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            throw new IllegalStateException("import of " + folder.getFileName() + " ended " + job.path("state").asText()
                    + " with " + counts + " (expected " + expected + " stored); report: " + report.body());
        }
        System.out.printf(Locale.ROOT, "  %-44s %5d objects in %6.1f s (server: %.1f s), %.1f MB%n",
                "import " + folder.getFileName(), stored, seconds, job.path("elapsedSeconds").asDouble(),
                job.path("bytes").asLong() / 1e6);
        return new double[] {stored, seconds};
    }

    /**
     * The S3 store next to the filesystem one (one node each, own databases, the same instances), then
     * two nodes on one database and bucket next to one of them (fresh instances, requests alternating
     * between the two nodes).
     */
    private void stores() throws Exception {
        try (S3ProxyServer s3 = S3ProxyServer.start(dir.resolve("s3"), 0)) {
            try (Connection c = stack.connection(); Statement st = c.createStatement()) {
                st.execute("DROP DATABASE IF EXISTS dicomgate_s3");
                st.execute("CREATE DATABASE dicomgate_s3");
            }
            Map<String, String> env = new HashMap<>(Map.of("DICOMGATE_STORAGE_TYPE", "s3",
                    "DICOMGATE_STORAGE_S3_ENDPOINT", s3.endpoint().toString(),
                    "DICOMGATE_STORAGE_S3_BUCKET", "dicomgate-bench",
                    "DICOMGATE_STORAGE_S3_ACCESS_KEY_ID", S3ProxyServer.ACCESS_KEY,
                    "DICOMGATE_STORAGE_S3_SECRET_ACCESS_KEY", S3ProxyServer.SECRET_KEY,
                    "QUARKUS_DATASOURCE_JDBC_URL", stack.jdbcUrl().replace("/" + LocalStack.DATABASE, "/dicomgate_s3")));
            try (LocalStack.Node a = stack.startNode("s3a", env); LocalStack.Node b = stack.startNode("s3b", env)) {
                String issuer = stack.keycloak().issuerUrl();
                DicomWebClient.Tokens adminTokens = DicomWebClient.Tokens.password(issuer, "admin", "demo");
                DicomWebClient.Tokens ingestTokens = DicomWebClient.Tokens.clientCredentials(issuer, "dicomgate-ingest",
                        "dicomgate-ingest-demo-secret");
                Server fsIngest = new Server("dicomgate, filesystem", stack.dicomwebUrl(), ingestTokens, stack.appPid());
                Server fsAdmin = new Server("dicomgate, filesystem", stack.dicomwebUrl(), adminTokens, stack.appPid());
                Server s3Ingest = new Server("dicomgate, S3", a.url() + "/dicomweb", ingestTokens, a.process().pid());
                Server s3Admin = new Server("dicomgate, S3", a.url() + "/dicomweb", adminTokens, a.process().pid());
                List<String> both = List.of(a.url() + "/dicomweb", b.url() + "/dicomweb");
                Server twoIngest = new Server("2 nodes, S3", both, ingestTokens, b.process().pid(), new AtomicInteger());
                Server twoAdmin = new Server("2 nodes, S3", both, adminTokens, b.process().pid(), new AtomicInteger());
                System.out.printf("%nstores: filesystem at %s, S3 (s3proxy %s) at %s and %s; %d instances; %d cores,"
                        + " load average %s%n%n", stack.dicomwebUrl(), s3.endpoint(), a.url(), b.url(), instances,
                        Runtime.getRuntime().availableProcessors(), Representations.loadAverage());

                baseLabel = "filesystem";
                candidateLabel = "S3";
                int half = instances / 2 / PER_STUDY * PER_STUDY;
                stow("STOW, 1 instance per request, 8 clients", fsIngest, s3Ingest, 0, half, 1, 8);
                stow("STOW, 10 instances per request, 4 clients", fsIngest, s3Ingest, half, instances, 10, 4);
                int studies = instances / PER_STUDY;
                wholeStudies(fsAdmin, s3Admin, Math.min(studies - 1, Integer.parseInt(opts.getOrDefault("versus-study-runs", "10"))));
                Random pick = new Random(7);
                int runs = Integer.parseInt(opts.getOrDefault("versus-runs", "200"));
                for (int clients : new int[] {1, 4}) {
                    latency("one instance, " + clients + " client(s)", fsAdmin, s3Admin, clients, runs,
                            i -> instancePath(pick.nextInt(instances)), DICOM_MULTIPART);
                    latency("/frames/1, " + clients + " client(s)", fsAdmin, s3Admin, clients, runs,
                            i -> instancePath(pick.nextInt(instances)) + "/frames/1", OCTET_MULTIPART);
                }
                print(fsAdmin, s3Admin);

                figures.clear();
                baseLabel = "1 node";
                candidateLabel = "2 nodes";
                System.out.printf("%none node next to two, on one database and bucket%n");
                // Fresh instances [instances, 2 × instances): the nodes share the database of the first phase.
                stowShared("STOW, 1 instance per request, 8 clients", s3Ingest, twoIngest, instances,
                        instances + half, 1, 8);
                stowShared("STOW, 10 instances per request, 4 clients", s3Ingest, twoIngest, instances + half,
                        2 * instances, 10, 4);
                latency("one instance, 4 clients", s3Admin, twoAdmin, 4, runs,
                        i -> instancePath(pick.nextInt(instances)), DICOM_MULTIPART);
                latency("QIDO studies, limit=100, 4 clients", s3Admin, twoAdmin, 4,
                        Integer.parseInt(opts.getOrDefault("versus-qido-runs", "50")), i -> "/studies?limit=100",
                        "application/dicom+json");
                print(s3Admin, twoAdmin);
            }
        }
    }

    private void orthanc() throws Exception {
        try (OrthancServer orthancProcess = OrthancServer.start(dir.resolve("orthanc"), OrthancServer.Options.open())) {
            String issuer = stack.keycloak().issuerUrl();
            Server orthanc = new Server("Orthanc " + orthancProcess.version(), orthancProcess.dicomwebUrl(), null,
                    orthancProcess.pid());
            Server admin = new Server("dicomgate", stack.dicomwebUrl(), DicomWebClient.Tokens.password(issuer, "admin",
                    "demo"), stack.appPid());
            Server ingest = new Server("dicomgate", stack.dicomwebUrl(), DicomWebClient.Tokens.clientCredentials(issuer,
                    "dicomgate-ingest", "dicomgate-ingest-demo-secret"), stack.appPid());
            Server house = new Server("dicomgate", stack.dicomwebUrl(), DicomWebClient.Tokens.password(issuer,
                    "dr.house", "demo"), stack.appPid());
            System.out.printf("%nside by side: %s at %s, dicomgate at %s; %d instances; %d cores, load average %s%n%n",
                    orthanc.name(), orthanc.dicomweb(), admin.dicomweb(), instances,
                    Runtime.getRuntime().availableProcessors(), Representations.loadAverage());

            int half = instances / 2 / PER_STUDY * PER_STUDY;
            // Untimed: --versus-stow-warmup instances in each request shape into both servers, as every
            // other figure has its warm-up round. A fresh node stored its first 1,000 instances at a
            // quarter of its later rate (the JIT still compiling the path); measured in README.
            for (Server server : new Server[] {orthanc, ingest}) {
                stowRound(server, instances, instances + stowWarmup, 1, 8);
                stowRound(server, instances + stowWarmup, instances + 2 * stowWarmup, 10, 4);
            }
            stow("STOW, 1 instance per request, 8 clients", orthanc, ingest, 0, half, 1, 8);
            stow("STOW, 10 instances per request, 4 clients", orthanc, ingest, half, instances, 10, 4);
            grantHouse();

            int studies = instances / PER_STUDY;
            int wholeRuns = Math.min(studies - 1, Integer.parseInt(opts.getOrDefault("versus-study-runs", "10")));
            wholeStudies(orthanc, admin, wholeRuns);
            Random pick = new Random(7);
            int runs = Integer.parseInt(opts.getOrDefault("versus-runs", "200"));
            for (int clients : new int[] {1, 4}) {
                latency("one instance, " + clients + (clients == 1 ? " client" : " clients"), orthanc, admin, clients,
                        runs, i -> instancePath(pick.nextInt(instances)), DICOM_MULTIPART);
                latency("/frames/1, " + clients + (clients == 1 ? " client" : " clients"), orthanc, admin, clients,
                        runs, i -> instancePath(pick.nextInt(instances)) + "/frames/1", OCTET_MULTIPART);
            }
            int qidoRuns = Integer.parseInt(opts.getOrDefault("versus-qido-runs", "50"));
            latency("QIDO studies, limit=100", orthanc, admin, 1, qidoRuns, i -> "/studies?limit=100",
                    "application/dicom+json");
            latency("QIDO studies, PatientName=SMITH*", orthanc, admin, 1, qidoRuns,
                    i -> "/studies?PatientName=SMITH*", "application/dicom+json");
            latency("QIDO studies, limit=100, consent rule (dr.house)", orthanc, house, 1, qidoRuns,
                    i -> "/studies?limit=100", "application/dicom+json");
            latency("metadata of a 100-instance study", orthanc, admin, 1, qidoRuns,
                    i -> "/studies/" + studyUids[pick.nextInt(studies)] + "/metadata", "application/dicom+json");
            latency("metadata of a 100-instance study, consent rule (dr.house)", orthanc, house, 1, qidoRuns,
                    i -> "/studies/" + studyUids[4 * pick.nextInt(Math.max(1, studies / 4))] + "/metadata",
                    "application/dicom+json");
            print(orthanc, admin);
            int hold = Integer.parseInt(opts.getOrDefault("hold", "0"));
            if (hold > 0) {
                System.out.printf("%nholding both servers for %d s; e.g. %s%n", hold, instancePath(0));
                Thread.sleep(hold * 1000L);
            }
        }
    }

    // ---- data ------------------------------------------------------------------------------------

    /** Instance i: study i / 100, series (i % 100) / 50, patient study / 2; files written once per seed. */
    private void generate() throws Exception {
        Random rnd = new Random(Long.parseLong(opts.getOrDefault("seed", "42")));
        int studies = generated / PER_STUDY;
        studyUids = new String[studies];
        seriesUids = new String[studies * 2];
        sopUids = new String[generated];
        for (int s = 0; s < studies; s++) {
            studyUids[s] = uid(rnd);
        }
        for (int s = 0; s < seriesUids.length; s++) {
            seriesUids[s] = uid(rnd);
        }
        for (int i = 0; i < generated; i++) {
            sopUids[i] = uid(rnd);
        }
        Path data = dir.resolve("data");
        Path manifest = data.resolve("manifest");
        String expected = "seed " + opts.getOrDefault("seed", "42") + ", " + generated + " instances, v2";
        if (Files.exists(manifest) && Files.readString(manifest).equals(expected)) {
            System.out.printf("data set: %d instances in %s (already generated)%n", generated, data);
            return;
        }
        Files.createDirectories(data);
        long t0 = System.nanoTime();
        ExecutorService pool = Executors.newFixedThreadPool(Runtime.getRuntime().availableProcessors());
        List<Future<?>> done = new ArrayList<>();
        for (int i = 0; i < generated; i++) {
            int n = i;
            done.add(pool.submit(() -> {
                Files.write(file(n), instanceBytes(n));
                return null;
            }));
        }
        for (Future<?> f : done) {
            f.get();
        }
        pool.shutdown();
        Files.writeString(manifest, expected);
        System.out.printf("data set: generated %d instances (%.1f GiB) in %s in %.0f s%n", generated,
                generated * (double) Files.size(file(0)) / (1 << 30), data, (System.nanoTime() - t0) / 1e9);
    }

    private byte[] instanceBytes(int i) {
        int study = i / PER_STUDY;
        int patient = study / 2;
        boolean warmup = stowWarmup > 0 && i >= instances;
        String name = warmup ? "WARMUP^P" + patient : Benchmark.SURNAMES[patient % Benchmark.SURNAMES.length] + "^"
                + Benchmark.GIVEN[(patient / Benchmark.SURNAMES.length) % Benchmark.GIVEN.length];
        String date = LocalDate.of(2015, 1, 1).plusDays(study * 37L % 3650).toString().replace("-", "");
        return DicomFixtures.instance().patient((warmup ? "WU-" : "VS-") + patient, name).study(studyUids[study])
                .series(seriesUids[i / PER_SERIES]).sop(sopUids[i]).modality(study % 2 == 0 ? "CT" : "MR")
                .studyDate(date, "120000").accession("VS" + study).seriesNumber(1 + (i % PER_STUDY) / PER_SERIES)
                .instanceNumber(1 + i % PER_SERIES).size(512, 512).bytes();
    }

    private Path file(int i) {
        return dir.resolve("data").resolve(String.format(Locale.ROOT, "%06d.dcm", i));
    }

    private String instancePath(int i) {
        return "/studies/" + studyUids[i / PER_STUDY] + "/series/" + seriesUids[i / PER_SERIES] + "/instances/"
                + sopUids[i];
    }

    private static String uid(Random rnd) {
        return "2.25." + new BigInteger(120, rnd).add(BigInteger.ONE);
    }

    /** dr.house may see the even-numbered patients: the studies 4k and 4k + 1. */
    private void grantHouse() throws Exception {
        try (Connection c = stack.connection(); PreparedStatement ps = c.prepareStatement("""
                INSERT INTO consent (id, patient_id, issuer, grantee_type, grantee, decision, all_studies,
                                     period_start, period_end, status, created_by)
                VALUES (gen_random_uuid(), ?, '', 'user', 'dr.house', 'permit', true, now() - interval '1 day', NULL,
                        'active', 'consent.admin')""")) {
            for (int patient = 0; patient < instances / PER_STUDY / 2; patient += 2) {
                ps.setString(1, "VS-" + patient);
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    // ---- figures ---------------------------------------------------------------------------------

    private void stow(String what, Server orthanc, Server dicomgate, int from, int to, int perRequest, int clients)
            throws Exception {
        int mid = from + (to - from) / 2 / PER_STUDY * PER_STUDY;
        // Two rounds per server, alternating, each storing different instances.
        double[] o = stowRound(orthanc, from, mid, perRequest, clients);
        double[] d = stowRound(dicomgate, from, mid, perRequest, clients);
        double[] d2 = stowRound(dicomgate, mid, to, perRequest, clients);
        double[] o2 = stowRound(orthanc, mid, to, perRequest, clients);
        add(new Figure(what, "inst/s", (o[0] + o2[0]) / (o[1] + o2[1]), (d[0] + d2[0]) / (d[1] + d2[1]), true));
    }

    /**
     * As {@link #stow}, for two servers on one database: each round stores instances of its own
     * (quarters of [from, to), alternating), so neither sees the other's as duplicates.
     */
    private void stowShared(String what, Server base, Server candidate, int from, int to, int perRequest, int clients)
            throws Exception {
        int q = (to - from) / 4;
        double[] b = stowRound(base, from, from + q, perRequest, clients);
        double[] c = stowRound(candidate, from + q, from + 2 * q, perRequest, clients);
        double[] c2 = stowRound(candidate, from + 2 * q, from + 3 * q, perRequest, clients);
        double[] b2 = stowRound(base, from + 3 * q, to, perRequest, clients);
        add(new Figure(what, "inst/s", (b[0] + b2[0]) / (b[1] + b2[1]), (c[0] + c2[0]) / (c[1] + c2[1]), true));
    }

    /** Stores instances [from, to) in requests of {@code perRequest}; returns {instances, seconds}. */
    private double[] stowRound(Server server, int from, int to, int perRequest, int clients) throws Exception {
        if (from >= to) {
            return new double[] {0, 0};
        }
        AtomicInteger next = new AtomicInteger(from);
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        List<Future<Integer>> done = new ArrayList<>();
        long t0 = System.nanoTime();
        for (int c = 0; c < clients; c++) {
            done.add(pool.submit(() -> {
                int stored = 0;
                Map<String, KeepAliveHttp> connections = new HashMap<>();
                try {
                    for (int first; (first = next.getAndAdd(perRequest)) < to;) {
                        int last = Math.min(to, first + perRequest);
                        URI uri = URI.create(server.dicomweb() + "/studies");
                        Map<String, String> headers = KeepAliveHttp.headers("application/dicom+json", bearer(server));
                        headers.put("Content-Type", DICOM_MULTIPART + "; boundary=" + BOUNDARY);
                        KeepAliveHttp.Answer r = connection(connections, uri).post(uri.getRawPath(), headers,
                                multipart(first, last));
                        Benchmark.check(r.status() == 200, server.name() + " STOW answered " + r.status() + ": "
                                + r.start());
                        stored += last - first;
                    }
                } finally {
                    for (KeepAliveHttp http : connections.values()) {
                        http.close();
                    }
                }
                return stored;
            }));
        }
        int stored = 0;
        for (Future<Integer> f : done) {
            stored += f.get();
        }
        pool.shutdown();
        return new double[] {stored, (System.nanoTime() - t0) / 1e9};
    }

    /** The multipart body of instances [first, last): framing bytes and the files themselves. */
    private List<KeepAliveHttp.Piece> multipart(int first, int last) throws IOException {
        List<KeepAliveHttp.Piece> body = new ArrayList<>();
        for (int i = first; i < last; i++) {
            body.add(new KeepAliveHttp.Bytes(((i == first ? "" : "\r\n") + "--" + BOUNDARY
                    + "\r\nContent-Type: application/dicom\r\n\r\n").getBytes(StandardCharsets.US_ASCII)));
            body.add(new KeepAliveHttp.File(file(i), Files.size(file(i))));
        }
        body.add(new KeepAliveHttp.Bytes(("\r\n--" + BOUNDARY + "--\r\n").getBytes(StandardCharsets.US_ASCII)));
        return body;
    }

    /** Whole studies with {@code curl -o /dev/null}, one client, studies alternating between the servers. */
    private void wholeStudies(Server orthanc, Server dicomgate, int runs) throws Exception {
        Path headers = Files.createTempFile(dir, "auth", ".txt",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        try {
            long[] bytes = new long[2];
            double[] seconds = new double[2];
            for (int s = -1; s < runs; s++) { // s = -1: one untimed study each, for warm-up
                for (int k = 0; k < 2; k++) {
                    Server server = (s + 2 + k) % 2 == 0 ? orthanc : dicomgate;
                    int idx = server == orthanc ? 0 : 1;
                    List<String> cmd = new ArrayList<>(List.of("curl", "-s", "-o", "/dev/null", "-w",
                            "%{http_code} %{size_download} %{time_total}", "-H", "Accept: " + DICOM_MULTIPART));
                    if (server.tokens() != null) {
                        // From a file, not the command line: the process list must not show a token.
                        Files.writeString(headers, "Authorization: Bearer " + server.tokens().get() + "\n");
                        cmd.addAll(List.of("-H", "@" + headers));
                    }
                    cmd.add(server.dicomweb() + "/studies/" + studyUids[s < 0 ? runs : s]);
                    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
                    String[] out = new String(p.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).trim()
                            .split(" ");
                    p.waitFor();
                    Benchmark.check(out.length == 3 && out[0].equals("200"), server.name() + " study answered "
                            + String.join(" ", out));
                    if (s >= 0) {
                        bytes[idx] += Long.parseLong(out[1]);
                        seconds[idx] += Double.parseDouble(out[2]);
                    }
                }
            }
            System.out.printf("  whole study: %.1f MB per study (%s), %.1f MB (%s)%n",
                    bytes[0] / 1e6 / runs, baseLabel, bytes[1] / 1e6 / runs, candidateLabel);
            add(new Figure("whole study (100 instances), curl, 1 client", "GB/s", bytes[0] / 1e9 / seconds[0],
                    bytes[1] / 1e9 / seconds[1], true));
        } finally {
            Files.deleteIfExists(headers);
        }
    }

    /** p50 of {@code runs} requests per server by {@code clients} concurrent clients, in alternating rounds. */
    private void latency(String what, Server orthanc, Server dicomgate, int clients, int runs, IntFunction<String> path,
            String accept) throws Exception {
        List<Long> o = Collections.synchronizedList(new ArrayList<>());
        List<Long> d = Collections.synchronizedList(new ArrayList<>());
        int rounds = 4;
        // Untimed first: both servers have served this kind of request before it counts. The JVM's JIT is
        // still compiling after a few thousand requests of one kind (jstat: 183, 165, 80, 54 methods in
        // four rounds of 2,000 single-instance retrieves), so a figure is taken after a warm-up of its
        // own: --versus-warmup requests, or --versus-warmup-seconds, whichever ends first, per server
        // (Orthanc gets the same: its files into the page cache).
        int warmup = Math.max(runs / rounds, Integer.parseInt(opts.getOrDefault("versus-warmup", "2000")));
        long warmupNanos = Long.parseLong(opts.getOrDefault("versus-warmup-seconds", "20")) * 1_000_000_000L;
        for (int round = -1; round < rounds; round++) {
            List<String> paths = new ArrayList<>();
            for (int i = 0; i < (round < 0 ? warmup : runs / rounds); i++) {
                paths.add(path.apply(i));
            }
            // The same paths for both, in the same order; who goes first alternates.
            for (Server s : round % 2 == 0 ? List.of(orthanc, dicomgate) : List.of(dicomgate, orthanc)) {
                if (round < 0) {
                    timedRequests(s, clients, paths, accept, new ArrayList<>(), System.nanoTime() + warmupNanos);
                } else {
                    timedRequests(s, clients, paths, accept, s == orthanc ? o : d, Long.MAX_VALUE);
                }
            }
        }
        add(new Figure(what + " p50", "ms", percentile(o, 0.5), percentile(d, 0.5), false));
    }

    /** The requests of {@code paths}, those begun before {@code deadline} (System.nanoTime()). */
    private void timedRequests(Server server, int clients, List<String> paths, String accept, List<Long> into,
            long deadline) throws Exception {
        AtomicInteger next = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        List<Future<?>> done = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
            done.add(pool.submit(() -> {
                Map<String, KeepAliveHttp> connections = new HashMap<>();
                try {
                    for (int i; (i = next.getAndIncrement()) < paths.size() && System.nanoTime() < deadline;) {
                        URI uri = URI.create(server.dicomweb() + encode(paths.get(i)));
                        KeepAliveHttp http = connection(connections, uri);
                        Map<String, String> headers = KeepAliveHttp.headers(accept, bearer(server));
                        long t = System.nanoTime();
                        KeepAliveHttp.Answer r = http.get(target(uri), headers);
                        into.add(System.nanoTime() - t);
                        Benchmark.check(r.status() == 200 && r.length() > 0, server.name() + " GET " + paths.get(i)
                                + " answered " + r.status() + " with " + r.length() + " bytes");
                    }
                } finally {
                    for (KeepAliveHttp http : connections.values()) {
                        http.close();
                    }
                }
                return null;
            }));
        }
        for (Future<?> f : done) {
            f.get();
        }
        pool.shutdown();
    }

    /** This thread's keep-alive connection to the node of {@code uri}. */
    private static KeepAliveHttp connection(Map<String, KeepAliveHttp> connections, URI uri) {
        return connections.computeIfAbsent(uri.getScheme() + "://" + uri.getAuthority(),
                base -> new KeepAliveHttp(URI.create(base)));
    }

    private static String target(URI uri) {
        return uri.getRawQuery() == null ? uri.getRawPath() : uri.getRawPath() + "?" + uri.getRawQuery();
    }

    private static String bearer(Server server) {
        return server.tokens() == null ? null : server.tokens().get();
    }

    private static String encode(String pathAndQuery) {
        int q = pathAndQuery.indexOf('?');
        if (q < 0) {
            return pathAndQuery;
        }
        StringBuilder out = new StringBuilder(pathAndQuery.substring(0, q + 1));
        for (String pair : pathAndQuery.substring(q + 1).split("&")) {
            int eq = pair.indexOf('=');
            out.append(out.charAt(out.length() - 1) == '?' ? "" : "&").append(pair, 0, eq + 1)
                    .append(URLEncoder.encode(pair.substring(eq + 1), StandardCharsets.UTF_8));
        }
        return out.toString();
    }

    private static double percentile(List<Long> nanos, double p) {
        List<Long> s = new ArrayList<>(nanos);
        Collections.sort(s);
        return s.get(Math.max(0, (int) Math.ceil(p * s.size()) - 1)) / 1e6;
    }

    private void add(Figure f) {
        figures.add(f);
        System.out.printf(Locale.ROOT, "  %-62s %s %9.3f %-6s %s %9.3f %-6s %5.2f× %s%n", f.what(), baseLabel,
                f.orthanc(), f.unit(), candidateLabel, f.dicomgate(), f.unit(), f.ratio(), candidateLabel);
    }

    private void print(Server orthanc, Server dicomgate) {
        System.out.printf("%n| figure | %s | %s | ratio (> 1: %s ahead) |%n|---|---|---|---|%n",
                orthanc.name(), dicomgate.name(), candidateLabel);
        for (Figure f : figures) {
            System.out.printf(Locale.ROOT, "| %s | %s | %s | %.2f× |%n", f.what(), value(f.orthanc(), f.unit()),
                    value(f.dicomgate(), f.unit()), f.ratio());
        }
        System.out.printf("| process memory after the run | %s | %s | |%n", Benchmark.procStatus(orthanc.pid()),
                Benchmark.procStatus(dicomgate.pid()));
        System.out.printf("%nload average at the end (1/5/15 min): %s%n", Representations.loadAverage());
    }

    private static String value(double v, String unit) {
        return String.format(Locale.ROOT, v >= 100 ? "%.0f %s" : v >= 10 ? "%.1f %s" : "%.2f %s", v, unit);
    }
}
