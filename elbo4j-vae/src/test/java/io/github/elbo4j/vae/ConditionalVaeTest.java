package io.github.elbo4j.vae;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDManager;
import io.github.elbo4j.data.DataException;
import io.github.elbo4j.data.Dataset;
import io.github.elbo4j.data.Shapes;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * A conditional VAE generates the class it is asked for. On {@code shapes} (opt-in), a simple
 * classifier trained on real labelled shapes must agree with the requested type for at least 90%
 * of conditional samples (issue 4, acceptance 3).
 */
class ConditionalVaeTest {

    private static final int TYPES = 4;

    /**
     * Acceptance 3 of issue 4, opt-in because it trains the standard model on all of {@code shapes}
     * (about 80 s on 2 cores): run with {@code -Delbo4j.acceptance=true}. Not met yet: measured
     * agreement 0.501 (β = 4: 0.304) with a classifier that is 98.8% accurate on real shapes — the
     * decoded prior samples are too blurry for the requested type to show reliably.
     */
    @Test
    @EnabledIfSystemProperty(named = "elbo4j.acceptance", matches = "true")
    void conditionalSamplesHaveTheRequestedShapeType() {
        Dataset train = Shapes.generate(Shapes.TRAIN_SIZE, 61);
        ShapeClassifier classifier = ShapeClassifier.fit(Shapes.generate(2000, 62));
        double realAccuracy = classifier.accuracy(Shapes.generate(1000, 63));
        assertThat(realAccuracy).as("classifier accuracy on real shapes").isGreaterThanOrEqualTo(0.95);
        VaeConfig config = VaeConfig.builder().inputShape(28, 28).hidden(200, 200).latent(16).conditions(TYPES).build();
        try (NDManager m = NDManager.newBaseManager(); VaeModel model = VaeModel.initialize(config, m, 7)) {
            new Trainer(new TrainingConfig(60, 100, 1e-3, 7), TrainingListener.NONE).train(model, train, null, null, null);
            double agreement = agreement(model, m, classifier::predict, 250);
            System.out.printf("conditional VAE on shapes: classifier accuracy on real shapes %.3f, agreement with"
                    + " the requested type %.3f%n", realAccuracy, agreement);
            assertThat(agreement).isGreaterThanOrEqualTo(0.90);
        }
    }

    /**
     * The mechanics of conditioning, fast: each class is one fixed shape image with 5% of its pixels
     * flipped, so the class alone determines the image. A conditional VAE must then decode the
     * requested class's image from any z, which a nearest-template classifier checks.
     */
    @Test
    void conditionalSamplesOfFixedTemplatesHaveTheRequestedClass() {
        Dataset real = Shapes.generate(200, 64);
        float[][] templates = new float[TYPES][];
        for (int i = 0; i < real.rows(); i++) {
            int type = real.labels()[i];
            if (templates[type] == null) {
                templates[type] = real.row(i);
            }
        }
        int n = 1200;
        float[] values = new float[n * 784];
        int[] labels = new int[n];
        java.util.SplittableRandom random = new java.util.SplittableRandom(65);
        for (int i = 0; i < n; i++) {
            labels[i] = random.nextInt(TYPES);
            for (int p = 0; p < 784; p++) {
                float v = templates[labels[i]][p];
                values[i * 784 + p] = random.nextDouble() < 0.05 ? 1 - v : v;
            }
        }
        Dataset train = new Dataset("templates", values, n, new int[] {28, 28}, labels, null);
        VaeConfig config = VaeConfig.builder().inputShape(28, 28).hidden(64).latent(4).conditions(TYPES).build();
        try (NDManager m = NDManager.newBaseManager(); VaeModel model = VaeModel.initialize(config, m, 7)) {
            new Trainer(new TrainingConfig(20, 50, 3e-3, 7), TrainingListener.NONE).train(model, train, null, null, null);
            // Chance is 0.25; measured 0.96 (a few prior draws still carry the class in z after 20 epochs).
            assertThat(agreement(model, m, image -> nearest(templates, image), 50)).isGreaterThanOrEqualTo(0.9);
        }
    }

