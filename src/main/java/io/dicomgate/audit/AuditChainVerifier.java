package io.dicomgate.audit;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.narayana.jta.QuarkusTransaction;

/**
 * Recomputes the audit log's hash chain in seq order, streaming the rows through a cursor (memory
 * does not grow with the log). A row is broken when its {@code prev_hash} is not the stored hash of
 * the row before it (a row was removed, inserted or re-linked) or its {@code hash} is not the hash of
 * its own fields (a field was altered). The check stops at the first broken row.
 *
 * <p>What the chain cannot show by itself: a chain rewritten from an altered row to the end, or cut
 * off at its end. {@link Result#lastHash()} is the head to anchor outside the database against that.
 */
@ApplicationScoped
public class AuditChainVerifier {

    /** A long log takes a while; the default 300 s transaction timeout is not meant for this. */
    private static final int TIMEOUT_SECONDS = 3600;

    private final AuditLogRepository log;

    public AuditChainVerifier(AuditLogRepository log) {
        this.log = log;
    }

    /**
     * @param valid whether every row checked links to its predecessor and hashes to its stored hash
     * @param checked rows read, including the first broken one
     * @param firstBrokenSeq seq of the first broken row, null when valid
     * @param lastSeq seq of the last row checked, null for an empty log
     * @param lastHash stored hash of the last row checked (the chain head when valid)
     */
    public record Result(boolean valid, long checked, Long firstBrokenSeq, Long lastSeq, String lastHash) {
    }

    public Result verify() {
        return QuarkusTransaction.requiringNew().timeout(TIMEOUT_SECONDS).call(() -> {
            var state = new Object() {
                String expectedPrev = AuditChain.GENESIS;
                long checked;
                Long broken;
                Long lastSeq;
                String lastHash;
            };
            log.scan(entry -> {
                state.checked++;
                state.lastSeq = entry.seq();
                state.lastHash = entry.hash();
                boolean linked = state.expectedPrev.equals(entry.prevHash());
                if (!linked || !intact(entry)) {
                    state.broken = entry.seq();
                    return false;
                }
                state.expectedPrev = entry.hash();
                return true;
            });
            return new Result(state.broken == null, state.checked, state.broken, state.lastSeq, state.lastHash);
        });
    }

    private static boolean intact(AuditEntry entry) {
        AuditEvent e = entry.event();
        if (e.action() == null || e.outcome() == null) {
            return false; // a name this code never writes
        }
        return AuditChain.hash(entry.prevHash(), entry.seq(), e).equals(entry.hash());
    }
}
