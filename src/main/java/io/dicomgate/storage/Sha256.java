package io.dicomgate.storage;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * SHA-256, the digest dicomgate names stored objects by ({@link BlobStore#keyFor}) and chains its
 * audit trail with, always written as lower-case hex. Every JDK has it, so its absence is an
 * {@link IllegalStateException}, not a checked exception for each caller to carry.
 */
public final class Sha256 {

    private Sha256() {
    }

    public static MessageDigest newDigest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Completes {@code digest} and writes it as hex. */
    public static String hex(MessageDigest digest) {
        return HexFormat.of().formatHex(digest.digest());
    }

    /** The digest of a text's UTF-8 bytes. */
    public static String of(String text) {
        MessageDigest digest = newDigest();
        digest.update(text.getBytes(StandardCharsets.UTF_8));
        return hex(digest);
    }

    /** The digest of a file's content. */
    public static String of(Path file) throws IOException {
        MessageDigest digest = newDigest();
        byte[] block = new byte[64 * 1024];
        try (InputStream in = Files.newInputStream(file)) {
            for (int n; (n = in.read(block)) > 0;) {
                digest.update(block, 0, n);
            }
        }
        return hex(digest);
    }
}