    /** The fraction of {@code perType} conditional samples of each type that {@code classify} assigns to it. */
    private static double agreement(VaeModel model, NDManager m, java.util.function.ToIntFunction<float[]> classify,
            int perType) {
        int agree = 0;
        for (int type = 0; type < TYPES; type++) {
            int[] labels = new int[perType];
            java.util.Arrays.fill(labels, type);
            for (float[] sample : Generator.sampleConditional(model, m, labels, 100 + type)) {
                agree += classify.applyAsInt(sample) == type ? 1 : 0;
            }
        }
        return agree / (double) (TYPES * perType);
    }

    private static int nearest(float[][] templates, float[] image) {
        int best = -1;
        double bestDistance = Double.POSITIVE_INFINITY;
        for (int t = 0; t < templates.length; t++) {
            double d = 0;
            for (int p = 0; p < image.length; p++) {
                d += Math.abs(templates[t][p] - image[p]);
            }
            if (d < bestDistance) {
                bestDistance = d;
                best = t;
            }
        }
        return best;
    }

    /**
     * A conv encoder reads the one-hot condition with its flattened feature maps, the decoder with
     * z: both then depend on it, and the model trains.
     */
    @Test
    void aConvConditionalModelReadsTheConditionAfterItsConvolutions() {
        VaeConfig config = VaeConfig.builder().inputShape(28, 28).hidden(16).latent(2).conv(4, 8).conditions(TYPES)
                .build();
        ParameterLayout layout = VaeModel.layoutOf(config);
        java.util.Map<String, long[]> shapesByName = new java.util.HashMap<>();
        layout.entries().forEach(e -> shapesByName.put(e.name(), e.shape()));
        assertThat(shapesByName.get("encoder.hidden.0.weight")).containsExactly(16, 8 * 7 * 7 + TYPES);
        assertThat(shapesByName.get("decoder.hidden.0.weight")).containsExactly(16, 2 + TYPES);
        Dataset shapes = Shapes.generate(100, 66);
        try (NDManager m = NDManager.newBaseManager(); VaeModel model = VaeModel.initialize(config, m, 7)) {
            float[][] loc = new float[2][];
            float[][] mean = new float[2][];
            for (int c = 0; c < 2; c++) {
                try (NDManager scope = m.newSubManager()) {
                    int[] labels = new int[2];
                    java.util.Arrays.fill(labels, c);
                    VaeNetwork network = model.bind(scope).conditioned(scope.create(
                            Conditions.oneHot(labels, null, 0, 2, TYPES), new ai.djl.ndarray.types.Shape(2, TYPES)));
                    loc[c] = network.encode(scope.create(java.util.Arrays.copyOf(shapes.values(), 2 * 784),
                            new ai.djl.ndarray.types.Shape(2, 784))).loc().toFloatArray();
                    mean[c] = network.decodeMean(scope.zeros(new ai.djl.ndarray.types.Shape(2, 2))).toFloatArray();
                }
            }
            assertThat(loc[0]).isNotEqualTo(loc[1]);
            assertThat(mean[0]).isNotEqualTo(mean[1]);
            TrainingResult result = new Trainer(new TrainingConfig(1, 50, 1e-3, 7), TrainingListener.NONE)
                    .train(model, shapes, null, null, null);
            assertThat(result.elbo()).isFinite();
        }
    }

