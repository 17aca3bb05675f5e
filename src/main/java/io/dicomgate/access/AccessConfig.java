package io.dicomgate.access;

import java.util.List;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Who may see which patient: the tunable parts of the policy. */
@ConfigMapping(prefix = "dicomgate.access")
public interface AccessConfig {

    /** {@code opt-in}: a clinician needs a permit; {@code opt-out}: clinicians read unless the patient denied. */
    @WithDefault("opt-in")
    PolicyMode policyMode();

    /** System clients (client ids) that read everything; all others read only what consents grant them. */
    Optional<List<String>> systemClientsReadAll();

    enum PolicyMode {
        OPT_IN,
        OPT_OUT
    }
}
