-- An audit append in one statement (issue #9, fewer round trips per request): take the transaction-
-- scoped advisory lock that makes appends linear, read the chain head, reserve the seq values, hash
-- and insert every row, and consume the store receipts a STORE event accounts for. Run on its own
-- (autocommit) it is one round trip and one commit; inside a caller's transaction the lock is held
-- until that commits, as with audit_reserve (V17), which it replaces on the hot path.
--
-- The hash is the one AuditChain computes in Java (the verifier recomputes it there):
--   hash = hex(SHA-256(prev_hash || 'dicomgate-audit-v1\n' || <len>:<seq> || tail))
-- where tail is the canonical serialisation of the row's other fields, made by the caller
-- (AuditChain.tail), so both sides share one definition of the canonical form.
-- events is a JSON array of the rows' values (time in epoch microseconds), tails the matching
-- tails in the same order. SECURITY INVOKER (the default): it can do no more than the caller could.
CREATE FUNCTION audit_append(lock_key bigint, events jsonb, tails bytea[], consume_receipts boolean,
                             OUT out_seq bigint, OUT out_prev_hash text, OUT out_hash text)
RETURNS SETOF record
LANGUAGE plpgsql AS $$
DECLARE
    n integer := jsonb_array_length(events);
    prev text;
    next_seq bigint;
    e jsonb;
    h text;
BEGIN
    PERFORM pg_advisory_xact_lock(lock_key);
    SELECT a.hash INTO prev FROM audit_log a ORDER BY a.seq DESC LIMIT 1;
    prev := coalesce(prev, repeat('0', 64));
    next_seq := setval(pg_get_serial_sequence('audit_log', 'seq'),
                       nextval(pg_get_serial_sequence('audit_log', 'seq')) + n - 1) - n + 1;
    FOR i IN 0 .. n - 1 LOOP
        e := events -> i;
        h := encode(sha256(convert_to(prev, 'UTF8')
                || convert_to(E'dicomgate-audit-v1\n' || length(next_seq::text) || ':' || next_seq::text, 'UTF8')
                || tails[i + 1]), 'hex');
        INSERT INTO audit_log (seq, event_time, request_id, subject, username, client_id, roles, source_address,
                action, patient_id, issuer, study_uid, series_uid, instance_uid, outcome, http_status,
                purpose_of_use, break_glass_reason, detail, prev_hash, hash)
        VALUES (next_seq, timestamptz 'epoch' + (e ->> 'time')::bigint * interval '1 microsecond',
                e ->> 'requestId', e ->> 'subject', e ->> 'username', e ->> 'clientId',
                ARRAY(SELECT jsonb_array_elements_text(e -> 'roles')), e ->> 'sourceAddress',
                e ->> 'action', e ->> 'patientId', e ->> 'issuer', e ->> 'studyUid', e ->> 'seriesUid',
                e ->> 'instanceUid', e ->> 'outcome', (e ->> 'httpStatus')::integer, e ->> 'purposeOfUse',
                e ->> 'breakGlassReason', e ->> 'detail', prev, h);
        IF consume_receipts AND e ->> 'action' = 'STORE' THEN
            DELETE FROM store_receipt r WHERE r.request_id = e ->> 'requestId'
                AND (e ->> 'studyUid' IS NULL OR r.study_uid = e ->> 'studyUid');
        END IF;
        out_seq := next_seq;
        out_prev_hash := prev;
        out_hash := h;
        RETURN NEXT;
        prev := h;
        next_seq := next_seq + 1;
    END LOOP;
END
$$;
