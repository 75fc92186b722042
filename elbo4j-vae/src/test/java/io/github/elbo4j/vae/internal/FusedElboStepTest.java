package io.github.elbo4j.vae.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDManager;
import io.github.elbo4j.data.Batching;
import io.github.elbo4j.data.Dataset;
import io.github.elbo4j.vae.model.Activation;
import io.github.elbo4j.vae.model.Likelihood;
import io.github.elbo4j.vae.model.OneHotConditions;
import io.github.elbo4j.vae.model.ParameterLayout;
import io.github.elbo4j.vae.model.TabularLayout;
import io.github.elbo4j.vae.model.VaeConfig;
import io.github.elbo4j.vae.model.VaeModel;
import io.github.elbo4j.vae.objective.BatchElbo;
import io.github.elbo4j.vae.objective.ElboStep;
import io.github.elbo4j.vae.objective.GaussianNoise;
import io.github.elbo4j.vae.objective.StepFactory;
import io.github.elbo4j.vae.objective.TrainingObjective;
import io.github.elbo4j.vae.train.SmallData;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The hand-written step against the engine's autograd on the same weights, batch and noise: the
 * same ELBO sums and the same gradient, for every activation, both likelihoods it supports, a KL
 * weight, free bits, the IWAE objective with either gradient estimator and 1 to 5 particles, and
 * batches that do not fill a vector; and for conditional models, learned-σ Gaussians (at, below
 * and above the floor of log σ), categorical and tabular records.
 */
public class FusedElboStepTest {

    @ParameterizedTest(name = "{0} {1} hidden={2} batch={3} w={4} freeBits={5} objective={6}")
    @CsvSource({
        "tanh, bernoulli, '24,16', 37, 1.0, 0.0, elbo",
        "relu, bernoulli, '24,16', 40, 0.3, 0.0, elbo",
        "softplus, bernoulli, '19', 9, 1.0, 0.0, elbo",
        "tanh, gaussian, '24,16', 23, 0.7, 0.0, elbo",
        "tanh, bernoulli, '24,16', 37, 1.0, 0.05, elbo",
        "relu, bernoulli, '', 11, 2.0, 0.0, elbo",
        "tanh, bernoulli, '24,16', 37, 1.0, 0.0, iwae:5",
        "relu, bernoulli, '19', 16, 0.4, 0.0, iwae:3",
        "tanh, gaussian, '24,16', 13, 1.0, 0.0, iwae:4",
        "softplus, bernoulli, '24,16', 21, 0.0, 0.0, iwae:1",
        "tanh, bernoulli, '24,16', 37, 1.0, 0.0, dreg:5",
        "relu, gaussian, '', 10, 1.0, 0.0, dreg:2",
    })
    void agreesWithAutograd(
            String activation,
            String likelihood,
            String hidden,
            int batch,
            double klWeight,
            double freeBits,
            String objectiveSpec) {
        Dataset data = SmallData.shapes(64, 5);
        VaeConfig config = VaeConfig.builder()
                .inputShape(28, 28)
                .hidden(widths(hidden))
                .latent(5)
                .activation(Activation.parse(activation))
                .likelihood(Likelihood.parse(likelihood))
                .gaussianScale(0.3)
                .build();
        TrainingObjective objective =
                objectiveSpec.equals("elbo") ? TrainingObjective.ELBO.withFreeBits(freeBits) : objective(objectiveSpec);
        int[] order = new int[batch];
        Arrays.setAll(order, i -> 3 * i % data.rows());
        float[] x = Batching.gather(data, order, 0, batch);
        try (NDManager m = NDManager.newBaseManager();
                VaeModel model = VaeModel.initialize(config, m, 3)) {
            assertAgrees(model, objective, x, null, batch, klWeight);
        }
    }

