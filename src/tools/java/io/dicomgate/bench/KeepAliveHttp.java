package io.dicomgate.bench;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The benchmark's own HTTP/1.1 client: one keep-alive connection, used by one thread, that sends a
 * request and reads the whole answer into nothing. It does what {@code curl} does on a reused
 * connection and no more — no selector thread, no executor hand-over, no copying of upload bodies
 * (files go to the socket with {@code sendfile}) — so a figure measures the server, not the client.
 * On this machine (a PVM guest, where every thread wake-up is a hypervisor call) the JDK's
 * {@code java.net.http.HttpClient} added about 2.5 ms to every request whichever server answered it:
 * Orthanc's single-instance p50 was 3.6 ms through it and 1.0 ms through {@code curl}.
 */
final class KeepAliveHttp implements Closeable {

    /** What came back: the status, the body's length and its first bytes (for error messages). */
    record Answer(int status, long length, String start) {
    }

    /** A part of an upload body: bytes as given, or a file's whole content. */
    sealed interface Piece permits Bytes, File {
    }

    record Bytes(byte[] bytes) implements Piece {
    }

    record File(Path path, long size) implements Piece {
    }

    private static final int KEEP = 300;

    private final InetSocketAddress address;
    private final String host;
    private SocketChannel channel;
    private InputStream in;
    private final byte[] scratch = new byte[64 * 1024];

    KeepAliveHttp(URI base) {
        int port = base.getPort() > 0 ? base.getPort() : 80;
        this.address = new InetSocketAddress(base.getHost(), port);
        this.host = base.getHost() + ":" + port;
    }

    Answer get(String pathAndQuery, Map<String, String> headers) throws IOException {
        return exchange("GET", pathAndQuery, headers, List.of());
    }

    Answer post(String path, Map<String, String> headers, List<Piece> body) throws IOException {
        return exchange("POST", path, headers, body);
    }

    private Answer exchange(String method, String target, Map<String, String> headers, List<Piece> body)
            throws IOException {
        if (channel == null || !channel.isOpen()) {
            channel = SocketChannel.open(address);
            channel.socket().setTcpNoDelay(true);
            in = new BufferedInputStream(Channels.newInputStream(channel), 64 * 1024);
        }
        long length = 0;
        for (Piece p : body) {
            length += p instanceof Bytes b ? b.bytes().length : ((File) p).size();
        }
        StringBuilder head = new StringBuilder(method).append(' ').append(target).append(" HTTP/1.1\r\nHost: ")
                .append(host).append("\r\n");
        headers.forEach((k, v) -> head.append(k).append(": ").append(v).append("\r\n"));
        if (!method.equals("GET")) {
            head.append("Content-Length: ").append(length).append("\r\n");
        }
        head.append("\r\n");
        writeFully(ByteBuffer.wrap(head.toString().getBytes(StandardCharsets.ISO_8859_1)));
        for (Piece p : body) {
            if (p instanceof Bytes b) {
                writeFully(ByteBuffer.wrap(b.bytes()));
            } else {
                File f = (File) p;
                try (FileChannel file = FileChannel.open(f.path(), StandardOpenOption.READ)) {
                    for (long sent = 0; sent < f.size();) {
                        sent += file.transferTo(sent, f.size() - sent, channel);
                    }
                }
            }
        }
        return read(method);
    }

    private void writeFully(ByteBuffer buffer) throws IOException {
        while (buffer.hasRemaining()) {
            channel.write(buffer);
        }
    }

    private Answer read(String method) throws IOException {
        String statusLine = line();
        String[] status = statusLine.split(" ", 3);
        if (status.length < 2 || !status[0].startsWith("HTTP/1.")) {
            throw new IOException("not an HTTP/1.x answer: " + statusLine);
        }
        int code = Integer.parseInt(status[1]);
        Map<String, String> headers = new LinkedHashMap<>();
        for (String line; !(line = line()).isEmpty();) {
            int colon = line.indexOf(':');
            if (colon > 0) {
                headers.put(line.substring(0, colon).trim().toLowerCase(Locale.ROOT), line.substring(colon + 1).trim());
            }
        }
        ByteArrayOutputStream start = new ByteArrayOutputStream();
        long length;
        boolean close = "close".equalsIgnoreCase(headers.get("connection")) || statusLine.startsWith("HTTP/1.0");
        if (method.equals("HEAD") || code == 204 || code == 304) {
            length = 0;
        } else if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
            length = 0;
            for (long chunk; (chunk = Long.parseLong(line().split(";", 2)[0].trim(), 16)) > 0;) {
                discard(chunk, start);
                length += chunk;
                if (!line().isEmpty()) {
                    throw new IOException("chunk not followed by CRLF");
                }
            }
            while (!line().isEmpty()) {
                // trailer fields
            }
        } else if (headers.containsKey("content-length")) {
            length = Long.parseLong(headers.get("content-length"));
            discard(length, start);
        } else {
            length = discard(Long.MAX_VALUE, start);
            close = true;
        }
        if (close) {
            close();
        }
        return new Answer(code, length, start.toString(StandardCharsets.UTF_8));
    }

    /** Reads up to {@code n} bytes (to the end of the stream when n is MAX_VALUE), keeping the first few. */
    private long discard(long n, ByteArrayOutputStream start) throws IOException {
        long read = 0;
        while (read < n) {
            int r = in.read(scratch, 0, (int) Math.min(scratch.length, n - read));
            if (r < 0) {
                if (n == Long.MAX_VALUE) {
                    return read;
                }
                throw new IOException("connection closed after " + read + " of " + n + " bytes");
            }
            if (start.size() < KEEP) {
                start.write(scratch, 0, Math.min(r, KEEP - start.size()));
            }
            read += r;
        }
        return read;
    }

    private String line() throws IOException {
        StringBuilder s = new StringBuilder();
        for (int c; (c = in.read()) != '\n';) {
            if (c < 0) {
                throw new IOException("connection closed inside a header line");
            }
            if (c != '\r') {
                s.append((char) c);
            }
        }
        return s.toString();
    }

    @Override
    public void close() throws IOException {
        if (channel != null) {
            channel.close();
            channel = null;
        }
    }

    /** The headers of a request with an optional bearer token. */
    static Map<String, String> headers(String accept, String bearer) {
        Map<String, String> h = new LinkedHashMap<>();
        h.put("Accept", accept);
        if (bearer != null) {
            h.put("Authorization", "Bearer " + bearer);
        }
        return h;
    }
}
