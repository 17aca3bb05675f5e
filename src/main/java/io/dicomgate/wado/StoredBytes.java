package io.dicomgate.wado;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;

import io.dicomgate.dicom.ByteChannels;

/** Stored bytes to the response: large writes, and 16-bit byte swapping when the encodings differ. */
final class StoredBytes {

    /**
     * Bytes per read and write when streaming a stored file (see {@link #copy}): the response buffer's
     * size ({@code quarkus.rest.output-buffer-size}). A file read into a heap buffer goes through a
     * temporary direct buffer of this size that the JDK caches per thread, so on the worker pool this
     * bounds that cache (200 threads × 64 KiB).
     */
    private static final int COPY_CHUNK = 64 * 1024;

    private StoredBytes() {
    }

    /**
     * Writes {@code length} bytes of the file from {@code offset} in chunks of up to {@value #COPY_CHUNK}
     * bytes: each write to the response crosses to the event loop, so fewer, larger writes (not
     * {@code transferTo}'s 8 KiB through a stream channel) are what make a study stream at wire speed.
     * 16-bit samples are byte-swapped on the way when asked (Big Endian stored, Little Endian sent).
     */
    static void copy(SeekableByteChannel channel, long offset, long length, OutputStream out, boolean swap16)
            throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate((int) Math.max(2, Math.min(COPY_CHUNK, length)));
        byte[] bytes = buffer.array();
        long position = offset;
        long end = offset + length;
        while (position < end) {
            buffer.clear().limit((int) Math.min(buffer.capacity(), end - position));
            ByteChannels.readFully(channel, buffer, position);
            int n = buffer.position();
            position += n;
            if (swap16) {
                for (int i = 0; i + 1 < n; i += 2) {
                    byte b = bytes[i];
                    bytes[i] = bytes[i + 1];
                    bytes[i + 1] = b;
                }
            }
            out.write(bytes, 0, n);
        }
    }

}
