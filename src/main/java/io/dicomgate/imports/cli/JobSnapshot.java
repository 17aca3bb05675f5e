package io.dicomgate.imports.cli;

import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * One reading of an import job ({@code GET /api/imports/{id}}). Read leniently: a field the server
 * does not send yet reads as zero or null, so a newer server never breaks an older client.
 */
record JobSnapshot(String id, String state, String source, boolean listingDone, Counts counts, long bytes,
        double elapsedSeconds, String error) {

    private static final Set<String> TERMINAL = Set.of("DONE", "FAILED", "CANCELLED", "INTERRUPTED");

    /**
     * Objects by outcome. Each object has one outcome ({@code coerced} objects are stored with a
     * recorded fix and counted there only, as the report lists them); {@code discovered} is the total.
     */
    record Counts(long discovered, long skipped, long stored, long alreadyPresent, long coerced, long quarantined,
            long sourceErrors, long failed) {

        /** Objects with an outcome, whatever it is. */
        long done() {
            return skipped + stored + alreadyPresent + coerced + quarantined + sourceErrors + failed;
        }

        long errors() {
            return sourceErrors + failed;
        }

        /** Objects the report lists: everything not plainly stored. */
        long reported() {
            return alreadyPresent + coerced + quarantined + sourceErrors + failed;
        }
    }

    static JobSnapshot of(JsonNode job) {
        JsonNode c = job.path("counts");
        Counts counts = new Counts(c.path("discovered").asLong(), c.path("skipped").asLong(), c.path("stored").asLong(),
                c.path("alreadyPresent").asLong(), c.path("coerced").asLong(), c.path("quarantined").asLong(),
                c.path("sourceErrors").asLong(), c.path("failed").asLong());
        return new JobSnapshot(text(job, "id"), text(job, "state"), text(job, "source"), job.path("listingDone").asBoolean(),
                counts, job.path("bytes").asLong(), job.path("elapsedSeconds").asDouble(), text(job, "error"));
    }

    boolean terminal() {
        return state != null && TERMINAL.contains(state);
    }

    /**
     * The exit status of {@code bin/import} for this job: 0 when it is done with nothing quarantined and no
     * error (or still running), 2 when done with quarantined objects or errors, 1 when it failed, was
     * cancelled or was interrupted.
     */
    int exitCode() {
        if (!terminal()) {
            return 0;
        }
        if (!state.equals("DONE")) {
            return 1;
        }
        return counts.errors() + counts.quarantined() > 0 ? 2 : 0;
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value == null || value.isNull() ? null : value.asText();
    }
}
