package io.github.elbo4j.vae.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.github.elbo4j.data.Dataset;
import io.github.elbo4j.distributions.DiagonalNormal;
import io.github.elbo4j.elbo.AnalyticKlElbo;
import io.github.elbo4j.elbo.ElboTerms;
import io.github.elbo4j.elbo.ImportanceWeightedElbo;
import io.github.elbo4j.kl.KlDivergence;
import io.github.elbo4j.vae.model.Activation;
import io.github.elbo4j.vae.model.Likelihood;
import io.github.elbo4j.vae.model.VaeConfig;
import io.github.elbo4j.vae.model.VaeModel;
import io.github.elbo4j.vae.model.VaeNetwork;
import io.github.elbo4j.vae.objective.ElboSummary;
import io.github.elbo4j.vae.objective.ExampleTerms;
import io.github.elbo4j.vae.objective.GaussianNoise;
import io.github.elbo4j.vae.objective.StepFactory;
import io.github.elbo4j.vae.train.SmallData;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The fused IWAE-K estimate against the engine's {@link ImportanceWeightedElbo} on the same weights and noise. */
class FusedImportanceSamplerTest {

    private static final Dataset DATA = SmallData.shapes(23, 6);
    private static final long SEED = 11;

    @ParameterizedTest(name = "{0} {1} hidden={2} K={3} budget={4}")
    @CsvSource({
        // K below the budget: several examples per pass, the last group partial.
        "tanh, bernoulli, '24,16', 7, 50",
        // K above the budget: each example's particles in equal slices (300 = 3 × 100).
        "tanh, bernoulli, '24,16', 300, 128",
        // Slices that do not divide K (301 = 101 + 101 + 99), and one particle per example.
        "relu, bernoulli, '19', 301, 128",
        "softplus, bernoulli, '19', 1, 1024",
        "tanh, gaussian, '24,16', 40, 1024",
        "relu, gaussian, '', 9, 20",
    })
    void agreesWithTheEngine(String activation, String likelihood, String hidden, int k, int budget) {
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
        try (NDManager m = NDManager.newBaseManager();
                VaeModel model = VaeModel.initialize(config, m, 2)) {
            double[] expected = engineEstimate(model, k);
            double[] fused = new double[DATA.rows()];
            new FusedImportanceSampler(config, k, budget)
                    .estimate(
                            model.parameterValues(),
                            DATA.values(),
                            0,
                            DATA.rows(),
                            SEED,
                            ExampleTerms.boundsOnly(fused));
            for (int i = 0; i < fused.length; i++) {
                // Both sides sum hundreds of float terms per particle, in different orders.
                assertThat(fused[i])
                        .as("example %d", i)
                        .isCloseTo(expected[i], within(2e-5 * Math.abs(expected[i]) + 1e-4));
            }
        }
    }

    /** Under the VampPrior, log p(z) is the mixture's, its components the encoder at the clamped pseudo-inputs. */
    @ParameterizedTest(name = "{0} {1} hidden={2} N={3} K={4} budget={5}")
    @CsvSource({
        "tanh, bernoulli, '24,16', 7, 7, 50",
        "relu, bernoulli, '19', 20, 301, 128",
        "softplus, gaussian, '', 3, 40, 1024",
    })
    void agreesWithTheEngineUnderTheVampPrior(
            String activation, String likelihood, String hidden, int pseudoInputs, int k, int budget) {
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
        try (NDManager m = NDManager.newBaseManager();
                VaeModel initial = VaeModel.initialize(config, m, 2)) {
            float[] p = initial.parameterValues();
            // Pseudo-inputs outside [0, 1], which the prior clamps.
            int offset = Math.toIntExact(
                    VaeModel.layoutOf(config).entry(VaeModel.PSEUDO_INPUTS).offset());
            for (int i = 0; i < pseudoInputs * config.inputSize(); i += 7) {
                p[offset + i] = i % 2 == 0 ? -0.5f : 1.5f;
            }
            try (VaeModel model = VaeModel.fromParameters(config, p, m)) {
                double[] expected = engineEstimate(model, k);
                double[] fused = new double[DATA.rows()];
                new FusedImportanceSampler(config, k, budget)
                        .estimate(p, DATA.values(), 0, DATA.rows(), SEED, ExampleTerms.boundsOnly(fused));
                for (int i = 0; i < fused.length; i++) {
                    assertThat(fused[i])
                            .as("example %d", i)
                            .isCloseTo(expected[i], within(2e-5 * Math.abs(expected[i]) + 1e-4));
                }
            }
        }
    }

