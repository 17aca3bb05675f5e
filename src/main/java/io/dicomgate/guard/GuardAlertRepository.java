package io.dicomgate.guard;

import java.util.List;
import java.util.Optional;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;

import io.quarkus.hibernate.orm.panache.PanacheRepository;

@ApplicationScoped
public class GuardAlertRepository implements PanacheRepository<GuardAlert> {

    /** The open alert of this caller and limit, locked so concurrent raises add up. */
    Optional<GuardAlert> findOpenForUpdate(String subject, GuardLimit kind) {
        return find("subject = ?1 and kind = ?2 and acknowledgedAt is null", subject, kind)
                .withLock(LockModeType.PESSIMISTIC_WRITE).firstResultOptional();
    }

    Optional<GuardAlert> findByUuidForUpdate(UUID id) {
        return find("id", id).withLock(LockModeType.PESSIMISTIC_WRITE).firstResultOptional();
    }

    Optional<GuardAlert> findByUuid(UUID id) {
        return find("id", id).firstResultOptional();
    }

    /** The queue, most recent first; {@code open} null lists all. */
    List<GuardAlert> search(Boolean open, int limit, int offset) {
        String where = open == null ? "1 = 1" : open ? "acknowledgedAt is null" : "acknowledgedAt is not null";
        return find(where + " order by lastSeenAt desc, pk desc").range(offset, offset + limit - 1).list();
    }
}
