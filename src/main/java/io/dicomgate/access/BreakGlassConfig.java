package io.dicomgate.access;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Break-the-glass settings. */
@ConfigMapping(prefix = "dicomgate.break-glass")
public interface BreakGlassConfig {
    /** How long a grant stays open (ISO-8601 duration). */
    @WithDefault("PT60M")
    Duration timeBox();
}
