package io.github.elbo4j.report;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.util.List;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.internal.chartpart.Chart;
import org.knowm.xchart.style.Styler;

/** Shared look of the XChart pictures and the tiling of several charts into one image. */
final class Charts {

    static {
        // Charts are drawn off-screen; a server or CI machine has no display.
        System.setProperty("java.awt.headless", "true");
    }

    static final int WIDTH = 640;
    static final int HEIGHT = 420;
    /** At most this many labels on an x axis, so that they never run together in a panel. */
    private static final int MAX_X_LABELS = 8;

    private Charts() {}

    /** A line chart with the house style. */
    static XYChart xy(String title, String xTitle, String yTitle) {
        XYChart chart = new XYChartBuilder()
                .width(WIDTH)
                .height(HEIGHT)
                .title(title)
                .xAxisTitle(xTitle)
                .yAxisTitle(yTitle)
                .build();
        style(chart.getStyler());
        chart.getStyler().setMarkerSize(4);
        // Wide spacing keeps epoch labels (1..60 and beyond) readable: XChart labels every
        // whole-number x of a short integer axis unless the count is capped.
        chart.getStyler().setXAxisTickMarkSpacingHint(90);
        chart.getStyler().setXAxisMaxLabelCount(MAX_X_LABELS);
        return chart;
    }

    /** White background, legend below the plot (where it never hides a curve's end), antialiased text. */
    static void style(Styler styler) {
        styler.setChartBackgroundColor(Color.WHITE);
        styler.setPlotBackgroundColor(Color.WHITE);
        styler.setLegendPosition(Styler.LegendPosition.OutsideS);
        styler.setLegendLayout(Styler.LegendLayout.Horizontal);
        styler.setAntiAlias(true);
    }

    /** The chart drawn into an image. */
    static BufferedImage render(Chart<?, ?> chart) {
        return BitmapEncoder.getBufferedImage(chart);
    }

    /** Charts of equal size tiled row by row, {@code columns} per row, on a white canvas. */
    static BufferedImage tile(List<BufferedImage> panels, int columns) {
        if (panels.isEmpty()) {
            throw new IllegalArgumentException("no charts to tile");
        }
        int width = panels.get(0).getWidth();
        int height = panels.get(0).getHeight();
        int rows = (panels.size() + columns - 1) / columns;
        BufferedImage canvas =
                new BufferedImage(width * Math.min(columns, panels.size()), height * rows, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = canvas.createGraphics();
        try {
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, canvas.getWidth(), canvas.getHeight());
            for (int i = 0; i < panels.size(); i++) {
                g.drawImage(panels.get(i), (i % columns) * width, (i / columns) * height, null);
            }
        } finally {
            g.dispose();
        }
        return canvas;
    }
}
