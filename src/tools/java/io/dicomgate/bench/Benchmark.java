package io.dicomgate.bench;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.Statement;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.FileMetaInformation;

import io.dicomgate.demo.DicomWebClient;
import io.dicomgate.demo.LocalStack;
import io.dicomgate.testsupport.DicomFixtures;

/**
 * Throughput and latency of dicomgate's DICOMweb API on synthetic data (not a test). Three modes:
 * the data-set run (STOW, WADO, metadata, frames, QIDO), {@code --index-scale N} (QIDO over N
 * synthetic index rows) and {@code --big-stow GIB} (one huge STOW against a 256 MiB heap).
 * Everything derives from {@code --seed}, so two runs store the same bytes.
 */
public final class Benchmark {

    static final String MF_GRAYSCALE_WORD_SC = "1.2.840.10008.5.1.4.1.1.7.3";
    static final String[] SURNAMES = {"SMITH", "JONES", "BROWN", "TAYLOR", "WILSON", "DAVIES", "EVANS", "THOMAS",
        "JOHNSON", "ROBERTS"};
    static final String[] GIVEN = {"JOHN", "MARY", "DAVID", "EMMA", "JAMES", "OLIVIA", "NOAH", "AVA", "LIAM", "MIA"};
    static final String[] MODALITIES = {"CT", "MR", "CR", "US", "DX"};
    static final String DICOM_MULTIPART = "multipart/related; type=\"application/dicom\"";
    static final String OCTET_MULTIPART = "multipart/related; type=\"application/octet-stream\"";
    static final int QIDO_RUNS = 50;

    private final Map<String, String> opts;
    private final Random rnd;
    private final List<String[]> table = new ArrayList<>();
    private LocalStack stack;
    private DicomWebClient ingest;
    private DicomWebClient admin;
    private String issuer;
    private String dicomweb;