    /**
     * Conditional models, learned σ and tabular records: the fused step against the engine's
     * autograd as above. Images are 28 × 28 shapes with 10 classes as conditions; tables have 3
     * numeric columns, 2 binary ones and groups of 4 and 3 categories.
     */
    @ParameterizedTest(name = "{0} {1} conditions={2} hidden={3} batch={4} w={5} freeBits={6} objective={7}")
    @CsvSource({
        "tanh, bernoulli, 10, '24,16', 37, 1.0, 0.0, elbo",
        "relu, bernoulli, 10, '', 11, 0.6, 0.0, elbo",
        "tanh, gaussian, 10, '24', 23, 1.0, 0.05, elbo",
        "softplus, bernoulli, 10, '24,16', 21, 0.5, 0.0, iwae:3",
        "tanh, bernoulli, 10, '19', 16, 1.0, 0.0, dreg:2",
        "tanh, gaussian-learned, 0, '24,16', 37, 1.0, 0.0, elbo",
        "relu, gaussian-learned, 0, '19', 13, 0.4, 0.0, iwae:4",
        "tanh, gaussian-per-feature, 0, '24,16', 37, 1.0, 0.0, elbo",
        "softplus, gaussian-per-feature, 0, '', 9, 1.0, 0.0, dreg:3",
        "tanh, gaussian-per-feature, 10, '24', 23, 0.7, 0.0, iwae:2",
        "tanh, tabular, 0, '24,16', 37, 1.0, 0.0, elbo",
        "relu, tabular, 0, '19', 16, 0.3, 0.05, elbo",
        "tanh, tabular, 0, '24,16', 21, 1.0, 0.0, iwae:5",
        "softplus, tabular, 0, '', 10, 1.0, 0.0, dreg:2",
        "tanh, tabular, 3, '24,16', 37, 1.0, 0.0, elbo",
        "tanh, categorical, 0, '24', 23, 1.0, 0.0, elbo",
        "relu, categorical, 3, '19', 13, 1.0, 0.0, iwae:3",
    })
    void conditionalLearnedScaleAndTabularModelsAgreeWithAutograd(
            String activation,
            String likelihoodName,
            int conditions,
            String hidden,
            int batch,
            double klWeight,
            double freeBits,
            String objectiveSpec) {
        Likelihood likelihood = Likelihood.parse(likelihoodName);
        VaeConfig.Builder builder = VaeConfig.builder()
                .hidden(widths(hidden))
                .latent(5)
                .activation(Activation.parse(activation))
                .likelihood(likelihood)
                .gaussianScale(0.3)
                .conditions(conditions);
        float[] x;
        if (likelihood.tabular()) {
            TabularLayout layout = likelihood == Likelihood.TABULAR ? TABLE : CATEGORIES;
            builder.inputShape(layout.features()).tabular(layout);
            x = records(layout, batch, 5);
        } else {
            builder.inputShape(28, 28);
            Dataset data = SmallData.shapes(64, 5);
            int[] order = new int[batch];
            Arrays.setAll(order, i -> 3 * i % data.rows());
            x = Batching.gather(data, order, 0, batch);
        }
        VaeConfig config = builder.build();
        TrainingObjective objective =
                objectiveSpec.equals("elbo") ? TrainingObjective.ELBO.withFreeBits(freeBits) : objective(objectiveSpec);
        assertThat(StepFactory.fusedStepSupports(config, objective, 48)).isTrue();
        float[] condition = conditions == 0 ? null : conditions(batch, conditions, 11);
        try (NDManager m = NDManager.newBaseManager();
                VaeModel model = VaeModel.initialize(config, m, 3)) {
            assertAgrees(model, objective, x, condition, batch, klWeight);
        }
    }

