package io.github.elbo4j.vae.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

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
import io.github.elbo4j.vae.objective.TrainingObjective;
import io.github.elbo4j.vae.train.SmallData;
import java.util.Arrays;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The fused step of a VampPrior model against the engine's autograd on the same weights, batch and
 * noise: the same ELBO sums (the Monte Carlo KL) and every gradient entry, the pseudo-inputs' and
 * the encoder's through the mixture included, with and without the N(0, I) warm-up, for the ELBO
 * with a KL weight and with free bits, and the IWAE objective with either gradient estimator.
 * Some pseudo-inputs lie outside [0, 1] and some on its bounds, where the clamp stops or passes the
 * gradient.
 */
public class FusedVampPriorTest {

    @ParameterizedTest(name = "{0} {1} hidden={2} N={3} batch={4} w={5} freeBits={6} {7} warm-up={8}")
    @CsvSource({
        "tanh, bernoulli, '24,16', 7, 37, 1.0, 0.0, elbo, false",
        "tanh, bernoulli, '24,16', 7, 37, 1.0, 0.0, elbo, true",
        "relu, bernoulli, '19', 20, 16, 0.3, 0.0, elbo, false",
        "softplus, gaussian, '24,16', 3, 9, 0.7, 0.0, elbo, false",
        "relu, bernoulli, '', 5, 11, 2.0, 0.0, elbo, false",
        "tanh, bernoulli, '24,16', 7, 37, 1.0, 0.05, elbo, false",
        "tanh, bernoulli, '24,16', 7, 37, 1.0, 0.0, iwae:5, false",
        "tanh, bernoulli, '24,16', 7, 37, 1.0, 0.0, iwae:5, true",
        "relu, gaussian, '19', 11, 13, 0.4, 0.0, iwae:3, false",
        "tanh, bernoulli, '24,16', 7, 21, 1.0, 0.0, dreg:4, false",
        "softplus, bernoulli, '', 4, 10, 1.0, 0.0, dreg:2, false",
        "tanh, bernoulli, '24,16', 7, 21, 1.0, 0.0, dreg:4, true",
    })
    void agreesWithAutograd(
            String activation,
            String likelihood,
            String hidden,
            int pseudoInputs,
            int batch,
            double klWeight,
            double freeBits,
            String objectiveSpec,
            boolean warmup) {
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
                .vampPrior(pseudoInputs)
                .build();
        TrainingObjective objective = objective(objectiveSpec, freeBits);
        int[] order = new int[batch];
        Arrays.setAll(order, i -> 3 * i % data.rows());
        float[] x = Batching.gather(data, order, 0, batch);
        float[] noise = GaussianNoise.standardNormal(objective.particles() * batch * config.latent(), 17);
        try (NDManager m = NDManager.newBaseManager();
                VaeModel model = VaeModel.fromParameters(config, parameters(config, m), m)) {
            float[] expected = new float[Math.toIntExact(model.layout().totalSize())];
            BatchElbo reference =
                    new ElboStep(model, objective).compute(x, null, noise, batch, klWeight, warmup, expected);
            float[] gradient = new float[expected.length];
            Arrays.fill(gradient, Float.NaN);
            BatchElbo sums = new FusedElboStep(config, objective, 48)
                    .compute(model.parameterValues(), x, null, noise, batch, klWeight, warmup, gradient);

            assertThat(sums.elbo()).isCloseTo(reference.elbo(), within(1e-4 * Math.abs(reference.elbo())));
            assertThat(sums.reconstruction())
                    .isCloseTo(reference.reconstruction(), within(1e-4 * Math.abs(reference.reconstruction())));
            assertThat(sums.kl()).isCloseTo(reference.kl(), within(1e-4 * Math.abs(reference.kl()) + 1e-4));
            // As in FusedElboStepTest: IWAE weights are a softmax of single-precision log weights.
            double largest = 0;
            for (float g : expected) {
                largest = Math.max(largest, Math.abs(g));
            }
            double tolerance = (objective instanceof TrainingObjective.Iwae ? 1e-4 : 2e-5) * largest;
            boolean pseudoGradient = false;
            for (ParameterLayout.Entry e : model.layout().entries()) {
                for (long i = e.offset(); i < e.offset() + e.size(); i++) {
                    assertThat((double) gradient[(int) i])
                            .as("%s[%d]", e.name(), i - e.offset())
                            .isCloseTo(expected[(int) i], within(tolerance));
                    pseudoGradient |= e.name().equals(VaeModel.PSEUDO_INPUTS) && expected[(int) i] != 0;
                }
            }
            // The mixture reaches the pseudo-inputs exactly when the objective reads it.
            assertThat(pseudoGradient).isEqualTo(!warmup && freeBits == 0);
        }
    }

    /** Products shared among threads give the one-thread step's floats, the pseudo-inputs' pass included. */
    @ParameterizedTest(name = "{0}")
    @CsvSource({"elbo", "iwae:3"})
    void theThreadCountDoesNotChangeAFloat(String objectiveSpec) {
        Dataset data = SmallData.shapes(64, 9);
        VaeConfig config = VaeConfig.builder()
                .inputShape(28, 28)
                .hidden(48, 40)
                .latent(5)
                .vampPrior(37)
                .build();
        TrainingObjective objective = objective(objectiveSpec, 0);
        int[] order = new int[29];
        Arrays.setAll(order, i -> i);
        float[] x = Batching.gather(data, order, 0, 29);
        float[] noise = GaussianNoise.standardNormal(objective.particles() * 29 * 5, 8);
        try (NDManager m = NDManager.newBaseManager()) {
            float[] p = parameters(config, m);
            float[] alone = new float[p.length];
            float[] shared = new float[p.length];
            BatchElbo one = new FusedElboStep(config, objective, 29).compute(p, x, null, noise, 29, 1, false, alone);
            try (ParallelGemm team = new ParallelGemm(3)) {
                BatchElbo three =
                        new FusedElboStep(config, objective, 29, team).compute(p, x, null, noise, 29, 1, false, shared);
                assertThat(three).isEqualTo(one);
            }
            assertThat(shared).containsExactly(alone);
        }
    }

    /** {@code elbo} (with free bits λ), {@code iwae:K} (standard gradient) or {@code dreg:K}. */
    private static TrainingObjective objective(String spec, double freeBits) {
        if (spec.equals("elbo")) {
            return TrainingObjective.ELBO.withFreeBits(freeBits);
        }
        String[] parts = spec.split(":");
        TrainingObjective.Iwae iwae = TrainingObjective.iwae(Integer.parseInt(parts[1]));
        return parts[0].equals("dreg")
                ? iwae.withGradient(TrainingObjective.GradientEstimator.DOUBLY_REPARAMETERIZED)
                : iwae;
    }

    /**
     * Initial parameters whose pseudo-inputs include values below 0 and above 1 (the clamp stops
     * their gradient) and exactly 0 and 1 (it passes it, as data-initialized ones start).
     */
    private static float[] parameters(VaeConfig config, NDManager m) {
        float[] p;
        try (VaeModel initial = VaeModel.initialize(config, m, 3)) {
            p = initial.parameterValues();
        }
        int offset = Math.toIntExact(
                VaeModel.layoutOf(config).entry(VaeModel.PSEUDO_INPUTS).offset());
        float[] special = {-0.2f, 1.3f, 0f, 1f};
        for (int i = 0; i < config.pseudoInputs() * config.inputSize(); i += 5) {
            p[offset + i] = special[(i / 5) % special.length];
        }
        return p;
    }
}
