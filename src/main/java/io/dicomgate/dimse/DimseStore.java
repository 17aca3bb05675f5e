package io.dicomgate.dimse;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.control.ActivateRequestContext;

import org.jboss.logging.Logger;

import io.dicomgate.access.Caller;
import io.dicomgate.access.Roles;
import io.dicomgate.audit.AuditUnavailableException;
import io.dicomgate.ingest.IngestChannel;
import io.dicomgate.ingest.IngestResult;
import io.dicomgate.ingest.IngestSession;
import io.dicomgate.ingest.Ingestion;

/**
 * Hands each received object to the shared ingest pipeline (validation, durable storage, index,
 * quarantine, audit), as the identity its allow-list entry names, and answers with the C-STORE
 * status. The session is closed (its audit events written) before the status is returned, so no
 * success is sent for an object whose store is not audited.
 */
@ApplicationScoped
public class DimseStore {

    private static final Logger LOG = Logger.getLogger(DimseStore.class);
    /** What an allow-listed AE may do: store, nothing else (README "Modalities: DICOM C-STORE over TLS"). */
    static final Set<String> SCOPES = Set.of("system/ImagingStudy.c");

    private final Ingestion ingestion;

    public DimseStore(Ingestion ingestion) {
        this.ingestion = ingestion;
    }

    Path newStagingFile() throws IOException {
        return ingestion.newStagingFile();
    }

    /** The caller an allow-list entry stores as: subject {@code dimse:<identity>}, role ingest. */
    static Caller caller(AllowList.Peer peer) {
        return new Caller("dimse:" + peer.identity(), peer.identity(), "ae:" + peer.aeTitle(), Set.of(Roles.INGEST),
                SCOPES, null, "");
    }

    /** Stores (and consumes) one staged Part 10 file whose SHA-256 was computed while it was received. */
    @ActivateRequestContext
    StoreStatus store(Caller caller, String aeTitle, String sourceAddress, Path staged, String sha256) {
        IngestResult result;
        try (IngestSession session = ingestion.open(caller, IngestChannel.DIMSE, sourceAddress,
                "DIMSE C-STORE from AE " + aeTitle)) {
            result = session.storeStaged(List.of(new IngestSession.Staged(staged, sha256))).get(0);
        } catch (AuditUnavailableException e) {
            LOG.warn("C-STORE refused: the audit trail is unavailable");
            return StoreStatus.auditUnavailable();
        } catch (RuntimeException e) {
            LOG.warnf("C-STORE failed: %s", e.getClass().getSimpleName());
            return StoreStatus.failure(null);
        }
        return StoreStatus.of(result);
    }
}
