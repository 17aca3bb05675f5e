package io.dicomgate.dicom;

/** The addressed study, series, instance or frame does not exist (PS3.18 §8.5: 404 Not Found). */
public class ResourceNotFoundException extends RuntimeException {
    public ResourceNotFoundException() {
        super(null, null, false, false);
    }
}