    /**
     * log σ exactly at its floor log(0.001), below it and above it: the engine's maximum passes
     * half the gradient at the floor, none below and all above, and the fused step does the same.
     */
    @ParameterizedTest(name = "{0}")
    @CsvSource({"gaussian-per-feature", "gaussian-learned", "tabular"})
    void theFloorOfALearnedScaleHasTheEnginesGradient(String likelihoodName) {
        Likelihood likelihood = Likelihood.parse(likelihoodName);
        VaeConfig.Builder builder =
                VaeConfig.builder().hidden(12).latent(3).likelihood(likelihood).gaussianScale(0.5);
        int features = likelihood.tabular() ? TABLE.features() : 6;
        builder.inputShape(features);
        if (likelihood.tabular()) {
            builder.tabular(TABLE);
        }
        VaeConfig config = builder.build();
        int batch = 17;
        float[] x = likelihood.tabular()
                ? records(TABLE, batch, 3)
                : records(new TabularLayout(6, 0, new int[0]), batch, 3);
        float floor = (float) Math.log(Likelihood.MIN_LEARNED_SCALE);
        float[] parameters;
        try (NDManager m = NDManager.newBaseManager();
                VaeModel model = VaeModel.initialize(config, m, 2)) {
            parameters = model.parameterValues();
        }
        ParameterLayout.Entry logScale = VaeModel.layoutOf(config).entry("decoder.log_scale");
        float[] settings = {floor, Math.nextDown(floor) - 0.5f, floor + 0.25f};
        for (int j = 0; j < logScale.size(); j++) {
            parameters[(int) logScale.offset() + j] = settings[j % settings.length];
        }
        for (TrainingObjective objective :
                new TrainingObjective[] {TrainingObjective.ELBO, TrainingObjective.iwae(3)}) {
            try (NDManager m = NDManager.newBaseManager();
                    VaeModel model = VaeModel.fromParameters(config, parameters, m)) {
                float[] gradient = assertAgrees(model, objective, x, null, batch, 1.0);
                if (likelihood == Likelihood.GAUSSIAN_PER_FEATURE) {
                    // Below the floor log σ has no gradient; the others have one.
                    assertThat(gradient[(int) logScale.offset() + 1]).isZero();
                    assertThat(gradient[(int) logScale.offset()]).isNotZero();
                    assertThat(gradient[(int) logScale.offset() + 2]).isNotZero();
                }
            }
        }
    }

    /**
     * Asserts that the fused step's ELBO sums and gradient for {@code model}'s parameters agree
     * with the engine's on the same batch and noise; returns the fused gradient.
     */
    private static float[] assertAgrees(
            VaeModel model, TrainingObjective objective, float[] x, float[] condition, int batch, double klWeight) {
        VaeConfig config = model.config();
        float[] noise = GaussianNoise.standardNormal(objective.particles() * batch * config.latent(), 17);
        float[] expected = new float[Math.toIntExact(model.layout().totalSize())];
        BatchElbo reference =
                new ElboStep(model, objective).compute(x, condition, noise, batch, klWeight, false, expected);
        float[] gradient = new float[expected.length];
        FusedElboStep fused = new FusedElboStep(config, objective, 48);
        BatchElbo sums = fused.compute(model.parameterValues(), x, condition, noise, batch, klWeight, false, gradient);

        assertThat(sums.elbo())
                .isCloseTo(reference.elbo(), org.assertj.core.data.Offset.offset(1e-4 * Math.abs(reference.elbo())));
        assertThat(sums.reconstruction())
                .isCloseTo(
                        reference.reconstruction(),
                        org.assertj.core.data.Offset.offset(1e-4 * Math.abs(reference.reconstruction())));
        assertThat(sums.kl())
                .isCloseTo(reference.kl(), org.assertj.core.data.Offset.offset(1e-4 * Math.abs(reference.kl()) + 1e-5));
        // IWAE weights are a softmax of log-weights of several hundred nats, each a single-precision
        // sum over 784 pixels in both implementations: they agree to about 1e-4, not 1e-5.
        double tolerance = (objective instanceof TrainingObjective.Iwae ? 1e-4 : 2e-5)
                * Arrays.stream(toDouble(expected)).map(Math::abs).max().orElseThrow();
        for (ParameterLayout.Entry e : model.layout().entries()) {
            for (long i = e.offset(); i < e.offset() + e.size(); i++) {
                assertThat((double) gradient[(int) i])
                        .as("%s[%d]", e.name(), i - e.offset())
                        .isCloseTo(expected[(int) i], org.assertj.core.data.Offset.offset(tolerance));
            }
        }
        return gradient;
    }

    /** For the tabular likelihood: three numeric columns, two binary, groups of 4 and 3 categories. */
    private static final TabularLayout TABLE = new TabularLayout(3, 2, new int[] {4, 3});
    /** For the categorical likelihood: groups of 3, 5 and 2 categories. */
    private static final TabularLayout CATEGORIES = new TabularLayout(0, 0, new int[] {3, 5, 2});

