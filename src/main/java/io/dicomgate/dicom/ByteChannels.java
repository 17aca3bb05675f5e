package io.dicomgate.dicom;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;

/** Reads at a position from any seekable channel: a local file or a stored object in a bucket. */
public final class ByteChannels {

    private ByteChannels() {
    }

    /** One read of up to {@code dst.remaining()} bytes at {@code position}; -1 at the end. */
    public static int read(SeekableByteChannel channel, ByteBuffer dst, long position) throws IOException {
        if (channel instanceof FileChannel file) {
            return file.read(dst, position);
        }
        channel.position(position);
        return channel.read(dst);
    }

    /** Fills {@code dst} from {@code position}; the object must be long enough. */
    public static void readFully(SeekableByteChannel channel, ByteBuffer dst, long position) throws IOException {
        long at = position;
        while (dst.hasRemaining()) {
            int n = read(channel, dst, at);
            if (n < 0) {
                throw new IOException("stored file shorter than indexed");
            }
            at += n;
        }
    }
}
