package io.dicomgate.imports.source;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

import org.junit.jupiter.api.Assumptions;

import io.dicomgate.testsupport.DicomFixtures;
import io.dicomgate.testsupport.OrthancServer;

/**
 * One Orthanc per test JVM as the archive to import from: HTTP basic authentication on, our calling
 * AE registered for C-FIND/C-GET, and five instances in two studies and three series, in Explicit and
 * Implicit VR Little Endian and JPEG Baseline (so a transcoding archive would show).
 */
final class OrthancArchive {

    static final String USER = "importer";
    static final String PASSWORD = "orthanc-" + UUID.randomUUID();
    static final String CALLING_AE = "DICOMGATE-IMP";

    /** Uploaded bytes by key {@code study/series/instance}. */
    final Map<String, byte[]> instances;
    final OrthancServer server;

    private static OrthancArchive shared;

    private OrthancArchive(OrthancServer server, Map<String, byte[]> instances) {
        this.server = server;
        this.instances = instances;
    }

    /** The shared archive; the test is skipped when Orthanc is not installed and cannot be (not root). */
    static synchronized OrthancArchive get() throws IOException, InterruptedException {
        Assumptions.assumeTrue(OrthancServer.available(),
                "Debian's orthanc and orthanc-dicomweb are not installed and this JVM is not root to install them");
        if (shared == null) {
            Path dir = Files.createTempDirectory(Files.createDirectories(Path.of("target")), "orthanc-imports-");
            OrthancServer server = OrthancServer.start(dir,
                    OrthancServer.Options.open().withUser(USER, PASSWORD).withModality(CALLING_AE, 11112));
            Map<String, byte[]> uploaded = new TreeMap<>();
            DicomFixtures.Builder first = DicomFixtures.instance();
            DicomFixtures.Builder[] all = {
                first,
                DicomFixtures.instance().inSeriesOf(first).instanceNumber(2),
                DicomFixtures.instance().inSeriesOf(first).instanceNumber(3).transferSyntax(DicomFixtures.IMPLICIT_LE),
                DicomFixtures.instance().inStudyOf(first).seriesNumber(2).size(16, 16)
                        .transferSyntax(DicomFixtures.JPEG_BASELINE),
                DicomFixtures.instance().frames(3),
            };
            for (DicomFixtures.Builder b : all) {
                byte[] bytes = b.bytes();
                server.upload(bytes);
                uploaded.put(b.studyUid() + "/" + b.seriesUid() + "/" + b.sopUid(), bytes);
            }
            shared = new OrthancArchive(server, Collections.unmodifiableMap(uploaded));
        }
        return shared;
    }
}
