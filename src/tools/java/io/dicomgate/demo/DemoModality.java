package io.dicomgate.demo;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.dicomgate.testsupport.Certificates;
import io.dicomgate.testsupport.DicomFixtures;

/**
 * The demo's DICOM C-STORE SCP (README "Modalities: DICOM C-STORE over TLS"): a TLS listener on a free
 * loopback port with certificates made by {@code keytool} at each start in a temporary directory —
 * dicomgate's, and one for the modality "DEMO-MODALITY" that dicomgate requires and trusts — the
 * allow-list entry for DEMO-MODALITY from 127.0.0.1, a sample object, and the dcmtk {@code storescu}
 * command that sends it. The key store password travels in the environment, not on the command line.
 */
record DemoModality(Path dir, int port, List<String> jvmArgs, Map<String, String> environment, Path sample) {

    static final String AE_TITLE = "DEMO-MODALITY";
    static final String OUR_AE_TITLE = "DICOMGATE";

    static DemoModality prepare() {
        try {
            Path dir = Files.createTempDirectory("dicomgate-demo-dimse");
            String password = UUID.randomUUID().toString();
            Certificates.KeyPair server = Certificates.generate(dir, "dicomgate", "CN=localhost",
                    "dns:localhost,ip:127.0.0.1", password, false);
            Certificates.KeyPair modality = Certificates.generate(dir, "modality", "CN=" + AE_TITLE, null, password, true);
            Path trust = Certificates.trustStore(dir, "trusted-modalities", password, modality.certificate());
            int port = LocalStack.freePort();
            Path sample = dir.resolve("sample.dcm");
            Files.write(sample, DicomFixtures.instance().patient("PAT-DIMSE-004", "MODALITY^DEMO").modality("CT")
                    .sopClass(DicomFixtures.CT_IMAGE).studyDescription("CT sent over DICOM TLS").size(128, 128).bytes());
            List<String> jvmArgs = List.of("-Ddicomgate.dimse.enabled=true",
                    "-Ddicomgate.dimse.ae-title=" + OUR_AE_TITLE,
                    "-Ddicomgate.dimse.port=" + port,
                    "-Ddicomgate.dimse.tls.key-store=" + server.keyStore(),
                    "-Ddicomgate.dimse.tls.trust-store=" + trust,
                    "-Ddicomgate.dimse.tls.client-auth-required=true",
                    "-Ddicomgate.dimse.allow." + AE_TITLE + ".addresses=127.0.0.1",
                    "-Ddicomgate.dimse.allow." + AE_TITLE + ".identity=modality:demo");
            Map<String, String> env = Map.of("DICOMGATE_DIMSE_TLS_KEY_STORE_PASSWORD", password,
                    "DICOMGATE_DIMSE_TLS_TRUST_STORE_PASSWORD", password);
            return new DemoModality(dir, port, jvmArgs, env, sample);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The dcmtk command that stores the sample through the TLS listener, with the modality's certificate. */
    String storescuCommand() {
        return "storescu +tls " + dir.resolve("modality.key") + " " + dir.resolve("modality.crt") + " -pw +cf "
                + dir.resolve("dicomgate.crt") + " -aet " + AE_TITLE + " -aec " + OUR_AE_TITLE + " 127.0.0.1 " + port
                + " " + sample;
    }
}
