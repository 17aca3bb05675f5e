package io.dicomgate.dicom;

/** No acceptable representation can be produced (PS3.18 §8.7.3: 406 Not Acceptable). */
public class NotAcceptableException extends RuntimeException {
    public NotAcceptableException(String message) {
        super(message, null, false, false);
    }
}
