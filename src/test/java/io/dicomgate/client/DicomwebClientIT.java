package io.dicomgate.client;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.net.URL;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.OtherWordAttribute;
import com.pixelmed.dicom.TagFromName;

import io.dicomgate.testsupport.DicomFixtures;
import io.dicomgate.testsupport.PostgresTestResource;
import io.dicomgate.testsupport.TestTokens;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * Drives dicomgate with the npm {@code dicomweb-client} (the DICOMweb library OHIF uses), unmodified,
 * through Node's test runner: {@code src/test/js/dicomweb-client.test.js}. {@code npm ci} runs at
 * build time ({@code generate-test-resources}); this test only writes the fixtures and runs
 * {@code node --test}.
 */
@QuarkusTest
@QuarkusTestResource(PostgresTestResource.class)
class DicomwebClientIT {

    /**
     * Whether the rendered and thumbnail resources are on this branch. While false, the Node tests for
     * them run as TODO (reported, never failing); set to true once {@code io.dicomgate.render} is merged.
     */
    private static final boolean RENDERED_MERGED = true;

    private static final Path JS_DIR = Path.of("src", "test", "js");
    private static final long NODE_TIMEOUT_SECONDS = 300;

    @TestHTTPResource("/dicomweb")
    URL dicomweb;

    @Test
    void dicomwebClientStoresSearchesAndRetrievesOnlyWhatTheTokenMaySee(@TempDir Path dir) throws Exception {
        var ct1 = DicomFixtures.instance().sopClass(DicomFixtures.CT_IMAGE).modality("CT").size(16, 16);
        var ct2 = DicomFixtures.instance().inSeriesOf(ct1).sopClass(DicomFixtures.CT_IMAGE).modality("CT")
                .size(16, 16).instanceNumber(2);
        var mf = DicomFixtures.instance().inStudyOf(ct1).seriesNumber(2).frames(4).size(6, 5);
        var jpeg = DicomFixtures.instance().transferSyntax(DicomFixtures.JPEG_BASELINE).frames(2).size(16, 16);

        List<Map<String, Object>> instances = new ArrayList<>();
        instances.add(write(dir, "ct1", ct1));
        instances.add(write(dir, "ct2", ct2));
        instances.add(write(dir, "mf", mf));
        instances.add(write(dir, "jpeg", jpeg));
        new ObjectMapper().writerWithDefaultPrettyPrinter()
                .writeValue(dir.resolve("manifest.json").toFile(), Map.of("instances", instances));

        Path log = dir.resolve("node.log");
        ProcessBuilder node = new ProcessBuilder("node", "--test", "--test-reporter=spec", "dicomweb-client.test.js")
                .directory(JS_DIR.toFile()).redirectErrorStream(true).redirectOutput(log.toFile());
        Map<String, String> env = node.environment();
        env.put("DICOMWEB_URL", dicomweb.toString());
        env.put("TOKEN", TestTokens.user("admin", "imaging-admin"));
        env.put("TOKEN_NO_CONSENT", TestTokens.user("dr.nobody", "clinician"));
        env.put("DICOM_DIR", dir.toAbsolutePath().toString());
        env.put("EXPECT_RENDERED", RENDERED_MERGED ? "1" : "0");
        env.put("NO_COLOR", "1");
        Process process = node.start();
        boolean finished = process.waitFor(NODE_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        if (!finished) {
            process.destroyForcibly();
        }
        String output = Files.readString(log, StandardCharsets.UTF_8);
        System.out.println("---- node --test (dicomweb-client) ----\n" + output);
        assertEquals(true, finished, "node --test did not finish in " + NODE_TIMEOUT_SECONDS + " s:\n" + output);
        assertEquals(0, process.exitValue(), "node --test failed:\n" + output);
    }

    /** Writes one Part 10 file and returns its manifest entry (UIDs, geometry, expected native frames). */
    private static Map<String, Object> write(Path dir, String name, DicomFixtures.Builder b) throws IOException {
        String file = name + ".dcm";
        Files.write(dir.resolve(file), b.bytes());
        AttributeList attributes = b.attributes();
        int rows = Attribute.getSingleIntegerValueOrDefault(attributes, TagFromName.Rows, 0);
        int columns = Attribute.getSingleIntegerValueOrDefault(attributes, TagFromName.Columns, 0);
        int frames = Attribute.getSingleIntegerValueOrDefault(attributes, TagFromName.NumberOfFrames, 1);
        boolean nativePixels = attributes.get(TagFromName.PixelData) instanceof OtherWordAttribute;
        Map<String, Object> entry = new LinkedHashMap<>();
        entry.put("name", name);
        entry.put("file", file);
        entry.put("patientId", b.patientId());
        entry.put("studyUid", b.studyUid());
        entry.put("seriesUid", b.seriesUid());
        entry.put("sopUid", b.sopUid());
        entry.put("sopClassUid", Attribute.getSingleStringValueOrNull(attributes, TagFromName.SOPClassUID));
        entry.put("rows", rows);
        entry.put("columns", columns);
        entry.put("frames", frames);
        entry.put("pixelAtRow3Column5", DicomFixtures.Builder.pixel(0, 3, 5));
        if (nativePixels) {
            List<String> expected = new ArrayList<>();
            for (int f = 0; f < frames; f++) {
                ByteBuffer frame = ByteBuffer.allocate(rows * columns * 2).order(ByteOrder.LITTLE_ENDIAN);
                for (int r = 0; r < rows; r++) {
                    for (int c = 0; c < columns; c++) {
                        frame.putShort((short) DicomFixtures.Builder.pixel(f, r, c));
                    }
                }
                expected.add(Base64.getEncoder().encodeToString(frame.array()));
            }
            entry.put("nativeFrames", expected);
        }
        return entry;
    }
}
