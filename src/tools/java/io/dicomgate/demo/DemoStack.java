package io.dicomgate.demo;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

import io.dicomgate.testsupport.DicomFixtures;

/**
 * The demo: PostgreSQL, Keycloak and dicomgate on this machine, with a few synthetic studies, all
 * kept under {@code .dicomgate/} between runs. Started by {@code bin/run}; Ctrl-C stops it all.
 *
 * <p>Settings ({@code -D} or environment): {@code dicomgate.demo.http-port}/{@code DICOMGATE_HTTP_PORT}
 * (8080), {@code dicomgate.demo.keycloak-port}/{@code DICOMGATE_KEYCLOAK_PORT} (8180),
 * {@code dicomgate.demo.postgres-port}/{@code DICOMGATE_POSTGRES_PORT} (55432),
 * {@code dicomgate.demo.data-dir} (.dicomgate), {@code keycloak.home}, {@code dicomgate.realm.file}.
 */
public final class DemoStack {

    public static final String INGEST_CLIENT = "dicomgate-ingest";
    /** Demo-only secret, the one in keycloak-realm/dicomgate-realm.json. */
    public static final String INGEST_SECRET = "dicomgate-ingest-demo-secret";
    static final String CT = DicomFixtures.CT_IMAGE;
    static final String MR = "1.2.840.10008.5.1.4.1.1.4";
    static final String CR = "1.2.840.10008.5.1.4.1.1.1";

    private DemoStack() {
    }

