package io.dicomgate.guard;

import java.time.Instant;
import java.util.List;
import java.util.TreeSet;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.ObservesAsync;
import jakarta.transaction.Transactional;

import org.jboss.logging.Logger;

import io.dicomgate.access.Caller;
import io.dicomgate.dicom.ResourceNotFoundException;
import io.dicomgate.web.ConflictException;

/** The auditors' alert queue: raised by the guard, listed and acknowledged through {@link AlertResource}. */
@ApplicationScoped
public class AlertService {

    private static final Logger LOG = Logger.getLogger(AlertService.class);

    private final GuardAlertRepository alerts;

    public AlertService(GuardAlertRepository alerts) {
        this.alerts = alerts;
    }

    /**
     * Adds to the caller's open alert of this kind, or opens one. Runs asynchronously: the request
     * that hit the limit is answered (and audited) without waiting for the queue.
     */
    @Transactional
    void raise(@ObservesAsync AlertRaised event) {
        GuardAlert alert = alerts.findOpenForUpdate(event.subject(), event.kind()).orElse(null);
        if (alert == null) {
            alert = new GuardAlert();
            alert.id = UUID.randomUUID();
            alert.kind = event.kind();
            alert.subject = event.subject();
            alert.username = event.username();
            alert.clientId = event.clientId();
            alert.roles = String.join(",", new TreeSet<>(event.roles()));
            alert.firstSeenAt = event.at();
        }
        alert.detail = event.detail();
        alert.lastSeenAt = event.at();
        alert.occurrences++;
        if (alert.pk == null) {
            alerts.persist(alert);
        }
        // Staff account and limit only: no patient data in the log.
        LOG.warnf("exfiltration guard alert %s for account %s: %s", event.kind(), event.username(), event.detail());
    }

    @Transactional
    public List<AlertView> list(Boolean open, int limit, int offset) {
        return alerts.search(open, limit, offset).stream().map(AlertView::of).toList();
    }

    @Transactional
    public AlertView get(UUID id) {
        return alerts.findByUuid(id).map(AlertView::of).orElseThrow(ResourceNotFoundException::new);
    }

    /** Closes an open alert with the auditor's finding; a later hit by the same caller opens a new one. */
    @Transactional
    public AlertView acknowledge(Caller auditor, UUID id, String comment) {
        GuardAlert alert = alerts.findByUuidForUpdate(id).orElseThrow(ResourceNotFoundException::new);
        if (alert.acknowledgedAt != null) {
            throw new ConflictException("alert already acknowledged");
        }
        alert.acknowledgedAt = Instant.now();
        alert.acknowledgedBy = auditor.username();
        alert.acknowledgeComment = comment;
        return AlertView.of(alert);
    }
}
