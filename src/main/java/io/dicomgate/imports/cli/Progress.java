package io.dicomgate.imports.cli;

import java.util.Locale;

/**
 * The progress line of {@code bin/import}, a pure function of two readings of a job and the seconds
 * between them: rates are measured over that interval (the caller keeps a window of readings so that
 * they do not jump), and the ETA follows from the rate of objects once the listing is complete.
 */
final class Progress {

    static final int BAR_WIDTH = 20;
    private static final double MB = 1_000_000d;

    private Progress() {
    }

    /** Objects and bytes per second between two readings. */
    record Rates(double filesPerSecond, double bytesPerSecond) {

        /**
         * Rates from {@code earlier} to {@code now}, {@code seconds} apart; with no interval (the first
         * reading) the job's own averages since it started.
         */
        static Rates between(JobSnapshot earlier, JobSnapshot now, double seconds) {
            if (earlier == null || seconds <= 0) {
                double elapsed = now.elapsedSeconds();
                return elapsed <= 0 ? new Rates(0, 0)
                        : new Rates(now.counts().done() / elapsed, now.bytes() / elapsed);
            }
            return new Rates(Math.max(0, now.counts().done() - earlier.counts().done()) / seconds,
                    Math.max(0, now.bytes() - earlier.bytes()) / seconds);
        }

        /** Seconds left, or -1 when unknown (listing not complete, or no progress measured). */
        long etaSeconds(JobSnapshot now) {
            long left = now.counts().discovered() - now.counts().done();
            if (!now.listingDone()) {
                return -1;
            }
            if (left <= 0) {
                return 0;
            }
            return filesPerSecond > 0 ? (long) Math.ceil(left / filesPerSecond) : -1;
        }
    }

    /**
     * The line: with {@code bar} a 20-character bar when the total is known (for a terminal, redrawn in
     * place), without it the percentage only (for a log); while the source is still being listed the
     * total is unknown and so is the ETA. Cut to {@code width - 1} characters when
     * {@code width > 0}, so that a redrawn line never wraps.
     */
    static String line(JobSnapshot earlier, JobSnapshot now, double seconds, boolean bar, int width) {
        JobSnapshot.Counts c = now.counts();
        Rates rates = Rates.between(earlier, now, seconds);
        StringBuilder line = new StringBuilder();
        long total = c.discovered();
        long done = Math.min(c.done(), total);
        if (now.listingDone() && total > 0) {
            int percent = (int) (done * 100 / total);
            if (bar) {
                int filled = (int) (done * BAR_WIDTH / total);
                line.append('[').append("#".repeat(filled)).append("-".repeat(BAR_WIDTH - filled)).append("] ");
            }
            line.append(String.format(Locale.ROOT, bar ? "%3d%%  %,d/%,d files" : "%d%%  %,d/%,d files", percent, done,
                    total));
        } else {
            line.append(String.format(Locale.ROOT, "%,d/? files (still listing)", c.done()));
        }
        line.append(String.format(Locale.ROOT, "  %,.1f MB  %,.1f MB/s  %,.1f files/s  ETA %s", now.bytes() / MB,
                rates.bytesPerSecond() / MB, rates.filesPerSecond(), duration(rates.etaSeconds(now))));
        line.append(String.format(Locale.ROOT, "  coerced %,d  quarantined %,d  errors %,d", c.coerced(), c.quarantined(),
                c.errors()));
        if (width > 0 && line.length() > width - 1) {
            line.setLength(Math.max(0, width - 1));
        }
        return line.toString();
    }

    /** {@code H:MM:SS}, {@code --} when unknown. */
    static String duration(long seconds) {
        if (seconds < 0) {
            return "--";
        }
        if (seconds >= 100 * 3600) {
            return ">99h";
        }
        return String.format(Locale.ROOT, "%d:%02d:%02d", seconds / 3600, seconds / 60 % 60, seconds % 60);
    }

    static String megabytes(long bytes) {
        return String.format(Locale.ROOT, "%,.1f MB", bytes / MB);
    }
}
