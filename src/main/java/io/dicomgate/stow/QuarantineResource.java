package io.dicomgate.stow;

import java.io.InputStream;
import java.nio.channels.Channels;
import java.nio.channels.SeekableByteChannel;
import java.util.List;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.StreamingOutput;

import org.jboss.resteasy.reactive.RestPath;
import org.jboss.resteasy.reactive.RestQuery;

import io.dicomgate.access.PatientRef;
import io.dicomgate.access.Roles;
import io.dicomgate.audit.AuditAction;
import io.dicomgate.audit.AuditContext;
import io.dicomgate.dicom.ResourceNotFoundException;
import io.dicomgate.index.Quarantine;
import io.dicomgate.storage.BlobStore;
import io.dicomgate.web.PathIds;
import io.dicomgate.web.QueryIntegers;
import io.smallrye.common.annotation.RunOnVirtualThread;

/**
 * What STOW-RS refused but kept (README "Quarantine"): listed, newest first, and downloadable as the
 * bytes received, by imaging administrators only; every read is audited against the patient when the
 * object named one.
 */
@Path("/api/quarantine")
@RunOnVirtualThread
@RolesAllowed(Roles.IMAGING_ADMIN)
public class QuarantineResource {

    private final Quarantine quarantine;
    private final BlobStore blobs;
    private final AuditContext audit;

    public QuarantineResource(Quarantine quarantine, BlobStore blobs, AuditContext audit) {
        this.quarantine = quarantine;
        this.blobs = blobs;
        this.audit = audit;
    }

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    public List<Quarantine.Entry> list(@RestQuery String limit, @RestQuery String offset) {
        audit.action(AuditAction.QUARANTINE_READ);
        return quarantine.list(QueryIntegers.bounded(limit, 100, 1, 1000, "limit"),
                QueryIntegers.bounded(offset, 0, 0, Integer.MAX_VALUE, "offset"));
    }

    /** The object as received ({@code application/octet-stream}: it may not be valid DICOM). */
    @GET
    @Path("/{id}")
    @Produces(MediaType.APPLICATION_OCTET_STREAM)
    public Response download(@RestPath String id) {
        audit.action(AuditAction.QUARANTINE_READ);
        Quarantine.Entry entry = quarantine.find(PathIds.uuid(id)).orElseThrow(ResourceNotFoundException::new);
        if (entry.patientId() != null) {
            audit.patient(new PatientRef(entry.patientId(), entry.issuer() == null ? "" : entry.issuer()));
        }
        audit.detail("quarantine " + entry.id());
        StreamingOutput body = out -> {
            try (SeekableByteChannel channel = blobs.open(entry.blobKey()); InputStream in = Channels.newInputStream(channel)) {
                in.transferTo(out);
            }
        };
        return Response.ok(body, MediaType.APPLICATION_OCTET_STREAM)
                .header("Content-Disposition", "attachment; filename=\"" + entry.id() + ".dcm\"")
                .header("Content-Length", entry.sizeBytes()).build();
    }
}
