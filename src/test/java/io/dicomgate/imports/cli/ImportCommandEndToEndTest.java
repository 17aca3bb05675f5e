package io.dicomgate.imports.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import io.dicomgate.testsupport.Api;
import io.dicomgate.testsupport.DicomFixtures;
import io.dicomgate.testsupport.PostgresTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * {@code bin/import}'s client against the real server: a folder is imported (exit 0, the summary
 * counts what was stored), imported again (exit 0, everything skipped), and the token never shows in
 * what the command prints.
 */
@QuarkusTest
@QuarkusTestResource(PostgresTestResource.class)
class ImportCommandEndToEndTest {

    @ConfigProperty(name = "quarkus.http.test-port")
    int port;

    @Test
    void aFolderIsImportedThenSkippedTheSecondTime() throws Exception {
        Path share = Files.createDirectories(Path.of("target/test-imports/cli-" + UUID.randomUUID()));
        DicomFixtures.Builder first = DicomFixtures.instance();
        Files.write(share.resolve("IM1"), first.bytes());
        Files.write(share.resolve("IM2"), DicomFixtures.instance().inSeriesOf(first).bytes());
        Files.write(share.resolve("IM3"), DicomFixtures.instance().inSeriesOf(first).bytes());

        Output once = run(share);
        assertEquals(0, once.exit(), once.text());
        assertTrue(once.text().contains("3"), once.text());
        Api.as(Api.ADMIN).get("/dicomweb/studies/" + first.studyUid() + "/series/" + first.seriesUid() + "/instances")
                .then().statusCode(200).body("size()", org.hamcrest.Matchers.equalTo(3));

        Output twice = run(share);
        assertEquals(0, twice.exit(), twice.text());
        assertTrue(twice.text().toLowerCase().contains("skipped"), twice.text());
        assertFalse(once.text().contains(Api.ADMIN) || twice.text().contains(Api.ADMIN), "no token in the output");
    }

    private record Output(int exit, String text) {
    }

    private Output run(Path folder) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrintStream stream = new PrintStream(out, true, StandardCharsets.UTF_8);
        ImportCommand.Io io = new ImportCommand.Io(stream, stream, false, 0, ImportCommand.Ticker.SYSTEM,
                ImportCommand.Hooks.RUNTIME);
        int exit = ImportCommand.run(List.of("--server", "http://localhost:" + port, folder.toAbsolutePath().toString()),
                Map.of("DICOMGATE_TOKEN", Api.ADMIN), Path.of("."), io);
        return new Output(exit, out.toString(StandardCharsets.UTF_8));
    }
}
