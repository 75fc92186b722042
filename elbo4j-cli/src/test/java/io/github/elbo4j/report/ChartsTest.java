package io.github.elbo4j.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The charts, drawn from known numbers. */
class ChartsTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private static List<JsonNode> rows(boolean withBetaAndLr) throws Exception {
        List<JsonNode> rows = new ArrayList<>();
        for (int epoch = 1; epoch <= 6; epoch++) {
            String valid = epoch % 2 == 0 ? String.valueOf(-150.0 + 5 * epoch) : "null";
            String extra = withBetaAndLr ? ",\"beta\":" + Math.min(1.0, epoch / 4.0) + ",\"lr\":0.001" : "";
            rows.add(JSON.readTree("{\"epoch\":" + epoch + ",\"elbo\":" + (-160.0 + 6 * epoch)
                    + ",\"recon\":" + (-140.0 + 6 * epoch) + ",\"kl\":" + (20.0 - epoch)
                    + ",\"valid_elbo\":" + valid + extra + "}"));
        }
        return rows;
    }

    @Test
    void curvesLeaveOutTheBetaPanelWhenTheRunDoesNotRecordBeta() throws Exception {
        MetricsTable old = new MetricsTable(rows(false));
        assertThat(old.has("beta")).isFalse();
        assertThat(old.has("valid_elbo")).isTrue();
        BufferedImage three = TrainingCurves.render(old);
        BufferedImage five = TrainingCurves.render(new MetricsTable(rows(true)));
        assertThat(three.getHeight()).as("ELBO, recon, KL: one row of panels").isEqualTo(Charts.HEIGHT);
        assertThat(five.getHeight()).as("plus the annealed beta: two rows").isEqualTo(2 * Charts.HEIGHT);
        PngAssertions.assertNotBlank(TrainingCurves.write(old, dir.resolve("curves.png")));
        PngAssertions.assertNotBlank("curves with beta", five);
    }

    @Test
    void constantBetaAndLearningRateGetNoPanelAndAnIwaeRunShowsItsBound() throws Exception {
        List<JsonNode> rows = new ArrayList<>();
        for (int epoch = 1; epoch <= 60; epoch++) {
            rows.add(JSON.readTree("{\"epoch\":" + epoch + ",\"elbo\":" + (-160.0 + epoch) + ",\"recon\":-140,\"kl\":20"
                    + ",\"valid_elbo\":" + (-150.0 + epoch) + ",\"valid_iwae\":" + (-145.0 + epoch)
                    + ",\"beta\":1.0,\"lr\":0.001}"));
        }
        MetricsTable table = new MetricsTable(rows);
        assertThat(TrainingCurves.varies(table, "beta")).isFalse();
        assertThat(TrainingCurves.varies(table, "lr")).isFalse();
        BufferedImage curves = TrainingCurves.render(table);
        assertThat(curves.getHeight()).as("ELBO and IWAE, recon, KL: one row").isEqualTo(Charts.HEIGHT);
        PngAssertions.assertNotBlank("IWAE curves", curves);
    }

    @Test
    void curvesRefuseAnEmptyTable() {
        assertThatThrownBy(() -> TrainingCurves.render(new MetricsTable(List.of())))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no epochs");
    }

    @Test
    void metricsTableReadsMissingAndNullAsNaN() throws Exception {
        MetricsTable table = new MetricsTable(rows(false));
        assertThat(table.column("valid_elbo")[0]).isNaN();
        assertThat(table.last("valid_elbo")).isEqualTo(-120.0);
        assertThat(table.bestRow("valid_elbo", 0)).isEqualTo(5);
        assertThat(table.bestRow("beta", 0)).isEqualTo(-1);
    }

    @Test
    void theBestRowMustBeatTheEarlierBestByTheMinimumImprovement() throws Exception {
        ObjectMapper json = new ObjectMapper();
        List<JsonNode> rows = new ArrayList<>();
        for (double v : new double[] {-100, -99.995, -99.5, -99.495, -99.6}) {
            rows.add(json.readTree("{\"valid_elbo\": " + v + "}"));
        }
        MetricsTable table = new MetricsTable(rows);
        assertThat(table.bestRow("valid_elbo", 0.01)).isEqualTo(2);
        assertThat(table.bestRow("valid_elbo", 0)).isEqualTo(3);
    }

    @Test
    void anomalyHistogramDrawsTheThresholdInRed() {
        SplittableRandom random = new SplittableRandom(7);
        double[] scores = new double[500];
        for (int i = 0; i < scores.length; i++) {
            scores[i] = 100 + 10 * (random.nextDouble() + random.nextDouble() + random.nextDouble());
        }
        double threshold = io.github.elbo4j.vae.eval.AnomalyScorer.quantile(scores, 0.99);
        BufferedImage image = AnomalyHistogram.render(scores, threshold, "-log p(x) (nats)");
        PngAssertions.assertNotBlank("histogram", image);
        assertThat(PngAssertions.redPixels(image)).as("threshold line").isGreaterThan(100);
        // A threshold beyond every score is still inside the drawn range.
        assertThat(PngAssertions.redPixels(AnomalyHistogram.render(scores, 200, "score")))
                .isGreaterThan(100);
    }

    @Test
    void anomalyHistogramRejectsNonFiniteInput() {
        assertThatThrownBy(() -> AnomalyHistogram.render(new double[] {1, Double.NaN}, 0, "s"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("finite");
        assertThatThrownBy(() -> AnomalyHistogram.render(new double[0], 0, "s"))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void latentScatterUsesTheTwoDimensionsWithMostKl() {
        assertThat(LatentScatter.topTwoDimensions(new double[] {0.1, 3.0, 0.0, 5.0}))
                .containsExactly(3, 1);
        assertThat(LatentScatter.topTwoDimensions(new double[] {2.0, 1.0})).containsExactly(0, 1);
        assertThat(LatentScatter.topTwoDimensions(new double[] {1.0})).containsExactly(0, 0);
        float[][] means = new float[300][];
        int[] labels = new int[300];
        SplittableRandom random = new SplittableRandom(3);
        for (int i = 0; i < means.length; i++) {
            labels[i] = i % 3;
            means[i] = new float[] {
                (float) random.nextGaussian(),
                labels[i] + (float) random.nextGaussian() * 0.2f,
                0,
                labels[i] - 1 + (float) random.nextGaussian() * 0.2f
            };
        }
        double[] variance = {1, 0.5, 0, 0.7};
        BufferedImage image = LatentScatter.render(
                means, labels, List.of("square", "disk", "triangle"), new double[] {0.1, 3.0, 0.0, 5.0}, variance);
        PngAssertions.assertNotBlank("scatter", image);
        assertThatThrownBy(() -> LatentScatter.render(means, new int[2], List.of(), new double[4], variance))
                .hasMessageContaining("2 labels for 300 points");
    }

    @Test
    void aVampPriorScatterChoosesItsAxesByHowMuchTheMeansVary() {
        float[][] means = {{0, 1, 2}, {0, -1, 3}, {0, 2, 2.5f}};
        double[] nan = {Double.NaN, Double.NaN, Double.NaN};
        PngAssertions.assertNotBlank(
                "vamp scatter", LatentScatter.render(means, null, List.of(), nan, new double[] {0, 1.6, 0.2}));
    }

    @Test
    void klBarChartShowsEveryDimension() {
        PngAssertions.assertNotBlank(KlBarChart.write(
                new double[] {4.0, 0.01, 2.5, 0.0, 1.2}, new double[] {1, 0, 1, 0, 1}, dir.resolve("kl.png")));
    }

    @Test
    void withoutAPerDimensionKlTheBarsShowActivityInstead() {
        double[] nan = {Double.NaN, Double.NaN, Double.NaN, Double.NaN};
        double[] variance = {0.9, 0.0, 0.6, 0.3};
        BufferedImage empty = KlBarChart.render(nan, new double[4]);
        BufferedImage bars = KlBarChart.render(nan, variance);
        assertThat(inkPixels(bars)).as("bars drawn").isGreaterThan(inkPixels(empty) + 5000);
    }

    /** Pixels that are neither white nor the light grey of the plot area. */
    private static int inkPixels(BufferedImage image) {
        int ink = 0;
        for (int y = 0; y < image.getHeight(); y++) {
            for (int x = 0; x < image.getWidth(); x++) {
                int rgb = image.getRGB(x, y) & 0xffffff;
                int r = rgb >> 16;
                int g = (rgb >> 8) & 0xff;
                int b = rgb & 0xff;
                ink += Math.min(r, Math.min(g, b)) < 200 ? 1 : 0;
            }
        }
        return ink;
    }

    @Test
    void spreadIndicesCoverTheWholeDataset() {
        assertThat(RunArtifacts.spreadIndices(100, 4)).containsExactly(12, 37, 62, 87);
        assertThat(RunArtifacts.spreadIndices(3, 10)).containsExactly(0, 1, 2);
    }
}
