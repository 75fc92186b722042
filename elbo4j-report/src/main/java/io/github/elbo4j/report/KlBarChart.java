package io.github.elbo4j.report;

import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;

/**
 * The mean KL(q(z_j|x) ‖ N(0, 1)) of each latent dimension j, in nats: a dimension near zero is
 * unused (its posterior is the prior), the usual picture of posterior collapse. A VampPrior run
 * shows the variance of each dimension's posterior mean over the data instead.
 */
public final class KlBarChart {

    /** File name inside {@code RUN/plots}. */
    public static final String FILE = "kl-per-dimension.png";

    private KlBarChart() {}

    /**
     * Renders one bar per latent dimension: its mean KL, or, where that has no closed form (NaN,
     * a VampPrior), the variance of its posterior mean over the data — the active-unit statistic,
     * near zero for an unused dimension too.
     */
    public static BufferedImage render(double[] klPerDimension, double[] meanVariance) {
        if (klPerDimension.length == 0) {
            throw new IllegalArgumentException("no latent dimensions");
        }
        boolean byKl = Arrays.stream(klPerDimension).allMatch(Double::isFinite);
        double[] values = byKl ? klPerDimension : meanVariance;
        CategoryChart chart = new CategoryChartBuilder()
                .width(Charts.WIDTH)
                .height(Charts.HEIGHT)
                .title(
                        byKl
                                ? "KL per latent dimension"
                                : "Activity per latent dimension (VampPrior: no per-dimension KL)")
                .xAxisTitle("latent dimension")
                .yAxisTitle(byKl ? "mean KL (nats)" : "Var over x of E[z|x]")
                .build();
        Charts.style(chart.getStyler());
        chart.getStyler().setLegendVisible(false);
        chart.getStyler().setXAxisLabelRotation(values.length > 20 ? 90 : 0);
        List<String> names = new ArrayList<>();
        List<Double> heights = new ArrayList<>();
        for (int j = 0; j < values.length; j++) {
            names.add(Integer.toString(j));
            heights.add(values[j]);
        }
        chart.addSeries(byKl ? "KL" : "activity", names, heights);
        return Charts.render(chart);
    }

    /** Renders the bars and writes them atomically to {@code file}. */
    public static Path write(double[] klPerDimension, double[] meanVariance, Path file) {
        return Png.write(render(klPerDimension, meanVariance), file);
    }
}
