package io.github.elbo4j.vae.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDManager;
import io.github.elbo4j.data.DataException;
import io.github.elbo4j.data.Dataset;
import io.github.elbo4j.data.Shapes;
import io.github.elbo4j.vae.eval.Generator;
import io.github.elbo4j.vae.train.MomentShapeClassifier;
import io.github.elbo4j.vae.train.Trainer;
import io.github.elbo4j.vae.train.TrainingConfig;
import io.github.elbo4j.vae.train.TrainingListener;
import io.github.elbo4j.vae.train.TrainingResult;
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
     * Acceptance 3 of issue 4, opt-in because it trains a conditional VAE (hidden 200, 200, latent 5)
     * for 150 epochs on all 20,000 training {@code shapes} (403 s on the shared 2-core machine, 601 s
     * beside the full test suite): run
     * with {@code -Delbo4j.acceptance=true}. The judge is a {@link MomentShapeClassifier} fitted to
     * 2,000 real labelled shapes; the test requires it to be at least 98% accurate on 1,000 held-out
     * real shapes (measured: 100%), and prints how it classifies the model's reconstructions of those
     * shapes (decoder means given the true label) and the confusion matrix of the 1,000 conditional
     * samples (decoder means, what {@code elbo4j sample --label} draws). Measured agreement: 0.939.
     * {@code -Delbo4j.cvae.hidden=512,512 -Delbo4j.cvae.latent=16 -Delbo4j.cvae.epochs=60} train
     * other models under the same protocol (BENCHMARKS.md, "Conditional VAE on shapes").
     */
    @Test
    @EnabledIfSystemProperty(named = "elbo4j.acceptance", matches = "true")
    void conditionalSamplesHaveTheRequestedShapeType() {
        Dataset train = Shapes.generate(Shapes.TRAIN_SIZE, 61);
        MomentShapeClassifier classifier = MomentShapeClassifier.fit(Shapes.generate(2000, 62), TYPES);
        Dataset heldOut = Shapes.generate(1000, 63);
        double realAccuracy = classifier.accuracy(heldOut);
        assertThat(realAccuracy)
                .as("classifier accuracy on held-out real shapes")
                .isGreaterThanOrEqualTo(0.98);
        int[] hidden = java.util.Arrays.stream(
                        System.getProperty("elbo4j.cvae.hidden", "200,200").split(","))
                .mapToInt(Integer::parseInt)
                .toArray();
        int latent = Integer.getInteger("elbo4j.cvae.latent", 5);
        int epochs = Integer.getInteger("elbo4j.cvae.epochs", 150);
        VaeConfig config = VaeConfig.builder()
                .inputShape(28, 28)
                .hidden(hidden)
                .latent(latent)
                .conditions(TYPES)
                .build();
        try (NDManager m = NDManager.newBaseManager();
                VaeModel model = VaeModel.initialize(config, m, 7)) {
            long start = System.nanoTime();
            TrainingResult result = new Trainer(new TrainingConfig(epochs, 100, 1e-3, 7), TrainingListener.NONE)
                    .train(model, train, null, null, null);
            double seconds = (System.nanoTime() - start) / 1e9;
            double reconstructed = reconstructionAccuracy(model, m, classifier, heldOut);
            int perType = 250;
            int[][] confusion = confusion(model, m, classifier::predict, perType);
            int agree = 0;
            for (int type = 0; type < TYPES; type++) {
                agree += confusion[type][type];
            }
            double agreement = agree / (double) (TYPES * perType);
            System.out.printf(
                    "conditional VAE on shapes (hidden %s, latent %d, %d epochs, %.0f s, train ELBO %.2f):"
                            + " classifier accuracy on held-out real shapes %.3f, on their reconstructions %.3f;"
                            + " agreement of %d conditional samples with the requested type %.3f; confusion (rows: requested"
                            + " square, disk, triangle, cross) %s%n",
                    java.util.Arrays.toString(hidden),
                    latent,
                    epochs,
                    seconds,
                    result.elbo(),
                    realAccuracy,
                    reconstructed,
                    TYPES * perType,
                    agreement,
                    java.util.Arrays.deepToString(confusion));
            assertThat(agreement).as("agreement with the requested type").isGreaterThanOrEqualTo(0.90);
        }
    }

    /** The fraction of {@code real} shapes whose decoded posterior mean, given the true label, keeps its type. */
    private static double reconstructionAccuracy(
            VaeModel model, NDManager m, MomentShapeClassifier classifier, Dataset real) {
        int n = real.rows();
        try (NDManager scope = m.newSubManager()) {
            VaeNetwork network = model.bind(scope)
                    .conditioned(scope.create(
                            OneHotConditions.oneHot(real.labels(), null, 0, n, TYPES),
                            new ai.djl.ndarray.types.Shape(n, TYPES)));
            float[] decoded = network.decodeMean(
                            network.encode(scope.create(real.values(), new ai.djl.ndarray.types.Shape(n, 784)))
                                    .loc())
                    .toFloatArray();
            int right = 0;
            for (int i = 0; i < n; i++) {
                float[] row = java.util.Arrays.copyOfRange(decoded, i * 784, (i + 1) * 784);
                right += classifier.predict(row) == real.labels()[i] ? 1 : 0;
            }
            return right / (double) n;
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
        VaeConfig config = VaeConfig.builder()
                .inputShape(28, 28)
                .hidden(64)
                .latent(4)
                .conditions(TYPES)
                .build();
        try (NDManager m = NDManager.newBaseManager();
                VaeModel model = VaeModel.initialize(config, m, 7)) {
            new Trainer(new TrainingConfig(20, 50, 3e-3, 7), TrainingListener.NONE)
                    .train(model, train, null, null, null);
            // Chance is 0.25; measured 0.96 (a few prior draws still carry the class in z after 20 epochs).
            assertThat(agreement(model, m, image -> nearest(templates, image), 50))
                    .isGreaterThanOrEqualTo(0.9);
        }
    }

    /** counts[requested][predicted] over {@code perType} conditional samples (decoder means) of each type. */
    private static int[][] confusion(
            VaeModel model, NDManager m, java.util.function.ToIntFunction<float[]> classify, int perType) {
        int[][] counts = new int[TYPES][TYPES];
        for (int type = 0; type < TYPES; type++) {
            int[] labels = new int[perType];
            java.util.Arrays.fill(labels, type);
            for (float[] sample : Generator.sampleConditional(model, m, labels, 100 + type)) {
                counts[type][classify.applyAsInt(sample)]++;
            }
        }
        return counts;
    }

    /** The fraction of {@code perType} conditional samples of each type that {@code classify} assigns to it. */
    private static double agreement(
            VaeModel model, NDManager m, java.util.function.ToIntFunction<float[]> classify, int perType) {
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
        VaeConfig config = VaeConfig.builder()
                .inputShape(28, 28)
                .hidden(16)
                .latent(2)
                .conv(4, 8)
                .conditions(TYPES)
                .build();
        ParameterLayout layout = VaeModel.layoutOf(config);
        java.util.Map<String, long[]> shapesByName = new java.util.HashMap<>();
        layout.entries().forEach(e -> shapesByName.put(e.name(), e.shape()));
        assertThat(shapesByName.get("encoder.hidden.0.weight")).containsExactly(16, 8 * 7 * 7 + TYPES);
        assertThat(shapesByName.get("decoder.hidden.0.weight")).containsExactly(16, 2 + TYPES);
        Dataset shapes = Shapes.generate(100, 66);
        try (NDManager m = NDManager.newBaseManager();
                VaeModel model = VaeModel.initialize(config, m, 7)) {
            float[][] loc = new float[2][];
            float[][] mean = new float[2][];
            for (int c = 0; c < 2; c++) {
                try (NDManager scope = m.newSubManager()) {
                    int[] labels = new int[2];
                    java.util.Arrays.fill(labels, c);
                    VaeNetwork network = model.bind(scope)
                            .conditioned(scope.create(
                                    OneHotConditions.oneHot(labels, null, 0, 2, TYPES),
                                    new ai.djl.ndarray.types.Shape(2, TYPES)));
                    loc[c] = network.encode(scope.create(
                                    java.util.Arrays.copyOf(shapes.values(), 2 * 784),
                                    new ai.djl.ndarray.types.Shape(2, 784)))
                            .loc()
                            .toFloatArray();
                    mean[c] = network.decodeMean(scope.zeros(new ai.djl.ndarray.types.Shape(2, 2)))
                            .toFloatArray();
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
        VaeConfig config = VaeConfig.builder()
                .inputShape(28, 28)
                .hidden(8)
                .latent(2)
                .conditions(3)
                .build();
        Dataset shapes = Shapes.generate(10, 1);
        Dataset unlabelled = new Dataset("x", shapes.values(), 10, 28, 28);
        assertThatThrownBy(() -> DataCompatibility.check(config, unlabelled, Path.of("x.npy")))
                .isInstanceOf(DataException.class)
                .hasMessageContaining("no labels")
                .hasMessageContaining("3 classes");
        int[] labels = new int[10];
        labels[4] = 3;
        assertThatThrownBy(() -> DataCompatibility.check(config, shapes.withLabels(labels), Path.of("x.npy")))
                .hasMessageContaining("record 5")
                .hasMessageContaining("unknown category: label 3");
    }
}
