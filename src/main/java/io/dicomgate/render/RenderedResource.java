package io.dicomgate.render;

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
import io.dicomgate.wado.RetrieveRequest;
import io.smallrye.common.annotation.RunOnVirtualThread;

/**
 * Retrieve Transaction on Rendered resources (PS3.18 §10.4.1.1.3) and Thumbnail resources
 * (§10.4.1.1.4): consumer images (JPEG, PNG, GIF) of studies, series, instances and frames.
 */
@Path(DicomWebPaths.BASE)
@RunOnVirtualThread
@RolesAllowed({ Roles.IMAGING_ADMIN, Roles.CLINICIAN, Roles.PATIENT, Roles.INTEGRATION, Roles.SHARE_RECIPIENT })
public class RenderedResource {

    private final RenderService render;
    private final CurrentCaller caller;

    public RenderedResource(RenderService render, CurrentCaller caller) {
        this.render = render;
        this.caller = caller;
    }

    @GET
    @Path(DicomWebPaths.STUDY + "/rendered")
    public Response study(@RestPath String studyUid, @Context HttpHeaders headers, @Context UriInfo uri) {
        return rendered(RetrieveRequest.study(studyUid, breakGlass(headers)), null, headers, uri);
    }

    @GET
    @Path(DicomWebPaths.SERIES + "/rendered")
    public Response series(@RestPath String studyUid, @RestPath String seriesUid, @Context HttpHeaders headers,
            @Context UriInfo uri) {
        return rendered(RetrieveRequest.series(studyUid, seriesUid, breakGlass(headers)), null, headers, uri);
    }

    @GET
    @Path(DicomWebPaths.INSTANCE + "/rendered")
    public Response instance(@RestPath String studyUid, @RestPath String seriesUid, @RestPath String instanceUid,
            @Context HttpHeaders headers, @Context UriInfo uri) {
        return rendered(RetrieveRequest.instance(studyUid, seriesUid, instanceUid, breakGlass(headers)), null,
                headers, uri);
    }

    @GET
    @Path(DicomWebPaths.INSTANCE + "/frames/{frameList}/rendered")
    public Response frames(@RestPath String studyUid, @RestPath String seriesUid, @RestPath String instanceUid,
            @RestPath String frameList, @Context HttpHeaders headers, @Context UriInfo uri) {
        return rendered(RetrieveRequest.instance(studyUid, seriesUid, instanceUid, breakGlass(headers)), frameList,
                headers, uri);
    }

    @GET
    @Path(DicomWebPaths.STUDY + "/thumbnail")
    public Response studyThumbnail(@RestPath String studyUid, @Context HttpHeaders headers, @Context UriInfo uri) {
        return thumbnail(RetrieveRequest.study(studyUid, breakGlass(headers)), null, headers, uri);
    }

    @GET
    @Path(DicomWebPaths.SERIES + "/thumbnail")
    public Response seriesThumbnail(@RestPath String studyUid, @RestPath String seriesUid,
            @Context HttpHeaders headers, @Context UriInfo uri) {
        return thumbnail(RetrieveRequest.series(studyUid, seriesUid, breakGlass(headers)), null, headers, uri);
    }

    @GET
    @Path(DicomWebPaths.INSTANCE + "/thumbnail")
    public Response instanceThumbnail(@RestPath String studyUid, @RestPath String seriesUid,
            @RestPath String instanceUid, @Context HttpHeaders headers, @Context UriInfo uri) {
        return thumbnail(RetrieveRequest.instance(studyUid, seriesUid, instanceUid, breakGlass(headers)), null,
                headers, uri);
    }

    @GET
    @Path(DicomWebPaths.INSTANCE + "/frames/{frameList}/thumbnail")
    public Response frameThumbnail(@RestPath String studyUid, @RestPath String seriesUid,
            @RestPath String instanceUid, @RestPath String frameList, @Context HttpHeaders headers,
            @Context UriInfo uri) {
        return thumbnail(RetrieveRequest.instance(studyUid, seriesUid, instanceUid, breakGlass(headers)), frameList,
                headers, uri);
    }

    private Response rendered(RetrieveRequest request, String frameList, HttpHeaders headers, UriInfo uri) {
        var query = uri.getQueryParameters(true);
        return render.rendered(request, frameList, accept(headers, query.get("accept")), query, caller.get(),
                DicomWebPaths.serviceUrl(uri));
    }

    private Response thumbnail(RetrieveRequest request, String frame, HttpHeaders headers, UriInfo uri) {
        var query = uri.getQueryParameters(true);
        return render.thumbnail(request, frame, accept(headers, query.get("accept")), query, caller.get());
    }

    private static AcceptHeader accept(HttpHeaders headers, java.util.List<String> acceptParam) {
        return AcceptHeader.negotiate(headers.getHeaderString(HttpHeaders.ACCEPT), acceptParam,
                headers.getHeaderString("Accept-Charset"), AcceptHeader.Resource.RENDERED);
    }

    private static BreakGlassRequest breakGlass(HttpHeaders headers) {
        return BreakGlassRequest.of(headers.getHeaderString(BreakGlassRequest.REASON_HEADER),
                headers.getHeaderString(BreakGlassRequest.PURPOSE_HEADER));
    }
}
