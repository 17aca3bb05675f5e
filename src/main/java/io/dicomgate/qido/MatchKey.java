package io.dicomgate.qido;

import java.util.Map;

/**
 * The attributes dicomgate can match on (PS3.18 §10.6.1.2, Tables 10.6.1-5/-6/-7 and C-FIND's
 * Study Root keys, PS3.4 C.6.2.1), the index column each lives in and how it is matched.
 */
enum MatchKey {
    PATIENT_NAME(0x00100010, QueryLevel.STUDY, "st.patient_name_norm", Kind.PERSON_NAME, "st.patient_name_fuzzy"),
    PATIENT_ID(0x00100020, QueryLevel.STUDY, "p.patient_id", Kind.TEXT),
    ISSUER_OF_PATIENT_ID(0x00100021, QueryLevel.STUDY, "p.issuer", Kind.TEXT),
    PATIENT_BIRTH_DATE(0x00100030, QueryLevel.STUDY, "st.patient_birth_date", Kind.DATE),
    PATIENT_SEX(0x00100040, QueryLevel.STUDY, "st.patient_sex", Kind.TEXT),
    STUDY_INSTANCE_UID(0x0020000D, QueryLevel.STUDY, "st.study_uid", Kind.UID_LIST),
    STUDY_DATE(0x00080020, QueryLevel.STUDY, "st.study_date", Kind.DATE),
    STUDY_TIME(0x00080030, QueryLevel.STUDY, "st.study_time", Kind.TIME),
    ACCESSION_NUMBER(0x00080050, QueryLevel.STUDY, "st.accession_number", Kind.TEXT),
    STUDY_ID(0x00200010, QueryLevel.STUDY, "st.study_id", Kind.TEXT),
    STUDY_DESCRIPTION(0x00081030, QueryLevel.STUDY, "st.study_description", Kind.TEXT),
    REFERRING_PHYSICIAN_NAME(0x00080090, QueryLevel.STUDY, "st.referring_physician_name_norm", Kind.PERSON_NAME,
            "st.referring_physician_name_fuzzy"),
    MODALITIES_IN_STUDY(0x00080061, QueryLevel.STUDY, "st.modalities_in_study", Kind.ARRAY),
    SERIES_INSTANCE_UID(0x0020000E, QueryLevel.SERIES, "se.series_uid", Kind.UID_LIST),
    MODALITY(0x00080060, QueryLevel.SERIES, "se.modality", Kind.TEXT),
    SERIES_NUMBER(0x00200011, QueryLevel.SERIES, "se.series_number", Kind.INTEGER),
    SERIES_DESCRIPTION(0x0008103E, QueryLevel.SERIES, "se.series_description", Kind.TEXT),
    PPS_START_DATE(0x00400244, QueryLevel.SERIES, "se.pps_start_date", Kind.DATE),
    PPS_START_TIME(0x00400245, QueryLevel.SERIES, "se.pps_start_time", Kind.TIME),
    SOP_INSTANCE_UID(0x00080018, QueryLevel.INSTANCE, "i.sop_instance_uid", Kind.UID_LIST),
    SOP_CLASS_UID(0x00080016, QueryLevel.INSTANCE, "i.sop_class_uid", Kind.UID_LIST),
    INSTANCE_NUMBER(0x00200013, QueryLevel.INSTANCE, "i.instance_number", Kind.INTEGER);

    /** How values of a key are matched (PS3.4 C.2.2.2). */
    enum Kind {
        /** Single value, wildcard and universal matching; case-sensitive. */
        TEXT,
        /**
         * As TEXT but case-insensitive, against the whole stored name (all component groups); with
         * {@code fuzzymatching=true}, word by word against {@link #fuzzyColumn}
         * ({@link io.dicomgate.dicom.PersonNames}).
         */
        PERSON_NAME,
        /** Single value or range (C.2.2.2.5) on YYYYMMDD. */
        DATE,
        /** Single value or range on HHMMSS.FFFFFF. */
        TIME,
        /** UID list matching (C.2.2.2.2). */
        UID_LIST,
        /** Single value on an integer column. */
        INTEGER,
        /** Single value contained in a multi-valued column (ModalitiesInStudy). */
        ARRAY
    }

    final int tag;
    final QueryLevel level;
    final String column;
    final Kind kind;
    /** The folded name words of a PERSON_NAME key, for {@code fuzzymatching=true}; else null. */
    final String fuzzyColumn;

    private static final Map<Integer, MatchKey> BY_TAG;

    static {
        var map = new java.util.HashMap<Integer, MatchKey>();
        for (MatchKey key : values()) {
            map.put(key.tag, key);
        }
        BY_TAG = Map.copyOf(map);
    }

    MatchKey(int tag, QueryLevel level, String column, Kind kind) {
        this(tag, level, column, kind, null);
    }

    MatchKey(int tag, QueryLevel level, String column, Kind kind, String fuzzyColumn) {
        this.tag = tag;
        this.level = level;
        this.column = column;
        this.kind = kind;
        this.fuzzyColumn = fuzzyColumn;
    }

    static MatchKey byTag(int tag) {
        return BY_TAG.get(tag);
    }
}
