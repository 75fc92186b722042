package io.github.elbo4j.vae.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDManager;
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
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The hand-written convolutional step against the engine's autograd on the same weights, batch
 * and noise: the same ELBO sums and gradient for every activation, the likelihoods it supports,
 * one to three convolutions, even and odd image sizes (output padding), several image channels,
 * no hidden layer, KL weights, free bits and batches that do not fill a vector.
 */
class FusedConvStepTest {

    @ParameterizedTest(name = "{0} {1} channels={2} hidden={3} {4} batch={5} w={6} freeBits={7}")
    @CsvSource({
        "'28,28', '4,6', '12', tanh, bernoulli, 13, 1.0, 0.0",
        "'28,28', '4,6', '12', relu, bernoulli, 9, 0.5, 0.0",
        "'13,11', '3,5', '10', softplus, bernoulli, 17, 1.0, 0.0",
        "'9,10,3', '4', '', tanh, gaussian, 6, 0.7, 0.0",
        "'15,14', '2,3,4', '8,6', tanh, bernoulli, 5, 1.0, 0.0",
        "'12,12', '3,4', '10', tanh, bernoulli, 20, 1.0, 0.05",
        "'12,12', '3,4', '10', relu, gaussian-learned, 11, 1.0, 0.0",
        "'7,9', '3', '6', tanh, gaussian-per-feature, 8, 1.0, 0.0",
    })
    void agreesWithAutograd(
            String shape,
            String channels,
            String hidden,
            String activation,
            String likelihood,
            int batch,
            double klWeight,
            double freeBits) {
        VaeConfig config = VaeConfig.builder()
                .inputShape(ints(shape))
                .conv(ints(channels))
                .hidden(ints(hidden))
                .latent(3)
                .activation(Activation.parse(activation))
                .likelihood(Likelihood.parse(likelihood))
                .gaussianScale(0.4)
                .build();
        TrainingObjective objective = TrainingObjective.ELBO.withFreeBits(freeBits);
        assertThat(StepFactory.fusedStepSupports(config, objective, 24)).isTrue();
        float[] x = images(config, batch, 5);
        float[] noise = GaussianNoise.standardNormal(batch * config.latent(), 17);
        try (NDManager m = NDManager.newBaseManager();
                VaeModel model = VaeModel.initialize(config, m, 3)) {
            float[] expected = new float[Math.toIntExact(model.layout().totalSize())];
            BatchElbo reference =
                    new ElboStep(model, objective).compute(x, null, noise, batch, klWeight, false, expected);
            float[] gradient = new float[expected.length];
            BatchElbo sums = new FusedConvStep(config, objective, 24)
                    .compute(model.parameterValues(), x, noise, batch, klWeight, gradient);
            // Tiles of a position or two give the same floats as the default's whole maps.
            float[] tiled = new float[expected.length];
            try (ParallelGemm one = new ParallelGemm(1)) {
                BatchElbo tiledSums = new FusedConvStep(config, objective, 24, one, 1)
                        .compute(model.parameterValues(), x, noise, batch, klWeight, tiled);
                assertThat(tiledSums.elbo()).isCloseTo(sums.elbo(), within(1e-5 * Math.abs(sums.elbo())));
            }
            double largestFused = 0;
            for (float g : gradient) {
                largestFused = Math.max(largestFused, Math.abs(g));
            }
            for (int i = 0; i < gradient.length; i++) {
                assertThat((double) tiled[i])
                        .as("tiled gradient[%d]", i)
                        .isCloseTo(gradient[i], within(1e-5 * largestFused));
            }
            assertThat(sums.elbo()).isCloseTo(reference.elbo(), within(1e-4 * Math.abs(reference.elbo())));
            assertThat(sums.reconstruction())
                    .isCloseTo(reference.reconstruction(), within(1e-4 * Math.abs(reference.reconstruction())));
            assertThat(sums.kl()).isCloseTo(reference.kl(), within(1e-4 * Math.abs(reference.kl()) + 1e-5));
            double largest = 0;
            for (float g : expected) {
                largest = Math.max(largest, Math.abs(g));
            }
            for (ParameterLayout.Entry e : model.layout().entries()) {
                for (long i = e.offset(); i < e.offset() + e.size(); i++) {
                    assertThat((double) gradient[(int) i])
                            .as("%s[%d]", e.name(), i - e.offset())
                            .isCloseTo(expected[(int) i], within(2e-5 * largest));
                }
            }
        }
    }

