package io.dicomgate.dimse;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.TrustManagerFactory;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.jboss.logging.Logger;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;

/**
 * The DICOM listener for modalities (README "Modalities: DICOM C-STORE over TLS"): started with the
 * application when {@code dicomgate.dimse.enabled=true}, stopped with it. A TLS port (PS3.15 Annex
 * B.1; TLS 1.2+) when a key store is configured and a plain TCP port only with {@code plain-tcp=true}.
 *
 * <p>At most {@code max-associations} associations are served at once, each on one thread of a
 * fixed pool; a connection beyond that, or from an address that no allow-list entry names, is
 * closed at once, before any TLS handshake or PDU.
 */
@ApplicationScoped
public class DimseListener {

    private static final Logger LOG = Logger.getLogger(DimseListener.class);
    private static final Set<String> MODERN_TLS = Set.of("TLSv1.2", "TLSv1.3");

    private final DimseConfig config;
    private final DimseStore store;
    private final DimseIdentities identities;
    private final List<ServerSocket> servers = new ArrayList<>();
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private ThreadPoolExecutor workers;
    private AllowList allow;
    private DimseAssociation.Settings settings;

    public DimseListener(DimseConfig config, DimseStore store, DimseIdentities identities) {
        this.config = config;
        this.store = store;
        this.identities = identities;
    }

    void start(@Observes StartupEvent event) throws IOException, GeneralSecurityException {
        if (!config.enabled()) {
            return;
        }
        allow = AllowList.of(config.allow());
        if (allow.isEmpty()) {
            LOG.warn("dicomgate.dimse is enabled with an empty allow-list: every association will be rejected");
        }
        boolean tls = config.tls().keyStore().isPresent();
        if (!tls && !config.plainTcp()) {
            throw new IllegalStateException("dicomgate.dimse.enabled=true needs dicomgate.dimse.tls.key-store "
                    + "(or, without TLS, dicomgate.dimse.plain-tcp=true)");
        }
        if (config.maxPduLength() < 4096 || config.maxAssociations() < 1) {
            throw new IllegalStateException("dicomgate.dimse.max-pdu-length must be at least 4096 and max-associations at least 1");
        }
        settings = new DimseAssociation.Settings(config.aeTitle().trim(), config.maxPduLength(),
                config.maxObjectSize().asLongValue(), (int) config.idleTimeout().toMillis());
        AtomicInteger n = new AtomicInteger();
        workers = new ThreadPoolExecutor(config.maxAssociations(), config.maxAssociations(), 60, TimeUnit.SECONDS,
                new SynchronousQueue<>(), r -> {
                    Thread t = new Thread(r, "dimse-association-" + n.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                });
        workers.allowCoreThreadTimeOut(true);
        InetAddress bind = InetAddress.getByName(config.bindAddress());
        if (tls) {
            SSLServerSocket server = (SSLServerSocket) sslContext().getServerSocketFactory()
                    .createServerSocket(config.port(), 50, bind);
            String[] protocols = config.tls().protocols().stream().filter(MODERN_TLS::contains)
                    .filter(p -> Arrays.asList(server.getSupportedProtocols()).contains(p)).toArray(String[]::new);
            if (protocols.length == 0) {
                server.close();
                throw new IllegalStateException("dicomgate.dimse.tls.protocols names neither TLSv1.2 nor TLSv1.3");
            }
            server.setEnabledProtocols(protocols);
            server.setNeedClientAuth(config.tls().clientAuthRequired());
            listen(server, "tls");
        }
        if (config.plainTcp()) {
            listen(new ServerSocket(config.plainPort(), 50, bind), "plain");
        }
    }

    private void listen(ServerSocket server, String kind) {
        servers.add(server);
        Thread accept = new Thread(() -> acceptLoop(server), "dimse-accept-" + kind);
        accept.setDaemon(true);
        accept.start();
        LOG.infof("DICOM C-STORE SCP '%s' listening on %s:%d (%s)", settings.aeTitle(),
                server.getInetAddress().getHostAddress(), server.getLocalPort(), kind.equals("tls") ? "TLS" : "plain TCP");
    }

    private void acceptLoop(ServerSocket server) {
        while (!server.isClosed()) {
            Socket socket;
            try {
                socket = server.accept();
            } catch (IOException e) {
                if (!server.isClosed()) {
                    LOG.warnf("DIMSE accept failed: %s", e.getClass().getSimpleName());
                }
                continue;
            }
            if (!allow.knows(socket.getInetAddress())) {
                LOG.infof("DIMSE connection from %s closed: no allow-list entry names this address",
                        socket.getInetAddress().getHostAddress());
                closeQuietly(socket);
                continue;
            }
            open.add(socket);
            try {
                workers.execute(() -> {
                    try {
                        new DimseAssociation(socket, settings, allow, store, identities).run();
                    } finally {
                        open.remove(socket);
                    }
                });
            } catch (RejectedExecutionException e) {
                open.remove(socket);
                LOG.warnf("DIMSE connection from %s closed: %d associations already open",
                        socket.getInetAddress().getHostAddress(), config.maxAssociations());
                closeQuietly(socket);
            }
        }
    }

    private SSLContext sslContext() throws IOException, GeneralSecurityException {
        DimseConfig.Tls tls = config.tls();
        KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keys.init(load(tls.keyStore().orElseThrow(), tls.keyStorePassword().orElse("")),
                tls.keyStorePassword().orElse("").toCharArray());
        TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(tls.trustStore().isPresent() ? load(tls.trustStore().get(), tls.trustStorePassword().orElse("")) : null);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(keys.getKeyManagers(), trust.getTrustManagers(), null);
        return context;
    }

    private static KeyStore load(Path path, String password) throws IOException, GeneralSecurityException {
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(path)) {
            store.load(in, password.toCharArray());
        }
        return store;
    }

    /** Associations being served now: accepted and not yet ended (their clean-up done). */
    int openAssociations() {
        return open.size();
    }

    void stop(@Observes ShutdownEvent event) {
        servers.forEach(DimseListener::closeQuietly);
        servers.clear();
        open.forEach(DimseListener::closeQuietly);
        if (workers != null) {
            workers.shutdownNow();
            try {
                workers.awaitTermination(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** The ports listening, for tests: TLS first when configured. */
    List<Integer> ports() {
        return servers.stream().map(ServerSocket::getLocalPort).toList();
    }

    private static void closeQuietly(java.io.Closeable c) {
        try {
            c.close();
        } catch (IOException e) {
            // closing anyway
        }
    }
}
