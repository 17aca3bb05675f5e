package io.dicomgate.consent;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Break-the-glass grants. */
@ConfigMapping(prefix = "dicomgate.break-glass")
public interface BreakGlassConfig {
    /** How long one grant lets its clinician read the patient (ISO 8601 duration, e.g. PT60M). */
    @WithDefault("PT60M")
    Duration timeBox();
}
