package io.dicomgate.dicom;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Finds the bytes of one frame of Pixel Data, for the frame retrieval of PS3.18 §10.4
 * ({@code .../frames/{frameList}}), from the layout {@link Part10Scanner} recorded.
 */
public final class FrameLocator {

    private FrameLocator() {
    }

    /**
     * Byte ranges in the file making up frame {@code frameNumber}: one range for native Pixel
     * Data, one or more whole fragments for encapsulated Pixel Data (PS3.5 §8.2, §A.4).
     *
     * @param frameNumber    1-based frame number
     * @param numberOfFrames Number of Frames (0028,0008), 1 when absent
     * @throws IllegalArgumentException if {@code frameNumber} is not in 1..numberOfFrames
     * @throws InvalidDicomException    if the attributes and the Pixel Data disagree, frames are
     *                                  bit-packed, or an encapsulated frame cannot be delimited
     * @throws UncheckedIOException     if the file size cannot be read
     */
    public static List<ByteRange> frame(Path file, PixelDataLocation px, int frameNumber, int numberOfFrames,
                                        int rows, int columns, int samplesPerPixel, int bitsAllocated)
            throws InvalidDicomException {
        Objects.requireNonNull(file, "file");
        long size;
        try {
            size = Files.size(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return frame(size, px, frameNumber, numberOfFrames, rows, columns, samplesPerPixel, bitsAllocated);
    }

    /** As {@link #frame(Path, PixelDataLocation, int, int, int, int, int, int)}, for an object of {@code size} bytes. */
    public static List<ByteRange> frame(long size, PixelDataLocation px, int frameNumber, int numberOfFrames,
                                        int rows, int columns, int samplesPerPixel, int bitsAllocated)
            throws InvalidDicomException {
        Objects.requireNonNull(px, "px");
        if (numberOfFrames < 1) {
            throw new InvalidDicomException("invalid number of frames");
        }
        if (frameNumber < 1 || frameNumber > numberOfFrames) {
            throw new IllegalArgumentException("frame number out of range");
        }
        List<ByteRange> ranges = px.encapsulated()
                ? encapsulatedFrame(px, frameNumber, numberOfFrames)
                : List.of(nativeFrame(px, frameNumber, rows, columns, samplesPerPixel, bitsAllocated));
        for (ByteRange r : ranges) {
            if (r.offset() + r.length() > size) {
                throw new InvalidDicomException("frame lies beyond end of file");
            }
        }
        return ranges;
    }

    /**
     * The bytes of {@code ranges} read from the file and concatenated: a native frame, or an
     * encapsulated frame's compressed bit stream.
     *
     * @throws IOException if the file is shorter than the ranges or the frame exceeds an array
     */
    public static byte[] read(Path file, List<ByteRange> ranges) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            return read(channel, ranges);
        }
    }

    /** As {@link #read(Path, List)}, from a stored object's channel. */
    public static byte[] read(SeekableByteChannel channel, List<ByteRange> ranges) throws IOException {
        long total = 0;
        for (ByteRange r : ranges) {
            total += r.length();
        }
        if (total > Integer.MAX_VALUE - 16) {
            throw new IOException("frame too large");
        }
        byte[] bytes = new byte[(int) total];
        int at = 0;
        for (ByteRange r : ranges) {
            ByteChannels.readFully(channel, ByteBuffer.wrap(bytes, at, (int) r.length()), r.offset());
            at += (int) r.length();
        }
        return bytes;
    }

    private static ByteRange nativeFrame(PixelDataLocation px, int frameNumber, int rows, int columns,
                                         int samplesPerPixel, int bitsAllocated) throws InvalidDicomException {
        if (rows < 1 || columns < 1 || samplesPerPixel < 1 || bitsAllocated < 1) {
            throw new InvalidDicomException("invalid image pixel attributes");
        }
        // Frames of 1-bit (or other non-byte) samples need not start on a byte boundary (PS3.5 §8.1.1).
        if (bitsAllocated % 8 != 0) {
            throw new InvalidDicomException("bit-packed frames not supported");
        }
        long frameSize;
        long frameEnd;
        try {
            frameSize = Math.multiplyExact(Math.multiplyExact((long) rows * columns, samplesPerPixel),
                    bitsAllocated / 8);
            frameEnd = Math.multiplyExact(frameSize, frameNumber);
        } catch (ArithmeticException e) {
            throw new InvalidDicomException("invalid image pixel attributes");
        }
        if (frameEnd > px.valueLength()) {
            throw new InvalidDicomException("pixel data shorter than its frames");
        }
        return new ByteRange(px.valueOffset() + frameEnd - frameSize, frameSize);
    }

    private static List<ByteRange> encapsulatedFrame(PixelDataLocation px, int frameNumber, int numberOfFrames)
            throws InvalidDicomException {
        List<Fragment> fragments = px.fragments();
        if (fragments.size() == numberOfFrames) {
            // Every frame has at least one fragment, so equal counts mean one fragment per frame.
            return List.of(range(fragments.get(frameNumber - 1)));
        }
        long[] bot = px.basicOffsetTable();
        if (bot.length > 0) {
            if (bot.length != numberOfFrames) {
                throw new InvalidDicomException("offset table does not match number of frames");
            }
            // Offsets count from the first byte of the first fragment's item tag (PS3.5 §A.4).
            long base = fragments.get(0).offset() - 8;
            long from = bot[frameNumber - 1];
            long to = frameNumber < bot.length ? bot[frameNumber] : Long.MAX_VALUE;
            var ranges = new ArrayList<ByteRange>();
            for (Fragment f : fragments) {
                long at = f.offset() - 8 - base;
                if (at >= from && at < to) {
                    ranges.add(range(f));
                }
            }
            if (ranges.isEmpty()) {
                throw new InvalidDicomException("offset table entry does not point at a fragment");
            }
            return List.copyOf(ranges);
        }
        if (numberOfFrames == 1) {
            return fragments.stream().map(FrameLocator::range).toList();
        }
        throw new InvalidDicomException("cannot locate frames without offset table");
    }

    private static ByteRange range(Fragment f) {
        return new ByteRange(f.offset(), f.length());
    }
}
