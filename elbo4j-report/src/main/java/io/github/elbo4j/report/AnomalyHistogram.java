package io.github.elbo4j.report;

import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.Arrays;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;

/**
 * A histogram of anomaly scores (higher is more anomalous, e.g. −log p(x) in nats) with the
 * decision threshold drawn as a vertical line, so one sees how much of the data it flags.
 */
public final class AnomalyHistogram {

    /** File name inside {@code RUN/plots}. */
    public static final String FILE = "anomaly-scores.png";

    private static final int MAX_BINS = 60;

    private AnomalyHistogram() {}

    /**
     * Renders the histogram.
     *
     * @param scores one finite score per example
     * @param threshold scores above it are flagged
     * @param scoreName what the score is, for the axis title, e.g. "−log p(x), IWAE K=100 (nats)"
     */
    public static BufferedImage render(double[] scores, double threshold, String scoreName) {
        if (scores.length == 0) {
            throw new IllegalArgumentException("no scores to plot");
        }
        if (!Double.isFinite(threshold)) {
            throw new IllegalArgumentException("the threshold must be finite, got " + threshold);
        }
        for (double s : scores) {
            if (!Double.isFinite(s)) {
                throw new IllegalArgumentException("scores must be finite, got " + s);
            }
        }
        double[] counts = new double[bins(scores.length)];
        double lo = Math.min(Arrays.stream(scores).min().getAsDouble(), threshold);
        double hi = Math.max(Arrays.stream(scores).max().getAsDouble(), threshold);
        double width = hi > lo ? (hi - lo) / counts.length : 1;
        int flagged = 0;
        for (double s : scores) {
            counts[Math.min(counts.length - 1, (int) ((s - lo) / width))]++;
            if (s > threshold) {
                flagged++;
            }
        }
        // Step series: each bin as a flat segment from its left to its right edge.
        double[] x = new double[2 * counts.length];
        double[] y = new double[2 * counts.length];
        double peak = 0;
        for (int b = 0; b < counts.length; b++) {
            x[2 * b] = lo + b * width;
            x[2 * b + 1] = lo + (b + 1) * width;
            y[2 * b] = counts[b];
            y[2 * b + 1] = counts[b];
            peak = Math.max(peak, counts[b]);
        }
        XYChart chart = Charts.xy(
                String.format("Anomaly scores: %d of %d above the threshold", flagged, scores.length),
                scoreName,
                "examples");
        XYSeries histogram = chart.addSeries("scores", x, y);
        histogram.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Area);
        histogram.setMarker(new org.knowm.xchart.style.markers.None());
        XYSeries line = chart.addSeries(
                String.format("threshold %.2f", threshold), new double[] {threshold, threshold}, new double[] {0, peak
                });
        line.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
        line.setMarker(new org.knowm.xchart.style.markers.None());
        line.setLineColor(java.awt.Color.RED);
        return Charts.render(chart);
    }

    /** Renders the histogram and writes it atomically to {@code file}. */
    public static Path write(double[] scores, double threshold, String scoreName, Path file) {
        return Png.write(render(scores, threshold, scoreName), file);
    }

    /** Square-root rule, capped so that bars stay visible. */
    private static int bins(int n) {
        return Math.max(1, Math.min(MAX_BINS, (int) Math.ceil(Math.sqrt(n))));
    }
}
