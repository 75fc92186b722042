package io.github.elbo4j.vae.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDManager;
import io.github.elbo4j.data.Batching;
import io.github.elbo4j.data.Dataset;
import io.github.elbo4j.vae.model.Activation;
import io.github.elbo4j.vae.model.Likelihood;
import io.github.elbo4j.vae.model.ParameterLayout;
import io.github.elbo4j.vae.model.VaeConfig;
import io.github.elbo4j.vae.model.VaeModel;
import io.github.elbo4j.vae.objective.BatchElbo;
import io.github.elbo4j.vae.objective.ElboStep;
import io.github.elbo4j.vae.objective.GaussianNoise;
import io.github.elbo4j.vae.objective.StepFactory;
import io.github.elbo4j.vae.objective.TrainingObjective;
import io.github.elbo4j.vae.train.SmallData;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The hand-written step against the engine's autograd on the same weights, batch and noise: the
 * same ELBO sums and the same gradient, for every activation, both likelihoods it supports, a KL
 * weight, free bits, the IWAE objective with either gradient estimator and 1 to 5 particles, and
 * batches that do not fill a vector.
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
        int[] widths = hidden.isEmpty()
                ? new int[0]
                : Arrays.stream(hidden.split(",")).mapToInt(Integer::parseInt).toArray();
        VaeConfig config = VaeConfig.builder()
                .inputShape(28, 28)
                .hidden(widths)
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
        float[] noise = GaussianNoise.standardNormal(objective.particles() * batch * config.latent(), 17);
        try (NDManager m = NDManager.newBaseManager();
                VaeModel model = VaeModel.initialize(config, m, 3)) {
            float[] expected = new float[Math.toIntExact(model.layout().totalSize())];
            BatchElbo reference =
                    new ElboStep(model, objective).compute(x, null, noise, batch, klWeight, false, expected);
            float[] gradient = new float[expected.length];
            FusedElboStep fused = new FusedElboStep(config, objective, 48);
            BatchElbo sums = fused.compute(model.parameterValues(), x, noise, batch, klWeight, gradient);

            assertThat(sums.elbo())
                    .isCloseTo(
                            reference.elbo(), org.assertj.core.data.Offset.offset(1e-4 * Math.abs(reference.elbo())));
            assertThat(sums.reconstruction())
                    .isCloseTo(
                            reference.reconstruction(),
                            org.assertj.core.data.Offset.offset(1e-4 * Math.abs(reference.reconstruction())));
            assertThat(sums.kl())
                    .isCloseTo(
                            reference.kl(),
                            org.assertj.core.data.Offset.offset(1e-4 * Math.abs(reference.kl()) + 1e-5));
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
        }
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
        VaeConfig learned = VaeConfig.builder()
                .inputShape(28, 28)
                .hidden(8)
                .latent(2)
                .likelihood(Likelihood.GAUSSIAN_LEARNED)
                .build();
        assertThat(StepFactory.fusedStepSupports(learned, TrainingObjective.ELBO, 10))
                .isFalse();
        assertThatThrownBy(() -> new FusedElboStep(learned, TrainingObjective.ELBO, 10))
                .isInstanceOf(IllegalArgumentException.class);
        FusedElboStep step = new FusedElboStep(mlp, TrainingObjective.ELBO, 10);
        float[] p = new float[(int) VaeModel.layoutOf(mlp).totalSize()];
        assertThatThrownBy(() -> step.compute(p, new float[11 * 784], new float[22], 11, 1, new float[p.length]))
                .hasMessageContaining("1 to 10");
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
        reused.compute(p, large, largeNoise, 40, 1, afterLarge);
        BatchElbo first = reused.compute(p, small, smallNoise, 13, 1, afterLarge);
        BatchElbo second = new FusedElboStep(config, objective, 40).compute(p, small, smallNoise, 13, 1, fresh);
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
        BatchElbo one = new FusedElboStep(config, objective, 37).compute(p, x, noise, 37, 1, alone);
        try (ParallelGemm team = new ParallelGemm(3)) {
            BatchElbo three = new FusedElboStep(config, objective, 37, team).compute(p, x, noise, 37, 1, shared);
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
        assertThat(step.compute(p, x, noise, 4, 1, gradient).elbo()).isFinite();
        // An infinite weight makes its logits, and so the gradient, non-finite.
        int out = (int) VaeModel.layoutOf(config).entries().stream()
                .filter(e -> e.name().equals("decoder.out.weight"))
                .findFirst()
                .orElseThrow()
                .offset();
        p[out] = Float.POSITIVE_INFINITY;
        assertThat(step.compute(p, x, noise, 4, 1, gradient).elbo()).isNaN();
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
