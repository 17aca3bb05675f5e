package io.dicomgate.imports;

import java.io.InputStream;
import java.net.URI;
import java.util.List;
import java.util.Map;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.jboss.resteasy.reactive.RestPath;
import org.jboss.resteasy.reactive.RestQuery;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;

import io.dicomgate.access.CurrentCaller;
import io.dicomgate.access.Roles;
import io.dicomgate.audit.AuditAction;
import io.dicomgate.audit.AuditContext;
import io.dicomgate.dicom.InvalidRequestException;
import io.dicomgate.imports.source.SourceSpec;
import io.dicomgate.web.JsonBody;
import io.dicomgate.web.PathIds;
import io.dicomgate.web.QueryIntegers;
import io.smallrye.common.annotation.RunOnVirtualThread;

/**
 * The import job API (README "Moving in from an open archive"): imaging administrators start an
 * import of a folder, an FTP(S) server, a DICOMweb server or a DIMSE archive, follow it, read its report
 * and cancel it. Every call is audited (IMPORT, IMPORT_READ); each stored object has its STORE event.
 */
@Path("/api/imports")
@RunOnVirtualThread
@RolesAllowed(Roles.IMAGING_ADMIN)
public class ImportResource {

    private static final ObjectMapper STRICT = new ObjectMapper().findAndRegisterModules()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    /** One report page: the job and the objects that were not plainly stored. */
    public record Report(ImportJob job, List<ImportJobRepository.ReportRow> items) {
    }

    private final ImportService imports;
    private final CurrentCaller caller;
    private final AuditContext audit;
    private final JsonBody json;

    public ImportResource(ImportService imports, CurrentCaller caller, AuditContext audit, JsonBody json) {
        this.imports = imports;
        this.caller = caller;
        this.audit = audit;
        this.json = json;
    }

    /**
     * {@code {"source": {...}, "parallelism": 4}} → 202 with the job and its Location; 409 with the
     * running job when the same source is being imported.
     */
    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    public Response start(InputStream body) {
        audit.action(AuditAction.IMPORT);
        JsonNode request = json.read(body);
        if (request == null || !request.isObject() || !request.path("source").isObject()) {
            throw new InvalidRequestException("the body must be {\"source\": {\"type\": ...}, \"parallelism\": n}");
        }
        request.fieldNames().forEachRemaining(name -> {
            if (!name.equals("source") && !name.equals("parallelism")) {
                throw new InvalidRequestException("unknown field: " + name);
            }
        });
        JsonNode parallelism = request.path("parallelism");
        if (!parallelism.isMissingNode() && !parallelism.canConvertToExactIntegral()) {
            throw new InvalidRequestException("parallelism must be an integer");
        }
        SourceSpec spec;
        try {
            spec = STRICT.treeToValue(request.get("source"), SourceSpec.class);
        } catch (JsonProcessingException | IllegalArgumentException e) {
            // Jackson's own messages may quote a value, and values include passwords: name the field only.
            throw new InvalidRequestException("the source is not valid" + field(e));
        }
        ImportService.Started started = imports.start(spec, parallelism.isMissingNode() ? 4 : parallelism.asInt(),
                caller.get(), audit);
        URI location = URI.create("/api/imports/" + started.job().id());
        if (started.alreadyRunning()) {
            audit.detail("import " + started.job().id() + " of this source is running");
            return Response.status(Response.Status.CONFLICT).location(location)
                    .entity(Map.of("error", "an import of this source is running", "id", started.job().id(),
                            "job", started.job()))
                    .build();
        }
        return Response.accepted(started.job()).location(location).build();
    }

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    public List<ImportJob> list() {
        audit.action(AuditAction.IMPORT_READ);
        return imports.list();
    }

    @GET
    @Path("/{id}")
    @Produces(MediaType.APPLICATION_JSON)
    public ImportJob get(@RestPath String id) {
        audit.action(AuditAction.IMPORT_READ);
        return imports.job(PathIds.uuid(id));
    }

    @GET
    @Path("/{id}/report")
    @Produces(MediaType.APPLICATION_JSON)
    public Report report(@RestPath String id, @RestQuery String offset, @RestQuery String limit) {
        audit.action(AuditAction.IMPORT_READ);
        java.util.UUID job = PathIds.uuid(id);
        return new Report(imports.job(job), imports.report(job,
                QueryIntegers.bounded(offset, 0, 0, Integer.MAX_VALUE, "offset"),
                QueryIntegers.bounded(limit, 1000, 1, 10000, "limit")));
    }

    @POST
    @Path("/{id}/cancel")
    @Produces(MediaType.APPLICATION_JSON)
    public Response cancel(@RestPath String id) {
        audit.action(AuditAction.IMPORT).detail("cancel import " + id);
        return Response.accepted(imports.cancel(PathIds.uuid(id))).build();
    }

    private static String field(Exception e) {
        if (e instanceof JsonMappingException m && !m.getPath().isEmpty()) {
            String name = m.getPath().get(m.getPath().size() - 1).getFieldName();
            if (name != null && name.matches("[A-Za-z]{1,40}")) {
                return e instanceof UnrecognizedPropertyException ? ": unknown field " + name : ": field " + name;
            }
        }
        return "";
    }
}
