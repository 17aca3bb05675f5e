package io.dicomgate.imports.source;

import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Deque;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;

import org.apache.commons.net.ftp.FTP;
import org.apache.commons.net.ftp.FTPClient;
import org.apache.commons.net.ftp.FTPFile;
import org.apache.commons.net.ftp.FTPReply;
import org.apache.commons.net.ftp.FTPSClient;

/**
 * An FTP server (RFC 959), plain or with TLS (RFC 4217: explicit {@code AUTH TLS}, or implicit on
 * its own port), through Apache commons-net. Passive mode and binary transfers; the tree is walked
 * with MLSD (RFC 3659, exact machine-readable facts) when the server offers it, else LIST. Each worker
 * thread borrows a logged-in connection from a pool and gives it back; a connection that fails is
 * dropped and the operation is tried once more on a new one. With TLS the server's certificate and
 * host name are always verified (JDK trust store, or the caFile of the spec). The password is sent
 * to the server and nowhere else: commons-net logs nothing unless a command listener is added, and
 * none is.
 */
final class FtpSource implements ImportSource {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final long IDLE_CHECK_NANOS = Duration.ofSeconds(20).toNanos();

    private final String host;
    private final int port;
    private final String baseDir;
    private final String user;
    private final String password;
    private final String tls;
    private final SSLContext ssl;
    private final long maxEntryBytes;
    private final ConcurrentLinkedDeque<Pooled> idle = new ConcurrentLinkedDeque<>();
    private volatile boolean closed;

    private record Pooled(FTPClient client, long since) {
    }

    FtpSource(SourceSpec spec) throws IOException {
        URI uri = spec.ftpUri();
        tls = spec.ftpTls();
        host = uri.getHost();
        port = uri.getPort() > 0 ? uri.getPort() : tls.equals("implicit") ? 990 : 21;
        String path = uri.getPath() == null || uri.getPath().isEmpty() ? "/" : uri.getPath();
        baseDir = path.length() > 1 && path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
        user = spec.ftpUser();
        password = spec.password() != null ? spec.password() : user.equals("anonymous") ? "anonymous@" : "";
        ssl = tls.equals("none") ? null : Tls.context(spec.caFilePath());
        maxEntryBytes = spec.maxEntryBytesOrDefault();
    }

    @Override
    public String display() {
        String scheme = tls.equals("implicit") ? "ftps" : "ftp";
        return scheme + "://" + Keys.printable(user) + "@" + host + ":" + port + Keys.printable(baseDir)
                + (tls.equals("explicit") ? " (AUTH TLS)" : "");
    }

    @Override
    public String key() {
        // The user is part of the source: two accounts on one server may see different trees (chroot).
        return "ftp://" + Keys.printable(user) + "@" + host + ":" + port + Keys.printable(baseDir);
    }

    // ---- listing ---------------------------------------------------------------------------------

    private record Frame(String dir, String keyPrefix, List<FTPFile> entries, int[] next) {
    }

    @Override
    public void list(Consumer<SourceItem> items, BiConsumer<String, String> errors) throws IOException {
        FTPClient client = borrow();
        try {
            boolean mlsd = client.hasFeature("MLST");
            Deque<Frame> stack = new ArrayDeque<>();
            Listing top = listDirectory(client, baseDir, mlsd);
            client = top.client();
            if (top.failure() != null) {
                throw new IOException("cannot list " + Keys.printable(baseDir) + " on the FTP server: " + top.failure());
            }
            stack.push(new Frame(baseDir, "", top.entries(), new int[1]));
            while (!stack.isEmpty()) {
                Frame frame = stack.peek();
                if (frame.next()[0] >= frame.entries().size()) {
                    stack.pop();
                    continue;
                }
                FTPFile entry = frame.entries().get(frame.next()[0]++);
                String name = entry.getName();
                String key = frame.keyPrefix() + Keys.printable(name);
                if (entry.isSymbolicLink()) {
                    errors.accept(key, "symbolic link not followed");
                } else if (entry.isDirectory()) {
                    String dir = join(frame.dir(), name);
                    Listing listing = listDirectory(client, dir, mlsd);
                    client = listing.client();
                    if (listing.failure() != null) {
                        errors.accept(key, "cannot list this folder: " + listing.failure());
                    } else {
                        stack.push(new Frame(dir, key + "/", listing.entries(), new int[1]));
                    }
                } else if (entry.isFile() || entry.getType() == FTPFile.UNKNOWN_TYPE) {
                    items.accept(new SourceItem(key, entry.getSize() >= 0 ? entry.getSize() : -1));
                }
            }
        } finally {
            giveBack(client);
        }
    }