    @Test
    void theEstimateDependsOnTheSeedAndTheExampleAloneNotOnPassesOrRanges() {
        VaeConfig config = SmallData.smallModel();
        try (NDManager m = NDManager.newBaseManager();
                VaeModel model = VaeModel.initialize(config, m, 5)) {
            float[] p = model.parameterValues();
            double[] onePass = new double[DATA.rows()];
            new FusedImportanceSampler(config, 30, 1024)
                    .estimate(p, DATA.values(), 0, DATA.rows(), SEED, ExampleTerms.boundsOnly(onePass));
            double[] pieces = new double[DATA.rows()];
            FusedImportanceSampler small = new FusedImportanceSampler(config, 30, 16);
            small.estimate(p, DATA.values(), 0, 9, SEED, ExampleTerms.boundsOnly(pieces));
            small.estimate(p, DATA.values(), 9, DATA.rows(), SEED, ExampleTerms.boundsOnly(pieces));
            for (int i = 0; i < pieces.length; i++) {
                assertThat(pieces[i]).isCloseTo(onePass[i], within(1e-4));
            }
            double[] otherSeed = new double[DATA.rows()];
            new FusedImportanceSampler(config, 30, 1024)
                    .estimate(p, DATA.values(), 0, DATA.rows(), SEED + 1, ExampleTerms.boundsOnly(otherSeed));
            assertThat(otherSeed).isNotEqualTo(onePass);
        }
    }

    /**
     * With a seed per example, an example's terms are bit for bit those of the example scored
     * alone, whatever the batch it is decoded in: batches of several sizes at several offsets, and
     * the rows in another order (another partitioning of the same rows).
     */
    @ParameterizedTest(name = "{0} {1} hidden={2} prior={3} K={4} budget={5}")
    @CsvSource({
        "tanh, bernoulli, '24,16', normal, 50, 1024",
        // Groups of 7 examples of K = 7 (49 columns, not whole vectors) and a partial last group.
        "relu, gaussian, '19', normal, 7, 50",
        // K above the budget: each example's particles in slices.
        "softplus, bernoulli, '24', normal, 300, 128",
        "tanh, bernoulli, '24,16', vamp, 30, 1024",
        "relu, gaussian, '', normal, 1, 1024",
        // Fewer particles than a vector's lanes: Gemm's plain loop for each example's x·l product.
        "tanh, bernoulli, '19', normal, 5, 1024",
    })
    void anExamplesTermsUnderItsOwnSeedDoNotDependOnItsBatch(
            String activation, String likelihood, String hidden, String prior, int k, int budget) {
        int[] widths = hidden.isEmpty()
                ? new int[0]
                : Arrays.stream(hidden.split(",")).mapToInt(Integer::parseInt).toArray();
        VaeConfig.Builder builder = VaeConfig.builder()
                .inputShape(28, 28)
                .hidden(widths)
                .latent(5)
                .activation(Activation.parse(activation))
                .likelihood(Likelihood.parse(likelihood))
                .gaussianScale(0.3);
        VaeConfig config = prior.equals("vamp") ? builder.vampPrior(4).build() : builder.build();
        int n = DATA.rows();
        long[] seeds = new long[n];
        for (int e = 0; e < n; e++) {
            seeds[e] = 1_000_003L * e + 17;
        }
        try (NDManager m = NDManager.newBaseManager();
                VaeModel model = VaeModel.initialize(config, m, 3)) {
            float[] p = model.parameterValues();
            FusedImportanceSampler sampler = new FusedImportanceSampler(config, k, budget);
            ExampleTerms alone = ExampleTerms.allocate(n, config.latent());
            for (int e = 0; e < n; e++) {
                ExampleTerms one = ExampleTerms.allocate(1, config.latent());
                sampler.estimate(p, DATA.row(e), 0, 1, seeds[e], one);
                copy(one, alone, e);
            }
            ExampleTerms whole = ExampleTerms.allocate(n, config.latent());
            new FusedImportanceSampler(config, k, budget).estimate(p, DATA.values(), 0, n, seeds, whole);
            int[] identity = java.util.stream.IntStream.range(0, n).toArray();
            assertSameBits(whole, alone, identity);

            ExampleTerms pieces = ExampleTerms.allocate(n, config.latent());
            int[] bounds = {0, 1, 6, 13, 14, n};
            for (int b = 0; b + 1 < bounds.length; b++) {
                sampler.estimate(p, DATA.values(), bounds[b], bounds[b + 1], seeds, pieces);
            }
            assertSameBits(pieces, alone, identity);

            // The rows reversed, each with its seed: each lands at another place in its pass.
            int[] reversed = new int[n];
            long[] reversedSeeds = new long[n];
            for (int e = 0; e < n; e++) {
                reversed[e] = n - 1 - e;
                reversedSeeds[e] = seeds[n - 1 - e];
            }
            ExampleTerms backwards = ExampleTerms.allocate(n, config.latent());
            sampler.estimate(p, DATA.subset(reversed).values(), 0, n, reversedSeeds, backwards);
            assertSameBits(backwards, alone, reversed);
        }
    }

