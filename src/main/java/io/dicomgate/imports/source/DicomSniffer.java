package io.dicomgate.imports.source;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Set;

/**
 * The cheap test of what a share holds: a PS3.10 file ({@code DICM} at offset 128, PS3.10 §7.1) or a
 * raw data set as old modalities and ACR-NEMA-era tools wrote it (a group 0x0002 or 0x0008 element at
 * offset 0, in Explicit or Implicit VR Little Endian, PS3.5 §7.1). Everything else is skipped with a
 * reason instead of being handed to the pipeline — a share also holds reports, viewers, autorun files
 * and thumbnails, and thousands of "cannot understand" rows would hide the real failures. Whatever
 * passes is validated by the pipeline, which quarantines what it cannot store.
 */
final class DicomSniffer {

    static final int HEAD = 132;
    static final String NOT_DICOM = "not DICOM (no DICM prefix, no data set at offset 0)";

    /** Names that are never DICOM objects of their own: media directories and system files. */
    private static final Set<String> IGNORED_NAMES = Set.of("dicomdir", "thumbs.db", "desktop.ini", "autorun.inf",
            "$recycle.bin", "system volume information", "__macosx", "lost+found");

    private DicomSniffer() {
    }

    /** Hidden files and folders, DICOMDIR (PS3.10 §8.6, a directory of the other files) and system files. */
    static boolean ignoredName(String name) {
        return name.isEmpty() || name.startsWith(".") || IGNORED_NAMES.contains(name.toLowerCase(Locale.ROOT));
    }

    static boolean isZipName(String name) {
        return name.toLowerCase(Locale.ROOT).endsWith(".zip");
    }

    static boolean looksLikeDicom(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return looksLikeDicom(in.readNBytes(HEAD));
        }
    }

    static boolean looksLikeDicom(byte[] head) {
        int n = head.length;
        if (n >= HEAD && head[128] == 'D' && head[129] == 'I' && head[130] == 'C' && head[131] == 'M') {
            return true;
        }
        if (n < 8) {
            return false;
        }
        int group = (head[0] & 0xff) | (head[1] & 0xff) << 8;
        if (group != 0x0002 && group != 0x0008) {
            return false;
        }
        if (isVrLetter(head[4]) && isVrLetter(head[5])) {
            return true; // explicit VR
        }
        long length = (head[4] & 0xffL) | (head[5] & 0xffL) << 8 | (head[6] & 0xffL) << 16 | (head[7] & 0xffL) << 24;
        return length < 0x10000 || length == 0xffffffffL; // implicit VR: a plausible first value length
    }

    private static boolean isVrLetter(byte b) {
        return b >= 'A' && b <= 'Z';
    }
}
