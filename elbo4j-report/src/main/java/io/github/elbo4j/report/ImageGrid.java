package io.github.elbo4j.report;

import java.awt.image.BufferedImage;
import java.nio.file.Path;

/**
 * Tiles grayscale images (values in [0, 1], row-major {@code height × width}) into one PNG, each
 * magnified by an integer factor and separated by a gray gutter.
 */
public final class ImageGrid {

    private static final int GUTTER = 2;
    private static final int GUTTER_GRAY = 128;

    private ImageGrid() {}

    /** Renders the images in rows of {@code columns} and writes the PNG atomically. */
    public static void write(float[][] images, int height, int width, int columns, int magnify, Path file) {
        Png.write(render(images, height, width, columns, magnify), file);
    }

    /** Renders the images in rows of {@code columns}. */
    public static BufferedImage render(float[][] images, int height, int width, int columns, int magnify) {
        if (images.length == 0) {
            throw new IllegalArgumentException("no images to draw");
        }
        int rows = (images.length + columns - 1) / columns;
        int cell = height * magnify + GUTTER;
        int cellWidth = width * magnify + GUTTER;
        BufferedImage canvas = new BufferedImage(
                columns * cellWidth + GUTTER, rows * cell + GUTTER, BufferedImage.TYPE_BYTE_GRAY);
        var raster = canvas.getRaster();
        for (int y = 0; y < canvas.getHeight(); y++) {
            for (int x = 0; x < canvas.getWidth(); x++) {
                raster.setSample(x, y, 0, GUTTER_GRAY);
            }
        }
        for (int i = 0; i < images.length; i++) {
            int top = GUTTER + (i / columns) * cell;
            int left = GUTTER + (i % columns) * cellWidth;
            for (int r = 0; r < height * magnify; r++) {
                for (int c = 0; c < width * magnify; c++) {
                    float v = images[i][(r / magnify) * width + c / magnify];
                    int gray = Math.round(255 * Math.max(0f, Math.min(1f, v)));
                    raster.setSample(left + c, top + r, 0, gray);
                }
            }
        }
        return canvas;
    }
}
