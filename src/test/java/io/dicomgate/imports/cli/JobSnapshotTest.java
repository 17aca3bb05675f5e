package io.dicomgate.imports.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import com.fasterxml.jackson.databind.ObjectMapper;

class JobSnapshotTest {

    @ParameterizedTest
    @CsvSource({
        // state,     quarantined, sourceErrors, failed, coerced, exit
        "DONE,        0, 0, 0, 0, 0",
        "DONE,        0, 0, 0, 7, 0",
        "DONE,        1, 0, 0, 0, 2",
        "DONE,        0, 1, 0, 0, 2",
        "DONE,        0, 0, 1, 0, 2",
        "FAILED,      0, 0, 0, 0, 1",
        "CANCELLED,   0, 0, 0, 0, 1",
        "INTERRUPTED, 0, 0, 0, 0, 1",
        "RUNNING,     3, 3, 3, 0, 0" })
    void exitCodeOfAFinalJob(String state, long quarantined, long sourceErrors, long failed, long coerced, int exit) {
        JobSnapshot job = new JobSnapshot("id", state, "src", true,
                new JobSnapshot.Counts(10, 0, 5, 0, coerced, quarantined, sourceErrors, failed), 0, 1, null);
        assertEquals(exit, job.exitCode());
    }

    @Test
    void readsTheJobLeniently() throws Exception {
        JobSnapshot job = JobSnapshot.of(new ObjectMapper().readTree("""
                {"id":"3f2a","state":"RUNNING","source":"ftp://h/d","listingDone":false,"counts":{"discovered":12,
                 "skipped":1,"stored":2,"alreadyPresent":3,"coerced":4,"quarantined":5,"sourceErrors":6,"failed":7},
                 "bytes":123,"elapsedSeconds":1.5,"error":null,"startedBy":"admin","futureField":true}"""));
        assertEquals(new JobSnapshot("3f2a", "RUNNING", "ftp://h/d", false, new JobSnapshot.Counts(12, 1, 2, 3, 4, 5, 6, 7),
                123, 1.5, null), job);
        assertEquals(28, job.counts().done());
        assertFalse(job.terminal());
        JobSnapshot bare = JobSnapshot.of(new ObjectMapper().readTree("{\"id\":\"x\"}"));
        assertNull(bare.state());
        assertEquals(0, bare.counts().done());
    }
}
