package io.dicomgate.qido;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Search limits. */
@ConfigMapping(prefix = "dicomgate.qido")
public interface QidoConfig {
    /** Most results one search returns (count); a larger or missing {@code limit} is cut to this, with a Warning. */
    @WithDefault("1000")
    int maxResults();
}
