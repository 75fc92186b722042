package io.github.elbo4j.report;

import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.List;

/**
 * Tiles grayscale images (values in [0, 1], row-major {@code height × width}) into one PNG, each
 * magnified by an integer factor and separated by a gray gutter.
 */
public final class ImageGrid {

    private static final int GUTTER = 2;
    private static final int GUTTER_GRAY = 128;
    private static final int LABEL_PADDING = 6;

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
        BufferedImage canvas =
                new BufferedImage(columns * cellWidth + GUTTER, rows * cell + GUTTER, BufferedImage.TYPE_BYTE_GRAY);
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

    /**
     * {@code grid} with a white margin on the left naming each of its rows, e.g. "input" and
     * "reconstruction": an unlabelled grid leaves the reader to guess which row is which.
     *
     * @param grid a grid from {@link #render}
     * @param rowLabels one label per row of images, top to bottom
     */
    public static BufferedImage labelRows(BufferedImage grid, List<String> rowLabels) {
        int rows = rowLabels.size();
        if (rows == 0) {
            throw new IllegalArgumentException("no row labels");
        }
        int cell = (grid.getHeight() - GUTTER) / rows;
        BufferedImage probe = new BufferedImage(1, 1, BufferedImage.TYPE_INT_RGB);
        Graphics2D measure = probe.createGraphics();
        Font font = new Font(Font.SANS_SERIF, Font.PLAIN, Math.max(10, Math.min(14, cell / 3)));
        FontMetrics metrics = measure.getFontMetrics(font);
        int margin = rowLabels.stream().mapToInt(metrics::stringWidth).max().orElse(0) + 2 * LABEL_PADDING;
        measure.dispose();
        BufferedImage labelled =
                new BufferedImage(margin + grid.getWidth(), grid.getHeight(), BufferedImage.TYPE_INT_RGB);
        Graphics2D g = labelled.createGraphics();
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, labelled.getWidth(), labelled.getHeight());
        g.drawImage(grid, margin, 0, null);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.BLACK);
        g.setFont(font);
        for (int r = 0; r < rows; r++) {
            int baseline = GUTTER + r * cell + (cell + metrics.getAscent() - metrics.getDescent()) / 2;
            g.drawString(rowLabels.get(r), LABEL_PADDING, baseline);
        }
        g.dispose();
        return labelled;
    }
}