    @Test
    void dataWithoutLabelsOrWithUnknownCategoriesIsRejected() {
        VaeConfig config = VaeConfig.builder().inputShape(28, 28).hidden(8).latent(2).conditions(3).build();
        Dataset shapes = Shapes.generate(10, 1);
        Dataset unlabelled = new Dataset("x", shapes.values(), 10, 28, 28);
        assertThatThrownBy(() -> DataCompatibility.check(config, unlabelled, Path.of("x.npy")))
                .isInstanceOf(DataException.class).hasMessageContaining("no labels").hasMessageContaining("3 classes");
        int[] labels = new int[10];
        labels[4] = 3;
        assertThatThrownBy(() -> DataCompatibility.check(config, shapes.withLabels(labels), Path.of("x.npy")))
                .hasMessageContaining("record 5").hasMessageContaining("unknown category: label 3");
    }

    /**
     * Nearest-centroid classification on rotation- and translation-invariant features of the
     * binarized image: area over squared radius, and the radial histogram of on-pixels (fraction of
     * pixels at distance r/R in each of 4 rings from the centroid, R the largest distance).
     */
    static final class ShapeClassifier {
        private static final int FEATURES = 6;
        private final double[][] centroids;
        private final double[] scale;

        private ShapeClassifier(double[][] centroids, double[] scale) {
            this.centroids = centroids;
            this.scale = scale;
        }

        static ShapeClassifier fit(Dataset real) {
            double[][] sums = new double[TYPES][FEATURES];
            int[] counts = new int[TYPES];
            double[] mean = new double[FEATURES];
            double[] squares = new double[FEATURES];
            for (int i = 0; i < real.rows(); i++) {
                double[] f = features(real.row(i));
                int y = real.labels()[i];
                counts[y]++;
                for (int j = 0; j < FEATURES; j++) {
                    sums[y][j] += f[j];
                    mean[j] += f[j] / real.rows();
                    squares[j] += f[j] * f[j] / real.rows();
                }
            }
            double[] scale = new double[FEATURES];
            for (int j = 0; j < FEATURES; j++) {
                scale[j] = Math.sqrt(Math.max(1e-12, squares[j] - mean[j] * mean[j]));
                for (int y = 0; y < TYPES; y++) {
                    sums[y][j] /= counts[y];
                }
            }
            return new ShapeClassifier(sums, scale);
        }

        int predict(float[] image) {
            double[] f = features(image);
            int best = -1;
            double bestDistance = Double.POSITIVE_INFINITY;
            for (int y = 0; y < TYPES; y++) {
                double d = 0;
                for (int j = 0; j < FEATURES; j++) {
                    double z = (f[j] - centroids[y][j]) / scale[j];
                    d += z * z;
                }
                if (d < bestDistance) {
                    bestDistance = d;
                    best = y;
                }
            }
            return best;
        }

        double accuracy(Dataset real) {
            int right = 0;
            for (int i = 0; i < real.rows(); i++) {
                right += predict(real.row(i)) == real.labels()[i] ? 1 : 0;
            }
            return right / (double) real.rows();
        }

        static double[] features(float[] image) {
            double cx = 0;
            double cy = 0;
            int area = 0;
            for (int p = 0; p < image.length; p++) {
                if (image[p] > 0.5f) {
                    cx += p % 28;
                    cy += p / 28;
                    area++;
                }
            }
            double[] f = new double[FEATURES];
            if (area == 0) {
                return f;
            }
            cx /= area;
            cy /= area;
            double radius = 0;
            for (int p = 0; p < image.length; p++) {
                if (image[p] > 0.5f) {
                    radius = Math.max(radius, Math.hypot(p % 28 - cx, p / 28 - cy));
                }
            }
            radius += 0.5; // a pixel reaches half a pixel beyond its centre
            double meanR = 0;
            for (int p = 0; p < image.length; p++) {
                if (image[p] > 0.5f) {
                    double r = Math.hypot(p % 28 - cx, p / 28 - cy) / radius;
                    f[1 + Math.min(3, (int) (r * 4))] += 1.0 / area;
                    meanR += r / area;
                }
            }
            f[0] = area / (radius * radius);
            f[5] = meanR;
            return f;
        }
    }
}
