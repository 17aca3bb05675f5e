package io.dicomgate.dicom;

/**
 * A contiguous run of bytes in a file.
 *
 * @param offset file offset of the first byte
 * @param length number of bytes
 */
public record ByteRange(long offset, long length) {

    public ByteRange {
        if (offset < 0 || length < 0) {
            throw new IllegalArgumentException("negative byte range offset or length");
        }
    }
}
