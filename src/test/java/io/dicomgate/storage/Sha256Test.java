package io.dicomgate.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The digest against the FIPS 180-2 test vectors, for texts and for files across read blocks. */
class Sha256Test {

    @Test
    void textsAsTheStandardVectors() {
        assertEquals("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", Sha256.of("abc"));
        assertEquals("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", Sha256.of(""));
    }

    @Test
    void filesAsTheirBytes(@TempDir Path dir) throws Exception {
        // One million 'a' (FIPS 180-2 vector), longer than one 64 KiB read block.
        Path file = dir.resolve("a");
        Files.write(file, "a".repeat(1_000_000).getBytes(StandardCharsets.US_ASCII));
        assertEquals("cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0", Sha256.of(file));
        var digest = Sha256.newDigest();
        digest.update("ab".getBytes(StandardCharsets.US_ASCII));
        digest.update("c".getBytes(StandardCharsets.US_ASCII));
        assertEquals(Sha256.of("abc"), Sha256.hex(digest));
    }
}
