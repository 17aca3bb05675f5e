package io.dicomgate.wado;

import io.dicomgate.dicom.Uid;

/** The target of a retrieve: a study, one of its series, or one instance (PS3.18 §10.4.1). */
public record RetrieveRequest(String studyUid, String seriesUid, String instanceUid) {

    /** Validates the UIDs of the path (400 when malformed). */
    public RetrieveRequest {
        Uid.require(studyUid);
        if (seriesUid != null) {
            Uid.require(seriesUid);
        }
        if (instanceUid != null) {
            Uid.require(instanceUid);
        }
    }

    public static RetrieveRequest study(String studyUid) {
        return new RetrieveRequest(studyUid, null, null);
    }

    public static RetrieveRequest series(String studyUid, String seriesUid) {
        return new RetrieveRequest(studyUid, seriesUid, null);
    }

    public static RetrieveRequest instance(String studyUid, String seriesUid, String instanceUid) {
        return new RetrieveRequest(studyUid, seriesUid, instanceUid);
    }
}
