package io.github.elbo4j.report;

import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.knowm.xchart.XYChart;

/**
 * Training curves against epoch, one panel each: the ELBO (train and validation, with the
 * validation IWAE bound of an IWAE run), the reconstruction term E_q[log p(x|z)], KL(q(z|x) ‖ p(z)),
 * and the KL weight β and the learning rate when they change during the run. Values are the per-epoch means of {@code metrics.jsonl}, in
 * nats per example (single-sample reparameterized ELBO, analytic KL).
 */
public final class TrainingCurves {

    /** File name inside {@code RUN/plots}. */
    public static final String FILE = "curves.png";

    private static final int COLUMNS = 3;

    private TrainingCurves() {}

    /** Renders the panels; the table needs at least one row with an epoch. */
    public static BufferedImage render(MetricsTable metrics) {
        if (!metrics.has("epoch")) {
            throw new IllegalArgumentException("metrics.jsonl holds no epochs yet; nothing to plot");
        }
        double[] epoch = metrics.column("epoch");
        List<BufferedImage> panels = new ArrayList<>();
        if (hasFinite(metrics, "valid_iwae")) {
            // An IWAE run is trained and judged on its bound, which sits above the ELBO it loosens.
            panels.add(panel(
                    "ELBO and IWAE bound (nats per example)",
                    "nats",
                    epoch,
                    metrics,
                    new String[] {"elbo", "valid_elbo", "valid_iwae"},
                    new String[] {"train ELBO", "validation ELBO", "validation IWAE bound"}));
        } else {
            panels.add(panel(
                    "ELBO (nats per example)",
                    "ELBO",
                    epoch,
                    metrics,
                    new String[] {"elbo", "valid_elbo"},
                    new String[] {"train", "validation"}));
        }
        panels.add(panel(
                "Reconstruction E_q[log p(x|z)]", "nats", epoch, metrics, new String[] {"recon"}, new String[] {"train"
                }));
        panels.add(panel("KL(q(z|x) || p(z))", "nats", epoch, metrics, new String[] {"kl"}, new String[] {"train"}));
        // A constant β or learning rate says nothing an epoch axis could show: no panel.
        if (varies(metrics, "beta")) {
            panels.add(panel("KL weight beta", "beta", epoch, metrics, new String[] {"beta"}, new String[] {"beta"}));
        }
        if (varies(metrics, "lr")) {
            panels.add(panel("Learning rate", "lr", epoch, metrics, new String[] {"lr"}, new String[] {"Adam"}));
        }
        return Charts.tile(panels, COLUMNS);
    }

    /** Renders the curves and writes them atomically to {@code file}. */
    public static Path write(MetricsTable metrics, Path file) {
        return Png.write(render(metrics), file);
    }

    private static BufferedImage panel(
            String title, String yTitle, double[] epoch, MetricsTable metrics, String[] columns, String[] names) {
        XYChart chart = Charts.xy(title, "epoch", yTitle);
        for (int c = 0; c < columns.length; c++) {
            double[] y = metrics.column(columns[c]);
            double[][] finite = finitePairs(epoch, y);
            if (finite[0].length > 0) {
                chart.addSeries(names[c], finite[0], finite[1]);
            }
        }
        if (chart.getSeriesCollection().isEmpty()) {
            // XChart cannot draw an empty chart; an explicit "no data" series keeps the panel honest.
            chart.setTitle(title + " (not recorded)");
            chart.addSeries("no data", new double[] {epoch[0]}, new double[] {0});
        }
        return Charts.render(chart);
    }

    private static boolean hasFinite(MetricsTable metrics, String column) {
        return metrics.has(column) && Arrays.stream(metrics.column(column)).anyMatch(Double::isFinite);
    }

    /** Whether {@code column} is recorded and takes more than one finite value. */
    static boolean varies(MetricsTable metrics, String column) {
        return metrics.has(column)
                && Arrays.stream(metrics.column(column))
                                .filter(Double::isFinite)
                                .distinct()
                                .count()
                        > 1;
    }

    /** The (x, y) pairs where both are finite: rows without validation are left out, not zero. */
    static double[][] finitePairs(double[] x, double[] y) {
        int n = 0;
        for (int i = 0; i < x.length; i++) {
            if (Double.isFinite(x[i]) && Double.isFinite(y[i])) {
                n++;
            }
        }
        double[][] pairs = new double[2][n];
        int j = 0;
        for (int i = 0; i < x.length; i++) {
            if (Double.isFinite(x[i]) && Double.isFinite(y[i])) {
                pairs[0][j] = x[i];
                pairs[1][j] = y[i];
                j++;
            }
        }
        return pairs;
    }
}
