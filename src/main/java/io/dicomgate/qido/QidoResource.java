package io.dicomgate.qido;

import java.util.List;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.StreamingOutput;
import jakarta.ws.rs.core.UriInfo;

import org.jboss.resteasy.reactive.RestPath;

import io.dicomgate.access.CurrentCaller;
import io.dicomgate.access.Roles;
import io.dicomgate.dicom.AcceptHeader;
import io.dicomgate.dicom.DicomMediaTypes;
import io.dicomgate.dicom.NotAcceptableException;
import io.dicomgate.dicom.Uid;
import io.dicomgate.web.DicomWebPaths;
import io.smallrye.common.annotation.RunOnVirtualThread;

/** QIDO-RS Search Transaction (PS3.18 §10.6) on its six target resources. */
@Path(DicomWebPaths.BASE)
@RunOnVirtualThread
@RolesAllowed(Roles.IMAGING_ADMIN)
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
    public Response studies(@Context UriInfo uri, @HeaderParam(HttpHeaders.ACCEPT) String accept) {
        return search(QueryLevel.STUDY, null, null, uri, accept);
    }

    /** Search for All Series. */
    @GET
    @Path("/series")
    public Response allSeries(@Context UriInfo uri, @HeaderParam(HttpHeaders.ACCEPT) String accept) {
        return search(QueryLevel.SERIES, null, null, uri, accept);
    }

    /** Search for Study's Series. */
    @GET
    @Path(DicomWebPaths.STUDY + "/series")
    public Response studySeries(@RestPath String studyUid, @Context UriInfo uri,
            @HeaderParam(HttpHeaders.ACCEPT) String accept) {
        return search(QueryLevel.SERIES, Uid.require(studyUid), null, uri, accept);
    }

    /** Search for All Instances. */
    @GET
    @Path("/instances")
    public Response allInstances(@Context UriInfo uri, @HeaderParam(HttpHeaders.ACCEPT) String accept) {
        return search(QueryLevel.INSTANCE, null, null, uri, accept);
    }

    /** Search for Study's Instances. */
    @GET
    @Path(DicomWebPaths.STUDY + "/instances")
    public Response studyInstances(@RestPath String studyUid, @Context UriInfo uri,
            @HeaderParam(HttpHeaders.ACCEPT) String accept) {
        return search(QueryLevel.INSTANCE, Uid.require(studyUid), null, uri, accept);
    }

    /** Search for Study's Series' Instances. */
    @GET
    @Path(DicomWebPaths.SERIES + "/instances")
    public Response seriesInstances(@RestPath String studyUid, @RestPath String seriesUid, @Context UriInfo uri,
            @HeaderParam(HttpHeaders.ACCEPT) String accept) {
        return search(QueryLevel.INSTANCE, Uid.require(studyUid), Uid.require(seriesUid), uri, accept);
    }

    private Response search(QueryLevel level, String studyUid, String seriesUid, UriInfo uri, String accept) {
        var params = uri.getQueryParameters(true);
        // PS3.18 §10.6.3.2: results as application/dicom+json (XML is not offered).
        if (!AcceptHeader.of(accept, params.get("accept")).accepts(DicomMediaTypes.DICOM_JSON)) {
            throw new NotAcceptableException("search results are available as application/dicom+json");
        }
        var queryParams = new java.util.LinkedHashMap<String, List<String>>(params);
        queryParams.remove("accept");
        queryParams.remove("charset");
        QidoQuery query = QidoQuery.parse(level, studyUid, seriesUid, queryParams);
        String serviceUrl = DicomWebPaths.serviceUrl(uri);
        QidoResult result = qido.search(query, caller.get(), serviceUrl);
        // PS3.18 §10.6.3.1 (Table 10.6.3-2): no matches is 204 No Content.
        Response.ResponseBuilder response = result.rows().isEmpty() ? Response.noContent()
                : Response.ok((StreamingOutput) out -> QidoResultWriter.write(result, serviceUrl, out),
                        DicomMediaTypes.DICOM_JSON);
        result.warnings().forEach(w -> response.header("Warning", "299 " + w));
        return response.build();
    }
}
