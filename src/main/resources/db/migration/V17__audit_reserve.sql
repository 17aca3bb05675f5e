-- The start of an audit append in one round trip instead of three (issue #9, group commit): take the
-- transaction-scoped advisory lock that makes appends linear, read the chain head, and reserve n
-- consecutive seq values. The caller hashes and inserts its rows, then commits (releasing the lock).
-- SECURITY INVOKER (the default): it can do no more than the caller could statement by statement.
CREATE FUNCTION audit_reserve(lock_key bigint, n integer, OUT prev_hash text, OUT first_seq bigint)
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_advisory_xact_lock(lock_key);
    SELECT hash INTO prev_hash FROM audit_log ORDER BY seq DESC LIMIT 1;
    first_seq := setval(pg_get_serial_sequence('audit_log', 'seq'),
                        nextval(pg_get_serial_sequence('audit_log', 'seq')) + n - 1) - n + 1;
END
$$;
