package io.dicomgate.dicom;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * Streaming reader of a {@code multipart/related} body (RFC 2046 §5.1, RFC 2387), the request
 * format of the STOW-RS Store Instances transaction (PS3.18 §10.5).
 *
 * <p>Parts are handed out one at a time and their bodies are read straight from a fixed internal
 * buffer, so a part of any size passes through in constant memory. Every delimiter is
 * {@code CRLF "--" boundary} exactly as RFC 2046 §5.1.1 defines it; the CRLF belongs to the
 * delimiter, not to the preceding body. A body is only ever ended by a delimiter: a stream that
 * stops before the close-delimiter raises {@link MalformedMultipartException} from the body read,
 * so a truncated upload can never look like a complete part.
 *
 * <p>Not thread-safe. The reader does not close the underlying stream.
 */
public final class MultipartRelatedReader {

    /** Longest header line accepted, excluding its line break. */
    public static final int MAX_HEADER_LINE = 8 * 1024;
    /** Most header lines accepted per part, continuation lines included. */
    public static final int MAX_HEADER_LINES = 100;

    private static final int BUFFER_SIZE = 128 * 1024;

    private enum State { PREAMBLE, BODY, DONE }

    /** A body part: its header fields and a stream over its body. */
    public interface Part {
        /** Header fields by lower-cased name; repeated fields are joined with {@code ", "}. */
        Map<String, String> headers();

        /** The raw {@code Content-Type} header value, or {@code null} if the part has none. */
        String contentType();

        /**
         * The body, ending at the next delimiter. It becomes unreadable once
         * {@link MultipartRelatedReader#nextPart()} is called again; closing it is a no-op.
         */
        InputStream body();
    }

    private final InputStream in;
    private final byte[] delimiter;
    /** Boyer–Moore–Horspool shift per byte value, for the delimiter search. */
    private final int[] shift = new int[256];
    private final byte[] buf = new byte[BUFFER_SIZE];
    private int pos;
    private int limit;
    private boolean eof;

    // Bytes in [pos, safeEnd) are known to precede the next delimiter; if delimiterAtSafeEnd the
    // delimiter starts at safeEnd, otherwise what lies there may be the start of one.
    private int safeEnd;
    private boolean delimiterAtSafeEnd;

    private State state = State.PREAMBLE;
    private int generation;
    private MalformedMultipartException failure;

    /**
     * @param in       the request body, positioned at its first byte
     * @param boundary the {@code boundary} parameter of the {@code Content-Type}, without the
     *                 leading {@code "--"}
     * @throws IllegalArgumentException if the boundary is empty, longer than the 70 characters
     *                                  RFC 2046 §5.1.1 allows, or holds a character outside
     *                                  printable ASCII
     */
    public MultipartRelatedReader(InputStream in, String boundary) {
        this.in = Objects.requireNonNull(in, "in");
        Objects.requireNonNull(boundary, "boundary");
        if (boundary.isEmpty() || boundary.length() > 70
                || !boundary.chars().allMatch(c -> c >= 0x20 && c < 0x7f)) {
            throw new IllegalArgumentException("invalid multipart boundary");
        }
        delimiter = ("\r\n--" + boundary).getBytes(StandardCharsets.US_ASCII);
        int m = delimiter.length;
        Arrays.fill(shift, m);
        for (int j = 0; j < m - 1; j++) {
            shift[delimiter[j] & 0xff] = m - 1 - j;
        }
        // A virtual CRLF before the stream lets the first dash-boundary sit at the very start,
        // while one after a preamble still needs the preamble's own CRLF (RFC 2046 §5.1.1).
        buf[0] = '\r';
        buf[1] = '\n';
        limit = 2;
    }

