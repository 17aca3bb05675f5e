package io.dicomgate.render;

import io.dicomgate.dicom.AcceptHeader;
import io.dicomgate.dicom.NotAcceptableException;

/**
 * The Rendered Media Types dicomgate produces (PS3.18 §8.7.4, Table 8.7.4-1): JPEG (the default for
 * single-frame images), PNG and GIF (GIF also animates multi-frame instances).
 */
public enum RenderedMediaType {
    JPEG("image/jpeg"), PNG("image/png"), GIF("image/gif");

    private final String mediaType;

    RenderedMediaType(String mediaType) {
        this.mediaType = mediaType;
    }

    public String mediaType() {
        return mediaType;
    }

    /**
     * What the request accepts, chosen from its media ranges best q first.
     *
     * @param type      the media type of the image(s)
     * @param multipart whether the client asked for {@code multipart/related} explicitly
     * @param explicit  whether the type was named, not reached through a wildcard ({@code image/*},
     *                  {@code *\/*}), which always means JPEG
     */
    public record Choice(RenderedMediaType type, boolean multipart, boolean explicit) {
    }

    /**
     * PS3.18 §8.7.4–8.7.5: {@code image/jpeg}, {@code image/png}, {@code image/gif}, each also as the
     * {@code type} of {@code multipart/related}; {@code image/*}, {@code *\/*} and a multipart range
     * without a type take the default, JPEG.
     *
     * @param multipartAllowed whether a {@code multipart/related} range may be taken (not for thumbnails)
     * @throws NotAcceptableException when no acceptable range names a type we produce
     */
    public static Choice negotiate(AcceptHeader accept, boolean multipartAllowed) {
        for (AcceptHeader.Range range : accept.ranges()) {
            String mediaType = range.type().mediaType();
            switch (mediaType) {
                case "*/*", "image/*" -> {
                    return new Choice(JPEG, false, false);
                }
                case "multipart/related", "multipart/*" -> {
                    if (!multipartAllowed) {
                        continue;
                    }
                    String partType = range.param("type");
                    if (partType == null || partType.equals("*/*") || partType.equalsIgnoreCase("image/*")) {
                        return new Choice(JPEG, true, false);
                    }
                    RenderedMediaType named = of(partType);
                    if (named != null) {
                        return new Choice(named, true, true);
                    }
                }
                default -> {
                    RenderedMediaType named = of(mediaType);
                    if (named != null) {
                        return new Choice(named, false, true);
                    }
                }
            }
        }
        throw new NotAcceptableException("rendered resources are available as image/jpeg, image/png or image/gif");
    }

    private static RenderedMediaType of(String mediaType) {
        String type = mediaType.trim().toLowerCase(java.util.Locale.ROOT);
        for (RenderedMediaType t : values()) {
            if (t.mediaType.equals(type)) {
                return t;
            }
        }
        return null;
    }
}
