package io.dicomgate.imports.source;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.Charset;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Enumeration;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;

/**
 * Zip archives on a share: each entry becomes an object of its own, keyed {@code "archive.zip!/entry"}.
 * Entries are never written by name (only into staging files), so a {@code ../} in a name cannot reach
 * outside; the bytes an entry may inflate to are capped (per entry, and by a compression ratio above
 * which a large entry is a bomb rather than an image), and nested archives are not opened.
 */
final class ZipArchives {

    /** Deflate cannot exceed about 1032:1; real DICOM stays far below 100:1 once it is this large. */
    static final long MAX_RATIO = 100;
    /** Below this size any ratio is accepted (a small blank image compresses extremely well). */
    static final long RATIO_FLOOR = 64L << 20;

    private ZipArchives() {
    }

    /**
     * Hands over every entry of {@code zip} that looks like DICOM; the others are reported through
     * {@link ObjectConsumer#skipped}. Throws IOException when the file is no readable zip archive.
     */
    static void expand(Path zip, String keyPrefix, long maxEntryBytes, StagingFiles staging, ObjectConsumer objects)
            throws IOException {
        try (ZipFile archive = open(zip)) {
            Enumeration<? extends ZipEntry> entries = archive.entries();
            while (entries.hasMoreElements()) {
                ZipEntry entry = entries.nextElement();
                if (entry.isDirectory() || Arrays.stream(entry.getName().split("/"))
                        .filter(segment -> !segment.isEmpty() && !segment.equals(".") && !segment.equals(".."))
                        .anyMatch(DicomSniffer::ignoredName)) {
                    continue;
                }
                String key = keyPrefix + "!/" + Keys.printable(entry.getName());
                if (DicomSniffer.isZipName(entry.getName())) {
                    objects.skipped(key, "nested zip archive not opened");
                } else if (entry.getSize() > maxEntryBytes) {
                    objects.skipped(key, "zip entry larger than " + maxEntryBytes + " bytes");
                } else {
                    expandEntry(archive, entry, key, maxEntryBytes, staging, objects);
                }
            }
        } catch (ZipException e) {
            throw new IOException("not a readable zip archive: " + Keys.message(e), e);
        }
    }

    /**
     * UTF-8 names first (APPNOTE.TXT §4.4.4, and what the JDK expects); an archive made by an old
     * Windows tool names its entries in code page 437, which UTF-8 may refuse.
     */
    private static ZipFile open(Path zip) throws IOException {
        try {
            return new ZipFile(zip.toFile());
        } catch (ZipException e) {
            if (!Charset.isSupported("IBM437")) {
                throw e;
            }
            try {
                return new ZipFile(zip.toFile(), Charset.forName("IBM437"));
            } catch (ZipException again) {
                throw e;
            }
        }
    }

    private static void expandEntry(ZipFile archive, ZipEntry entry, String key, long maxEntryBytes,
            StagingFiles staging, ObjectConsumer objects) throws IOException {
        Path file = staging.newFile();
        boolean handedOver = false;
        try {
            String refusal;
            byte[] head = new byte[DicomSniffer.HEAD];
            int headLength = 0;
            try (InputStream in = archive.getInputStream(entry); OutputStream out = Files.newOutputStream(file)) {
                long compressed = Math.max(entry.getCompressedSize(), 1);
                long total = 0;
                byte[] buffer = new byte[64 * 1024];
                refusal = null;
                for (int n; (n = in.read(buffer)) > 0;) {
                    if (headLength < head.length) {
                        int k = Math.min(n, head.length - headLength);
                        System.arraycopy(buffer, 0, head, headLength, k);
                        headLength += k;
                    }
                    total += n;
                    if (total > maxEntryBytes) {
                        refusal = "zip entry inflates beyond " + maxEntryBytes + " bytes";
                        break;
                    }
                    if (total > RATIO_FLOOR && total / compressed > MAX_RATIO) {
                        refusal = "zip entry compression ratio above " + MAX_RATIO + ":1 (zip bomb?)";
                        break;
                    }
                    out.write(buffer, 0, n);
                }
            } catch (ZipException e) {
                refusal = "unreadable zip entry: " + Keys.message(e);
            }
            if (refusal == null && !DicomSniffer.looksLikeDicom(Arrays.copyOf(head, headLength))) {
                refusal = DicomSniffer.NOT_DICOM;
            }
            if (refusal != null) {
                objects.skipped(key, refusal);
            } else {
                handedOver = true;
                objects.accept(key, file);
            }
        } finally {
            if (!handedOver) {
                Files.deleteIfExists(file);
            }
        }
    }
}