    private Benchmark(Map<String, String> opts) {
        this.opts = opts;
        this.rnd = new Random(Long.parseLong(opts.getOrDefault("seed", "42")));
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> opts = new HashMap<>();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.equals("--help") || a.equals("-h")) {
                System.out.println("""
                        bin/bench [options]
                          --studies N        studies in the data set (40); each has 2 series x --instances (25)
                          --size PX          rows/columns of the 16-bit images (256)
                          --seed N           random seed (42)
                          --index-scale N    QIDO latencies over N synthetic instance rows (e.g. 1000000)
                          --patients N       patients for --index-scale (studies / 10)
                          --consents N       consent rows for --index-scale (5000); with > 0 the searches run as
                                             admin, dr.house (10% of patients) and dr.cuddy (1%)
                          --runs N           runs of each search per caller with --consents (30)
                          --explain BOOL     also print EXPLAIN (ANALYZE, BUFFERS) of each search per caller
                          --hold SECONDS     keep the stack it started running this long after the run (0)
                          --big-stow GIB     one STOW of GIB GiB in 128 MiB instances against -Xmx256m (1)
                          --versus orthanc   side by side with Debian's Orthanc + DICOMweb plugin (installed with
                                             apt-get as root if missing): the same data set into both, each
                                             figure for both and the ratio (see VersusOrthanc)
                          --versus stores    the S3 store (s3proxy) next to the filesystem store, then two
                                             nodes on one database and bucket next to one (2000 instances)
                          --versus import    STOW-RS next to a folder import (POST /api/imports, parallelism 4
                                             and 8) of as many other instances into one node (2000 each)
                          --versus-instances N  its data set: N instances of 512x512x16 bit, 100 per study (10000)
                          --versus-runs N    requests per latency figure per server (200)
                          --versus-qido-runs N  runs per QIDO/metadata figure per server (50)
                          --versus-study-runs N  whole studies retrieved per server with curl (10)
                          --versus-warmup N  untimed requests per latency figure and server first (2000)
                          --versus-warmup-seconds S  ... or S seconds of them, whichever ends first (20)
                          --versus-stow-warmup N  untimed instances stored in each STOW shape into each
                                             server before the STOW figures, other patients (2500)
                          --url URL          an already running dicomgate (e.g. http://localhost:8080)
                          --keycloak ISSUER  its realm URL (http://localhost:8180/realms/dicomgate)
                          --jdbc-url URL     its database, for --index-scale with --url (user/password postgres)
                          --app-heap SIZE    -Xmx of the dicomgate it starts (JVM default)
                          --representations BOOL  in data-set mode, also time each representation: compressed
                                             as stored vs decoded, native -> RLE/JPEG, frames, metadata/QIDO
                                             JSON vs XML, STOW JSON+bulk vs binary, rendered (true)
                          --repr-runs N      runs of each representation, interleaved (30)""");
                return;
            }
            if (!a.startsWith("--") || i + 1 >= args.length) {
                throw new IllegalArgumentException("unknown or incomplete option " + a + " (see --help)");
            }
            opts.put(a.substring(2), args[++i]);
        }
        Benchmark bench = new Benchmark(opts);
        // Ctrl-C or kill: stop dicomgate, Keycloak and PostgreSQL too (close() is idempotent).
        Thread stopStack = new Thread(bench::stopStack, "bench-stop-stack");
        Runtime.getRuntime().addShutdownHook(stopStack);
        int status = 0;
        try {
            bench.run();
        } catch (Exception | Error e) {
            e.printStackTrace();
            status = 1;
        } finally {
            bench.stopStack();
        }
        System.exit(status);
    }

    private synchronized void stopStack() {
        if (stack != null) {
            stack.close();
            stack = null;
        }
    }

    private void run() throws Exception {
        String mode = opts.containsKey("versus") ? "versus" : opts.containsKey("index-scale") ? "index-scale"
                : opts.containsKey("big-stow") ? "big-stow" : "dataset";
        if (mode.equals("versus") && (!List.of("orthanc", "stores", "import").contains(opts.get("versus"))
                || opts.containsKey("url"))) {
            throw new IllegalArgumentException("--versus takes orthanc, stores or import, and starts its own stack"
                    + " (no --url)");
        }
        if (opts.containsKey("url")) {
            dicomweb = opts.get("url") + "/dicomweb";
            issuer = opts.getOrDefault("keycloak", "http://localhost:8180/realms/dicomgate");
        } else {
            Path dataDir = LocalStack.pathSetting("dicomgate.bench.data-dir", ".dicomgate-bench");
            deleteTree(dataDir);
            List<String> jvm = new ArrayList<>();
            if (mode.equals("big-stow")) {
                jvm.add("-Xmx256m");
            } else if (opts.containsKey("app-heap")) {
                jvm.add("-Xmx" + opts.get("app-heap"));
            }
            // The benchmark's clients are machines at full speed, not people: the exfiltration guard stays
            // on (its cost is in the figures) with limits they never reach.
            for (String role : List.of("imaging-admin", "clinician", "ingest")) {
                jvm.add("-Ddicomgate.guard.role." + role + ".requests-per-minute=1000000000");
                jvm.add("-Ddicomgate.guard.role." + role + ".patients-per-hour=1000000000");
                jvm.add("-Ddicomgate.guard.role." + role + ".bytes-per-hour=1000000G");
            }
            // --versus import writes its folders under <data dir>/import: the node may import from there.
            Map<String, String> appEnv = "import".equals(opts.get("versus")) ? Map.of("DICOMGATE_IMPORTS_FOLDER_ROOTS",
                    Files.createDirectories(dataDir.resolve("import")).toAbsolutePath().toString()) : Map.of();
            Path realm = LocalStack.pathSetting("dicomgate.realm.file", "keycloak-realm/dicomgate-realm.json");
            stack = LocalStack.start(new LocalStack.Config(dataDir, 0, 0, 0, false,
                    LocalStack.pathSetting("keycloak.home", "target/keycloak-26.7.3"), realm,
                    LocalStack.pathSetting("dicomgate.demo.app-jar", "target/quarkus-app/quarkus-run.jar"), jvm, appEnv));
            dicomweb = stack.dicomwebUrl();
            issuer = stack.keycloak().issuerUrl();
        }
        ingest = new DicomWebClient(dicomweb, DicomWebClient.Tokens.clientCredentials(issuer, "dicomgate-ingest",
                "dicomgate-ingest-demo-secret"));
        admin = new DicomWebClient(dicomweb, DicomWebClient.Tokens.password(issuer, "admin", "demo"));
        System.out.printf("%nbenchmark mode %s, seed %s, %d cores, load average %s, against %s%n%n", mode,
                opts.getOrDefault("seed", "42"), Runtime.getRuntime().availableProcessors(),
                Representations.loadAverage(), dicomweb);
        switch (mode) {
            case "index-scale" -> indexScale(Integer.parseInt(opts.get("index-scale")));
            case "big-stow" -> bigStow(Double.parseDouble(opts.get("big-stow")));
            case "versus" -> {
                new VersusOrthanc(opts, stack, stack.dataDir()).run();
                return;
            }
            default -> dataset();
        }
        memory();
        row("load average at the end (1/5/15 min)", "%s", Representations.loadAverage());
        printTable();
        int hold = Integer.parseInt(opts.getOrDefault("hold", "0"));
        if (hold > 0 && stack != null) {
            System.out.printf("%nholding the stack for %d s: psql '%s' (user/password postgres)%n", hold,
                    stack.jdbcUrl());
            Thread.sleep(hold * 1000L);
        }
    }

    // ---- data set ---------------------------------------------------------------------------------

    record Inst(String sopUid, byte[] bytes, String sha256) {
    }

    record SeriesData(String uid, List<Inst> instances) {
    }

    record StudyData(String uid, String patientName, String date, String modality, List<SeriesData> series) {
        List<Inst> instances() {
            return series.stream().flatMap(s -> s.instances().stream()).toList();
        }
    }

    private void dataset() throws Exception {
        int studies = Integer.parseInt(opts.getOrDefault("studies", "40"));
        int perSeries = Integer.parseInt(opts.getOrDefault("instances", "25"));
        int size = Integer.parseInt(opts.getOrDefault("size", "256"));
        long t0 = System.nanoTime();
        List<StudyData> data = new ArrayList<>();
        for (int s = 0; s < studies; s++) {
            data.add(study(2, perSeries, size, 1, null));
        }
        StudyData multiframe = study(1, 4, size, 50, MF_GRAYSCALE_WORD_SC);
        StudyData big = study(1, 500, 64, 1, null);
        long bytes = data.stream().flatMap(s -> s.instances().stream()).mapToLong(i -> i.bytes().length).sum();
        System.out.printf("generated %d studies x 2 series x %d instances of %dx%d 16-bit (%.1f MiB, %d KiB each)"
                + " + 4 x 50-frame + a 500-instance series in %.1f s%n", studies, perSeries, size, size, mib(bytes),
                data.get(0).instances().get(0).bytes().length / 1024, (System.nanoTime() - t0) / 1e9);

        List<SeriesData> first = data.subList(0, studies / 2).stream().flatMap(s -> s.series().stream()).toList();
        List<SeriesData> second = data.subList(studies / 2, studies).stream().flatMap(s -> s.series().stream()).toList();
        stowPhase("STOW 1 client (" + perSeries + " inst/request)", first, 1);
        stowPhase("STOW 4 clients (" + perSeries + " inst/request)", second, 4);
        stowPhase("STOW 50-frame instances (1/request)", multiframe.series().get(0).instances().stream()
                .map(i -> new SeriesData(multiframe.series().get(0).uid(), List.of(i))).toList(), 1);
        List<SeriesData> chunks = new ArrayList<>();
        List<Inst> all500 = big.series().get(0).instances();
        for (int i = 0; i < all500.size(); i += 100) {
            chunks.add(new SeriesData(big.series().get(0).uid(), all500.subList(i, i + 100)));
        }
        stowPhase("STOW 500-instance series (64x64, 100/request)", chunks, 1);

        // WADO-RS whole studies
        long t = System.nanoTime();
        long got = 0;
        int verified = 0;
        for (StudyData s : data) {
            HttpResponse<byte[]> r = admin.getBytes("/studies/" + s.uid(), DICOM_MULTIPART);
            check(r.statusCode() == 200, "retrieve study " + s.uid() + " answered " + r.statusCode());
            got += r.body().length;
            verified += verify(DicomWebClient.parts(r), s.instances(), "study " + s.uid());
        }
        double sec = (System.nanoTime() - t) / 1e9;
        row("WADO study retrieve (" + data.size() + " studies, 1 client)", "%.1f MiB/s, %.0f ms/study; %d instances"
                + " SHA-256 identical", mib(got) / sec, sec * 1000 / data.size(), verified);

        // WADO-RS single instances
        List<Long> lat = new ArrayList<>();
        got = 0;
        verified = 0;
        t = System.nanoTime();
        for (int k = 0; k < 200; k++) {
            StudyData s = data.get(rnd.nextInt(data.size()));
            SeriesData se = s.series().get(rnd.nextInt(s.series().size()));
            Inst inst = se.instances().get(rnd.nextInt(se.instances().size()));
            long q = System.nanoTime();
            HttpResponse<byte[]> r = admin.getBytes("/studies/" + s.uid() + "/series/" + se.uid() + "/instances/"
                    + inst.sopUid(), DICOM_MULTIPART);
            lat.add(System.nanoTime() - q);
            check(r.statusCode() == 200, "retrieve instance answered " + r.statusCode());
            got += r.body().length;
            verified += verify(DicomWebClient.parts(r), List.of(inst), "instance " + inst.sopUid());
        }
        sec = (System.nanoTime() - t) / 1e9;
        row("WADO instance retrieve (200 x 1 instance)", "%s; %.1f MiB/s; %d SHA-256 identical", pct(lat),
                mib(got) / sec, verified);

        // WADO-RS metadata of the 500-instance series
        String metaPath = "/studies/" + big.uid() + "/series/" + big.series().get(0).uid() + "/metadata";
        lat = timed(20, () -> {
            HttpResponse<String> r = admin.get(metaPath, "application/dicom+json");
            check(r.statusCode() == 200, "metadata answered " + r.statusCode());
            return r.body().length();
        });
        JsonNode meta = new com.fasterxml.jackson.databind.ObjectMapper().readTree(admin.get(metaPath,
                "application/dicom+json").body());
        row("WADO metadata, 500-instance series (20 runs)", "%s; %d objects, %.0f KiB", pct(lat), meta.size(),
                admin.get(metaPath, "application/dicom+json").body().length() / 1024.0);

        // WADO-RS frames, one per request
        lat = new ArrayList<>();
        int framesOk = 0;
        SeriesData mfSeries = multiframe.series().get(0);
        for (Inst inst : mfSeries.instances()) {
            for (int f = 1; f <= 50; f++) {
                long q = System.nanoTime();
                HttpResponse<byte[]> r = admin.getBytes("/studies/" + multiframe.uid() + "/series/" + mfSeries.uid()
                        + "/instances/" + inst.sopUid() + "/frames/" + f, OCTET_MULTIPART);
                lat.add(System.nanoTime() - q);
                check(r.statusCode() == 200, "frame " + f + " answered " + r.statusCode());
                List<byte[]> parts = DicomWebClient.parts(r);
                check(parts.size() == 1 && Arrays.equals(parts.get(0), expectedFrame(f - 1, size)),
                        "frame " + f + " of " + inst.sopUid() + " differs from the pixels sent");
                framesOk++;
            }
        }
        row("WADO frames (4 x 50 frames, 1 frame/request)", "%s per frame; %d frames byte-identical", pct(lat), framesOk);

        // WADO-RS: all 50 frames of an instance in one request
        Inst mf = mfSeries.instances().get(0);
        String allFrames = String.join(",", java.util.stream.IntStream.rangeClosed(1, 50).mapToObj(Integer::toString)
                .toList());
        lat = timed(10, () -> {
            HttpResponse<byte[]> r = admin.getBytes("/studies/" + multiframe.uid() + "/series/" + mfSeries.uid()
                    + "/instances/" + mf.sopUid() + "/frames/" + allFrames, OCTET_MULTIPART);
            check(r.statusCode() == 200 && DicomWebClient.parts(r).size() == 50, "50 frames answered " + r.statusCode());
            return r.body().length;
        });
        row("WADO frames 1..50 in one request (10 runs)", "%s; %.2f ms/frame (p50)", pct(lat),
                median(lat) / 1e6 / 50);

        StudyData some = data.get(0);
        qido(Map.of(
                "all studies limit=100", new Query("/studies", Map.of("limit", "100")),
                "PatientName=SMITH*", new Query("/studies", Map.of("PatientName", "SMITH*")),
                "StudyDate=20180101-20191231", new Query("/studies", Map.of("StudyDate", "20180101-20191231")),
                "ModalitiesInStudy=CT", new Query("/studies", Map.of("ModalitiesInStudy", "CT")),
                "series of a study", new Query("/studies/" + some.uid() + "/series", Map.of()),
                "instances of a 500-instance series", new Query("/studies/" + big.uid() + "/series/"
                        + big.series().get(0).uid() + "/instances", Map.of())));

        if (!"false".equals(opts.get("representations"))) {
            new Representations(admin, ingest, rnd, this::row, Integer.parseInt(opts.getOrDefault("repr-runs", "30")))
                    .run(metaPath);
        }
    }

    private StudyData study(int seriesCount, int perSeries, int size, int frames, String sopClass) {
        String patientName = SURNAMES[rnd.nextInt(SURNAMES.length)] + "^" + GIVEN[rnd.nextInt(GIVEN.length)];
        String patientId = "BENCH-" + Integer.toHexString(patientName.hashCode());
        String date = LocalDate.of(2015, 1, 1).plusDays(rnd.nextInt(3650)).toString().replace("-", "");
        String modality = MODALITIES[rnd.nextInt(MODALITIES.length)];
        String studyUid = uid();
        List<SeriesData> series = new ArrayList<>();
        for (int se = 1; se <= seriesCount; se++) {
            String seriesUid = uid();
            List<Inst> instances = new ArrayList<>();
            for (int i = 1; i <= perSeries; i++) {
                String sop = uid();
                DicomFixtures.Builder b = DicomFixtures.instance().patient(patientId, patientName)
                        .study(studyUid).series(seriesUid).sop(sop).modality(modality)
                        .studyDate(date, "120000").accession("A" + Integer.toString(Math.abs(studyUid.hashCode())))
                        .seriesNumber(se).instanceNumber(i).size(size, size).frames(frames);
                if (sopClass != null) {
                    b.sopClass(sopClass);
                }
                byte[] bytes = b.bytes();
                instances.add(new Inst(sop, bytes, sha256(bytes)));
            }
            series.add(new SeriesData(seriesUid, instances));
        }
        return new StudyData(studyUid, patientName, date, modality, series);
    }

    private void stowPhase(String label, List<SeriesData> requests, int clients) throws Exception {
        long bytes = requests.stream().flatMap(s -> s.instances().stream()).mapToLong(i -> i.bytes().length).sum();
        int count = requests.stream().mapToInt(s -> s.instances().size()).sum();
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        long t = System.nanoTime();
        List<Future<?>> futures = new ArrayList<>();
        for (SeriesData s : requests) {
            futures.add(pool.submit(() -> {
                HttpResponse<String> r = ingest.store(s.instances().stream().map(Inst::bytes).toList());
                check(r.statusCode() == 200, "STOW answered " + r.statusCode() + ": " + abbreviate(r.body()));
                return null;
            }));
        }
        for (Future<?> f : futures) {
            f.get();
        }
        double sec = (System.nanoTime() - t) / 1e9;
        pool.shutdown();
        row(label, "%.0f instances/s, %.1f MiB/s (%d instances, %.1f MiB in %.1f s)", count / sec, mib(bytes) / sec,
                count, mib(bytes), sec);
    }

    private static int verify(List<byte[]> parts, List<Inst> expected, String what) {
        Map<String, Integer> want = new HashMap<>();
        expected.forEach(i -> want.merge(i.sha256(), 1, Integer::sum));
        for (byte[] part : parts) {
            String sha = sha256(part);
            check(want.merge(sha, -1, Integer::sum) >= 0, what + ": a returned instance differs from every one sent");
        }
        check(parts.size() == expected.size(), what + ": " + parts.size() + " instances returned, "
                + expected.size() + " sent");
        return parts.size();
    }

    /** The native little-endian pixels DicomFixtures writes for one frame. */
    private static byte[] expectedFrame(int frame, int size) {
        byte[] out = new byte[size * size * 2];
        int k = 0;
        for (int r = 0; r < size; r++) {
            for (int c = 0; c < size; c++) {
                int v = DicomFixtures.Builder.pixel(frame, r, c);
                out[k++] = (byte) v;
                out[k++] = (byte) (v >> 8);
            }
        }
        return out;
    }

    // ---- QIDO ------------------------------------------------------------------------------------

    record Query(String path, Map<String, String> params) {
    }

    private void qido(Map<String, Query> queries) {
        List<String> order = List.of("all studies limit=100", "PatientName=SMITH*", "StudyDate=20180101-20191231",
                "ModalitiesInStudy=CT");
        List<String> names = new ArrayList<>(order.stream().filter(queries::containsKey).toList());
        queries.keySet().stream().filter(k -> !order.contains(k)).sorted().forEach(names::add);
        for (String name : names) {
            Query q = queries.get(name);
            int[] results = new int[1];
            for (int w = 0; w < 3; w++) {
                admin.search(q.path(), q.params());
            }
            List<Long> lat = timed(QIDO_RUNS, () -> {
                results[0] = admin.search(q.path(), q.params()).size();
                return results[0];
            });
            row("QIDO " + name + " (" + QIDO_RUNS + " runs)", "%s; %d results", pct(lat), results[0]);
        }
    }

    /**
     * The same searches as admin and as two clinicians whose reach is a consent rule, runs interleaved
     * (admin, dr.house, dr.cuddy, admin, ...) so load from elsewhere hits all three alike. With
     * {@code --explain true}, also the plan and SQL time of each search as each caller.
     */
    private void qidoAsCallers(Map<String, Query> queries) throws Exception {
        int runs = Integer.parseInt(opts.getOrDefault("runs", "30"));
        List<String> users = List.of("admin", "dr.house", "dr.cuddy");
        List<DicomWebClient> clients = List.of(admin, new DicomWebClient(dicomweb,
                DicomWebClient.Tokens.password(issuer, "dr.house", "demo")), new DicomWebClient(dicomweb,
                DicomWebClient.Tokens.password(issuer, "dr.cuddy", "demo")));
        String load0 = Files.readString(Path.of("/proc/loadavg")).trim();
        List<String[]> lines = new ArrayList<>();
        for (Map.Entry<String, Query> e : queries.entrySet()) {
            Query q = e.getValue();
            int[] results = new int[users.size()];
            List<List<Long>> lat = new ArrayList<>();
            for (int u = 0; u < users.size(); u++) {
                lat.add(new ArrayList<>());
                for (int w = 0; w < 3; w++) {
                    results[u] = clients.get(u).search(q.path(), q.params()).size();
                }
            }
            for (int r = 0; r < runs; r++) {
                for (int u = 0; u < users.size(); u++) {
                    DicomWebClient client = clients.get(u);
                    int k = u;
                    lat.get(u).addAll(timed(1, () -> results[k] = client.search(q.path(), q.params()).size()));
                }
            }
            double admin50 = median(lat.get(0));
            double admin95 = at(lat.get(0).stream().sorted().toList(), 0.95);
            String[] line = new String[1 + users.size() * 2];
            line[0] = e.getKey();
            for (int u = 0; u < users.size(); u++) {
                List<Long> sorted = lat.get(u).stream().sorted().toList();
                double p50 = at(sorted, 0.5);
                double p95 = at(sorted, 0.95);
                line[1 + 2 * u] = String.format(Locale.ROOT, "%.1f / %.1f ms (%d)", p50 / 1e6, p95 / 1e6, results[u]);
                line[2 + 2 * u] = u == 0 ? "" : String.format(Locale.ROOT, "x%.1f / x%.1f", p50 / admin50, p95 / admin95);
            }
            lines.add(line);
            System.out.printf("  %-36s %s%n", "QIDO " + e.getKey(), String.join(" | ", Arrays.asList(line).subList(1,
                    line.length)));
        }
        String load1 = Files.readString(Path.of("/proc/loadavg")).trim();
        System.out.printf("%nQIDO as admin and as clinicians, %d interleaved runs each, p50 / p95 (results);"
                + " ratio = clinician / admin. loadavg before: %s, after: %s%n%n", runs, load0, load1);
        System.out.println("| query | admin | dr.house | house/admin | dr.cuddy | cuddy/admin |");
        System.out.println("|---|---|---|---|---|---|");
        for (String[] l : lines) {
            System.out.println("| " + l[0] + " | " + l[1] + " | " + l[3] + " | " + l[4] + " | " + l[5] + " | " + l[6]
                    + " |");
        }
        if (Boolean.parseBoolean(opts.getOrDefault("explain", "false"))) {
            List<String> summary = new ArrayList<>();
            try (Connection c = jdbc()) {
                for (Map.Entry<String, Query> e : queries.entrySet()) {
                    StringBuilder times = new StringBuilder("| " + e.getKey());
                    for (String user : users) {
                        var caller = user.equals("admin")
                                ? io.dicomgate.qido.QidoExplain.user(user, io.dicomgate.access.Roles.IMAGING_ADMIN)
                                : io.dicomgate.qido.QidoExplain.clinician(user);
                        String plan = io.dicomgate.qido.QidoExplain.explain(c, caller, e.getValue().path(),
                                e.getValue().params());
                        System.out.printf("%n---- EXPLAIN %s as %s%n%s", e.getKey(), user, plan);
                        times.append(" | ").append(plan.lines().filter(l -> l.startsWith("Execution Time"))
                                .map(l -> l.replace("Execution Time: ", "")).findFirst().orElse("?"));
                    }
                    summary.add(times.append(" |").toString());
                }
            }
            System.out.println("\nSQL execution time, EXPLAIN ANALYZE (one run, after the timed runs)\n");
            System.out.println("| query | admin | dr.house | dr.cuddy |");
            System.out.println("|---|---|---|---|");
            summary.forEach(System.out::println);
        }
    }

    // ---- index scale -----------------------------------------------------------------------------

    private void indexScale(int instances) throws Exception {
        int series = Math.max(1, instances / 10);
        int studies = Math.max(1, series / 2);
        int patients = Math.min(studies, Integer.parseInt(opts.getOrDefault("patients",
                Integer.toString(Math.max(1, studies / 10)))));
        String surnames = "ARRAY['" + String.join("','", SURNAMES) + "']";
        String given = "ARRAY['" + String.join("','", GIVEN) + "']";
        String mods = "ARRAY['" + String.join("','", MODALITIES) + "']";
        String root = "1.2.826.0.1.3680043.10.1234";
        // setseed makes random() repeatable; every value otherwise derives from the row number.
        String[] sql = {
            "SELECT setseed(" + (Long.parseLong(opts.getOrDefault("seed", "42")) % 1000) / 1000.0 + ")",
            """
            INSERT INTO patient (patient_id, issuer) SELECT 'IDX-' || g, '' FROM generate_series(1, %d) g
            """.formatted(patients),
            // The Patient module is stored per study (as each study was sent): the same for all of a patient's here.
            """
            INSERT INTO study (patient_fk, study_uid, study_date, study_time, accession_number, study_id,
                               study_description, referring_physician_name, referring_physician_name_norm,
                               modalities_in_study, num_series, num_instances, attrs_json,
                               patient_name, patient_name_norm, patient_birth_date, patient_sex, patient_attrs_json)
            SELECT p.pk, u, d, '101500', 'ACC' || g, 'S' || g, m || ' STUDY', 'HOUSE^GREGORY', 'HOUSE^GREGORY',
                   ARRAY[m], 2, 10,
                   '"00080020":{"vr":"DA","Value":["' || d || '"]},"00080030":{"vr":"TM","Value":["101500"]},'
                   || '"00080050":{"vr":"SH","Value":["ACC' || g || '"]},"00080090":{"vr":"PN","Value":[{"Alphabetic":"HOUSE^GREGORY"}]},'
                   || '"00081030":{"vr":"LO","Value":["' || m || ' STUDY"]},"0020000D":{"vr":"UI","Value":["' || u || '"]},'
                   || '"00200010":{"vr":"SH","Value":["S' || g || '"]}',
                   n, n, b, s,
                   '"00100010":{"vr":"PN","Value":[{"Alphabetic":"' || n || '"}]},"00100020":{"vr":"LO","Value":["IDX-'
                   || pn || '"]},"00100030":{"vr":"DA","Value":["' || b || '"]},"00100040":{"vr":"CS","Value":["' || s || '"]}'
            FROM (SELECT g, pn, '%1$s.1.' || g AS u,
                         to_char(DATE '2010-01-01' + ((g::bigint * 104729) %% 5475)::int, 'YYYYMMDD') AS d,
                         (%2$s)[1 + floor(random() * 5)::int] AS m,
                         (%5$s)[1 + pn %% 10] || '^' || (%6$s)[1 + (pn / 10) %% 10] AS n,
                         to_char(DATE '1930-01-01' + ((pn::bigint * 7919) %% 30000)::int, 'YYYYMMDD') AS b,
                         CASE WHEN pn %% 2 = 0 THEN 'F' ELSE 'M' END AS s
                  FROM (SELECT g, 1 + (g - 1) %% %4$d AS pn FROM generate_series(1, %3$d) g) gg) x
            JOIN patient p ON p.patient_id = 'IDX-' || pn
            """.formatted(root, mods, studies, patients, surnames, given),
            """
            INSERT INTO series (study_fk, series_uid, modality, series_number, series_description, num_instances, attrs_json)
            SELECT st.pk, u, st.modalities_in_study[1], k, 'SERIES ' || k, 10,
                   '"00080060":{"vr":"CS","Value":["' || st.modalities_in_study[1] || '"]},'
                   || '"0008103E":{"vr":"LO","Value":["SERIES ' || k || '"]},"0020000E":{"vr":"UI","Value":["' || u || '"]},'
                   || '"00200011":{"vr":"IS","Value":[' || k || ']}'
            FROM (SELECT g, 1 + (g - 1) %% 2 AS k, '%1$s.2.' || g AS u, '%1$s.1.' || (1 + (g - 1) / 2) AS study_uid
                  FROM generate_series(1, %2$d) g) x
            JOIN study st ON st.study_uid = x.study_uid
            """.formatted(root, studies * 2),
            """
            INSERT INTO instance (series_fk, sop_instance_uid, sop_class_uid, instance_number, pixel_rows, pixel_columns,
                                  bits_allocated, samples_per_pixel, number_of_frames, transfer_syntax_uid, size_bytes,
                                  sha256, blob_key, pixel_vr, pixel_offset, pixel_length, metadata_json, attrs_json)
            SELECT se.pk, u, '1.2.840.10008.5.1.4.1.1.7', k, 512, 512, 16, 1, NULL, '1.2.840.10008.1.2.1', 524800,
                   md5(u) || md5(u), 'synthetic/' || u, 'OW', 400, 524288,
                   se.attrs_json || ',"00080016":{"vr":"UI","Value":["1.2.840.10008.5.1.4.1.1.7"]},'
                   || '"00080018":{"vr":"UI","Value":["' || u || '"]},"00200013":{"vr":"IS","Value":[' || k || ']},'
                   || '"00280010":{"vr":"US","Value":[512]},"00280011":{"vr":"US","Value":[512]},'
                   || '"7FE00010":{"vr":"OW","BulkDataURI":"{+SERVICE}/studies/x/series/' || se.series_uid
                   || '/instances/' || u || '/bulkdata/7FE00010"}',
                   '"00080016":{"vr":"UI","Value":["1.2.840.10008.5.1.4.1.1.7"]},"00080018":{"vr":"UI","Value":["' || u
                   || '"]},"00200013":{"vr":"IS","Value":[' || k || ']},"00280010":{"vr":"US","Value":[512]},'
                   || '"00280011":{"vr":"US","Value":[512]}'
            FROM (SELECT g, 1 + (g - 1) %% 10 AS k, '%1$s.3.' || g AS u, '%1$s.2.' || (1 + (g - 1) / 10) AS series_uid
                  FROM generate_series(1, %2$d) g) x
            JOIN series se ON se.series_uid = x.series_uid
            """.formatted(root, series * 10),
            "ANALYZE"};
        String[] labels = {"seed", "patients", "studies", "series", "instances", "ANALYZE"};
        int consents = Integer.parseInt(opts.getOrDefault("consents", "5000"));
        try (Connection c = jdbc(); Statement s = c.createStatement()) {
            long total = System.nanoTime();
            for (int i = 0; i < sql.length - 1; i++) {
                long t = System.nanoTime();
                s.execute(sql[i]);
                if (i > 0) {
                    System.out.printf("  %-10s %.1f s%n", labels[i], (System.nanoTime() - t) / 1e9);
                }
            }
            if (consents > 0) {
                long t = System.nanoTime();
                for (String stmt : consentSql(patients, consents)) {
                    s.execute(stmt);
                }
                System.out.printf("  %-10s %.1f s%n", "consents", (System.nanoTime() - t) / 1e9);
            }
            long t = System.nanoTime();
            s.execute("ANALYZE");
            System.out.printf("  %-10s %.1f s%n", "ANALYZE", (System.nanoTime() - t) / 1e9);
            var rs = s.executeQuery("SELECT (SELECT count(*) FROM patient), (SELECT count(*) FROM study),"
                    + " (SELECT count(*) FROM series), (SELECT count(*) FROM instance),"
                    + " pg_size_pretty(pg_database_size(current_database()))");
            rs.next();
            row("index rows (bulk insert " + String.format(Locale.ROOT, "%.0f s", (System.nanoTime() - total) / 1e9)
                    + ")", "%d patients, %d studies, %d series, %d instances; database %s", rs.getLong(1),
                    rs.getLong(2), rs.getLong(3), rs.getLong(4), rs.getString(5));
            if (consents > 0) {
                rs = s.executeQuery("SELECT count(*), count(*) FILTER (WHERE grantee = 'dr.house'),"
                        + " count(*) FILTER (WHERE grantee = 'dr.cuddy'), count(*) FILTER (WHERE status = 'revoked'),"
                        + " count(*) FILTER (WHERE period_end < now()), count(*) FILTER (WHERE decision = 'deny'),"
                        + " count(*) FILTER (WHERE NOT all_studies), (SELECT count(*) FROM consent_study),"
                        + " (SELECT count(*) FROM break_glass) FROM consent");
                rs.next();
                row("consent rows", "%d (dr.house %d, dr.cuddy %d; %d revoked, %d expired, %d deny, %d listing"
                        + " %d studies); %d break-glass grants", rs.getLong(1), rs.getLong(2), rs.getLong(3),
                        rs.getLong(4), rs.getLong(5), rs.getLong(6), rs.getLong(7), rs.getLong(8), rs.getLong(9));
            }
        }
        if (consents == 0) {
            int midStudy = studies / 2;
            int midSeries = midStudy * 2;
            qido(Map.of(
                    "all studies limit=100", new Query("/studies", Map.of("limit", "100")),
                    "PatientName=SMITH*", new Query("/studies", Map.of("PatientName", "SMITH*")),
                    "StudyDate=20180101-20191231", new Query("/studies", Map.of("StudyDate", "20180101-20191231")),
                    "ModalitiesInStudy=CT", new Query("/studies", Map.of("ModalitiesInStudy", "CT")),
                    "series of a study", new Query("/studies/" + root + ".1." + midStudy + "/series", Map.of()),
                    "instances of a series", new Query("/studies/" + root + ".1." + midStudy + "/series/" + root + ".2."
                            + midSeries + "/instances", Map.of())));
            return;
        }
        // One patient every caller may read in full, so the study/series/instance queries compare like with like.
        String patientId;
        String studyUid;
        String seriesUid;
        try (Connection c = jdbc(); Statement s = c.createStatement()) {
            var rs = s.executeQuery("""
                    SELECT p.patient_id, st.study_uid, se.series_uid FROM patient p
                    JOIN study st ON st.patient_fk = p.pk JOIN series se ON se.study_fk = st.pk
                    WHERE (SELECT count(DISTINCT c.grantee) FROM consent c WHERE c.patient_id = p.patient_id
                           AND c.issuer = p.issuer AND c.grantee IN ('dr.house', 'dr.cuddy') AND c.decision = 'permit'
                           AND c.all_studies AND c.status = 'active' AND c.period_end IS NULL) = 2
                      AND NOT EXISTS (SELECT 1 FROM consent c WHERE c.patient_id = p.patient_id
                           AND c.decision = 'deny' AND c.grantee IN ('dr.house', 'dr.cuddy'))
                    ORDER BY p.pk, st.pk, se.pk LIMIT 1""");
            check(rs.next(), "no patient that both dr.house and dr.cuddy may read");
            patientId = rs.getString(1);
            studyUid = rs.getString(2);
            seriesUid = rs.getString(3);
        }
        Map<String, Query> queries = new LinkedHashMap<>();
        queries.put("all studies limit=100", new Query("/studies", Map.of("limit", "100")));
        queries.put("PatientName=SMITH*", new Query("/studies", Map.of("PatientName", "SMITH*")));
        queries.put("StudyDate=20180101-20191231", new Query("/studies", Map.of("StudyDate", "20180101-20191231")));
        queries.put("ModalitiesInStudy=CT", new Query("/studies", Map.of("ModalitiesInStudy", "CT")));
        queries.put("PatientID=" + patientId, new Query("/studies", Map.of("PatientID", patientId)));
        queries.put("series of a study", new Query("/studies/" + studyUid + "/series", Map.of()));
        queries.put("instances of a series", new Query("/studies/" + studyUid + "/series/" + seriesUid + "/instances",
                Map.of()));
        qidoAsCallers(queries);
    }

    /**
     * Consents in the shape a hospital accumulates them: dr.house is permitted about 10% of the
     * patients, dr.cuddy about 1% (a subset of dr.house's, so some patients are readable by both); a
     * quarter (dr.cuddy: half) of those permits list studies instead of all; about 1 in 7 is revoked,
     * 1 in 9 expired, some patients deny; revoked history rows; the rest of the {@code consents} rows
     * go to 40 other clinicians and an integration client. Patients are picked by a hash of their
     * number, not by {@code g % n}, which would line up with the names (also {@code g % 10}).
     */
    private static List<String> consentSql(int patients, int consents) {
        String insert = "INSERT INTO consent (id, patient_id, issuer, grantee_type, grantee, decision, all_studies,"
                + " period_start, period_end, status, created_by, revoked_by, revoked_at) ";
        String house = pick("house", 100) + " < 10";
        String cuddy = house + " AND " + pick("cuddy", 10) + " = 0";
        return List.of(
                insert + permits("dr.house", house, pick("house-listed", 4) + " = 0", patients),
                insert + permits("dr.cuddy", cuddy, pick("cuddy-listed", 2) + " = 0", patients),
                insert + denies("dr.house", house + " AND " + pick("house-deny", 13) + " = 0", patients),
                insert + denies("dr.cuddy", cuddy + " AND " + pick("cuddy-deny", 5) + " = 0", patients),
                // history: an old, revoked permit for patients dr.house no longer sees
                insert + """
                        SELECT md5('dr.house-old-' || g)::uuid, 'IDX-' || g, '', 'user', 'dr.house', 'permit', true,
                               now() - interval '5 years', NULL, 'revoked', 'consent.admin', 'consent.admin',
                               now() - interval '3 years'
                        FROM generate_series(1, %d) g WHERE %s BETWEEN 10 AND 14
                        """.formatted(patients, pick("house", 100)),
                // the rest: other clinicians (every 9th revoked) and every 10th for an integration client
                insert + """
                        SELECT md5('other-' || n)::uuid, 'IDX-' || (1 + (n::bigint * 7919) %% %1$d), '',
                               CASE WHEN n %% 10 = 0 THEN 'client' ELSE 'user' END,
                               CASE WHEN n %% 10 = 0 THEN 'ehr-integration' ELSE 'dr.staff-' || (n %% 40) END,
                               'permit', true, now() - interval '1 year', NULL,
                               CASE WHEN n %% 9 = 0 THEN 'revoked' ELSE 'active' END, 'consent.admin', NULL, NULL
                        FROM generate_series(1, greatest(0, %2$d - (SELECT count(*) FROM consent))::int) n
                        """.formatted(patients, consents),
                """
                        INSERT INTO consent_study (consent_fk, study_uid)
                        SELECT c.pk, st.study_uid FROM consent c
                        JOIN patient p ON p.patient_id = c.patient_id AND p.issuer = c.issuer
                        JOIN study st ON st.patient_fk = p.pk
                        WHERE NOT c.all_studies AND st.pk % 2 = 0
                        """,
                // break-the-glass: a few open grants for dr.house, many expired ones
                """
                        INSERT INTO break_glass (id, subject, username, client_id, patient_id, issuer, reason,
                                                 created_at, expires_at)
                        SELECT md5('bg-' || g)::uuid, 'dr.house', 'dr.house', 'dicomgate-viewer', 'IDX-' || g, '',
                               'benchmark', now() - interval '1 hour' * g,
                               now() - interval '1 hour' * g + interval '4 hours'
                        FROM generate_series(1, least(%d, 200)) g
                        """.formatted(patients));
    }

    /** A repeatable pseudo-random bucket of patient number g in [0, mod). */
    private static String pick(String salt, int mod) {
        return "abs(hashtext('" + salt + "-' || g)) % " + mod;
    }

    private static String permits(String grantee, String who, String listed, int patients) {
        String revoked = pick(grantee + "-revoked", 7) + " = 0";
        return "SELECT md5('" + grantee + "-permit-' || g)::uuid, 'IDX-' || g, '', 'user', '" + grantee + "', 'permit',"
                + " NOT (" + listed + "), now() - interval '2 years',"
                + " CASE WHEN " + pick(grantee + "-expired", 9) + " = 0 THEN now() - interval '1 day' END,"
                + " CASE WHEN " + revoked + " THEN 'revoked' ELSE 'active' END, 'consent.admin',"
                + " CASE WHEN " + revoked + " THEN 'consent.admin' END,"
                + " CASE WHEN " + revoked + " THEN now() - interval '1 month' END"
                + " FROM generate_series(1, " + patients + ") g WHERE " + who;
    }

    private static String denies(String grantee, String who, int patients) {
        return "SELECT md5('" + grantee + "-deny-' || g)::uuid, 'IDX-' || g, '', 'user', '" + grantee + "', 'deny', true,"
                + " now() - interval '1 year', NULL, 'active', 'consent.admin', NULL, NULL"
                + " FROM generate_series(1, " + patients + ") g WHERE " + who;
    }

    private Connection jdbc() throws java.sql.SQLException {
        return opts.containsKey("jdbc-url")
                ? java.sql.DriverManager.getConnection(opts.get("jdbc-url"), "postgres", "postgres")
                : stack.connection();
    }

    // ---- big STOW against a small heap ----------------------------------------------------------

    private void bigStow(double gib) throws Exception {
        int count = Math.max(1, (int) Math.round(gib * 8));
        int size = 512;
        int frames = 256;   // 512 x 512 x 2 bytes x 256 frames = 128 MiB of pixel data per instance
        Path dir = Files.createDirectories((stack != null ? stack.dataDir() : Path.of(".dicomgate-bench"))
                .resolve("big-stow"));
        String studyUid = uid();
        String seriesUid = uid();
        List<Path> files = new ArrayList<>();
        Map<String, String> shaBySop = new LinkedHashMap<>();
        long t = System.nanoTime();
        for (int i = 1; i <= count; i++) {
            String sop = uid();
            AttributeList list = DicomFixtures.instance().patient("BENCH-BIG", "BIG^STOW").study(studyUid)
                    .series(seriesUid).sop(sop).sopClass(MF_GRAYSCALE_WORD_SC).instanceNumber(i)
                    .size(size, size).frames(frames).attributes();
            FileMetaInformation.addFileMetaInformation(list, DicomFixtures.EXPLICIT_LE, "DICOMGATE");
            Path file = dir.resolve(i + ".dcm");
            MessageDigest digest = sha();
            try (OutputStream out = new DigestOutputStream(new java.io.BufferedOutputStream(
                    Files.newOutputStream(file), 1 << 20), digest)) {
                list.write(out, DicomFixtures.EXPLICIT_LE, true, true);
            }
            files.add(file);
            shaBySop.put(sop, HexFormat.of().formatHex(digest.digest()));
        }
        long total = 0;
        for (Path f : files) {
            total += Files.size(f);
        }
        System.out.printf("generated %d x %.1f MiB multi-frame instances (%.2f GiB) in %.1f s%n", count,
                mib(Files.size(files.get(0))), total / (1024.0 * 1024 * 1024), (System.nanoTime() - t) / 1e9);
        if (stack != null) {
            row("server RSS before big STOW", "%s", procStatus(stack.appPid()));
        }
        t = System.nanoTime();
        HttpResponse<String> r = ingest.storeFiles(files);
        double sec = (System.nanoTime() - t) / 1e9;
        check(r.statusCode() == 200, "big STOW answered " + r.statusCode() + ": " + abbreviate(r.body()));
        row("STOW one request of " + count + " x 128 MiB" + (stack != null ? " (server -Xmx256m)" : ""),
                "HTTP %d in %.1f s, %.1f MiB/s, %.2f GiB", r.statusCode(), sec, mib(total) / sec,
                total / (1024.0 * 1024 * 1024));
        if (stack != null) {
            row("server RSS after big STOW", "%s", procStatus(stack.appPid()));
        }
        JsonNode found = admin.search("/studies/" + studyUid + "/series/" + seriesUid + "/instances", Map.of());
        check(found.size() == count, "QIDO finds " + found.size() + " of " + count + " instances");
        String firstSop = shaBySop.keySet().iterator().next();
        t = System.nanoTime();
        HttpResponse<byte[]> back = admin.getBytes("/studies/" + studyUid + "/series/" + seriesUid + "/instances/"
                + firstSop, DICOM_MULTIPART);
        sec = (System.nanoTime() - t) / 1e9;
        check(back.statusCode() == 200, "retrieve answered " + back.statusCode());
        List<byte[]> parts = DicomWebClient.parts(back);
        check(parts.size() == 1 && sha256(parts.get(0)).equals(shaBySop.get(firstSop)),
                "the 128 MiB instance came back different");
        row("WADO one 128 MiB instance back", "%.1f MiB/s, SHA-256 identical; QIDO lists %d/%d", mib(back.body().length)
                / sec, found.size(), count);
        deleteTree(dir);
    }

    // ---- helpers ---------------------------------------------------------------------------------

    private void memory() {
        if (stack == null) {
            return;
        }
        row("dicomgate process (pid " + stack.appPid() + ")", "%s", procStatus(stack.appPid()));
        try {
            Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
                    Long.toString(stack.appPid()), "GC.heap_info").redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes());
            p.waitFor();
            out.lines().filter(l -> l.contains("total") && l.contains("used")).findFirst()
                    .ifPresent(l -> row("dicomgate heap (jcmd GC.heap_info)", "%s", l.trim()));
        } catch (IOException | InterruptedException e) {
            row("dicomgate heap", "jcmd failed: %s", e.getMessage());
        }
    }

    static String procStatus(long pid) {
        try {
            Map<String, String> status = new HashMap<>();
            for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
                String[] kv = line.split(":\\s+", 2);
                if (kv.length == 2) {
                    status.put(kv[0], kv[1]);
                }
            }
            return "peak RSS (VmHWM) " + mibOf(status.get("VmHWM")) + ", RSS now " + mibOf(status.get("VmRSS"));
        } catch (IOException e) {
            return "cannot read /proc/" + pid + "/status";
        }
    }

    private static String mibOf(String kb) {
        return kb == null ? "?" : String.format(Locale.ROOT, "%.0f MiB", Long.parseLong(kb.replace(" kB", "").trim())
                / 1024.0);
    }

    private interface Call {
        Object call() throws Exception;
    }

    private static List<Long> timed(int runs, Call call) {
        List<Long> lat = new ArrayList<>();
        for (int i = 0; i < runs; i++) {
            long t = System.nanoTime();
            try {
                call.call();
            } catch (RuntimeException e) {
                throw e;
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
            lat.add(System.nanoTime() - t);
        }
        return lat;
    }

    private static String pct(List<Long> nanos) {
        List<Long> s = nanos.stream().sorted().toList();
        return String.format(Locale.ROOT, "p50 %.1f ms, p95 %.1f ms, max %.1f ms", at(s, 0.50) / 1e6,
                at(s, 0.95) / 1e6, s.get(s.size() - 1) / 1e6);
    }

    private static double median(List<Long> nanos) {
        return at(nanos.stream().sorted().toList(), 0.5);
    }

    private static long at(List<Long> sorted, double p) {
        return sorted.get(Math.max(0, (int) Math.ceil(p * sorted.size()) - 1));
    }

    private void row(String what, String format, Object... args) {
        String value = String.format(Locale.ROOT, format, args);
        table.add(new String[] {what, value});
        System.out.printf("  %-52s %s%n", what, value);
    }

    private void printTable() {
        int w = table.stream().mapToInt(r -> r[0].length()).max().orElse(10);
        System.out.println("\n| " + pad("measurement", w) + " | result |");
        System.out.println("|" + "-".repeat(w + 2) + "|--------|");
        table.forEach(r -> System.out.println("| " + pad(r[0], w) + " | " + r[1] + " |"));
    }

    private static String pad(String s, int w) {
        return s + " ".repeat(Math.max(0, w - s.length()));
    }

    private String uid() {
        return "2.25." + new BigInteger(120, rnd).add(BigInteger.ONE);
    }

    private static MessageDigest sha() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static String sha256(byte[] bytes) {
        return HexFormat.of().formatHex(sha().digest(bytes));
    }

    private static double mib(long bytes) {
        return bytes / (1024.0 * 1024.0);
    }

    static void check(boolean ok, String message) {
        if (!ok) {
            throw new IllegalStateException(message);
        }
    }

    private static String abbreviate(String s) {
        return s == null ? "" : s.length() > 400 ? s.substring(0, 400) + "..." : s;
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }
}
