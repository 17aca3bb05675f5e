package io.dicomgate.render;

import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.awt.image.DataBufferInt;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import com.pixelmed.dicom.TagFromName;

import io.dicomgate.render.RenderParams.Annotation;
import io.dicomgate.render.RenderParams.Window;

/**
 * Burns the annotations of PS3.18 §8.3.5.1.1 into a rendered image — only those the request
 * names. {@code patient}: name, ID, birth date and sex (top left); {@code technique}: modality,
 * study date, series description, the window applied and the frame (bottom left). Text is white
 * with a black outline, drawn after scaling so it stays legible at the output size.
 */
final class Annotator {

    private Annotator() {
    }

    /** The lines to draw; empty when no annotation is asked for. */
    static Lines lines(Set<Annotation> annotations, ImageAttributes a, Window window, int frame) {
        List<String> top = new ArrayList<>();
        List<String> bottom = new ArrayList<>();
        if (annotations.contains(Annotation.PATIENT)) {
            top.add(personName(a.text(TagFromName.PatientName)));
            top.add("ID " + a.text(TagFromName.PatientID));
            String birth = date(a.text(TagFromName.PatientBirthDate));
            String sex = a.text(TagFromName.PatientSex);
            top.add(("DOB " + birth + " " + sex).trim());
        }
        if (annotations.contains(Annotation.TECHNIQUE)) {
            bottom.add((a.text(TagFromName.Modality) + " " + date(a.text(TagFromName.StudyDate))).trim());
            String series = a.text(TagFromName.SeriesDescription);
            if (!series.isEmpty()) {
                bottom.add(series);
            }
            if (window != null) {
                bottom.add("W " + number(window.width()) + " C " + number(window.center()));
            }
            if (a.numberOfFrames > 1) {
                bottom.add("FRAME " + frame + "/" + a.numberOfFrames);
            }
        }
        return new Lines(top, bottom);
    }

    /** Text lines for the top left and bottom left corners. */
    record Lines(List<String> top, List<String> bottom) {
        boolean isEmpty() {
            return top.isEmpty() && bottom.isEmpty();
        }
    }

    /** Draws the lines onto a {@code TYPE_BYTE_GRAY} or {@code TYPE_INT_RGB} image, in place. */
    static void draw(BufferedImage image, Lines lines) {
        if (lines.isEmpty()) {
            return;
        }
        int w = image.getWidth();
        int h = image.getHeight();
        int scale = Math.max(1, Math.min(w, h) / 256);
        int lineHeight = (BitmapFont.HEIGHT + 3) * scale;
        int margin = 2 * scale;
        Canvas canvas = new Canvas(image);
        int y = margin;
        for (String line : lines.top()) {
            text(canvas, line, margin, y, scale);
            y += lineHeight;
        }
        y = h - margin - lines.bottom().size() * lineHeight + 2 * scale;
        for (String line : lines.bottom()) {
            text(canvas, line, margin, y, scale);
            y += lineHeight;
        }
    }

    private static void text(Canvas canvas, String text, int x0, int y0, int scale) {
        int advance = (BitmapFont.WIDTH + 1) * scale;
        // Outline first, then the glyphs, so every letter reads on bright and dark pixels alike.
        for (int pass = 0; pass < 2; pass++) {
            int x = x0;
            for (int i = 0; i < text.length(); i++) {
                char c = text.charAt(i);
                if (x + advance > canvas.width) {
                    break;
                }
                for (int gy = 0; gy < BitmapFont.HEIGHT; gy++) {
                    for (int gx = 0; gx < BitmapFont.WIDTH; gx++) {
                        if (!BitmapFont.pixel(c, gx, gy)) {
                            continue;
                        }
                        int px = x + gx * scale;
                        int py = y0 + gy * scale;
                        if (pass == 0) {
                            canvas.fill(px - scale, py - scale, 3 * scale, 3 * scale, false);
                        } else {
                            canvas.fill(px, py, scale, scale, true);
                        }
                    }
                }
                x += advance;
            }
        }
    }

    private static String personName(String pn) {
        // Alphabetic group only; components separated by '^' read as "FAMILY, GIVEN MIDDLE".
        String alphabetic = pn.split("=", -1)[0];
        String[] parts = alphabetic.split("\\^", -1);
        StringBuilder sb = new StringBuilder(parts[0].trim());
        for (int i = 1; i < parts.length; i++) {
            if (!parts[i].isBlank()) {
                sb.append(i == 1 ? ", " : " ").append(parts[i].trim());
            }
        }
        return sb.toString();
    }

    private static String date(String da) {
        return da.matches("[0-9]{8}") ? da.substring(0, 4) + "-" + da.substring(4, 6) + "-" + da.substring(6) : da;
    }

    private static String number(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e9 ? Long.toString((long) v) : String.format(Locale.ROOT, "%.1f", v);
    }

    /** Pixel access to the two image types the renderer produces. */
    private static final class Canvas {
        final int width;
        final int height;
        final byte[] gray;
        final int[] rgb;

        Canvas(BufferedImage image) {
            width = image.getWidth();
            height = image.getHeight();
            if (image.getType() == BufferedImage.TYPE_BYTE_GRAY) {
                gray = ((DataBufferByte) image.getRaster().getDataBuffer()).getData();
                rgb = null;
            } else {
                gray = null;
                rgb = ((DataBufferInt) image.getRaster().getDataBuffer()).getData();
            }
        }

        void fill(int x, int y, int w, int h, boolean white) {
            for (int yy = Math.max(0, y); yy < Math.min(height, y + h); yy++) {
                for (int xx = Math.max(0, x); xx < Math.min(width, x + w); xx++) {
                    if (gray != null) {
                        gray[yy * width + xx] = (byte) (white ? 255 : 0);
                    } else {
                        rgb[yy * width + xx] = white ? 0xFFFFFF : 0;
                    }
                }
            }
        }
    }
}
