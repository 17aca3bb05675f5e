package io.dicomgate.imports.source;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** DicomWebSource against Debian's Orthanc with its DICOMweb plugin, HTTP basic authentication on. */
class DicomWebSourceTest {

    static OrthancArchive archive;

    @TempDir
    Path staging;

    @BeforeAll
    static void archive() throws Exception {
        archive = OrthancArchive.get();
    }

    @Test
    void listsEveryInstanceAndFetchesTheBytesTheArchiveHolds() throws IOException {
        try (ImportSource source = open(OrthancArchive.USER, OrthancArchive.PASSWORD)) {
            Harvest harvest = Harvest.listed(source, staging);
            assertEquals(Map.of(), harvest.listErrors);
            assertEquals(archive.instances.keySet(), Set.copyOf(harvest.keys()));
            assertEquals(harvest.keys(), Harvest.listed(source, staging).keys(), "a second listing has the same order");
            harvest.fetchAll(source);
            assertEquals(Map.of(), harvest.fetchErrors);
            assertEquals(archive.instances.keySet(), harvest.objects.keySet());
            archive.instances.forEach((key, bytes) -> assertArrayEquals(bytes, harvest.objects.get(key), key));
            assertEquals(0, harvest.leftInStaging());
            assertEquals(archive.server.dicomwebUrl(), source.display());
        }
    }

    @Test
    void walksQidoPagesWhenTheArchiveHasMoreThanOnePage() throws IOException {
        // Pages of 1 study and 1 instance: every study and series is several pages long here.
        try (ImportSource paged = new DicomWebSource(SourceSpec.dicomweb(archive.server.dicomwebUrl(), OrthancArchive.USER,
                OrthancArchive.PASSWORD, null), 1);
                ImportSource whole = open(OrthancArchive.USER, OrthancArchive.PASSWORD)) {
            Harvest harvest = Harvest.listed(paged, staging);
            assertEquals(Map.of(), harvest.listErrors);
            assertEquals(Harvest.listed(whole, staging).keys(), harvest.keys());
        }
    }

    @Test
    void wrongCredentialsAreAClearErrorWithoutThePassword() throws IOException {
        String wrong = "wrong-" + UUID.randomUUID();
        try (ImportSource source = open(OrthancArchive.USER, wrong)) {
            IOException e = assertThrows(IOException.class, () -> Harvest.listed(source, staging));
            assertTrue(e.getMessage().contains("refused the credentials (HTTP 401)"), e.getMessage());
            assertFalse(e.getMessage().contains(wrong) || source.key().contains(wrong) || source.display().contains(wrong));
        }
        try (ImportSource source = open(null, null)) {
            assertThrows(IOException.class, () -> Harvest.listed(source, staging));
        }
    }

    @Test
    void anInstanceGoneSinceListingIsAnErrorOfThatItemOnly() throws IOException {
        try (ImportSource source = open(OrthancArchive.USER, OrthancArchive.PASSWORD)) {
            String first = archive.instances.keySet().iterator().next();
            String[] uids = first.split("/");
            Harvest harvest = new Harvest(staging);
            harvest.fetch(source, new SourceItem(uids[0] + "/" + uids[1] + "/1.2.3.999", -1));
            harvest.fetch(source, new SourceItem(first, -1));
            assertEquals(List.of(uids[0] + "/" + uids[1] + "/1.2.3.999"), List.copyOf(harvest.fetchErrors.keySet()));
            assertTrue(harvest.fetchErrors.values().iterator().next().contains("404"), harvest.fetchErrors.toString());
            assertArrayEquals(archive.instances.get(first), harvest.objects.get(first));
        }
    }

    private static ImportSource open(String user, String password) throws IOException {
        return ImportSources.open(SourceSpec.dicomweb(archive.server.dicomwebUrl(), user, password, null));
    }
}
