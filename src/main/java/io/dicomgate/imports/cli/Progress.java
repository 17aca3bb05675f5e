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
     * The line: with {@code bar} a bar of up to 20 characters when the total is known (for a terminal,
     * redrawn in place), without it the percentage only (for a log); while the source is still being
     * listed the total is unknown and so is the ETA. With {@code width > 0} the line stays within
     * {@code width - 1} characters so that a redrawn line never wraps: the bar shrinks first (it goes
     * below 5 characters), then the end is cut.
     */
    static String line(JobSnapshot earlier, JobSnapshot now, double seconds, boolean bar, int width) {
        JobSnapshot.Counts c = now.counts();
        Rates rates = Rates.between(earlier, now, seconds);
        long total = c.discovered();
        long done = Math.min(c.done(), total);
        boolean known = now.listingDone() && total > 0;
        StringBuilder rest = new StringBuilder();
        if (known) {
            rest.append(String.format(Locale.ROOT, "%3d%%  %,d/%,d files", done * 100 / total, done, total));
        } else {
            rest.append(String.format(Locale.ROOT, "%,d/? files (still listing)", c.done()));
        }
        rest.append(String.format(Locale.ROOT, "  %,.1f MB  %,.1f MB/s  %,.1f files/s  ETA %s", now.bytes() / MB,
                rates.bytesPerSecond() / MB, rates.filesPerSecond(), duration(rates.etaSeconds(now))));
        rest.append(String.format(Locale.ROOT, "  coerced %,d  quarantined %,d  errors %,d", c.coerced(), c.quarantined(),
                c.errors()));
        int barWidth = !bar || !known ? 0 : width > 0 ? Math.min(BAR_WIDTH, width - 1 - "[] ".length() - rest.length())
                : BAR_WIDTH;
        StringBuilder line = new StringBuilder();
        if (barWidth >= 5) {
            int filled = (int) (done * barWidth / total);
            line.append('[').append("#".repeat(filled)).append("-".repeat(barWidth - filled)).append("] ").append(rest);
        } else {
            line.append(rest.toString().stripLeading());
        }
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