    /**
     * Advances to the next body part. Whatever is left unread of the previous part's body is
     * skipped.
     *
     * @return the next part, or {@code null} once the close-delimiter has been read
     * @throws MalformedMultipartException if there is no opening delimiter, the body ends before
     *                                     the close-delimiter, the close-delimiter comes before any
     *                                     part, or a header section is unterminated or too large
     */
    public Part nextPart() throws IOException {
        checkNotFailed();
        generation++;
        switch (state) {
            case DONE -> {
                return null;
            }
            case PREAMBLE -> {
                skipToDelimiter("no opening boundary delimiter");
                if (!consumeDelimiterLine()) {
                    // RFC 2046 §5.1.1: multipart-body holds at least one body-part.
                    throw fail("close delimiter before any body part");
                }
            }
            case BODY -> {
                skipToDelimiter("stream ended before the close delimiter");
                if (!consumeDelimiterLine()) {
                    state = State.DONE;
                    return null;
                }
            }
        }
        Map<String, String> headers = readHeaders();
        state = State.BODY;
        safeEnd = pos;
        delimiterAtSafeEnd = false;
        scan();
        return new PartImpl(headers, headers.get("content-type"), new Body(generation));
    }

    private void checkNotFailed() throws MalformedMultipartException {
        if (failure != null) {
            throw new MalformedMultipartException(failure.getMessage());
        }
    }

    private MalformedMultipartException fail(String reason) {
        failure = new MalformedMultipartException(reason);
        return failure;
    }

    // ---- buffer management -------------------------------------------------------------------

    /** Compacts the buffer and reads more; false at end of stream. */
    private boolean fill() throws IOException {
        if (eof) {
            return false;
        }
        if (pos > 0) {
            System.arraycopy(buf, pos, buf, 0, limit - pos);
            limit -= pos;
            safeEnd -= pos;
            pos = 0;
        }
        int n;
        do {
            n = in.read(buf, limit, buf.length - limit);
        } while (n == 0);
        if (n < 0) {
            eof = true;
            return false;
        }
        limit += n;
        return true;
    }

    private boolean ensure(int n) throws IOException {
        while (limit - pos < n) {
            if (!fill()) {
                return false;
            }
        }
        return true;
    }

    /**
     * Finds the next delimiter at or after {@code pos} in the buffered bytes and sets
     * {@code safeEnd}/{@code delimiterAtSafeEnd}. A delimiter cut off by the end of the buffer
     * stops {@code safeEnd} at its first byte so the caller fetches more before deciding.
     */
    private void scan() {
        final byte[] b = buf;
        final byte[] d = delimiter;
        final int m = d.length;
        final byte lastByte = d[m - 1];
        final int last = limit - m;
        int i = pos;
        while (i <= last) {
            byte c = b[i + m - 1];
            if (c == lastByte && Arrays.equals(b, i, i + m, d, 0, m)) {
                safeEnd = i;
                delimiterAtSafeEnd = true;
                return;
            }
            i += shift[c & 0xff];
        }
        // The Horspool shift argument also rules out partial matches starting before i.
        for (int k = i; k < limit; k++) {
            if (Arrays.equals(b, k, limit, d, 0, limit - k)) {
                safeEnd = k;
                delimiterAtSafeEnd = false;
                return;
            }
        }
        safeEnd = limit;
        delimiterAtSafeEnd = false;
    }

    private void skipToDelimiter(String eofReason) throws IOException {
        while (true) {
            pos = safeEnd;
            if (delimiterAtSafeEnd) {
                return;
            }
            if (!fill()) {
                throw fail(eofReason);
            }
            scan();
        }
    }

    /**
     * Consumes the delimiter at {@code pos} and the rest of its line.
     *
     * @return false if it was the close-delimiter
     */
    private boolean consumeDelimiterLine() throws IOException {
        pos += delimiter.length;
        if (!ensure(2)) {
            throw fail("stream ended before the close delimiter");
        }
        if (buf[pos] == '-' && buf[pos + 1] == '-') {
            pos += 2;
            return false; // the epilogue is ignored (RFC 2046 §5.1.1)
        }
        int c = peek();
        while (c == ' ' || c == '\t') { // transport-padding
            pos++;
            c = peek();
        }
        if (c == '\r') {
            pos++;
            c = peek();
        }
        if (c != '\n') {
            throw fail(c < 0 ? "stream ended before the close delimiter" : "unexpected text after boundary");
        }
        pos++;
        return true;
    }

