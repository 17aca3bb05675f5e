package io.dicomgate.dicom;

import java.util.Set;

/**
 * Which attributes belong to the patient, study and series levels of the index (PS3.4 C.6.1.1
 * Patient Root / Study Root information model, plus the modules PS3.3 places on each entity).
 * Everything else is instance level.
 */
public final class DicomLevels {

    /** Patient IE: Patient module (PS3.3 C.7.1.1) keys and return attributes. */
    public static final Set<Integer> PATIENT = Set.of(
            0x00100010, // PatientName
            0x00100020, // PatientID
            0x00100021, // IssuerOfPatientID
            0x00100024, // IssuerOfPatientIDQualifiersSequence
            0x00100030, // PatientBirthDate
            0x00100032, // PatientBirthTime
            0x00100040, // PatientSex
            0x00101000, // OtherPatientIDs (retired, still common)
            0x00101001, // OtherPatientNames
            0x00101002, // OtherPatientIDsSequence
            0x00102160, // EthnicGroup
            0x00104000, // PatientComments
            0x00101040, // PatientAddress
            0x00101060, // PatientMotherBirthName
            0x00102154, // PatientTelephoneNumbers
            0x00102201, // PatientSpeciesDescription
            0x00102203, // PatientSexNeutered
            0x00102292, // PatientBreedDescription
            0x00102297, // ResponsiblePerson
            0x00102298, // ResponsiblePersonRole
            0x00102299, // ResponsibleOrganization
            0x00120062, // PatientIdentityRemoved
            0x00120063, // DeidentificationMethod
            0x00120064, // DeidentificationMethodCodeSequence
            0x00080005  // SpecificCharacterSet, so each level's strings are self-describing
    );

    /**
     * Study IE: General Study and Patient Study modules (PS3.3 C.7.2.1, C.7.2.2), and the
     * request attributes that describe the study as ordered.
     */
    public static final Set<Integer> STUDY = Set.of(
            0x00080020, // StudyDate
            0x00080030, // StudyTime
            0x00080050, // AccessionNumber
            0x00080051, // IssuerOfAccessionNumberSequence
            0x00080090, // ReferringPhysicianName
            0x00080201, // TimezoneOffsetFromUTC
            0x00081030, // StudyDescription
            0x00081032, // ProcedureCodeSequence
            0x00081048, // PhysiciansOfRecord
            0x00081060, // NameOfPhysiciansReadingStudy
            0x00081080, // AdmittingDiagnosesDescription
            0x00101010, // PatientAge
            0x00101020, // PatientSize
            0x00101030, // PatientWeight
            0x00080096, // ReferringPhysicianIdentificationSequence
            0x00081049, // PhysiciansOfRecordIdentificationSequence
            0x00081062, // PhysiciansReadingStudyIdentificationSequence
            0x00081084, // AdmittingDiagnosesCodeSequence
            0x00081110, // ReferencedStudySequence
            0x00102000, // MedicalAlerts
            0x00102110, // Allergies
            0x00102180, // Occupation
            0x001021B0, // AdditionalPatientHistory
            0x001021C0, // PregnancyStatus
            0x00201070, // OtherStudyNumbers (retired, still common)
            0x00321032, // RequestingPhysician
            0x00321033, // RequestingService
            0x00321064, // RequestedProcedureCodeSequence
            0x00380010, // AdmissionID
            0x0020000D, // StudyInstanceUID
            0x00200010, // StudyID
            0x00321060  // RequestedProcedureDescription
    );

    /**
     * Series IE: General Series, General Equipment and Frame of Reference modules (PS3.3 C.7.3.1,
     * C.7.5.1, C.7.4.1).
     */
    public static final Set<Integer> SERIES = Set.of(
            0x00080021, // SeriesDate
            0x00080031, // SeriesTime
            0x00080060, // Modality
            0x00080070, // Manufacturer
            0x00080080, // InstitutionName
            0x00081010, // StationName
            0x0008103E, // SeriesDescription
            0x00081050, // PerformingPhysicianName
            0x00081070, // OperatorsName
            0x00081090, // ManufacturerModelName
            0x00180015, // BodyPartExamined
            0x00181030, // ProtocolName
            0x00185100, // PatientPosition
            0x0020000E, // SeriesInstanceUID
            0x00200011, // SeriesNumber
            0x00200060, // Laterality
            0x00400244, // PerformedProcedureStepStartDate
            0x00400245, // PerformedProcedureStepStartTime
            0x00400253, // PerformedProcedureStepID
            0x00400254, // PerformedProcedureStepDescription
            0x00400275, // RequestAttributesSequence
            0x00081111, // ReferencedPerformedProcedureStepSequence
            0x00181000, // DeviceSerialNumber
            0x00181020, // SoftwareVersions
            0x00200052, // FrameOfReferenceUID (Frame of Reference IE, one per series here)
            0x00201040, // PositionReferenceIndicator
            0x00280108, // SmallestPixelValueInSeries
            0x00280109, // LargestPixelValueInSeries
            0x00400250, // PerformedProcedureStepEndDate
            0x00400251, // PerformedProcedureStepEndTime
            0x00400260, // PerformedProtocolCodeSequence
            0x00400280, // CommentsOnThePerformedProcedureStep
            0x00081040, // InstitutionalDepartmentName
            0x00080081  // InstitutionAddress
    );

    private DicomLevels() {
    }
}
