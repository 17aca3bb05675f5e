package io.dicomgate.imports.source;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Path;

import org.apache.ftpserver.DataConnectionConfigurationFactory;
import org.apache.ftpserver.FtpServer;
import org.apache.ftpserver.FtpServerFactory;
import org.apache.ftpserver.ftplet.FtpException;
import org.apache.ftpserver.ftplet.UserManager;
import org.apache.ftpserver.listener.Listener;
import org.apache.ftpserver.listener.ListenerFactory;
import org.apache.ftpserver.ssl.SslConfigurationFactory;
import org.apache.ftpserver.usermanager.PropertiesUserManagerFactory;
import org.apache.ftpserver.usermanager.impl.BaseUser;

/**
 * Apache FtpServer (a real FTP server) in the test JVM on loopback: the listeners and the user the
 * FTP import tests run against ({@code FtpSourceTest}, {@code ImportFromServersTest}).
 */
public final class FtpTestServer {

    private FtpTestServer() {
    }

    /** A plain FTP server on a free loopback port with one user whose home is {@code home}; the caller stops it. */
    public static Started start(String user, String password, Path home) {
        int port = freePort();
        FtpServerFactory factory = new FtpServerFactory();
        factory.addListener("default", listener(port, null, false));
        factory.setUserManager(users(user, password, home));
        FtpServer server = factory.createServer();
        try {
            server.start();
        } catch (FtpException e) {
            throw new IllegalStateException("Apache FtpServer did not start", e);
        }
        return new Started(server, port);
    }

    /** A started server and its port. */
    public record Started(FtpServer server, int port) implements AutoCloseable {
        @Override
        public void close() {
            server.stop();
        }
    }

    /** One user with this password and home directory (which it may write to). */
    static UserManager users(String user, String password, Path home) {
        UserManager users = new PropertiesUserManagerFactory().createUserManager();
        BaseUser account = new BaseUser();
        account.setName(user);
        account.setPassword(password);
        account.setHomeDirectory(home.toString());
        try {
            users.save(account);
        } catch (FtpException e) {
            throw new IllegalStateException(e);
        }
        return users;
    }

    /** A loopback listener (passive data connections on loopback too), with TLS when {@code ssl} is given. */
    static Listener listener(int port, SslConfigurationFactory ssl, boolean implicit) {
        ListenerFactory listener = new ListenerFactory();
        listener.setServerAddress("127.0.0.1");
        listener.setPort(port);
        DataConnectionConfigurationFactory data = new DataConnectionConfigurationFactory();
        data.setPassiveAddress("127.0.0.1");
        if (ssl != null) {
            listener.setSslConfiguration(ssl.createSslConfiguration());
            listener.setImplicitSsl(implicit);
            data.setSslConfiguration(ssl.createSslConfiguration());
        }
        listener.setDataConnectionConfiguration(data.createDataConnectionConfiguration());
        return listener.createListener();
    }

    static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
