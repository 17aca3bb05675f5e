package io.dicomgate.dimse;

import io.dicomgate.ingest.FailureReason;
import io.dicomgate.ingest.IngestResult;

/**
 * The C-STORE-RSP Status (0000,0900) of an ingest result. Only the codes a C-STORE may carry are
 * used: PS3.7 §9.1.1.1.9 (0124 and the other general ones) and PS3.4 Annex B.2.3, Table B.2-1
 * (A7xx Refused: Out of Resources, A9xx Error: Data Set does not match SOP Class, Cxxx Error: Cannot
 * understand). The STOW-only codes of the shared pipeline are mapped onto them:
 * <ul>
 * <li>{@code DUPLICATE_SOP_INSTANCE} (0111H is defined for N-CREATE, PS3.7 C.4.2, not for C-STORE):
 * the object cannot be stored as sent and sending it again will not change that, so it is a
 * permanent Cxxx failure, not an A7xx that a modality would retry; the Error Comment says why;
 * <li>{@code TRANSFER_SYNTAX_NOT_SUPPORTED} (C122H is STOW's): C000H, though association
 * negotiation only accepts transfer syntaxes we store, so it cannot normally happen;
 * <li>{@code PROCESSING_FAILURE} (0110H is not a C-STORE status): A700H, a transient refusal the
 * modality retries, like an audit trail that cannot record the store.
 * </ul>
 */
record StoreStatus(int status, String errorComment) {

    static final int SUCCESS = 0x0000;
    static final int OUT_OF_RESOURCES = 0xA700;
    static final int DATASET_MISMATCH = 0xA900;
    static final int CANNOT_UNDERSTAND = 0xC000;
    static final int NOT_AUTHORIZED = 0x0124;
    /** 0122H Refused: SOP Class not supported (PS3.7 C.5.?): the command names another SOP Class than its context. */
    static final int SOP_CLASS_NOT_SUPPORTED = 0x0122;

    static StoreStatus of(IngestResult result) {
        return switch (result.status()) {
            case STORED, ALREADY_PRESENT -> new StoreStatus(SUCCESS, null);
            case QUARANTINED, REFUSED -> {
                StoreStatus failure = failure(result.reason());
                yield result.detail() == null ? failure : new StoreStatus(failure.status(), result.detail());
            }
        };
    }

    static StoreStatus failure(FailureReason reason) {
        if (reason == null) {
            return new StoreStatus(OUT_OF_RESOURCES, "not stored; try again later");
        }
        return switch (reason) {
            case CANNOT_UNDERSTAND -> new StoreStatus(CANNOT_UNDERSTAND, "unreadable or incomplete object");
            case DATASET_MISMATCH -> new StoreStatus(DATASET_MISMATCH, "missing or invalid UIDs");
            case TRANSFER_SYNTAX_NOT_SUPPORTED -> new StoreStatus(CANNOT_UNDERSTAND, "transfer syntax not supported");
            case DUPLICATE_SOP_INSTANCE -> new StoreStatus(CANNOT_UNDERSTAND,
                    "SOP Instance UID already stored with other content");
            case NOT_AUTHORIZED -> new StoreStatus(NOT_AUTHORIZED, "not authorized");
            case OUT_OF_RESOURCES -> new StoreStatus(OUT_OF_RESOURCES, "storage unavailable; try again later");
            case PROCESSING_FAILURE -> new StoreStatus(OUT_OF_RESOURCES, "processing failure; try again later");
        };
    }

    /** The audit trail could not record the store: nothing is acknowledged unaudited. */
    static StoreStatus auditUnavailable() {
        return new StoreStatus(OUT_OF_RESOURCES, "audit unavailable; try again later");
    }

    static StoreStatus tooLarge(long max) {
        return new StoreStatus(OUT_OF_RESOURCES, "object larger than " + max + " bytes");
    }
}
