package io.dicomgate.storage;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.NonWritableChannelException;
import java.nio.channels.SeekableByteChannel;

import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;

/**
 * A read-only channel over one S3 object, made of ranged GETs: a read fetches a window from the
 * current position (1 MiB, doubling while reading on sequentially up to 32 MiB), so a whole-object
 * stream costs a few requests and a frame only the window that holds it. A short forward seek
 * inside the window reads on; any other seek starts a new window. Nothing is held but the current
 * response stream.
 */
final class S3ReadChannel implements SeekableByteChannel {

    private static final long FIRST_WINDOW = 1L << 20;
    private static final long MAX_WINDOW = 32L << 20;
    /** Unread bytes of a window worth reading past (or draining) rather than dropping the connection. */
    private static final long READ_PAST = 256L << 10;

    private final S3Client s3;
    private final String bucket;
    private final String key;
    private long position;
    private long size = -1;
    private ResponseInputStream<GetObjectResponse> in;
    /** Exclusive end of the current window. */
    private long windowEnd;
    private long window = FIRST_WINDOW;
    private boolean open = true;
    private byte[] scratch;

    S3ReadChannel(S3Client s3, String bucket, String key) {
        this.s3 = s3;
        this.bucket = bucket;
        this.key = key;
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
        requireOpen();
        if (!dst.hasRemaining()) {
            return 0;
        }
        if (size >= 0 && position >= size) {
            return -1;
        }
        if (in != null && position >= windowEnd) {
            closeStream();
            window = Math.min(window * 2, MAX_WINDOW);
        }
        if (in == null && !fetch()) {
            return -1;
        }
        int want = (int) Math.min(dst.remaining(), windowEnd - position);
        int n;
        if (dst.hasArray()) {
            n = in.read(dst.array(), dst.arrayOffset() + dst.position(), want);
            if (n > 0) {
                dst.position(dst.position() + n);
            }
        } else {
            if (scratch == null || scratch.length < Math.min(want, 64 * 1024)) {
                scratch = new byte[64 * 1024];
            }
            n = in.read(scratch, 0, Math.min(want, scratch.length));
            if (n > 0) {
                dst.put(scratch, 0, n);
            }
        }
        if (n < 0) {
            throw new IOException("object store sent fewer bytes than announced");
        }
        position += n;
        return n;
    }

    /** GETs the window from the current position; false at or past the end of the object. */
    private boolean fetch() throws IOException {
        long last = position + window - 1;
        try {
            in = s3.getObject(b -> b.bucket(bucket).key(key).range("bytes=" + position + "-" + last));
        } catch (software.amazon.awssdk.services.s3.model.S3Exception e) {
            if (e.statusCode() == 416) { // Range Not Satisfiable: at or past the end
                if (size < 0) {
                    size = headSize();
                }
                return false;
            }
            throw S3BlobStore.failure("read", e);
        } catch (SdkException e) {
            throw S3BlobStore.failure("read", e);
        }
        GetObjectResponse response = in.response();
        long total = totalOf(response.contentRange());
        if (total >= 0) {
            size = total;
        } else if (response.contentLength() != null && position == 0) {
            size = response.contentLength(); // a server that ignored the range sent the whole object
        }
        windowEnd = position + (response.contentLength() == null ? window : response.contentLength());
        return true;
    }

    /** "bytes 0-1023/4096" → 4096; -1 when absent or unknown ("*"). */
    static long totalOf(String contentRange) {
        if (contentRange == null) {
            return -1;
        }
        int slash = contentRange.lastIndexOf('/');
        if (slash < 0 || contentRange.endsWith("*")) {
            return -1;
        }
        try {
            return Long.parseLong(contentRange.substring(slash + 1).trim());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private long headSize() throws IOException {
        try {
            Long length = s3.headObject(b -> b.bucket(bucket).key(key)).contentLength();
            return length == null ? 0 : length;
        } catch (SdkException e) {
            throw S3BlobStore.failure("head", e);
        }
    }

    @Override
    public long position() throws IOException {
        requireOpen();
        return position;
    }

    @Override
    public SeekableByteChannel position(long newPosition) throws IOException {
        requireOpen();
        if (newPosition < 0) {
            throw new IllegalArgumentException("negative position");
        }
        if (newPosition == position) {
            return this;
        }
        if (in != null && newPosition > position && newPosition <= windowEnd && newPosition - position <= READ_PAST) {
            in.skipNBytes(newPosition - position);
            position = newPosition;
            return this;
        }
        closeStream();
        window = FIRST_WINDOW;
        position = newPosition;
        return this;
    }

    @Override
    public long size() throws IOException {
        requireOpen();
        if (size < 0) {
            if (in == null && position == 0) {
                fetch();
            }
            if (size < 0) {
                size = headSize();
            }
        }
        return size;
    }

    private void closeStream() throws IOException {
        if (in == null) {
            return;
        }
        if (windowEnd - position <= READ_PAST) {
            in.transferTo(OutputStream.nullOutputStream()); // cheaper than a new connection
            in.close();
        } else {
            in.abort();
        }
        in = null;
    }

    private void requireOpen() throws ClosedChannelException {
        if (!open) {
            throw new ClosedChannelException();
        }
    }

    @Override
    public boolean isOpen() {
        return open;
    }

    @Override
    public void close() throws IOException {
        if (open) {
            open = false;
            closeStream();
        }
    }

    @Override
    public int write(ByteBuffer src) {
        throw new NonWritableChannelException();
    }

    @Override
    public SeekableByteChannel truncate(long size) {
        throw new NonWritableChannelException();
    }
}
