package io.dicomgate.audit;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Audit trail behaviour. */
@ConfigMapping(prefix = "dicomgate.audit")
public interface AuditConfig {
    /**
     * Whether a request is still answered when its audit record cannot be written (boolean). Off by
     * default: such a request is answered {@code 503} without its data ("no unaudited access"). On,
     * accesses may go unaudited; a warning says so at start-up.
     */
    @WithDefault("false")
    boolean failOpen();

    /**
     * How old a store receipt must be before {@link StoreAuditRecovery} writes the STORE event its request
     * did not: longer than a STOW request runs between storing an instance and its end.
     */
    @WithDefault("PT10M")
    java.time.Duration storeReceiptGrace();
}
