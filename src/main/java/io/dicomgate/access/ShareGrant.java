package io.dicomgate.access;

/**
 * What a share link's access token carries (README "Share links"): the share it was exchanged for,
 * the recipient's label as the creator wrote it, and whether the recipient may download DICOM files
 * or only view. The studies themselves are read from the share on every request.
 *
 * @param id the share's id
 * @param label the recipient, e.g. "Dr. Rossi, Ospedale X"
 * @param download whether Part 10 retrieval is allowed
 */
public record ShareGrant(String id, String label, boolean download) {

    /** Identity attributes a share-token identity carries (set by the share feature's authentication). */
    public static final String ID_ATTRIBUTE = "dicomgate.share.id";
    public static final String LABEL_ATTRIBUTE = "dicomgate.share.label";
    public static final String DOWNLOAD_ATTRIBUTE = "dicomgate.share.download";
    /** Client id recorded for requests made with a share token. */
    public static final String CLIENT_ID = "dicomgate-share-link";
}
