package io.dicomgate.consent;

import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;

import io.dicomgate.access.PatientRef;
import io.quarkus.hibernate.orm.panache.PanacheRepository;

/** Consent rows. Read from the database on every call: consent is never cached. */
@ApplicationScoped
public class ConsentRepository implements PanacheRepository<Consent> {

    private static final String IN_FORCE = "c.status = 'active' and c.periodStart <= :now"
            + " and (c.periodEnd is null or c.periodEnd > :now)";

    public Optional<Consent> findByUuid(UUID id) {
        return find("id", id).firstResultOptional();
    }

    /** The row locked for update, so two revocations cannot both succeed. */
    public Optional<Consent> findByUuidForUpdate(UUID id) {
        return find("id", id).withLock(LockModeType.PESSIMISTIC_WRITE).firstResultOptional();
    }

    /**
     * The consent with this id and whether the caller may see it, in one query of one shape whether
     * the consent is visible, hidden or absent, so neither the answer nor its timing tells hidden from
     * unknown (the caller gets 404 for both; the audit records the hidden one's patient).
     */
    public Optional<Lookup> lookup(UUID id, ConsentVisibility visibility) {
        Map<String, Object> params = new HashMap<>();
        String where = visibility.none() ? "1 = 0" : visibility.jpql(params);
        params.put("id", id);
        // Scalars only: a hidden consent costs the same as an unknown one (no entity is loaded for it).
        var query = getEntityManager().createQuery(
                "select c.patientId, c.issuer, case when (" + where + ") then true else false end from Consent c"
                        + " where c.id = :id", Object[].class);
        params.forEach(query::setParameter);
        return query.getResultStream().findFirst()
                .map(row -> new Lookup(new PatientRef((String) row[0], (String) row[1]), (Boolean) row[2]));
    }

    /** A consent id that exists: whose it is, and whether the caller may see it. */
    public record Lookup(PatientRef patient, boolean visible) {
    }

    /** One page of the consents the caller may see, newest first; the rule is in the query, before the page. */
    public List<Consent> search(ConsentVisibility visibility, ConsentQuery query, Instant now) {
        if (visibility.none()) {
            return List.of();
        }
        Map<String, Object> params = new HashMap<>();
        StringBuilder jpql = new StringBuilder("from Consent c where ").append(visibility.jpql(params));
        if (query.patientId() != null) {
            jpql.append(" and c.patientId = :patientId");
            params.put("patientId", query.patientId());
        }
        if (query.issuer() != null) {
            jpql.append(" and c.issuer = :issuer");
            params.put("issuer", query.issuer());
        }
        if (query.status() != null) {
            jpql.append(" and c.status = :status");
            params.put("status", query.status());
        }
        if (query.active() != null) {
            jpql.append(query.active() ? " and (" + IN_FORCE + ")" : " and not (" + IN_FORCE + ")");
            params.put("now", now);
        }
        jpql.append(" order by c.createdAt desc, c.pk desc");
        return find(jpql.toString(), params).range(query.offset(), query.offset() + query.limit() - 1).list();
    }
}
