package io.dicomgate.audit;

/** One stored row of the audit log: the event, its place in the log and its link in the hash chain. */
public record AuditEntry(long seq, AuditEvent event, String prevHash, String hash) {
}
