package io.dicomgate.ingest;

/**
 * Failure Reason (0008,1197) values of the Store Instances Response (PS3.18 §10.5.3, Table
 * 10.5.3-3; PS3.4 Annex B.2.3 and PS3.7 C.4.2 for 0111H).
 */
public enum FailureReason {
    /** The part is not a parseable, complete DICOM Part 10 object ("Error: Cannot understand"). */
    CANNOT_UNDERSTAND(0xC000),
    /** Required UIDs missing or invalid, or Study Instance UID not the one addressed ("Data Set does not match SOP Class"). */
    DATASET_MISMATCH(0xA900),
    /** The transfer syntax is not one we can store ("Referenced Transfer Syntax not supported"). */
    TRANSFER_SYNTAX_NOT_SUPPORTED(0xC122),
    /** Same SOP Instance UID already stored with different content ("Duplicate SOP Instance"). */
    DUPLICATE_SOP_INSTANCE(0x0111),
    /** The token may not store for this patient ("Refused: Not Authorized", PS3.7 C.4.2 0124H). */
    NOT_AUTHORIZED(0x0124),
    /** Storage is full or failing ("Refused: Out of Resources"). */
    OUT_OF_RESOURCES(0xA700),
    /** Anything else that stopped the store ("Processing failure"). */
    PROCESSING_FAILURE(0x0110);

    public final int code;

    FailureReason(int code) {
        this.code = code;
    }

    /** The code as PS3.18 Table 10.5.3-2 / PS3.4 Annex B.2.3 give it. */
    public int code() {
        return code;
    }
}