    private record Listing(FTPClient client, List<FTPFile> entries, String failure) {
    }

    /** Lists one folder, on a new connection once more if the first one fails. */
    private Listing listDirectory(FTPClient client, String dir, boolean mlsd) throws IOException {
        try {
            return listOnce(client, dir, mlsd);
        } catch (IOException e) {
            discard(client);
            FTPClient fresh = connect();
            try {
                return listOnce(fresh, dir, mlsd);
            } catch (IOException again) {
                discard(fresh);
                throw new IOException("FTP connection lost while listing " + Keys.printable(dir) + ": "
                        + Keys.message(again), again);
            }
        }
    }

    private static Listing listOnce(FTPClient client, String dir, boolean mlsd) throws IOException {
        FTPFile[] files;
        if (mlsd) {
            files = client.mlistDir(dir);
        } else {
            if (!client.changeWorkingDirectory(dir)) {
                return new Listing(client, List.of(), reply(client));
            }
            files = client.listFiles();
        }
        if (!FTPReply.isPositiveCompletion(client.getReplyCode())) {
            return new Listing(client, List.of(), reply(client));
        }
        List<FTPFile> entries = new ArrayList<>(files.length);
        for (FTPFile file : files) {
            if (file != null && file.getName() != null && !file.getName().equals(".") && !file.getName().equals("..")
                    && !file.getName().contains("/") && !DicomSniffer.ignoredName(file.getName())) {
                entries.add(file);
            }
        }
        entries.sort(Comparator.comparing(FTPFile::getName));
        return new Listing(client, entries, null);
    }

    // ---- fetching --------------------------------------------------------------------------------

    @Override
    public void fetch(SourceItem item, StagingFiles staging, ObjectConsumer objects) throws IOException {
        String remote;
        try {
            remote = join(baseDir, Keys.original(item.key()));
        } catch (IllegalArgumentException e) {
            throw new IOException("malformed item key", e);
        }
        Path file = staging.newFile();
        boolean handedOver = false;
        try {
            download(remote, item.key(), file);
            if (DicomSniffer.isZipName(remote)) {
                ZipArchives.expand(file, item.key(), maxEntryBytes, staging, objects);
            } else if (!DicomSniffer.looksLikeDicom(file)) {
                objects.skipped(item.key(), Files.size(file) == 0 ? "empty file" : DicomSniffer.NOT_DICOM);
            } else {
                handedOver = true;
                objects.accept(item.key(), file);
            }
        } finally {
            if (!handedOver) {
                Files.deleteIfExists(file);
            }
        }
    }

    private void download(String remote, String key, Path file) throws IOException {
        for (int attempt = 1;; attempt++) {
            FTPClient client = borrow();
            boolean done;
            try (OutputStream out = Files.newOutputStream(file, StandardOpenOption.TRUNCATE_EXISTING,
                    StandardOpenOption.WRITE)) {
                done = client.retrieveFile(remote, out);
            } catch (IOException e) {
                discard(client);
                if (attempt < 2 && !closed) {
                    continue;
                }
                throw new IOException("FTP download of " + key + " failed: " + Keys.message(e), e);
            }
            String failure = done ? null : reply(client);
            boolean transientFailure = !done && FTPReply.isNegativeTransient(client.getReplyCode());
            giveBack(client);
            if (done) {
                return;
            }
            if (transientFailure && attempt < 2) {
                continue;
            }
            throw new IOException("FTP server did not send " + key + ": " + failure);
        }
    }

    // ---- connections -----------------------------------------------------------------------------

