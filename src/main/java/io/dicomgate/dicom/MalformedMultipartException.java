package io.dicomgate.dicom;

import java.io.IOException;

/**
 * A {@code multipart/related} body that does not follow the RFC 2046 §5.1.1 grammar, including one
 * that ends before its close-delimiter. Messages describe the structural fault only, never body bytes.
 */
public final class MalformedMultipartException extends IOException {

    public MalformedMultipartException(String reason) {
        super(reason);
    }
}
