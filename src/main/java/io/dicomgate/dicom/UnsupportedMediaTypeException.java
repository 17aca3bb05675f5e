package io.dicomgate.dicom;

/** The request payload's media type is not one the transaction accepts (PS3.18 §8.5: 415). */
public class UnsupportedMediaTypeException extends RuntimeException {
    public UnsupportedMediaTypeException(String message) {
        super(message, null, false, false);
    }
}
