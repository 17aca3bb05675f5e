package io.dicomgate.access;

/** A patient as DICOM identifies one: Patient ID (0010,0020) qualified by Issuer of Patient ID (0010,0021). */
public record PatientRef(String patientId, String issuer) {
}
