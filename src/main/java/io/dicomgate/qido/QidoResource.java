package io.dicomgate.qido;

import java.util.List;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.StreamingOutput;
import jakarta.ws.rs.core.UriInfo;

import org.jboss.resteasy.reactive.RestPath;

import io.dicomgate.access.BreakGlassRequest;
import io.dicomgate.access.CurrentCaller;
import io.dicomgate.access.Roles;
import io.dicomgate.dicom.AcceptHeader;
import io.dicomgate.dicom.DicomMediaTypes;
import io.dicomgate.dicom.DicomModelRepresentation;
import io.dicomgate.dicom.MultipartWriter;
import io.dicomgate.dicom.Uid;
import io.dicomgate.web.DicomWebPaths;
import io.smallrye.common.annotation.Blocking;

/**
 * QIDO-RS Search Transaction (PS3.18 §10.6) on its six target resources. On the worker pool, as WADO-RS
 * ({@link io.dicomgate.wado.WadoResource}): one query and one audit statement per search.
 */
@Path(DicomWebPaths.BASE)
@Blocking
@RolesAllowed({ Roles.IMAGING_ADMIN, Roles.CLINICIAN, Roles.PATIENT, Roles.INTEGRATION, Roles.SHARE_RECIPIENT })
public class QidoResource {

    private final QidoService qido;
    private final CurrentCaller caller;

    public QidoResource(QidoService qido, CurrentCaller caller) {
        this.qido = qido;
        this.caller = caller;
    }

    /** PS3.18 §10.6.1: Search for All Studies. */
    @GET
    @Path("/studies")
    public Response studies(@Context UriInfo uri, @Context HttpHeaders headers) {
        return search(QueryLevel.STUDY, null, null, uri, headers);
    }

    /** Search for All Series. */
    @GET
    @Path("/series")
    public Response allSeries(@Context UriInfo uri, @Context HttpHeaders headers) {
        return search(QueryLevel.SERIES, null, null, uri, headers);
    }

    /** Search for Study's Series. */
    @GET
    @Path(DicomWebPaths.STUDY + "/series")
    public Response studySeries(@RestPath String studyUid, @Context UriInfo uri,
            @Context HttpHeaders headers) {
        return search(QueryLevel.SERIES, Uid.require(studyUid), null, uri, headers);
    }

    /** Search for All Instances. */
    @GET
    @Path("/instances")
    public Response allInstances(@Context UriInfo uri, @Context HttpHeaders headers) {
        return search(QueryLevel.INSTANCE, null, null, uri, headers);
    }

    /** Search for Study's Instances. */
    @GET
    @Path(DicomWebPaths.STUDY + "/instances")
    public Response studyInstances(@RestPath String studyUid, @Context UriInfo uri,
            @Context HttpHeaders headers) {
        return search(QueryLevel.INSTANCE, Uid.require(studyUid), null, uri, headers);
    }

    /** Search for Study's Series' Instances. */
    @GET
    @Path(DicomWebPaths.SERIES + "/instances")
    public Response seriesInstances(@RestPath String studyUid, @RestPath String seriesUid, @Context UriInfo uri,
            @Context HttpHeaders headers) {
        return search(QueryLevel.INSTANCE, Uid.require(studyUid), Uid.require(seriesUid), uri, headers);
    }

    private Response search(QueryLevel level, String studyUid, String seriesUid, UriInfo uri, HttpHeaders headers) {
        var params = uri.getQueryParameters(true);
        String accept = headers.getHeaderString(HttpHeaders.ACCEPT);
        // PS3.18 §10.6.3.3: DICOM JSON by default, or one Native DICOM Model part per result.
        DicomModelRepresentation representation = DicomModelRepresentation.choose(
                AcceptHeader.negotiate(accept, params.get("accept"), headers.getHeaderString("Accept-Charset"),
                        AcceptHeader.Resource.SEARCH), "search results");
        var queryParams = new java.util.LinkedHashMap<String, List<String>>(params);
        queryParams.remove("accept");
        queryParams.remove("charset");
        QidoQuery query = QidoQuery.parse(level, studyUid, seriesUid, queryParams);
        String serviceUrl = DicomWebPaths.serviceUrl(uri);
        BreakGlassRequest breakGlass = BreakGlassRequest.of(headers.getHeaderString(BreakGlassRequest.REASON_HEADER),
                headers.getHeaderString(BreakGlassRequest.PURPOSE_HEADER));
        QidoResult result = qido.search(query, caller.get(), breakGlass, serviceUrl);
        // PS3.18 §10.6.3.1 (Table 10.6.3-2): no matches is 204 No Content.
        Response.ResponseBuilder response;
        if (result.rows().isEmpty()) {
            response = Response.noContent();
        } else if (representation == DicomModelRepresentation.XML) {
            String boundary = MultipartWriter.newBoundary();
            response = Response.ok((StreamingOutput) out -> QidoResultWriter.writeXml(result, serviceUrl, out, boundary),
                    MultipartWriter.contentType(DicomMediaTypes.DICOM_XML, boundary));
        } else {
            response = Response.ok((StreamingOutput) out -> QidoResultWriter.write(result, serviceUrl, out),
                    DicomMediaTypes.DICOM_JSON);
        }
        result.warnings().forEach(w -> response.header("Warning", "299 " + w));
        return response.build();
    }
}
