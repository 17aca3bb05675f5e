package io.dicomgate.imports;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Imports (README "Moving in from an open archive"). */
@ConfigMapping(prefix = "dicomgate.imports")
public interface ImportConfig {

    /**
     * The folders a folder import may read from (and below). None configured: folder imports are
     * refused, so the API cannot be pointed at the server's own files.
     */
    Optional<List<Path>> folderRoots();

    /**
     * A running job whose node has not written its heartbeat (every second) for this long is
     * INTERRUPTED: its node died. Checked at start-up and when an import is started.
     */
    @WithDefault("30s")
    Duration staleAfter();
}
