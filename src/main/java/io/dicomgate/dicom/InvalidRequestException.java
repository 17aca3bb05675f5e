package io.dicomgate.dicom;

/**
 * The request is malformed (PS3.18 §8.5: 400 Bad Request). The message is sent to the client, so it
 * must not contain patient data.
 */
public class InvalidRequestException extends RuntimeException {
    public InvalidRequestException(String message) {
        super(message, null, false, false);
    }
}
