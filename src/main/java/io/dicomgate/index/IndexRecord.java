package io.dicomgate.index;

/**
 * Everything the index keeps about one stored instance, level by level. The {@code attrsJson}
 * fields are DICOM JSON object members (PS3.18 Annex F) without the enclosing braces.
 */
public record IndexRecord(PatientRow patient, StudyRow study, SeriesRow series, InstanceRow instance) {

    public record PatientRow(String patientId, String issuer, String name, String birthDate, String sex,
            String attrsJson) {
    }

    public record StudyRow(String studyUid, String date, String time, String accessionNumber, String studyId,
            String description, String referringPhysicianName, String attrsJson) {
    }

    public record SeriesRow(String seriesUid, String modality, Integer seriesNumber, String description,
            String ppsStartDate, String ppsStartTime, String attrsJson) {
    }

    public record InstanceRow(String sopInstanceUid, String sopClassUid, Integer instanceNumber, Integer rows,
            Integer columns, Integer bitsAllocated, Integer samplesPerPixel, Integer numberOfFrames,
            String transferSyntaxUid, long sizeBytes, String sha256, String blobKey, String pixelVr,
            Long pixelOffset, Long pixelLength, String metadataJson, String attrsJson, String coercions) {
    }
}
