package io.github.elbo4j.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import javax.imageio.ImageIO;

/** Decodes PNGs and checks that they show something: many colours and a spread of brightness. */
public final class PngAssertions {

    private PngAssertions() {}

    /** Decodes {@code file} and asserts that it is not blank; returns the image. */
    public static BufferedImage assertNotBlank(Path file) {
        try {
            return assertNotBlank(file.toString(), Files.readAllBytes(file));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Decodes {@code png} and asserts that it is not blank; returns the image. */
    public static BufferedImage assertNotBlank(String name, byte[] png) {
        BufferedImage image;
        try {
            image = ImageIO.read(new ByteArrayInputStream(png));
        } catch (IOException e) {
            throw new AssertionError(name + " does not decode as an image", e);
        }
        assertThat(image).as(name + " decodes as a PNG").isNotNull();
        assertNotBlank(name, image);
        return image;
    }

    /** Asserts that {@code image} has several colours and a spread of brightness. */
    public static void assertNotBlank(String name, BufferedImage image) {
        Set<Integer> colours = new HashSet<>();
        double sum = 0;
        double squares = 0;
        int n = image.getWidth() * image.getHeight();
        for (int y = 0; y < image.getHeight(); y++) {
            for (int x = 0; x < image.getWidth(); x++) {
                int rgb = image.getRGB(x, y);
                colours.add(rgb);
                double luminance = 0.299 * ((rgb >> 16) & 0xff) + 0.587 * ((rgb >> 8) & 0xff) + 0.114 * (rgb & 0xff);
                sum += luminance;
                squares += luminance * luminance;
            }
        }
        double sd = Math.sqrt(Math.max(0, squares / n - (sum / n) * (sum / n)));
        assertThat(colours.size()).as(name + ": distinct colours").isGreaterThan(8);
        assertThat(sd).as(name + ": standard deviation of brightness").isGreaterThan(5);
    }

    /** Number of strongly red pixels (the threshold line's colour). */
    public static int redPixels(BufferedImage image) {
        int red = 0;
        for (int y = 0; y < image.getHeight(); y++) {
            for (int x = 0; x < image.getWidth(); x++) {
                int rgb = image.getRGB(x, y);
                if (((rgb >> 16) & 0xff) > 200 && ((rgb >> 8) & 0xff) < 60 && (rgb & 0xff) < 60) {
                    red++;
                }
            }
        }
        return red;
    }
}
