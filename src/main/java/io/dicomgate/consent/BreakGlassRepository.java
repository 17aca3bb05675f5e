package io.dicomgate.consent;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;

import io.quarkus.hibernate.orm.panache.PanacheRepository;

@ApplicationScoped
public class BreakGlassRepository implements PanacheRepository<BreakGlass> {

    public Optional<BreakGlass> findByUuid(UUID id) {
        return find("id", id).firstResultOptional();
    }

    /** The row locked for update, so two reviews cannot both succeed. */
    public Optional<BreakGlass> findByUuidForUpdate(UUID id) {
        return find("id", id).withLock(LockModeType.PESSIMISTIC_WRITE).firstResultOptional();
    }

    /** The review queue, newest first. */
    public List<BreakGlass> search(BreakGlassQuery query) {
        Map<String, Object> params = new HashMap<>();
        StringBuilder jpql = new StringBuilder("from BreakGlass b where 1 = 1");
        if (query.reviewed() != null) {
            jpql.append(query.reviewed() ? " and b.reviewedAt is not null" : " and b.reviewedAt is null");
        }
        if (query.username() != null) {
            jpql.append(" and b.username = :username");
            params.put("username", query.username());
        }
        if (query.patientId() != null) {
            jpql.append(" and b.patientId = :patientId");
            params.put("patientId", query.patientId());
        }
        if (query.issuer() != null) {
            jpql.append(" and b.issuer = :issuer");
            params.put("issuer", query.issuer());
        }
        jpql.append(" order by b.createdAt desc, b.pk desc");
        return find(jpql.toString(), params).range(query.offset(), query.offset() + query.limit() - 1).list();
    }
}
