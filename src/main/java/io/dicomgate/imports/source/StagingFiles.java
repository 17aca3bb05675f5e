package io.dicomgate.imports.source;

import java.io.IOException;
import java.nio.file.Path;

/** Hands out new empty files in the blob store's staging area, for a source to write an object into. */
@FunctionalInterface
public interface StagingFiles {
    Path newFile() throws IOException;
}
