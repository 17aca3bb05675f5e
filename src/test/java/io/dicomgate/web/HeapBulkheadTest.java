package io.dicomgate.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Optional;

import org.junit.jupiter.api.Test;

class HeapBulkheadTest {

    private static HeapBulkhead bulkhead(int mb) {
        return new HeapBulkhead(new HeapBulkhead.Config() {
            @Override
            public Optional<Integer> heapBudgetMb() {
                return Optional.of(mb);
            }

            @Override
            public Duration maxWait() {
                return Duration.ofMillis(20);
            }
        }, null);
    }

    @Test
    void aSpentBudgetIs503UntilAPermitIsReturned() {
        HeapBulkhead b = bulkhead(10);
        HeapBulkhead.Permit first = b.acquire(6L << 20);
        ServiceBusyException busy = assertThrows(ServiceBusyException.class, () -> b.acquire(6L << 20));
        assertEquals(5, busy.retryAfterSeconds());
        first.close();
        first.close(); // twice returns it once
        try (HeapBulkhead.Permit second = b.acquire(6L << 20); HeapBulkhead.Permit third = b.acquire(4L << 20)) {
            assertThrows(ServiceBusyException.class, () -> b.acquire(1));
        }
        b.acquire(10L << 20).close();
    }

    @Test
    void aStepLargerThanTheWholeBudgetIsRefusedAtOnce() {
        ServiceBusyException e = assertThrows(ServiceBusyException.class, () -> bulkhead(10).acquire(11L << 20));
        assertTrue(e.getMessage().contains("10 MiB"), e.getMessage());
    }

    @Test
    void frameEstimateGrowsWithSourceAndOutput() {
        long small = HeapBulkhead.frameBytes(512, 512, 1, 16, 512, 512);
        assertTrue(small > 512L * 512 * 2 && small < 32L << 20, "512² CT: " + small);
        assertTrue(HeapBulkhead.frameBytes(512, 512, 1, 16, 4096, 4096) > 3 * 4096L * 4096);
    }
}