    /** {@code rows} records of {@code layout}: standard normal numbers, fair bits, uniform categories. */
    private static float[] records(TabularLayout layout, int rows, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        int features = layout.features();
        float[] v = new float[rows * features];
        for (int r = 0; r < rows; r++) {
            int o = r * features;
            for (int j = 0; j < layout.numeric(); j++) {
                v[o++] = (float) random.nextGaussian();
            }
            for (int j = 0; j < layout.binary(); j++) {
                v[o++] = random.nextBoolean() ? 1f : 0f;
            }
            for (int categories : layout.categories()) {
                v[o + random.nextInt(categories)] = 1f;
                o += categories;
            }
        }
        return v;
    }

    /** One-hot conditions [rows, classes] of uniformly drawn labels. */
    private static float[] conditions(int rows, int classes, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        int[] labels = new int[rows];
        Arrays.setAll(labels, i -> random.nextInt(classes));
        return OneHotConditions.oneHot(labels, null, 0, rows, classes);
    }

    private static int[] widths(String hidden) {
        return hidden.isEmpty()
                ? new int[0]
                : Arrays.stream(hidden.split(",")).mapToInt(Integer::parseInt).toArray();
    }

    /** {@code elbo}, {@code iwae:K} (standard gradient) or {@code dreg:K}. */
    private static TrainingObjective objective(String spec) {
        if (spec.equals("elbo")) {
            return TrainingObjective.ELBO;
        }
        String[] parts = spec.split(":");
        TrainingObjective.Iwae iwae = TrainingObjective.iwae(Integer.parseInt(parts[1]));
        return parts[0].equals("dreg")
                ? iwae.withGradient(TrainingObjective.GradientEstimator.DOUBLY_REPARAMETERIZED)
                : iwae;
    }

    @Test
    void refusesWhatItDoesNotCompute() {
        VaeConfig mlp =
                VaeConfig.builder().inputShape(28, 28).hidden(8).latent(2).build();
        assertThat(StepFactory.fusedStepSupports(mlp, TrainingObjective.ELBO, 10))
                .isTrue();
        assertThat(StepFactory.fusedStepSupports(mlp, TrainingObjective.iwae(5), 10))
                .isTrue();
        // 5000 particles of 1000 rows: decoder buffers of 784 × 5,000,000 floats, beyond a Java array.
        assertThat(StepFactory.fusedStepSupports(mlp, TrainingObjective.iwae(5000), 1000))
                .isFalse();
        VaeConfig conv = VaeConfig.builder()
                .inputShape(28, 28)
                .conv(4)
                .hidden(8)
                .latent(2)
                .build();
        // The convolutional network has a fused step of its own (FusedConvStep), not this one.
        assertThat(StepFactory.fusedStepSupports(conv, TrainingObjective.iwae(5), 10))
                .isFalse();
        assertThatThrownBy(() -> new FusedElboStep(conv, TrainingObjective.ELBO, 10))
                .isInstanceOf(IllegalArgumentException.class);
        FusedElboStep step = new FusedElboStep(mlp, TrainingObjective.ELBO, 10);
        float[] p = new float[(int) VaeModel.layoutOf(mlp).totalSize()];
        assertThatThrownBy(() ->
                        step.compute(p, new float[11 * 784], null, new float[22], 11, 1, false, new float[p.length]))
                .hasMessageContaining("1 to 10");
        assertThatThrownBy(() ->
                        step.compute(p, new float[784], new float[3], new float[2], 1, 1, false, new float[p.length]))
                .hasMessageContaining("not conditional");
        VaeConfig conditional = VaeConfig.builder()
                .inputShape(28, 28)
                .hidden(8)
                .latent(2)
                .conditions(3)
                .build();
        FusedElboStep conditionalStep = new FusedElboStep(conditional, TrainingObjective.ELBO, 10);
        float[] q = new float[(int) VaeModel.layoutOf(conditional).totalSize()];
        assertThatThrownBy(() -> conditionalStep.compute(
                        q, new float[784], null, new float[2], 1, 1, false, new float[q.length]))
                .hasMessageContaining("needs the batch's one-hot conditions");
    }

