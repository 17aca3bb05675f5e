package io.dicomgate.index;

import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.hibernate.orm.panache.PanacheRepository;

@ApplicationScoped
public class StudyRepository implements PanacheRepository<Study> {

    /** The study with its patient, whose identity every access decision needs. */
    public Optional<Study> findByUidWithPatient(String studyUid) {
        return find("from Study st join fetch st.patient where st.studyUid = ?1", studyUid).firstResultOptional();
    }
}