    /**
     * The ELBO that {@code eval} reports comes from the sampler's pass: the first particle's
     * log p(x|z) and the analytic KL. It must equal core's {@link AnalyticKlElbo} through the engine
     * on the same weights and one-sample noise, whether K is 1 (the ELBO pass alone) or the
     * particles come in several slices per example.
     */
    @ParameterizedTest(name = "K={0} budget={1}")
    @CsvSource({"1, 1024", "50, 1024", "300, 128"})
    void theElboOfThePassEqualsTheEnginesAnalyticKlElbo(int k, int budget) {
        VaeConfig config = SmallData.smallModel();
        try (NDManager m = NDManager.newBaseManager();
                VaeModel model = VaeModel.initialize(config, m, 6);
                NDManager scope = m.newSubManager()) {
            int n = DATA.rows();
            int latent = config.latent();
            VaeNetwork network = model.bind(scope);
            NDArray x = scope.create(DATA.values(), new Shape(n, DATA.features()));
            DiagonalNormal posterior = network.encode(x);
            NDArray noise = scope.create(GaussianNoise.perExample(1, 0, n, latent, SEED), new Shape(1, n, latent));
            ElboTerms engine = new AnalyticKlElbo(1).estimate(posterior, network.prior(), network, x, noise);
            float[] recon = engine.reconstruction().toFloatArray();
            float[] kl = engine.kl().toFloatArray();
            float[] klPerDimension = KlDivergence.perDimension(posterior).toFloatArray();
            float[] loc = posterior.loc().toFloatArray();

            ExampleTerms terms = ExampleTerms.allocate(n, latent);
            new FusedImportanceSampler(config, k, budget)
                    .estimate(model.parameterValues(), DATA.values(), 0, n, SEED, terms);
            double reconSum = 0;
            double klSum = 0;
            for (int i = 0; i < n; i++) {
                assertThat(terms.firstReconstruction()[i])
                        .as("log p(x|z_1) of example %d", i)
                        .isCloseTo(recon[i], within(2e-5 * Math.abs(recon[i]) + 1e-4));
                assertThat(terms.firstKl()[i]).as("KL of example %d", i).isCloseTo(kl[i], within(1e-4));
                reconSum += recon[i];
                klSum += kl[i];
            }
            for (int c = 0; c < n * latent; c++) {
                assertThat(terms.klPerDimension()[c]).isCloseTo(klPerDimension[c], within(1e-5f));
                assertThat(terms.posteriorMean()[c]).isCloseTo(loc[c], within(1e-5f));
            }
            ElboSummary summary = terms.elboSummary();
            assertThat(summary.recon()).isCloseTo(reconSum / n, within(1e-4));
            assertThat(summary.kl()).isCloseTo(klSum / n, within(1e-5));
            assertThat(summary.elbo()).isCloseTo((reconSum - klSum) / n, within(1e-4));
            if (k > 1) {
                // The K-sample average is another estimate of the same expectation, not the first sample.
                assertThat(terms.meanReconstruction()).isNotEqualTo(terms.firstReconstruction());
            }
        }
    }