    private int peek() throws IOException {
        return ensure(1) ? buf[pos] & 0xff : -1;
    }

    // ---- headers -----------------------------------------------------------------------------

    private Map<String, String> readHeaders() throws IOException {
        var headers = new LinkedHashMap<String, String>();
        String lastName = null;
        int lines = 0;
        while (true) {
            String line = readHeaderLine();
            if (line.isEmpty()) {
                return Collections.unmodifiableMap(headers);
            }
            if (++lines > MAX_HEADER_LINES) {
                throw fail("too many header lines");
            }
            char first = line.charAt(0);
            if (first == ' ' || first == '\t') {
                // Obsolete line folding (RFC 5322 §3.2.2) continues the previous field.
                if (lastName == null) {
                    throw fail("header continuation without a field");
                }
                headers.put(lastName, headers.get(lastName) + " " + line.strip());
                continue;
            }
            int colon = line.indexOf(':');
            String name = colon > 0 ? line.substring(0, colon).strip() : "";
            if (name.isEmpty() || !name.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
                throw fail("malformed header line");
            }
            name = name.toLowerCase(Locale.ROOT);
            headers.merge(name, line.substring(colon + 1).strip(), (a, b) -> a + ", " + b);
            lastName = name;
        }
    }

    /** A header line without its CRLF (or bare LF, accepted for leniency). */
    private String readHeaderLine() throws IOException {
        int scanned = 0;
        while (true) {
            for (int i = pos + scanned; i < limit; i++) {
                if (buf[i] == '\n') {
                    int end = i > pos && buf[i - 1] == '\r' ? i - 1 : i;
                    if (end - pos > MAX_HEADER_LINE) {
                        throw fail("header line too long");
                    }
                    String line = new String(buf, pos, end - pos, StandardCharsets.ISO_8859_1);
                    pos = i + 1;
                    return line;
                }
            }
            scanned = limit - pos;
            if (scanned > MAX_HEADER_LINE + 1) {
                throw fail("header line too long");
            }
            if (!fill()) {
                throw fail("header section not terminated");
            }
        }
    }

    // ---- body --------------------------------------------------------------------------------

    /** Makes at least one body byte available; false at the end of the part. */
    private boolean bodyAvailable() throws IOException {
        while (pos == safeEnd) {
            if (delimiterAtSafeEnd) {
                return false;
            }
            if (!fill()) {
                throw fail("stream ended before the close delimiter");
            }
            scan();
        }
        return true;
    }

    private record PartImpl(Map<String, String> headers, String contentType, InputStream body)
            implements Part {
    }

    private final class Body extends InputStream {
        private final int owner;

        Body(int owner) {
            this.owner = owner;
        }

        private boolean current() throws IOException {
            checkNotFailed();
            if (owner != generation) {
                throw new IOException("part body is no longer readable: the reader has moved on");
            }
            return bodyAvailable();
        }

        @Override
        public int read() throws IOException {
            return current() ? buf[pos++] & 0xff : -1;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            Objects.checkFromIndexSize(off, len, b.length);
            if (len == 0) {
                return 0;
            }
            if (!current()) {
                return -1;
            }
            int n = Math.min(len, safeEnd - pos);
            System.arraycopy(buf, pos, b, off, n);
            pos += n;
            return n;
        }

        @Override
        public long skip(long n) throws IOException {
            if (n <= 0 || !current()) {
                return 0;
            }
            int k = (int) Math.min(n, safeEnd - pos);
            pos += k;
            return k;
        }

        @Override
        public int available() {
            return owner == generation && failure == null ? safeEnd - pos : 0;
        }
    }
}
