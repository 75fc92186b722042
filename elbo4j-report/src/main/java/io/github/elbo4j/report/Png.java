package io.github.elbo4j.report;

import io.github.elbo4j.io.AtomicFiles;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import javax.imageio.ImageIO;

/** PNG encoding of rendered pictures, written atomically so a reader never sees a torn image. */
public final class Png {

    private Png() {}

    /** The PNG bytes of {@code image}. */
    public static byte[] encode(BufferedImage image) {
        ByteArrayOutputStream png = new ByteArrayOutputStream();
        try {
            if (!ImageIO.write(image, "png", png)) {
                throw new IllegalStateException("no PNG writer for image type " + image.getType());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return png.toByteArray();
    }

    /** Encodes {@code image} and atomically replaces {@code file} with it. */
    public static Path write(BufferedImage image, Path file) {
        AtomicFiles.write(file, encode(image));
        return file;
    }
}
