package io.github.elbo4j.report;

import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;

/**
 * The mean KL(q(z_j|x) ‖ N(0, 1)) of each latent dimension j, in nats: a dimension near zero is
 * unused (its posterior is the prior), the usual picture of posterior collapse.
 */
public final class KlBarChart {

    /** File name inside {@code RUN/plots}. */
    public static final String FILE = "kl-per-dimension.png";

    private KlBarChart() {}

    /** Renders one bar per latent dimension. */
    public static BufferedImage render(double[] klPerDimension) {
        if (klPerDimension.length == 0) {
            throw new IllegalArgumentException("no latent dimensions");
        }
        CategoryChart chart = new CategoryChartBuilder().width(Charts.WIDTH).height(Charts.HEIGHT)
                .title("KL per latent dimension").xAxisTitle("latent dimension")
                .yAxisTitle("mean KL (nats)").build();
        Charts.style(chart.getStyler());
        chart.getStyler().setLegendVisible(false);
        chart.getStyler().setXAxisLabelRotation(klPerDimension.length > 20 ? 90 : 0);
        List<String> names = new ArrayList<>();
        List<Double> values = new ArrayList<>();
        for (int j = 0; j < klPerDimension.length; j++) {
            names.add(Integer.toString(j));
            values.add(klPerDimension[j]);
        }
        chart.addSeries("KL", names, values);
        return Charts.render(chart);
    }

    /** Renders the bars and writes them atomically to {@code file}. */
    public static Path write(double[] klPerDimension, Path file) {
        return Png.write(render(klPerDimension), file);
    }
}
