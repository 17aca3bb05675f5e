package io.dicomgate.testsupport;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Builds multipart/related request bodies byte by byte, including deliberately broken ones. */
public final class Multipart {

    public static final String BOUNDARY = "dicomgate-test-boundary";
    public static final String DICOM_TYPE = "multipart/related; type=\"application/dicom\"; boundary=" + BOUNDARY;

    private final List<byte[]> parts = new ArrayList<>();
    private final List<String> types = new ArrayList<>();
    private final List<String> locations = new ArrayList<>();

    public static Multipart of(byte[]... dicomParts) {
        Multipart m = new Multipart();
        for (byte[] part : dicomParts) {
            m.part("application/dicom", part);
        }
        return m;
    }

    /** Adds a part; a null type writes the part without a Content-Type header. */
    public Multipart part(String contentType, byte[] body) {
        return part(contentType, null, body);
    }

    /** Adds a part with a Content-Location header (bulk data of a metadata + bulk data request). */
    public Multipart part(String contentType, String contentLocation, byte[] body) {
        types.add(contentType);
        locations.add(contentLocation);
        parts.add(body);
        return this;
    }

    public byte[] bytes() {
        return bytes(BOUNDARY, true);
    }

    /** @param close whether to write the close delimiter (false gives a truncated body) */
    public byte[] bytes(String boundary, boolean close) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i < parts.size(); i++) {
            write(out, "--" + boundary + "\r\n");
            if (types.get(i) != null) {
                write(out, "Content-Type: " + types.get(i) + "\r\n");
            }
            if (locations.get(i) != null) {
                write(out, "Content-Location: " + locations.get(i) + "\r\n");
            }
            write(out, "\r\n");
            out.writeBytes(parts.get(i));
            write(out, "\r\n");
        }
        if (close) {
            write(out, "--" + boundary + "--\r\n");
        }
        return out.toByteArray();
    }

    private static void write(ByteArrayOutputStream out, String s) {
        out.writeBytes(s.getBytes(StandardCharsets.US_ASCII));
    }
}
