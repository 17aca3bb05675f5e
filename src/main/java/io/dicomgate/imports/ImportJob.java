package io.dicomgate.imports;

import java.time.Instant;
import java.util.UUID;

/**
 * An import as {@code GET /api/imports/{id}} shows it. {@code counts} are DICOM objects, except
 * {@code discovered} and {@code skipped}, which are source items (a file, a zip, an instance, a
 * series). No credentials: {@code source} is the
 * source's display form.
 */
public record ImportJob(UUID id, State state, String source, String sourceType, String startedBy, Instant startedAt,
        Instant finishedAt, boolean listingDone, Counts counts, long bytes, double elapsedSeconds, String error) {

    public enum State {
        RUNNING, DONE, FAILED, CANCELLED, INTERRUPTED
    }

    /**
     * @param discovered items the source listed
     * @param skipped items a previous import of this source finished (checkpoints)
     * @param stored objects stored now as received
     * @param alreadyPresent objects stored before with identical bytes
     * @param coerced objects stored now after a repair (README "Repairs and quarantine")
     * @param quarantined objects kept in the quarantine with their reason (conflicts included)
     * @param sourceErrors items the source could not deliver (retried by the next import of the source)
     * @param failed objects refused for a transient reason, or not kept (retried by the next import)
     */
    public record Counts(long discovered, long skipped, long stored, long alreadyPresent, long coerced,
            long quarantined, long sourceErrors, long failed) {
    }
}