    /** A smaller batch after a larger one (an epoch's last batch) and a team of threads change no float. */
    @Test
    void earlierLargerBatchesAndThreadsLeaveNoTrace() {
        VaeConfig config = VaeConfig.builder()
                .inputShape(13, 12)
                .conv(4, 8)
                .hidden(16)
                .latent(3)
                .build();
        float[] p = initialParameters(config, 4);
        float[] large = images(config, 40, 7);
        float[] small = Arrays.copyOfRange(large, 20 * 156, 33 * 156);
        float[] largeNoise = GaussianNoise.standardNormal(40 * 3, 5);
        float[] smallNoise = GaussianNoise.standardNormal(13 * 3, 6);
        float[] afterLarge = new float[p.length];
        float[] fresh = new float[p.length];
        FusedConvStep reused = new FusedConvStep(config, TrainingObjective.ELBO, 40);
        reused.compute(p, large, largeNoise, 40, 1, afterLarge);
        BatchElbo first = reused.compute(p, small, smallNoise, 13, 1, afterLarge);
        BatchElbo second =
                new FusedConvStep(config, TrainingObjective.ELBO, 40).compute(p, small, smallNoise, 13, 1, fresh);
        assertThat(first).isEqualTo(second);
        assertThat(afterLarge).containsExactly(fresh);
        float[] shared = new float[p.length];
        try (ParallelGemm team = new ParallelGemm(3)) {
            BatchElbo three = new FusedConvStep(config, TrainingObjective.ELBO, 40, team)
                    .compute(p, small, smallNoise, 13, 1, shared);
            assertThat(three).isEqualTo(second);
        }
        assertThat(shared).containsExactly(fresh);
    }

    @Test
    void refusesWhatItDoesNotComputeAndReportsANonFiniteGradient() {
        VaeConfig config =
                VaeConfig.builder().inputShape(8, 8).conv(2).hidden(4).latent(2).build();
        assertThat(StepFactory.fusedStepSupports(config, TrainingObjective.iwae(3), 10))
                .isFalse();
        assertThatThrownBy(() -> new FusedConvStep(config, TrainingObjective.iwae(3), 10))
                .isInstanceOf(IllegalArgumentException.class);
        VaeConfig mlp = VaeConfig.builder().inputShape(8, 8).hidden(4).latent(2).build();
        assertThatThrownBy(() -> new FusedConvStep(mlp, TrainingObjective.ELBO, 10))
                .isInstanceOf(IllegalArgumentException.class);
        VaeConfig conditional = VaeConfig.builder()
                .inputShape(8, 8)
                .conv(2)
                .hidden(4)
                .latent(2)
                .conditions(3)
                .build();
        assertThat(StepFactory.fusedStepSupports(conditional, TrainingObjective.ELBO, 10))
                .isFalse();

        FusedConvStep step = new FusedConvStep(config, TrainingObjective.ELBO, 4);
        float[] p = initialParameters(config, 1);
        float[] x = images(config, 4, 2);
        float[] noise = GaussianNoise.standardNormal(8, 2);
        float[] gradient = new float[p.length];
        assertThatThrownBy(() -> step.compute(p, new float[5 * 64], new float[10], 5, 1, gradient))
                .hasMessageContaining("1 to 4");
        assertThat(step.compute(p, x, noise, 4, 1, gradient).elbo()).isFinite();
        p[Math.toIntExact(VaeModel.layoutOf(config).entry("decoder.out.weight").offset())] = Float.POSITIVE_INFINITY;
        assertThat(step.compute(p, x, noise, 4, 1, gradient).elbo()).isNaN();
    }

    /** {@code rows} images of {@code config}'s shape: fair bits for Bernoulli, standard normal values otherwise. */
    private static float[] images(VaeConfig config, int rows, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        float[] x = new float[rows * config.inputSize()];
        boolean bits = config.likelihood() == Likelihood.BERNOULLI;
        for (int i = 0; i < x.length; i++) {
            x[i] = bits ? (random.nextBoolean() ? 1f : 0f) : (float) random.nextGaussian();
        }
        return x;
    }

    private static float[] initialParameters(VaeConfig config, long seed) {
        try (NDManager m = NDManager.newBaseManager();
                VaeModel model = VaeModel.initialize(config, m, seed)) {
            return model.parameterValues();
        }
    }

    private static int[] ints(String list) {
        return list.isEmpty()
                ? new int[0]
                : Arrays.stream(list.split(",")).mapToInt(Integer::parseInt).toArray();
    }
}
