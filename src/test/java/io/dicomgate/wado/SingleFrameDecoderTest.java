package io.dicomgate.wado;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.dicomgate.dicom.ByteRange;
import io.dicomgate.dicom.FrameLocator;
import io.dicomgate.dicom.Part10Scanner;
import io.dicomgate.dicom.PixelDataLocation;
import io.dicomgate.testsupport.DicomFixtures;

/**
 * A frame of an encapsulated multi-frame is decoded from its own fragments only: with every other
 * frame's fragments destroyed in the file, it still decodes to the same bytes, and the destroyed
 * frames fail on their own.
 */
class SingleFrameDecoderTest {

    private static final int FRAMES = 5;

    @TempDir
    Path dir;

    @Test
    void aFrameReadsOnlyItsOwnFragments() throws Exception {
        Path file = dir.resolve("mf.dcm");
        Files.write(file, DicomFixtures.instance().frames(FRAMES).size(16, 16)
                .transferSyntax(DicomFixtures.JPEG_BASELINE).bytes());
        byte[][] intact = new byte[FRAMES][];
        SingleFrameDecoder decoder = SingleFrameDecoder.open(file, DicomFixtures.JPEG_BASELINE);
        for (int f = 1; f <= FRAMES; f++) {
            intact[f - 1] = decoder.decode(f);
            assertEquals(16 * 16, intact[f - 1].length, "8-bit 16x16 frame " + f);
        }
        assertEquals(false, Arrays.equals(intact[0], intact[3]), "the fixture's frames differ");

        // Destroy every frame's bit stream but frame 4's.
        PixelDataLocation pixels = Part10Scanner.scan(file).pixelData();
        for (int f = 1; f <= FRAMES; f++) {
            if (f != 4) {
                for (ByteRange r : FrameLocator.frame(file, pixels, f, FRAMES, 16, 16, 1, 8)) {
                    overwrite(file, r);
                }
            }
        }
        SingleFrameDecoder damaged = SingleFrameDecoder.open(file, DicomFixtures.JPEG_BASELINE);
        assertArrayEquals(intact[3], damaged.decode(4), "frame 4 decodes alone");
        assertThrows(Transcoder.TranscodeException.class, () -> damaged.decode(1));
        assertThrows(Transcoder.TranscodeException.class, () -> damaged.decode(5));
    }

    /** Printed for the README, not asserted: frame k of a 200-frame instance against the whole instance. */
    @Test
    void frameCostDoesNotGrowWithItsNumber() throws Exception {
        int frames = 200;
        Path file = dir.resolve("mf200.dcm");
        Files.write(file, DicomFixtures.instance().frames(frames).size(128, 128)
                .transferSyntax(DicomFixtures.JPEG_BASELINE).bytes());
        SingleFrameDecoder decoder = SingleFrameDecoder.open(file, DicomFixtures.JPEG_BASELINE);
        for (int i = 0; i < 20; i++) {
            decoder.decode(1 + i); // warm-up
        }
        StringBuilder line = new StringBuilder("FRAME-COST 200-frame JPEG baseline 128x128, median of 21 runs:");
        for (int k : new int[] {1, 100, 200}) {
            long[] t = new long[21];
            for (int i = 0; i < t.length; i++) {
                long t0 = System.nanoTime();
                assertEquals(128 * 128, decoder.decode(k).length);
                t[i] = System.nanoTime() - t0;
            }
            Arrays.sort(t);
            line.append(String.format(" frame %d %.2f ms;", k, t[t.length / 2] / 1e6));
        }
        long[] t = new long[5];
        for (int i = 0; i < t.length; i++) {
            long t0 = System.nanoTime();
            Transcoder.transcode(file, Transcoder.ELE);
            t[i] = System.nanoTime() - t0;
        }
        Arrays.sort(t);
        System.out.println(line.append(String.format(" whole instance %.1f ms", t[t.length / 2] / 1e6)));
    }

    private static void overwrite(Path file, ByteRange r) throws IOException {
        byte[] junk = new byte[(int) r.length()];
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.wrap(junk), r.offset());
        }
    }
}
