package io.dicomgate.stow;

import java.io.InputStream;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
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
import io.dicomgate.dicom.Uid;
import io.dicomgate.web.DicomWebPaths;
import io.smallrye.common.annotation.RunOnVirtualThread;

/**
 * STOW-RS Store Instances (PS3.18 §10.5). On virtual threads, unlike retrieves and searches: an
 * upload may take minutes on a slow modality link, and a thread per upload must not come from a
 * bounded pool.
 */
@Path(DicomWebPaths.BASE)
@RunOnVirtualThread
public class StowResource {

    private final StowService stow;
    private final CurrentCaller caller;
    private final UploadSlots slots;

    public StowResource(StowService stow, CurrentCaller caller, UploadSlots slots) {
        this.stow = stow;
        this.caller = caller;
        this.slots = slots;
    }

    /** PS3.18 §10.5 Store Transaction — Studies. */
    @POST
    @Path("/studies")
    @Produces(DicomMediaTypes.DICOM_JSON)
    @RolesAllowed({ Roles.IMAGING_ADMIN, Roles.INGEST })
    public Response store(InputStream body, @HeaderParam(HttpHeaders.CONTENT_TYPE) String contentType,
            @Context UriInfo uriInfo, @Context HttpHeaders headers) {
        acceptable(headers);
        try (UploadSlots.Slot slot = slots.take(caller.get())) {
            return respond(stow.store(body, contentType, null, DicomWebPaths.serviceUrl(uriInfo), caller.get()));
        }
    }

    /** PS3.18 §10.5 Store Transaction — Study: every instance must belong to {studyUid}. */
    @POST
    @Path(DicomWebPaths.STUDY)
    @Produces(DicomMediaTypes.DICOM_JSON)
    @RolesAllowed({ Roles.IMAGING_ADMIN, Roles.INGEST })
    public Response storeInStudy(@RestPath String studyUid, InputStream body,
            @HeaderParam(HttpHeaders.CONTENT_TYPE) String contentType, @Context UriInfo uriInfo,
            @Context HttpHeaders headers) {
        acceptable(headers);
        try (UploadSlots.Slot slot = slots.take(caller.get())) {
            return respond(stow.store(body, contentType, Uid.require(studyUid), DicomWebPaths.serviceUrl(uriInfo),
                    caller.get()));
        }
    }

    /** PS3.18 §8.7.7: the response carries a payload, so the request needs an Accept header (406 otherwise). */
    private static void acceptable(HttpHeaders headers) {
        AcceptHeader.negotiate(headers.getHeaderString(HttpHeaders.ACCEPT), null,
                headers.getHeaderString("Accept-Charset"), AcceptHeader.Resource.STORE_RESPONSE);
    }

    private static Response respond(StowResult result) {
        StreamingOutput json = out -> StowResponseWriter.write(result, out);
        return Response.status(result.httpStatus()).entity(json).type(DicomMediaTypes.DICOM_JSON).build();
    }
}