    @Test
    void refusesModelsItDoesNotCompute() {
        VaeConfig learnedScale = VaeConfig.builder()
                .inputShape(28, 28)
                .hidden(8)
                .latent(2)
                .likelihood(Likelihood.GAUSSIAN_LEARNED)
                .build();
        assertThat(StepFactory.fusedSamplerSupports(learnedScale)).isFalse();
        assertThat(StepFactory.fusedSamplerSupports(SmallData.smallModel())).isTrue();
        assertThatThrownBy(() -> new FusedImportanceSampler(learnedScale, 5, 100))
                .isInstanceOf(IllegalArgumentException.class);
    }

    /** The engine's IWAE-K bound per example, from the noise {@link GaussianNoise#perExample} draws. */
    private static double[] engineEstimate(VaeModel model, int k) {
        int n = DATA.rows();
        int latent = model.config().latent();
        try (NDManager scope = model.parameters().getManager().newSubManager()) {
            VaeNetwork network = model.bind(scope);
            NDArray x = scope.create(DATA.values(), new Shape(n, DATA.features()));
            NDArray noise = scope.create(GaussianNoise.perExample(k, 0, n, latent, SEED), new Shape(k, n, latent));
            float[] bounds = new ImportanceWeightedElbo(k)
                    .estimate(network.encode(x), network.prior(), network, x, noise)
                    .elbo()
                    .toFloatArray();
            double[] result = new double[n];
            for (int i = 0; i < n; i++) {
                result[i] = bounds[i];
            }
            return result;
        }
    }

    /** Example 0 of {@code one} into example {@code e} of {@code all}. */
    private static void copy(ExampleTerms one, ExampleTerms all, int e) {
        all.bound()[e] = one.bound()[0];
        all.firstReconstruction()[e] = one.firstReconstruction()[0];
        all.firstKl()[e] = one.firstKl()[0];
        all.meanReconstruction()[e] = one.meanReconstruction()[0];
        all.meanKl()[e] = one.meanKl()[0];
        System.arraycopy(one.posteriorMean(), 0, all.posteriorMean(), e * one.latent(), one.latent());
        System.arraycopy(one.klPerDimension(), 0, all.klPerDimension(), e * one.latent(), one.latent());
    }

    /** Example e of {@code actual} has the bits of example {@code order[e]} of {@code expected}. */
    private static void assertSameBits(ExampleTerms actual, ExampleTerms expected, int[] order) {
        int latent = expected.latent();
        for (int e = 0; e < order.length; e++) {
            int o = order[e];
            assertThat(actual.bound()[e]).as("bound %d", e).isEqualTo(expected.bound()[o]);
            assertThat(actual.firstReconstruction()[e])
                    .as("first log p(x|z) %d", e)
                    .isEqualTo(expected.firstReconstruction()[o]);
            assertThat(actual.firstKl()[e]).as("first KL %d", e).isEqualTo(expected.firstKl()[o]);
            assertThat(actual.meanReconstruction()[e])
                    .as("mean log p(x|z) %d", e)
                    .isEqualTo(expected.meanReconstruction()[o]);
            assertThat(actual.meanKl()[e]).as("mean KL %d", e).isEqualTo(expected.meanKl()[o]);
            assertThat(Arrays.copyOfRange(actual.posteriorMean(), e * latent, (e + 1) * latent))
                    .as("μ %d", e)
                    .containsExactly(Arrays.copyOfRange(expected.posteriorMean(), o * latent, (o + 1) * latent));
            assertThat(Arrays.copyOfRange(actual.klPerDimension(), e * latent, (e + 1) * latent))
                    .as("KL per dimension %d", e)
                    .containsExactly(Arrays.copyOfRange(expected.klPerDimension(), o * latent, (o + 1) * latent));
        }
    }
}
