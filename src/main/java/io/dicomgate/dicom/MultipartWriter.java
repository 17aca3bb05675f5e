package io.dicomgate.dicom;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.UUID;

/** Writes a {@code multipart/related} body part by part (RFC 2387, RFC 2046 §5.1; PS3.18 §8.6.1.2). */
public final class MultipartWriter {

    private final OutputStream out;
    private final String boundary;

    public MultipartWriter(OutputStream out, String boundary) {
        this.out = out;
        this.boundary = boundary;
    }

    /** A boundary that cannot occur in DICOM content by chance. */
    public static String newBoundary() {
        return "dicomgate-" + UUID.randomUUID();
    }

    /** The response Content-Type for parts of {@code partType}. */
    public static String contentType(String partType, String boundary) {
        return "multipart/related; type=\"" + partType + "\"; boundary=" + boundary;
    }

    /** Starts a part; write its body to {@link #body()} before the next call. */
    public void startPart(String contentType, String contentLocation) throws IOException {
        StringBuilder head = new StringBuilder("--").append(boundary).append("\r\nContent-Type: ").append(contentType);
        if (contentLocation != null) {
            head.append("\r\nContent-Location: ").append(contentLocation);
        }
        head.append("\r\n\r\n");
        out.write(head.toString().getBytes(StandardCharsets.US_ASCII));
    }

    public OutputStream body() {
        return out;
    }

    /** Ends the current part. */
    public void endPart() throws IOException {
        out.write(CRLF);
    }

    /** Writes the close delimiter. */
    public void finish() throws IOException {
        out.write(("--" + boundary + "--\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }

    private static final byte[] CRLF = { '\r', '\n' };
}
