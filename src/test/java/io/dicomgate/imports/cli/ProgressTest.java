package io.dicomgate.imports.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ProgressTest {

    /** stored, alreadyPresent, coerced: the rest (quarantined 5, sourceErrors 3, failed 2) fixed. */
    static JobSnapshot job(boolean listingDone, long discovered, long stored, long alreadyPresent, long coerced,
            long bytes, double elapsed) {
        return new JobSnapshot("3f2a", "RUNNING", "ftp://h/d", listingDone,
                new JobSnapshot.Counts(discovered, 0, stored, alreadyPresent, coerced, 5, 3, 2), bytes, elapsed, null);
    }

    private static final JobSnapshot EARLIER = job(true, 1000, 200, 50, 10, 100_000_000, 20);
    private static final JobSnapshot NOW = job(true, 1000, 400, 50, 20, 250_000_000, 30);

    @Test
    void terminalLineWithBarRatesOverTheIntervalAndEta() {
        // 480 of 1,000 done; 210 objects and 150 MB in 10 s; 520 left at 21/s = 24.8 s
        assertEquals("[#########-----------]  48%  480/1,000 files  250.0 MB  15.0 MB/s  21.0 files/s  ETA 0:00:25"
                + "  coerced 20  quarantined 5  errors 5", Progress.line(EARLIER, NOW, 10, true, 0));
    }

    @Test
    void logLineHasNoBar() {
        assertEquals("48%  480/1,000 files  250.0 MB  15.0 MB/s  21.0 files/s  ETA 0:00:25  coerced 20  quarantined 5"
                + "  errors 5", Progress.line(EARLIER, NOW, 10, false, 0));
    }

    @Test
    void firstReadingUsesTheJobsAverages() {
        // 480 objects and 250 MB in the job's 30 s; 520 left at 16/s = 32.5 s
        assertEquals("[#########-----------]  48%  480/1,000 files  250.0 MB  8.3 MB/s  16.0 files/s  ETA 0:00:33"
                + "  coerced 20  quarantined 5  errors 5", Progress.line(null, NOW, 0, true, 0));
    }

    @Test
    void whileListingTheTotalAndEtaAreUnknown() {
        JobSnapshot listing = job(false, 700, 400, 50, 20, 250_000_000, 30);
        assertEquals("480/? files (still listing)  250.0 MB  15.0 MB/s  21.0 files/s  ETA --  coerced 20  quarantined 5"
                + "  errors 5", Progress.line(EARLIER, listing, 10, true, 0));
    }

    @Test
    void aNarrowTerminalShrinksTheBarThenCutsTheLine() {
        // the line without bar is 106 characters: at 120 columns the bar has 120 - 1 - 3 - 106 = 10
        assertEquals("[####------]  48%  480/1,000 files  250.0 MB  15.0 MB/s  21.0 files/s  ETA 0:00:25  coerced 20"
                + "  quarantined 5  errors 5", Progress.line(EARLIER, NOW, 10, true, 120));
        assertEquals("48%  480/1,000 files  250.0 MB  15.0 MB/s  21.0 files/s  ETA 0:00:25  coerced 20  quarantined 5"
                + "  errors 5", Progress.line(EARLIER, NOW, 10, true, 110));
        assertEquals("48%  480/1,000 files  250.0 MB  15.0 MB/s  21.0 files/s  ETA 0:00:25  c",
                Progress.line(EARLIER, NOW, 10, true, 72));
    }

    @Test
    void completeBarAndNoProgress() {
        JobSnapshot done = job(true, 490, 400, 60, 20, 300_000_000, 40);
        assertEquals("[####################] 100%  490/490 files  300.0 MB  0.0 MB/s  0.0 files/s  ETA 0:00:00"
                + "  coerced 20  quarantined 5  errors 5", Progress.line(done, done, 5, true, 0));
    }

    @Test
    void ratesAndEta() {
        Progress.Rates rates = Progress.Rates.between(EARLIER, NOW, 10);
        assertEquals(21.0, rates.filesPerSecond(), 1e-9);
        assertEquals(15_000_000.0, rates.bytesPerSecond(), 1e-6);
        assertEquals(25, rates.etaSeconds(NOW));
        assertEquals(-1, new Progress.Rates(0, 0).etaSeconds(NOW));
        assertEquals(-1, rates.etaSeconds(job(false, 1000, 400, 50, 20, 0, 30)));
        assertEquals(0, Progress.Rates.between(null, job(true, 0, 0, 0, 0, 0, 0), 0).filesPerSecond());
    }

    @ParameterizedTest
    @CsvSource({ "-1, --", "0, 0:00:00", "59, 0:00:59", "3725, 1:02:05", "359999, 99:59:59", "360000, >99h" })
    void durations(long seconds, String text) {
        assertEquals(text, Progress.duration(seconds));
    }
}