    /** A smaller batch after a larger one (an epoch's last batch) leaves stale values in padding that must not count. */
    @ParameterizedTest(name = "{0}")
    @CsvSource({"elbo", "iwae:3", "dreg:2"})
    void earlierLargerBatchesLeaveNoTrace(String objectiveSpec) {
        Dataset data = SmallData.shapes(64, 7);
        VaeConfig config =
                VaeConfig.builder().inputShape(28, 28).hidden(16).latent(3).build();
        TrainingObjective objective = objective(objectiveSpec);
        float[] p = initialParameters(config, 4);
        float[] large = firstRows(data, 40);
        float[] small = Arrays.copyOfRange(large, 20 * 784, 33 * 784);
        float[] largeNoise = GaussianNoise.standardNormal(objective.particles() * 40 * 3, 5);
        float[] smallNoise = GaussianNoise.standardNormal(objective.particles() * 13 * 3, 6);
        float[] afterLarge = new float[p.length];
        float[] fresh = new float[p.length];
        FusedElboStep reused = new FusedElboStep(config, objective, 40);
        reused.compute(p, large, null, largeNoise, 40, 1, false, afterLarge);
        BatchElbo first = reused.compute(p, small, null, smallNoise, 13, 1, false, afterLarge);
        BatchElbo second =
                new FusedElboStep(config, objective, 40).compute(p, small, null, smallNoise, 13, 1, false, fresh);
        assertThat(first).isEqualTo(second);
        assertThat(afterLarge).containsExactly(fresh);
    }

    /** Products shared among threads give the one-thread step's floats, for both objectives. */
    @ParameterizedTest(name = "{0}")
    @CsvSource({"elbo", "iwae:3"})
    void theThreadCountDoesNotChangeAFloat(String objectiveSpec) {
        Dataset data = SmallData.shapes(64, 9);
        VaeConfig config =
                VaeConfig.builder().inputShape(28, 28).hidden(48, 40).latent(5).build();
        TrainingObjective objective = objective(objectiveSpec);
        float[] p = initialParameters(config, 6);
        float[] x = firstRows(data, 37);
        float[] noise = GaussianNoise.standardNormal(objective.particles() * 37 * 5, 8);
        float[] alone = new float[p.length];
        float[] shared = new float[p.length];
        BatchElbo one = new FusedElboStep(config, objective, 37).compute(p, x, null, noise, 37, 1, false, alone);
        try (ParallelGemm team = new ParallelGemm(3)) {
            BatchElbo three =
                    new FusedElboStep(config, objective, 37, team).compute(p, x, null, noise, 37, 1, false, shared);
            assertThat(three).isEqualTo(one);
        }
        assertThat(shared).containsExactly(alone);
    }

    @Test
    void aNonFiniteGradientMakesTheElboNaN() {
        VaeConfig config =
                VaeConfig.builder().inputShape(28, 28).hidden(8).latent(2).build();
        float[] p = initialParameters(config, 1);
        float[] x = firstRows(SmallData.shapes(4, 1), 4);
        float[] noise = GaussianNoise.standardNormal(8, 2);
        float[] gradient = new float[p.length];
        FusedElboStep step = new FusedElboStep(config, TrainingObjective.ELBO, 4);
        assertThat(step.compute(p, x, null, noise, 4, 1, false, gradient).elbo())
                .isFinite();
        // An infinite weight makes its logits, and so the gradient, non-finite.
        int out = (int) VaeModel.layoutOf(config).entries().stream()
                .filter(e -> e.name().equals("decoder.out.weight"))
                .findFirst()
                .orElseThrow()
                .offset();
        p[out] = Float.POSITIVE_INFINITY;
        assertThat(step.compute(p, x, null, noise, 4, 1, false, gradient).elbo())
                .isNaN();
    }

    private static float[] initialParameters(VaeConfig config, long seed) {
        try (NDManager m = NDManager.newBaseManager();
                VaeModel model = VaeModel.initialize(config, m, seed)) {
            return model.parameterValues();
        }
    }

    /** The first {@code rows} examples of {@code data}, row-major. */
    private static float[] firstRows(Dataset data, int rows) {
        int[] order = new int[rows];
        Arrays.setAll(order, i -> i);
        return Batching.gather(data, order, 0, rows);
    }

    private static double[] toDouble(float[] values) {
        double[] d = new double[values.length];
        for (int i = 0; i < d.length; i++) {
            d[i] = values[i];
        }
        return d;
    }
}
