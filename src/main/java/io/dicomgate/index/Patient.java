package io.dicomgate.index;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import io.dicomgate.access.PatientRef;

/**
 * Patient level of the index (PS3.4 C.6.1.1.2 Patient IE): the identity key only (PatientID and
 * IssuerOfPatientID). The Patient module's other attributes are kept per study, as each study was
 * stored, so that a caller sees only values from studies they may see.
 */
@Entity
@Table(name = "patient")
public class Patient {
    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long pk;
    @Column(name = "patient_id")
    public String patientId;
    public String issuer;

    public PatientRef ref() {
        return new PatientRef(patientId, issuer);
    }
}
