package io.dicomgate.dicom;

/**
 * One fragment item of encapsulated Pixel Data (PS3.5 §A.4).
 *
 * @param offset file offset of the fragment's value bytes, just after its 8-byte item header
 * @param length value length in bytes (even)
 */
public record Fragment(long offset, long length) {

    public Fragment {
        if (offset < 0 || length < 0) {
            throw new IllegalArgumentException("negative fragment offset or length");
        }
    }
}
