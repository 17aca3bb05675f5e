package io.dicomgate.share;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Share links (README "Share links"). */
@ConfigMapping(prefix = "dicomgate.share")
public interface ShareConfig {

    /** Life of a share when its creator names none. */
    @WithDefault("P7D")
    Duration defaultLife();

    /** Longest life a share may have; nobody can create or extend one beyond it. */
    @WithDefault("P30D")
    Duration maxLife();

    /** Life of the access token a link and its PIN are exchanged for (never beyond the share's). */
    @WithDefault("PT30M")
    Duration sessionLife();

    /** Wrong PINs after which the share locks (its creator sees it locked and makes a new one). */
    @WithDefault("5")
    int maxPinFailures();

    /** Exchanges (right or wrong PIN) one source address may attempt per minute, per node. */
    @WithDefault("20")
    int exchangesPerMinutePerAddress();

    /** Exchanges one share may see per minute, per node. */
    @WithDefault("10")
    int exchangesPerMinutePerShare();
}