    private FTPClient borrow() throws IOException {
        if (closed) {
            throw new IOException("source closed");
        }
        for (Pooled pooled; (pooled = idle.pollFirst()) != null;) {
            FTPClient client = pooled.client();
            if (!client.isConnected()) {
                continue;
            }
            if (System.nanoTime() - pooled.since() < IDLE_CHECK_NANOS) {
                return client;
            }
            try {
                if (client.sendNoOp()) {
                    return client;
                }
            } catch (IOException e) {
                // the server closed an idle connection
            }
            discard(client);
        }
        return connect();
    }

    private void giveBack(FTPClient client) {
        if (client == null) {
            return;
        }
        if (closed || !client.isConnected()) {
            discard(client);
        } else {
            idle.addFirst(new Pooled(client, System.nanoTime()));
            if (closed) {
                drain();
            }
        }
    }

    private FTPClient connect() throws IOException {
        FTPClient client;
        if (ssl == null) {
            client = new FTPClient();
        } else {
            FTPSClient secure = new FTPSClient(tls.equals("implicit"), ssl);
            secure.setEndpointCheckingEnabled(true);
            client = secure;
        }
        client.setControlEncoding("UTF-8");
        client.setConnectTimeout((int) TIMEOUT.toMillis());
        client.setDefaultTimeout((int) TIMEOUT.toMillis());
        client.setDataTimeout(TIMEOUT);
        try {
            client.connect(host, port);
            if (!FTPReply.isPositiveCompletion(client.getReplyCode())) {
                throw new Refused("FTP server " + host + ":" + port + " refused the connection: " + reply(client));
            }
            client.setSoTimeout((int) TIMEOUT.toMillis());
            if (!client.login(user, password)) {
                throw new Refused("FTP login refused for user " + Keys.printable(user) + " (wrong user or password?): "
                        + reply(client));
            }
            if (client instanceof FTPSClient secure) {
                secure.execPBSZ(0);
                secure.execPROT("P"); // data connections encrypted too (RFC 4217 §9)
            }
            client.enterLocalPassiveMode();
            if (!client.setFileType(FTP.BINARY_FILE_TYPE)) {
                throw new Refused("FTP server refused binary mode: " + reply(client));
            }
            return client;
        } catch (SSLException e) {
            discard(client);
            throw new IOException("TLS with the FTP server " + host + ":" + port + " failed (certificate not trusted, "
                    + "host name mismatch or no TLS; caFile names a CA to trust): " + Keys.message(e), e);
        } catch (Refused e) {
            discard(client);
            throw e;
        } catch (IOException | RuntimeException e) {
            discard(client);
            throw new IOException("cannot connect to the FTP server " + host + ":" + port + ": " + Keys.message(e), e);
        }
    }

    /** The server answered, and said no: the message already says what happened. */
    private static final class Refused extends IOException {
        Refused(String message) {
            super(message);
        }
    }

    private static void discard(FTPClient client) {
        if (client != null && client.isConnected()) {
            try {
                client.disconnect();
            } catch (IOException e) {
                // already gone
            }
        }
    }

    private static String reply(FTPClient client) {
        String text = Objects.requireNonNullElse(client.getReplyString(), "").strip();
        return Keys.message(new IOException(text.isEmpty() ? "reply " + client.getReplyCode() : text));
    }

    private static String join(String dir, String relative) {
        String rel = Arrays.stream(relative.split("/")).filter(s -> !s.isEmpty()).reduce((a, b) -> a + "/" + b).orElse("");
        if (rel.equals("..") || rel.startsWith("../") || rel.contains("/../") || rel.endsWith("/..")) {
            throw new IllegalArgumentException("item key outside the folder");
        }
        return dir.endsWith("/") ? dir + rel : dir + "/" + rel;
    }

    private void drain() {
        for (Pooled pooled; (pooled = idle.pollFirst()) != null;) {
            try {
                if (pooled.client().isConnected()) {
                    pooled.client().logout();
                }
            } catch (IOException e) {
                // closing anyway
            }
            discard(pooled.client());
        }
    }

    @Override
    public void close() {
        closed = true;
        drain();
    }
}
