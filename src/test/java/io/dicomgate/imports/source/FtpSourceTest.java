package io.dicomgate.imports.source;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import org.apache.ftpserver.FtpServer;
import org.apache.ftpserver.FtpServerFactory;
import org.apache.ftpserver.command.CommandFactoryFactory;
import org.apache.ftpserver.ftplet.DefaultFtpReply;
import org.apache.ftpserver.ftplet.UserManager;
import org.apache.ftpserver.ssl.SslConfigurationFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.dicomgate.testsupport.DicomFixtures;

/**
 * FtpSource against a real FTP server: Apache FtpServer in this JVM on free loopback ports, one
 * listener plain and one with explicit FTPS (AUTH TLS) on a certificate keytool makes at test time.
 */
class FtpSourceTest {

    private static final String USER = "importer";
    private static final String PASSWORD = "ftp-" + UUID.randomUUID();

    @TempDir
    static Path tmp;
    static Path home;
    static Path caPem;
    static FtpServer server;
    static FtpServer listOnlyServer;
    static int plainPort;
    static int listOnlyPort;
    static int tlsPort;
    static int implicitPort;
    static final Map<String, byte[]> FILES = new TreeMap<>();

    @BeforeAll
    static void startServer() throws Exception {
        home = Files.createDirectories(tmp.resolve("home"));
        put("export/PAT1/ST1/IM1", DicomFixtures.instance().bytes());
        put("export/PAT1/ST1/IM2.dcm", DicomFixtures.instance().transferSyntax(DicomFixtures.IMPLICIT_LE).bytes());
        put("export/PAT2/with space é.dcm", DicomFixtures.instance().bytes());
        put("export/notes.txt", "call the clinic".getBytes());
        put("export/.hidden", DicomFixtures.instance().bytes());
        byte[] zipped = DicomFixtures.instance().bytes();
        try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(home.resolve("export/cd.zip")))) {
            zip.putNextEntry(new ZipEntry("DICOM/IM1"));
            zip.write(zipped);
            zip.closeEntry();
        }
        FILES.put("cd.zip!/DICOM/IM1", zipped);

        String storePassword = UUID.randomUUID().toString();
        Path keyStore = tmp.resolve("ftp.p12");
        caPem = tmp.resolve("ftp-ca.pem");
        keytool("-genkeypair", "-alias", "ftp", "-keyalg", "RSA", "-keysize", "2048", "-dname", "CN=localhost", "-ext",
                "SAN=dns:localhost,ip:127.0.0.1", "-validity", "2", "-storetype", "PKCS12", "-keystore", keyStore.toString(),
                "-storepass", storePassword);
        keytool("-exportcert", "-rfc", "-alias", "ftp", "-keystore", keyStore.toString(), "-storepass", storePassword,
                "-file", caPem.toString());

        FtpServerFactory factory = new FtpServerFactory();
        plainPort = FtpTestServer.freePort();
        tlsPort = FtpTestServer.freePort();
        factory.addListener("default", FtpTestServer.listener(plainPort, null, false));
        SslConfigurationFactory ssl = new SslConfigurationFactory();
        ssl.setKeystoreFile(keyStore.toFile());
        ssl.setKeystorePassword(storePassword);
        ssl.setKeystoreType("PKCS12");
        factory.addListener("tls", FtpTestServer.listener(tlsPort, ssl, false));
        implicitPort = FtpTestServer.freePort();
        factory.addListener("implicit", FtpTestServer.listener(implicitPort, ssl, true));
        UserManager users = FtpTestServer.users(USER, PASSWORD, home);
        factory.setUserManager(users);
        server = factory.createServer();
        server.start();

        // A second server that does not announce MLST in FEAT, like many old ones: LIST is used.
        FtpServerFactory old = new FtpServerFactory();
        listOnlyPort = FtpTestServer.freePort();
        old.addListener("default", FtpTestServer.listener(listOnlyPort, null, false));
        old.setUserManager(users);
        CommandFactoryFactory commands = new CommandFactoryFactory();
        commands.addCommand("FEAT", (session, context, request) -> {
            session.resetState();
            session.write(new DefaultFtpReply(211, "Extensions supported\n SIZE\n UTF8\nEnd"));
        });
        old.setCommandFactory(commands.createCommandFactory());
        listOnlyServer = old.createServer();
        listOnlyServer.start();
    }

    @AfterAll
    static void stopServer() {
        if (server != null) {
            server.stop();
        }
        if (listOnlyServer != null) {
            listOnlyServer.stop();
        }
    }

    @Test
    void listsTheTreeInOrderAndFetchesTheDicomBytes() throws IOException {
        try (ImportSource source = open("ftp://127.0.0.1:" + plainPort + "/export", PASSWORD, null, null)) {
            Harvest harvest = Harvest.listed(source, Files.createTempDirectory(tmp, "staging"));
            assertEquals(List.of("PAT1/ST1/IM1", "PAT1/ST1/IM2.dcm", "PAT2/with space é.dcm", "cd.zip", "notes.txt"),
                    harvest.keys());
            assertEquals(Map.of(), harvest.listErrors);
            assertEquals(FILES.get("PAT1/ST1/IM1").length, harvest.items.getFirst().size());
            harvest.fetchAll(source);
            assertEquals(Map.of(), harvest.fetchErrors);
            assertEquals(FILES.keySet(), harvest.objects.keySet());
            FILES.forEach((key, bytes) -> assertArrayEquals(bytes, harvest.objects.get(key), key));
            assertEquals(Map.of("notes.txt", DicomSniffer.NOT_DICOM), harvest.skipped);
            assertEquals(0, harvest.leftInStaging());
            assertEquals("ftp://importer@127.0.0.1:" + plainPort + "/export", source.key());
        }
    }

    @Test
    void aServerWithoutMlsdIsWalkedWithList() throws IOException {
        try (ImportSource source = open("ftp://127.0.0.1:" + listOnlyPort + "/export", PASSWORD, null, null)) {
            Harvest harvest = Harvest.listed(source, Files.createTempDirectory(tmp, "staging"));
            assertEquals(List.of("PAT1/ST1/IM1", "PAT1/ST1/IM2.dcm", "PAT2/with space é.dcm", "cd.zip", "notes.txt"),
                    harvest.keys());
            harvest.fetchAll(source);
            assertEquals(Map.of(), harvest.fetchErrors);
            FILES.forEach((key, bytes) -> assertArrayEquals(bytes, harvest.objects.get(key), key));
        }
    }

    @Test
    void severalWorkersFetchAtOnce() throws Exception {
        try (ImportSource source = open("ftp://127.0.0.1:" + plainPort + "/export/", PASSWORD, null, null)) {
            Harvest harvest = Harvest.listed(source, Files.createTempDirectory(tmp, "staging"));
            ExecutorService workers = Executors.newFixedThreadPool(4);
            try {
                List<Future<?>> done = new ArrayList<>();
                for (int round = 0; round < 3; round++) {
                    Harvest again = new Harvest(Files.createTempDirectory(tmp, "staging"));
                    for (SourceItem item : harvest.items) {
                        done.add(workers.submit(() -> again.fetch(source, item)));
                    }
                    for (Future<?> f : done) {
                        f.get(60, TimeUnit.SECONDS);
                    }
                    assertEquals(Map.of(), again.fetchErrors);
                    assertEquals(FILES.keySet(), again.objects.keySet());
                }
            } finally {
                workers.shutdownNow();
            }
        }
    }

    @Test
    void aWrongPasswordIsAClearErrorWithoutThePassword() throws IOException {
        String wrong = "wrong-" + UUID.randomUUID();
        try (ImportSource source = open("ftp://127.0.0.1:" + plainPort + "/export", wrong, null, null)) {
            IOException e = assertThrows(IOException.class, () -> Harvest.listed(source, tmp));
            assertTrue(e.getMessage().contains("FTP login refused for user importer"), e.getMessage());
            assertFalse(e.getMessage().contains(wrong));
            assertFalse(source.display().contains(wrong) || source.key().contains(wrong));
        }
    }

    @Test
    void aFileDeletedBetweenListingAndFetchIsAnErrorOfThatItemOnly() throws IOException {
        Path dir = Files.createDirectories(home.resolve("vanishing"));
        byte[] kept = DicomFixtures.instance().bytes();
        Files.write(dir.resolve("a.dcm"), DicomFixtures.instance().bytes());
        Files.write(dir.resolve("b.dcm"), kept);
        try (ImportSource source = open("ftp://127.0.0.1:" + plainPort + "/vanishing", PASSWORD, null, null)) {
            Harvest harvest = Harvest.listed(source, Files.createTempDirectory(tmp, "staging"));
            Files.delete(dir.resolve("a.dcm"));
            harvest.fetchAll(source);
            assertEquals(List.of("a.dcm"), List.copyOf(harvest.fetchErrors.keySet()));
            assertTrue(harvest.fetchErrors.get("a.dcm").contains("did not send a.dcm: 550"), harvest.fetchErrors.toString());
            assertArrayEquals(kept, harvest.objects.get("b.dcm"));
            assertEquals(0, harvest.leftInStaging());
        }
    }

    @Test
    void explicitFtpsWithTheServersCertificateAsTrustAnchor() throws IOException {
        try (ImportSource source = open("ftp://127.0.0.1:" + tlsPort + "/export", PASSWORD, "explicit", caPem.toString())) {
            Harvest harvest = Harvest.listed(source, Files.createTempDirectory(tmp, "staging")).fetchAll(source);
            assertEquals(Map.of(), harvest.fetchErrors);
            assertEquals(FILES.keySet(), harvest.objects.keySet());
            FILES.forEach((key, bytes) -> assertArrayEquals(bytes, harvest.objects.get(key), key));
            assertTrue(source.display().endsWith("(AUTH TLS)"), source.display());
        }
    }

    @Test
    void implicitFtps() throws IOException {
        try (ImportSource source = open("ftps://127.0.0.1:" + implicitPort + "/export", PASSWORD, null, caPem.toString())) {
            Harvest harvest = Harvest.listed(source, Files.createTempDirectory(tmp, "staging")).fetchAll(source);
            assertEquals(Map.of(), harvest.fetchErrors);
            FILES.forEach((key, bytes) -> assertArrayEquals(bytes, harvest.objects.get(key), key));
            assertTrue(source.display().startsWith("ftps://importer@127.0.0.1:"), source.display());
        }
    }

    @Test
    void ftpsRefusesACertificateItDoesNotTrust() throws IOException {
        try (ImportSource source = open("ftp://127.0.0.1:" + tlsPort + "/export", PASSWORD, "explicit", null)) {
            IOException e = assertThrows(IOException.class, () -> Harvest.listed(source, tmp));
            assertTrue(e.getMessage().contains("TLS with the FTP server"), e.getMessage());
        }
    }

    @Test
    void ftpsChecksTheHostName() throws IOException {
        // The certificate names localhost and 127.0.0.1, not 127.0.0.2 (also loopback on Linux).
        try (ImportSource source = open("ftp://127.0.0.2:" + tlsPort + "/export", PASSWORD, "explicit", caPem.toString())) {
            assertThrows(IOException.class, () -> Harvest.listed(source, tmp));
        }
    }

    private static ImportSource open(String url, String password, String tls, String ca) throws IOException {
        return ImportSources.open(SourceSpec.ftp(url, USER, password, tls, ca));
    }

    private static void put(String relative, byte[] bytes) throws IOException {
        Path file = home.resolve(relative);
        Files.createDirectories(file.getParent());
        Files.write(file, bytes);
        String key = relative.substring("export/".length());
        if (!key.startsWith(".") && !key.endsWith(".txt")) {
            FILES.put(key, bytes);
        }
    }

    private static void keytool(String... arguments) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        command.addAll(List.of(arguments));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes());
        if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
            throw new IllegalStateException("keytool " + arguments[0] + " failed: " + output);
        }
    }
}
