package io.dicomgate.dicom;

/**
 * A file that is not a structurally valid DICOM Part 10 file (PS3.10 §7.1, PS3.5 §7). The reason
 * names the structural fault only and never quotes element values, so it is safe to log and to
 * return to the client.
 */
public final class InvalidDicomException extends Exception {

    public InvalidDicomException(String reason) {
        super(reason);
    }
}
