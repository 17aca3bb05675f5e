package io.dicomgate.render;

import java.awt.image.BufferedImage;
import java.awt.image.IndexColorModel;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.Iterator;

import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageTypeSpecifier;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.metadata.IIOMetadata;
import javax.imageio.metadata.IIOMetadataNode;
import javax.imageio.stream.ImageOutputStream;

/**
 * Encodes rendered 8-bit images with the JDK's ImageIO writers: JPEG baseline (ISO 10918-1, as
 * PS3.18 §8.7.4 asks for image/jpeg) at the requested quality, PNG, GIF, and animated GIF for
 * multi-frame instances.
 */
final class ImageEncoder {

    private static final IndexColorModel GRAY_PALETTE;

    static {
        byte[] ramp = new byte[256];
        for (int i = 0; i < 256; i++) {
            ramp[i] = (byte) i;
        }
        GRAY_PALETTE = new IndexColorModel(8, 256, ramp, ramp, ramp);
    }

    private ImageEncoder() {
    }

    static byte[] encode(BufferedImage image, RenderedMediaType type, float jpegQuality) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(64 * 1024);
        try (ImageOutputStream ios = ImageIO.createImageOutputStream(out)) {
            switch (type) {
                case JPEG -> {
                    ImageWriter writer = writer("jpeg", "com.sun.imageio.plugins.jpeg");
                    try {
                        ImageWriteParam param = writer.getDefaultWriteParam();
                        param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
                        param.setCompressionQuality(jpegQuality);
                        writer.setOutput(ios);
                        writer.write(null, new IIOImage(image, null, null), param);
                    } finally {
                        writer.dispose();
                    }
                }
                case PNG -> write("png", "com.sun.imageio.plugins.png", image, ios);
                case GIF -> write("gif", "com.sun.imageio.plugins.gif", indexed(image), ios);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** Writes frames one at a time into an animated, looping GIF (PS3.18 Table 8.7.4-1, multi-frame image/gif). */
    static final class AnimatedGif implements AutoCloseable {
        private final ImageWriter writer;
        private final ImageOutputStream ios;
        private final int delayCentiseconds;
        private boolean first = true;

        AnimatedGif(OutputStream out, int frameTimeMs) throws IOException {
            this.writer = writer("gif", "com.sun.imageio.plugins.gif");
            this.ios = ImageIO.createImageOutputStream(out);
            this.delayCentiseconds = Math.max(2, Math.min(65535, Math.round(frameTimeMs / 10f)));
            writer.setOutput(ios);
            writer.prepareWriteSequence(null);
        }

        void add(BufferedImage frame) throws IOException {
            BufferedImage image = indexed(frame);
            ImageWriteParam param = writer.getDefaultWriteParam();
            IIOMetadata metadata = writer.getDefaultImageMetadata(ImageTypeSpecifier.createFromRenderedImage(image),
                    param);
            String format = metadata.getNativeMetadataFormatName();
            IIOMetadataNode root = (IIOMetadataNode) metadata.getAsTree(format);
            IIOMetadataNode control = child(root, "GraphicControlExtension");
            control.setAttribute("disposalMethod", "none");
            control.setAttribute("userInputFlag", "FALSE");
            control.setAttribute("transparentColorFlag", "FALSE");
            control.setAttribute("delayTime", Integer.toString(delayCentiseconds));
            control.setAttribute("transparentColorIndex", "0");
            if (first) {
                IIOMetadataNode extensions = child(root, "ApplicationExtensions");
                IIOMetadataNode loop = new IIOMetadataNode("ApplicationExtension");
                loop.setAttribute("applicationID", "NETSCAPE");
                loop.setAttribute("authenticationCode", "2.0");
                loop.setUserObject(new byte[] { 1, 0, 0 }); // loop forever
                extensions.appendChild(loop);
                first = false;
            }
            metadata.setFromTree(format, root);
            writer.writeToSequence(new IIOImage(image, null, metadata), param);
        }

        @Override
        public void close() throws IOException {
            try {
                writer.endWriteSequence();
                ios.flush();
            } finally {
                writer.dispose();
                ios.close();
            }
        }

        private static IIOMetadataNode child(IIOMetadataNode root, String name) {
            for (int i = 0; i < root.getLength(); i++) {
                if (root.item(i).getNodeName().equalsIgnoreCase(name)) {
                    return (IIOMetadataNode) root.item(i);
                }
            }
            IIOMetadataNode node = new IIOMetadataNode(name);
            root.appendChild(node);
            return node;
        }
    }

    /** Grayscale as an exact 256-entry gray palette (no quantisation); colour is left to the GIF writer's palette builder. */
    private static BufferedImage indexed(BufferedImage image) {
        if (image.getType() == BufferedImage.TYPE_BYTE_GRAY) {
            return new BufferedImage(GRAY_PALETTE, image.getRaster(), false, null);
        }
        return image;
    }

    private static void write(String format, String jdkPackage, BufferedImage image, ImageOutputStream ios)
            throws IOException {
        ImageWriter writer = writer(format, jdkPackage);
        try {
            writer.setOutput(ios);
            writer.write(image);
        } finally {
            writer.dispose();
        }
    }

    /** The JDK's own writer for a format, never a plug-in that registered the same name. */
    private static ImageWriter writer(String format, String jdkPackage) throws IOException {
        Iterator<ImageWriter> writers = ImageIO.getImageWritersByFormatName(format);
        ImageWriter fallback = null;
        while (writers.hasNext()) {
            ImageWriter w = writers.next();
            if (w.getClass().getName().startsWith(jdkPackage)) {
                return w;
            }
            if (fallback == null) {
                fallback = w;
            }
        }
        if (fallback == null) {
            throw new IOException("no " + format + " writer");
        }
        return fallback;
    }
}
