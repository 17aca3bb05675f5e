package io.dicomgate.render;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** The price ceiling of one rendered or thumbnail request (heap: {@link io.dicomgate.web.HeapBulkhead}). */
@ConfigMapping(prefix = "dicomgate.render")
public interface RenderConfig {
    /** Most frame numbers in one {@code /frames/{list}/rendered} request (count, repeats included). */
    @WithDefault("100")
    int maxFrames();

    /** Largest viewport side (pixels). */
    @WithDefault("4096")
    int maxViewport();

    /** Largest enlargement of the source region by a viewport (factor, per side). */
    @WithDefault("4")
    int maxUpscale();

    /** Most frames of a multi-frame instance rendered as one animated GIF (count). */
    @WithDefault("300")
    int maxGifFrames();

}