    public static void main(String[] args) throws Exception {
        DemoModality modality = DemoModality.prepare();
        LocalStack.Config config = new LocalStack.Config(
                LocalStack.pathSetting("dicomgate.demo.data-dir", ".dicomgate"),
                LocalStack.intSetting("dicomgate.demo.http-port", "DICOMGATE_HTTP_PORT", 8080),
                LocalStack.intSetting("dicomgate.demo.keycloak-port", "DICOMGATE_KEYCLOAK_PORT", 8180),
                LocalStack.intSetting("dicomgate.demo.postgres-port", "DICOMGATE_POSTGRES_PORT", 55432),
                true,
                LocalStack.pathSetting("keycloak.home", "target/keycloak-26.7.3"),
                LocalStack.pathSetting("dicomgate.realm.file", "keycloak-realm/dicomgate-realm.json"),
                LocalStack.pathSetting("dicomgate.demo.app-jar", "target/quarkus-app/quarkus-run.jar"),
                modality.jvmArgs(), modality.environment());
        LocalStack stack;
        try {
            stack = LocalStack.start(config);
        } catch (RuntimeException e) {
            System.err.println("\nThe demo stack did not start: " + e.getMessage());
            System.exit(1);
            return;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.out.println("\n[stack] stopping dicomgate, Keycloak and PostgreSQL...");
            stack.close();
            LocalStack.deleteRecursively(modality.dir());
            System.out.println("[stack] stopped");
            stopped.countDown();
        }, "demo-shutdown"));

        String issuer = stack.keycloak().issuerUrl();
        try {
            loadSampleData(stack.dicomwebUrl(), issuer);
        } catch (RuntimeException e) {
            System.err.println("[demo] loading the sample studies failed: " + e.getMessage());
            System.err.println("[demo] the stack keeps running; see " + config.dataDir().resolve("dicomgate.log"));
        }
        printUsage(stack, issuer, config.dataDir(), modality);
        stopped.await();
    }

    /** Stores the sample studies unless the archive already has studies. */
    public static void loadSampleData(String dicomweb, String issuer) {
        DicomWebClient admin = new DicomWebClient(dicomweb, DicomWebClient.Tokens.password(issuer, "admin", "demo"));
        int existing = admin.search("/studies", Map.of()).size();
        if (existing > 0) {
            System.out.printf("[demo] archive already holds %d studies; no sample data loaded%n", existing);
            return;
        }
        DicomWebClient ingest = new DicomWebClient(dicomweb,
                DicomWebClient.Tokens.clientCredentials(issuer, INGEST_CLIENT, INGEST_SECRET));
        record Sample(String label, List<byte[]> instances) {
        }
        List<Sample> samples = List.of(
                new Sample("alice: CT chest, 20 slices 128x128", series("PAT-ALICE-001", "LIDDELL^ALICE", "19850312", "F",
                        "CT", CT, "20240611", "CT CHEST W/O CONTRAST", "Axial 5mm", 20, 128, 1)),
                new Sample("alice: CR chest PA", series("PAT-ALICE-001", "LIDDELL^ALICE", "19850312", "F",
                        "CR", CR, "20230118", "XR CHEST PA", "PA", 1, 512, 1)),
                new Sample("bob: MR brain, 12 slices 256x256", series("PAT-BOB-002", "BUILDER^BOB", "19720704", "M",
                        "MR", MR, "20240902", "MR BRAIN", "T1 AX", 12, 256, 1)),
                new Sample("unrelated patient: CT abdomen, 10 slices", series("PAT-CAROL-003", "NOBODY^CAROL", "19600101",
                        "F", "CT", CT, "20220405", "CT ABDOMEN", "Portal venous", 10, 128, 1)));
        for (Sample sample : samples) {
            HttpResponse<String> r = ingest.store(sample.instances());
            if (r.statusCode() != 200) {
                throw new IllegalStateException("STOW of " + sample.label() + " answered " + r.statusCode() + ": "
                        + r.body());
            }
            System.out.printf("[demo] stored %-45s %d instance(s)%n", sample.label(), sample.instances().size());
        }
        grantConsent(dicomweb, issuer);
    }

    /** alice lets dr.house see her studies, so the clinician's view differs from dr.cuddy's. */
    private static void grantConsent(String dicomweb, String issuer) {
        String alice = DicomWebClient.Tokens.password(issuer, "alice", "demo").get();
        String api = dicomweb.substring(0, dicomweb.lastIndexOf("/dicomweb")) + "/api/consents";
        try {
            HttpResponse<String> r = java.net.http.HttpClient.newHttpClient().send(
                    java.net.http.HttpRequest.newBuilder(java.net.URI.create(api))
                            .header("Authorization", "Bearer " + alice).header("Content-Type", "application/json")
                            .POST(java.net.http.HttpRequest.BodyPublishers.ofString(
                                    "{\"grantee\":{\"type\":\"user\",\"id\":\"dr.house\"},\"decision\":\"permit\","
                                            + "\"reason\":\"demo: referral to Dr. House\"}"))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 201) {
                throw new IllegalStateException("consent answered " + r.statusCode() + ": " + r.body());
            }
            System.out.println("[demo] alice granted dr.house access to her studies (dr.cuddy has no consent)");
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static List<byte[]> series(String patientId, String name, String birthDate, String sex, String modality,
            String sopClass, String date, String studyDescription, String seriesDescription, int count, int size,
            int frames) {
        String studyUid = DicomFixtures.uid();
        String seriesUid = DicomFixtures.uid();
        List<byte[]> out = new ArrayList<>();
        for (int i = 1; i <= count; i++) {
            DicomFixtures.Builder b = DicomFixtures.instance()
                    .patient(patientId, name).birthDate(birthDate)
                    .study(studyUid).series(seriesUid).sopClass(sopClass).modality(modality)
                    .studyDate(date, "093000").studyDescription(studyDescription)
                    .referringPhysician("HOUSE^GREGORY").seriesNumber(1).instanceNumber(i)
                    .size(size, size).frames(frames);
            out.add(b.bytes());
        }
        return out;
    }

    private static void printUsage(LocalStack stack, String issuer, Path dataDir, DemoModality modality) {
        String api = stack.dicomwebUrl();
        System.out.println("""

                ================================================================================
                 dicomgate demo is running (Ctrl-C stops everything)

                 DICOMweb  %1$s      (QIDO/WADO/STOW, bearer token required)
                 Health    %2$s/q/health/ready
                 Keycloak  %3$s      (realm dicomgate)
                 Data      %4$s   (PostgreSQL, Keycloak DB, storage, *.log)

                 Users (password "demo"): admin, dr.house, dr.cuddy, alice, bob, auditor, consent.admin
                 alice consented to dr.house; dr.cuddy sees nothing; dr.house may break the glass
                 (header X-Break-Glass-Reason); auditor reads /api/audit and /api/break-glass
                 ALL CREDENTIALS HERE ARE DEMO-ONLY. Never reuse them.

                 Get a token and search:
                   TOKEN=$(curl -s %3$s/protocol/openid-connect/token \\
                     -d grant_type=password -d client_id=dicomgate-viewer \\
                     -d username=admin -d password=demo | sed 's/.*"access_token":"\\([^"]*\\)".*/\\1/')
                   curl -H "Authorization: Bearer $TOKEN" %1$s/studies

                 DICOM (C-STORE SCP, TLS, client certificate required) on 127.0.0.1:%5$d as AE DICOMGATE;
                 AE DEMO-MODALITY from 127.0.0.1 may store. Send a sample CT with dcmtk:
                   %6$s
                ================================================================================
                """.formatted(api, stack.appUrl(), issuer, dataDir, modality.port(), modality.storescuCommand()));
    }
}
