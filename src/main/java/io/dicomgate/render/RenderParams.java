package io.dicomgate.render;

import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import io.dicomgate.dicom.InvalidRequestException;

/**
 * The rendering query parameters of PS3.18 §8.3.5.1, parsed and validated once: {@code annotation},
 * {@code quality}, {@code viewport} and {@code window}. A malformed or out-of-range value is a
 * {@code 400}; parameters this class does not know are left to others (e.g. {@code accept}) or
 * ignored, as §8.3 asks.
 *
 * @param annotations what to burn into the image; empty means nothing (the default)
 * @param quality     JPEG quality 1–100, or null for the default
 * @param viewport    output size and source region, or null for the whole image at its size
 * @param window      VOI window from the request, or null to use the data set's
 */
public record RenderParams(Set<Annotation> annotations, Integer quality, Viewport viewport, Window window) {

    /** JPEG quality when the request names none. */
    public static final int DEFAULT_QUALITY = 90;
    /** Largest viewport side accepted, bounding the memory a request can ask for. */
    public static final int MAX_VIEWPORT = 8192;

    public static final RenderParams NONE = new RenderParams(Set.of(), null, null, null);

    public RenderParams {
        annotations = annotations.isEmpty() ? Set.of() : Set.copyOf(annotations);
    }

    /** §8.3.5.1.1: {@code patient} (demographics) and {@code technique} (acquisition details). */
    public enum Annotation {
        PATIENT, TECHNIQUE
    }

    /** VOI LUT Function (PS3.3 C.11.2.1.3) named by the {@code window} parameter. */
    public enum VoiFunction {
        LINEAR, LINEAR_EXACT, SIGMOID;

        static VoiFunction parse(String value) {
            return switch (value.trim().toLowerCase(Locale.ROOT)) {
                case "linear" -> LINEAR;
                case "linear-exact", "linear_exact" -> LINEAR_EXACT;
                case "sigmoid" -> SIGMOID;
                default -> null;
            };
        }
    }

    /**
     * §8.3.5.1.4 {@code window=center,width[,function]}.
     *
     * @param center   window center, in modality (rescaled) values
     * @param width    window width: ≥ 1 for LINEAR, > 0 otherwise (PS3.3 C.11.2.1.2)
     * @param function VOI LUT function
     */
    public record Window(double center, double width, VoiFunction function) {
        public Window {
            if (!Double.isFinite(center) || !Double.isFinite(width)) {
                throw new InvalidRequestException("window center and width must be finite numbers");
            }
            if (function == VoiFunction.LINEAR ? width < 1 : width <= 0) {
                throw new InvalidRequestException("window width must be at least 1 (linear) or positive");
            }
        }
    }

    /**
     * §8.3.5.1.3 {@code viewport=vw,vh[,sx,sy,sw,sh]}: the region of the source image
     * ({@code sx,sy} its top left corner, {@code sw,sh} its size, negative to flip) scaled to fit a
     * {@code vw × vh} viewport with its aspect ratio kept.
     *
     * @param sw 0 when absent (the rest of the image from {@code sx})
     * @param sh 0 when absent
     */
    public record Viewport(int vw, int vh, int sx, int sy, int sw, int sh) {
        public boolean flipHorizontal() {
            return sw < 0;
        }

        public boolean flipVertical() {
            return sh < 0;
        }
    }

    /** Parses the query parameters (values already percent-decoded); only the rendering ones are read. */
    public static RenderParams parse(Map<String, List<String>> query) {
        return new RenderParams(annotations(query.get("annotation")), quality(single(query, "quality")),
                viewport(single(query, "viewport")), window(single(query, "window")));
    }

    /** The same request without annotations: what a thumbnail may show (§10.4.3.3.4: no patient information). */
    public RenderParams withoutAnnotations() {
        return new RenderParams(Set.of(), quality, viewport, window);
    }

    /** JPEG quality as ImageIO takes it, 0.01–1.0. */
    public float jpegQuality() {
        return (quality == null ? DEFAULT_QUALITY : quality) / 100f;
    }

