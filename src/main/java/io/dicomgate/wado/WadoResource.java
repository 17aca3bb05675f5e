package io.dicomgate.wado;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;

import org.jboss.resteasy.reactive.RestPath;

import io.dicomgate.access.BreakGlassRequest;
import io.dicomgate.access.CurrentCaller;
import io.dicomgate.access.Roles;
import io.dicomgate.dicom.AcceptHeader;
import io.dicomgate.web.DicomWebPaths;
import io.smallrye.common.annotation.Blocking;

/**
 * WADO-RS Retrieve Transaction (PS3.18 §10.4). On the worker pool, not virtual threads: a retrieve is
 * a few JDBC round trips and a file copy, and a JDBC read on a virtual thread goes through the JDK's
 * poller and the carrier pool — on this project's benchmark machine 25 futex calls per instance
 * retrieve instead of 9, and a quarter of its latency (README "Where the time goes").
 */
@Path(DicomWebPaths.BASE)
@Blocking
@RolesAllowed({ Roles.IMAGING_ADMIN, Roles.CLINICIAN, Roles.PATIENT, Roles.INTEGRATION, Roles.SHARE_RECIPIENT })
public class WadoResource {

    private final WadoService wado;
    private final CurrentCaller caller;

    public WadoResource(WadoService wado, CurrentCaller caller) {
        this.wado = wado;
        this.caller = caller;
    }

    /** PS3.18 §10.4 Retrieve Transaction — Study. */
    @GET
    @Path(DicomWebPaths.STUDY)
    public Response study(@RestPath String studyUid, @Context HttpHeaders headers,
            @Context UriInfo uri) {
        return wado.retrieve(RetrieveRequest.study(studyUid, breakGlass(headers)), accept(headers, uri, AcceptHeader.Resource.INSTANCES), caller.get());
    }

    /** Retrieve Transaction — Series. */
    @GET
    @Path(DicomWebPaths.SERIES)
    public Response series(@RestPath String studyUid, @RestPath String seriesUid,
            @Context HttpHeaders headers, @Context UriInfo uri) {
        return wado.retrieve(RetrieveRequest.series(studyUid, seriesUid, breakGlass(headers)), accept(headers, uri, AcceptHeader.Resource.INSTANCES), caller.get());
    }

    /** Retrieve Transaction — Instance. */
    @GET
    @Path(DicomWebPaths.INSTANCE)
    public Response instance(@RestPath String studyUid, @RestPath String seriesUid, @RestPath String instanceUid,
            @Context HttpHeaders headers, @Context UriInfo uri) {
        return wado.retrieve(RetrieveRequest.instance(studyUid, seriesUid, instanceUid, breakGlass(headers)), accept(headers, uri, AcceptHeader.Resource.INSTANCES), caller.get());
    }

    /** Retrieve Transaction — Study Metadata (PS3.18 §10.4.1.1.2). */
    @GET
    @Path(DicomWebPaths.STUDY + "/metadata")
    public Response studyMetadata(@RestPath String studyUid, @Context HttpHeaders headers,
            @Context UriInfo uri) {
        return wado.metadata(RetrieveRequest.study(studyUid, breakGlass(headers)), accept(headers, uri, AcceptHeader.Resource.METADATA), caller.get(),
                DicomWebPaths.serviceUrl(uri));
    }

    /** Retrieve Transaction — Series Metadata. */
    @GET
    @Path(DicomWebPaths.SERIES + "/metadata")
    public Response seriesMetadata(@RestPath String studyUid, @RestPath String seriesUid,
            @Context HttpHeaders headers, @Context UriInfo uri) {
        return wado.metadata(RetrieveRequest.series(studyUid, seriesUid, breakGlass(headers)), accept(headers, uri, AcceptHeader.Resource.METADATA), caller.get(),
                DicomWebPaths.serviceUrl(uri));
    }

    /** Retrieve Transaction — Instance Metadata. */
    @GET
    @Path(DicomWebPaths.INSTANCE + "/metadata")
    public Response instanceMetadata(@RestPath String studyUid, @RestPath String seriesUid,
            @RestPath String instanceUid, @Context HttpHeaders headers, @Context UriInfo uri) {
        return wado.metadata(RetrieveRequest.instance(studyUid, seriesUid, instanceUid, breakGlass(headers)), accept(headers, uri, AcceptHeader.Resource.METADATA), caller.get(),
                DicomWebPaths.serviceUrl(uri));
    }

    /** Retrieve Transaction — Bulkdata (PS3.18 §10.4.1.1.3), addressed by the BulkDataURIs of the metadata. */
    @GET
    @Path(DicomWebPaths.INSTANCE + "/bulkdata/{tag}")
    public Response bulkdata(@RestPath String studyUid, @RestPath String seriesUid, @RestPath String instanceUid,
            @RestPath String tag, @Context HttpHeaders headers, @Context UriInfo uri) {
        return wado.bulkdata(RetrieveRequest.instance(studyUid, seriesUid, instanceUid, breakGlass(headers)), tag, accept(headers, uri, AcceptHeader.Resource.BULK_DATA),
                caller.get());
    }

    /** Retrieve Transaction — Frames (PS3.18 §10.4.1.1.4). */
    @GET
    @Path(DicomWebPaths.INSTANCE + "/frames/{frameList}")
    public Response frames(@RestPath String studyUid, @RestPath String seriesUid, @RestPath String instanceUid,
            @RestPath String frameList, @Context HttpHeaders headers, @Context UriInfo uri) {
        return wado.frames(RetrieveRequest.instance(studyUid, seriesUid, instanceUid, breakGlass(headers)), frameList, accept(headers, uri, AcceptHeader.Resource.BULK_DATA),
                caller.get());
    }

    private static AcceptHeader accept(HttpHeaders headers, UriInfo uri, AcceptHeader.Resource resource) {
        return AcceptHeader.negotiate(headers.getHeaderString(HttpHeaders.ACCEPT), uri.getQueryParameters(true).get("accept"),
                headers.getHeaderString("Accept-Charset"), resource);
    }

    private static BreakGlassRequest breakGlass(HttpHeaders headers) {
        return BreakGlassRequest.of(headers.getHeaderString(BreakGlassRequest.REASON_HEADER),
                headers.getHeaderString(BreakGlassRequest.PURPOSE_HEADER));
    }
}
