package io.dicomgate.share;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.security.spec.InvalidKeySpecException;
import java.util.Base64;

import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;

/**
 * The secrets of a share: the link's secret (256 random bits, URL-safe), the PIN (8 random digits)
 * and the access tokens they are exchanged for (256 random bits). The server keeps only hashes:
 * SHA-256 for the high-entropy secret and tokens, salted PBKDF2 for the low-entropy PIN (whose
 * guessing the lock-out after a few failures bounds).
 */
final class ShareSecrets {

    static final String TOKEN_PREFIX = "dgs_";
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final int PBKDF2_ITERATIONS = 100_000;

    private ShareSecrets() {
    }

    static String newSecret() {
        return random(32);
    }

    static String newToken() {
        return TOKEN_PREFIX + random(32);
    }

    static String newPin() {
        StringBuilder pin = new StringBuilder(8);
        for (int i = 0; i < 8; i++) {
            pin.append(RANDOM.nextInt(10));
        }
        return pin.toString();
    }

    static byte[] newSalt() {
        byte[] salt = new byte[16];
        RANDOM.nextBytes(salt);
        return salt;
    }

    static byte[] pinHash(String pin, byte[] salt) {
        try {
            return SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256")
                    .generateSecret(new PBEKeySpec(pin.toCharArray(), salt, PBKDF2_ITERATIONS, 256)).getEncoded();
        } catch (NoSuchAlgorithmException | InvalidKeySpecException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Whether {@code pin} hashes to {@code expected}, in time independent of where they differ. */
    static boolean pinMatches(String pin, byte[] salt, byte[] expected) {
        return MessageDigest.isEqual(pinHash(pin, salt), expected);
    }

    private static String random(int bytes) {
        byte[] value = new byte[bytes];
        RANDOM.nextBytes(value);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(value);
    }
}
