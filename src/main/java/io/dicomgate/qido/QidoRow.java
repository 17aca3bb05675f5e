package io.dicomgate.qido;

/** One search match as read from the index; series and instance fields are null above their level. */
record QidoRow(String patientId, String issuer, String patientJson, String studyJson, String studyUid, String[] modalities, int studySeries,
        int studyInstances, String seriesJson, String seriesUid, Integer seriesInstances, String instanceJson,
        String sopInstanceUid) {
}
