package io.dicomgate.imports.cli;

/** A command line that cannot be run; its message says what to change and never holds a secret. */
final class UsageException extends Exception {

    UsageException(String message) {
        super(message, null, false, false);
    }
}
