package io.dicomgate.web;

import jakarta.ws.rs.core.UriInfo;

/** Route segments of the DICOMweb service, in one place. */
public final class DicomWebPaths {

    /** Base path of the DICOMweb Studies Service (PS3.18 §10.1). */
    public static final String BASE = "/dicomweb";
    public static final String STUDY = "/studies/{studyUid}";
    public static final String SERIES = STUDY + "/series/{seriesUid}";
    public static final String INSTANCE = SERIES + "/instances/{instanceUid}";

    private DicomWebPaths() {
    }

    /** Absolute URL of the service as the client addressed it, without trailing slash. */
    public static String serviceUrl(UriInfo uriInfo) {
        String base = uriInfo.getBaseUri().toString();
        if (base.endsWith("/")) {
            base = base.substring(0, base.length() - 1);
        }
        return base + BASE;
    }
}
