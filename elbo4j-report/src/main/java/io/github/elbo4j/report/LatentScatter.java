package io.github.elbo4j.report;

import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.TreeMap;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;

/**
 * A scatter plot of encoder means E_q[z|x] in the two latent dimensions that carry the most KL
 * (the two dimensions themselves for a 2-D latent), one colour per class when the data has
 * labels. Against a VampPrior, whose KL has no closed form per dimension, the two dimensions whose
 * means vary most across the data are shown instead. Dimensions with little KL are (nearly) the prior and show only noise, so the two with most
 * KL are where the structure is.
 */
public final class LatentScatter {

    /** File name inside {@code RUN/plots}. */
    public static final String FILE = "latent.png";

    private LatentScatter() {}

    /**
     * The two dimensions of largest KL, largest first; a 1-D latent gives {0, 0}.
     *
     * @param klPerDimension mean KL of each latent dimension
     */
    public static int[] topTwoDimensions(double[] klPerDimension) {
        if (klPerDimension.length == 0) {
            throw new IllegalArgumentException("no latent dimensions");
        }
        int first = 0;
        for (int j = 1; j < klPerDimension.length; j++) {
            if (klPerDimension[j] > klPerDimension[first]) {
                first = j;
            }
        }
        int second = first == 0 && klPerDimension.length > 1 ? 1 : 0;
        for (int j = 0; j < klPerDimension.length; j++) {
            if (j != first && klPerDimension[j] > klPerDimension[second]) {
                second = j;
            }
        }
        return new int[] {first, klPerDimension.length == 1 ? first : second};
    }

    /**
     * Renders the scatter.
     *
     * @param means encoder means, one row of {@code latent} values per example
     * @param labels class label per example, or null
     * @param classNames the name of each label (empty: "label N")
     * @param klPerDimension mean KL per latent dimension, to choose the axes; NaN where it has no
     *     closed form (a VampPrior), and then {@code meanVariance} chooses them
     * @param meanVariance Cov_x(E_q[z_j]) per dimension: how much each dimension's mean moves with x
     */
    public static BufferedImage render(
            float[][] means, int[] labels, List<String> classNames, double[] klPerDimension, double[] meanVariance) {
        if (means.length == 0) {
            throw new IllegalArgumentException("no latent means to plot");
        }
        if (labels != null && labels.length != means.length) {
            throw new IllegalArgumentException(labels.length + " labels for " + means.length + " points");
        }
        boolean byKl = Arrays.stream(klPerDimension).allMatch(Double::isFinite);
        double[] ranking = byKl ? klPerDimension : meanVariance;
        int[] dims = topTwoDimensions(ranking);
        String format = byKl ? "z%d (KL %.2f nats)" : "z%d (Var E[z|x] %.2f)";
        XYChart chart = Charts.xy(
                byKl ? "Latent means (dimensions with most KL)" : "Latent means (dimensions whose means vary most)",
                String.format(Locale.ROOT, format, dims[0], ranking[dims[0]]),
                String.format(Locale.ROOT, format, dims[1], ranking[dims[1]]));
        chart.getStyler().setDefaultSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
        chart.getStyler().setMarkerSize(3);
        TreeMap<Integer, List<float[]>> groups = new TreeMap<>();
        for (int i = 0; i < means.length; i++) {
            groups.computeIfAbsent(labels == null ? -1 : labels[i], k -> new ArrayList<>())
                    .add(means[i]);
        }
        for (var group : groups.entrySet()) {
            List<float[]> points = group.getValue();
            double[] x = new double[points.size()];
            double[] y = new double[points.size()];
            for (int i = 0; i < x.length; i++) {
                x[i] = points.get(i)[dims[0]];
                y[i] = points.get(i)[dims[1]];
            }
            chart.addSeries(group.getKey() < 0 ? "examples" : ClassNames.name(classNames, group.getKey()), x, y);
        }
        return Charts.render(chart);
    }

    /** Renders the scatter and writes it atomically to {@code file}. */
    public static Path write(
            float[][] means,
            int[] labels,
            List<String> classNames,
            double[] klPerDimension,
            double[] meanVariance,
            Path file) {
        return Png.write(render(means, labels, classNames, klPerDimension, meanVariance), file);
    }
}
