package io.dicomgate.ingest;

/** The road an object came in by: it names the quarantine source and decides which repairs apply. */
public enum IngestChannel {
    /** STOW-RS (PS3.18 §10.5): PS3.10 files are required, so a bare data set is refused. */
    STOW,
    /** A bulk import (README "Moving in from an open archive"): a bare data set gets a File Meta built from it. */
    IMPORT,
    /** A DICOM C-STORE (PS3.4 Annex B) received by the DIMSE listener. */
    DIMSE;

    /** The quarantine's {@code source} value. */
    public String sourceName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
