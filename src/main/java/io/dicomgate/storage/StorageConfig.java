package io.dicomgate.storage;

import java.nio.file.Path;

import io.smallrye.config.ConfigMapping;

/** Where instances are kept. */
@ConfigMapping(prefix = "dicomgate.storage")
public interface StorageConfig {
    /** Root directory of the filesystem blob store; holds {@code blobs/} and the staging area {@code tmp/}. */
    Path root();
}
