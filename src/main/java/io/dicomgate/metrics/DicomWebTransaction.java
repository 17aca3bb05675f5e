package io.dicomgate.metrics;

import java.util.Locale;

/**
 * The DICOMweb transaction a request belongs to (PS3.18 §10.4–§10.6, §8.9), the {@code transaction}
 * tag of the request meters. Decided from the HTTP method and the matched route template — never
 * from the request path, whose UIDs must not reach a label.
 */
public enum DicomWebTransaction {
    /** QIDO-RS searches (§10.6). */
    QIDO,
    /** WADO-RS retrieve of a study, series or instance (§10.4). */
    WADO,
    /** WADO-RS metadata (§10.4.1.1.2). */
    METADATA,
    /** WADO-RS frames (§10.4.1.1.5). */
    FRAMES,
    /** WADO-RS bulk data (§10.4.1.1.6). */
    BULKDATA,
    /** Rendered resources (§10.4.1.1.3). */
    RENDERED,
    /** Thumbnails (§10.4.1.1.4). */
    THUMBNAIL,
    /** STOW-RS (§10.5). */
    STOW,
    /** Retrieve Capabilities, {@code OPTIONS} (§8.9). */
    CAPABILITIES,
    /** No resource matched: refused before routing (401) or an unknown path. */
    UNMATCHED;

    /** The tag value. */
    public String tag() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * @param method the HTTP method
     * @param template the matched route template (e.g. {@code /dicomweb/studies/{studyUid}/metadata}), or
     *        null when no resource matched
     */
    public static DicomWebTransaction of(String method, String template) {
        if ("OPTIONS".equals(method)) {
            return CAPABILITIES;
        }
        if (template == null || template.isEmpty()) {
            return UNMATCHED;
        }
        if ("POST".equals(method)) {
            return STOW;
        }
        String[] segments = template.split("/");
        String last = segments[segments.length - 1];
        String beforeLast = segments.length > 1 ? segments[segments.length - 2] : "";
        if ("metadata".equals(last)) {
            return METADATA;
        }
        if ("rendered".equals(last)) {
            return RENDERED;
        }
        if ("thumbnail".equals(last)) {
            return THUMBNAIL;
        }
        if ("frames".equals(beforeLast)) {
            return FRAMES;
        }
        if ("bulkdata".equals(beforeLast)) {
            return BULKDATA;
        }
        // A collection (".../studies", ".../series", ".../instances") is searched; one resource is retrieved.
        return last.startsWith("{") ? WADO : QIDO;
    }
}