    private static String single(Map<String, List<String>> query, String name) {
        List<String> values = query.get(name);
        if (values == null || values.isEmpty()) {
            return null;
        }
        if (values.size() > 1) {
            throw new InvalidRequestException(name + " may be given once");
        }
        return values.get(0);
    }

    private static Set<Annotation> annotations(List<String> values) {
        if (values == null || values.isEmpty()) {
            return Set.of();
        }
        Set<Annotation> set = EnumSet.noneOf(Annotation.class);
        for (String value : values) {
            for (String item : value.split(",", -1)) {
                switch (item.trim().toLowerCase(Locale.ROOT)) {
                    case "patient" -> set.add(Annotation.PATIENT);
                    case "technique" -> set.add(Annotation.TECHNIQUE);
                    default -> throw new InvalidRequestException("annotation takes patient and/or technique");
                }
            }
        }
        return set;
    }

    private static Integer quality(String value) {
        if (value == null) {
            return null;
        }
        int q = integer(value, "quality must be an integer from 1 to 100");
        if (q < 1 || q > 100) {
            throw new InvalidRequestException("quality must be an integer from 1 to 100");
        }
        return q;
    }

    private static Viewport viewport(String value) {
        if (value == null) {
            return null;
        }
        String[] parts = value.split(",", -1);
        String message = "viewport is vw,vh[,sx,sy,sw,sh] with positive vw and vh up to " + MAX_VIEWPORT;
        if (parts.length != 2 && parts.length != 6) {
            throw new InvalidRequestException(message);
        }
        int vw = integer(parts[0], message);
        int vh = integer(parts[1], message);
        if (vw < 1 || vh < 1 || vw > MAX_VIEWPORT || vh > MAX_VIEWPORT) {
            throw new InvalidRequestException(message);
        }
        if (parts.length == 2) {
            return new Viewport(vw, vh, 0, 0, 0, 0);
        }
        String regionMessage = "viewport region sx,sy must be non-negative integers and sw,sh non-zero integers";
        int sx = optionalInteger(parts[2], 0, regionMessage);
        int sy = optionalInteger(parts[3], 0, regionMessage);
        int sw = optionalInteger(parts[4], 0, regionMessage);
        int sh = optionalInteger(parts[5], 0, regionMessage);
        if (sx < 0 || sy < 0 || (!parts[4].isBlank() && sw == 0) || (!parts[5].isBlank() && sh == 0)) {
            throw new InvalidRequestException(regionMessage);
        }
        return new Viewport(vw, vh, sx, sy, sw, sh);
    }

    private static Window window(String value) {
        if (value == null) {
            return null;
        }
        String message = "window is center,width[,linear|linear-exact|sigmoid]";
        String[] parts = value.split(",", -1);
        if (parts.length != 2 && parts.length != 3) {
            throw new InvalidRequestException(message);
        }
        double center = decimal(parts[0], message);
        double width = decimal(parts[1], message);
        VoiFunction function = VoiFunction.LINEAR;
        if (parts.length == 3) {
            function = VoiFunction.parse(parts[2]);
            if (function == null) {
                throw new InvalidRequestException(message);
            }
        }
        return new Window(center, width, function);
    }

    private static int optionalInteger(String value, int absent, String message) {
        return value.isBlank() ? absent : integer(value, message);
    }

    private static int integer(String value, String message) {
        String v = value.trim();
        if (!v.matches("[+-]?[0-9]{1,9}")) {
            throw new InvalidRequestException(message);
        }
        return Integer.parseInt(v);
    }

    private static double decimal(String value, String message) {
        String v = value.trim();
        // A DS-like decimal (PS3.5 §6.2): no hex, no NaN/Infinity, no trailing type letters.
        if (!v.matches("[+-]?([0-9]+\\.?[0-9]*|\\.[0-9]+)([eE][+-]?[0-9]+)?") || v.length() > 32) {
            throw new InvalidRequestException(message);
        }
        return Double.parseDouble(v);
    }
}
