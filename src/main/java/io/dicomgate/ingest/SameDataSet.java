package io.dicomgate.ingest;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

import org.jboss.logging.Logger;

import io.dicomgate.dicom.InvalidDicomException;
import io.dicomgate.dicom.Part10Scanner;
import io.dicomgate.dicom.Part10Structure;
import io.dicomgate.storage.BlobStore;

/**
 * Whether a received object is the stored one under another File Meta Information: the same transfer
 * syntax and the same data set bytes (PS3.10 §7.1: the File Meta describes the file, not the instance).
 * Archives rewrite the File Meta (Implementation Class UID, Source AE Title) and a C-GET delivers a bare
 * data set, so a second import of the same images from another road must find them present, not in
 * conflict. Only asked when the whole-file digests differ: the cost is one comparison on that path.
 */
final class SameDataSet {

    private static final Logger LOG = Logger.getLogger(SameDataSet.class);

    private SameDataSet() {
    }

    static boolean compare(BlobStore blobs, String storedKey, Path received, Part10Structure receivedStructure) {
        try {
            Path stored = blobs.path(storedKey);
            Part10Structure storedStructure = Part10Scanner.scan(stored);
            if (!storedStructure.transferSyntaxUid().equals(receivedStructure.transferSyntaxUid())
                    || storedStructure.fileLength() - storedStructure.datasetOffset()
                            != receivedStructure.fileLength() - receivedStructure.datasetOffset()) {
                return false;
            }
            try (InputStream a = new BufferedInputStream(Files.newInputStream(stored), 65536);
                    InputStream b = new BufferedInputStream(Files.newInputStream(received), 65536)) {
                a.skipNBytes(storedStructure.datasetOffset());
                b.skipNBytes(receivedStructure.datasetOffset());
                byte[] x = new byte[65536];
                byte[] y = new byte[65536];
                while (true) {
                    int n = a.readNBytes(x, 0, x.length);
                    int m = b.readNBytes(y, 0, n);
                    if (n != m || !java.util.Arrays.equals(x, 0, n, y, 0, m)) {
                        return false;
                    }
                    if (n < x.length) {
                        return true;
                    }
                }
            }
        } catch (IOException | InvalidDicomException | RuntimeException e) {
            // Cannot tell: treat as different, so the object is kept for a human decision.
            LOG.debugf("data sets not compared: %s", e.getClass().getSimpleName());
            return false;
        }
    }
}
