package io.dicomgate.web;

import java.net.URI;
import java.util.Optional;

import jakarta.ws.rs.core.UriInfo;

import org.eclipse.microprofile.config.ConfigProvider;

/** Route segments of the DICOMweb service, in one place. */
public final class DicomWebPaths {

    /** Base path of the DICOMweb Studies Service (PS3.18 §10.1). */
    public static final String BASE = "/dicomweb";
    public static final String STUDY = "/studies/{studyUid}";
    public static final String SERIES = STUDY + "/series/{seriesUid}";
    public static final String INSTANCE = SERIES + "/instances/{instanceUid}";

    private DicomWebPaths() {
    }

    /** Configuration key of the public base URL (README, "Behind a proxy"). */
    public static final String PUBLIC_BASE_URL = "dicomgate.public-base-url";

    /**
     * Absolute URL of the service for RetrieveURLs and BulkDataURIs, without trailing slash: under
     * {@value #PUBLIC_BASE_URL} when it is set, whatever Host header the request carried; otherwise
     * as the client addressed it — through {@code X-Forwarded-*}/{@code Forwarded} only when
     * {@code quarkus.http.proxy.*} enables them, and then only from the configured trusted proxies.
     */
    public static String serviceUrl(UriInfo uriInfo) {
        Optional<String> configured = ConfigProvider.getConfig().getOptionalValue(PUBLIC_BASE_URL, String.class);
        String base = configured.map(DicomWebPaths::requireBaseUrl).orElseGet(() -> uriInfo.getBaseUri().toString());
        if (base.endsWith("/")) {
            base = base.substring(0, base.length() - 1);
        }
        return base + BASE;
    }

    /**
     * The configured public base URL, checked: absolute {@code http} or {@code https}, a host, no
     * query or fragment (an invalid value is a configuration error, not a client's).
     */
    static String requireBaseUrl(String value) {
        URI uri;
        try {
            uri = URI.create(value.trim());
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException(PUBLIC_BASE_URL + " is not a URL");
        }
        if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) || uri.getHost() == null
                || uri.getRawQuery() != null || uri.getRawFragment() != null) {
            throw new IllegalStateException(PUBLIC_BASE_URL + " must be an absolute http(s) URL without query");
        }
        return uri.toString();
    }
}
