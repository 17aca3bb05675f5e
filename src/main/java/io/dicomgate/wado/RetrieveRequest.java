package io.dicomgate.wado;

import io.dicomgate.access.BreakGlassRequest;
import io.dicomgate.dicom.Uid;

/**
 * The target of a retrieve: a study, one of its series, or one instance (PS3.18 §10.4.1), and the
 * break-the-glass headers that came with it (null when none).
 */
public record RetrieveRequest(String studyUid, String seriesUid, String instanceUid, BreakGlassRequest breakGlass) {

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

    public static RetrieveRequest study(String studyUid, BreakGlassRequest breakGlass) {
        return new RetrieveRequest(studyUid, null, null, breakGlass);
    }

    public static RetrieveRequest series(String studyUid, String seriesUid, BreakGlassRequest breakGlass) {
        return new RetrieveRequest(studyUid, seriesUid, null, breakGlass);
    }

    public static RetrieveRequest instance(String studyUid, String seriesUid, String instanceUid,
            BreakGlassRequest breakGlass) {
        return new RetrieveRequest(studyUid, seriesUid, instanceUid, breakGlass);
    }
}
