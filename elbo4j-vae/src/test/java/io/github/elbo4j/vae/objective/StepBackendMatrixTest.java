package io.github.elbo4j.vae.objective;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDManager;
import io.github.elbo4j.data.Dataset;
import io.github.elbo4j.vae.internal.FusedConvStep;
import io.github.elbo4j.vae.internal.FusedElboStep;
import io.github.elbo4j.vae.internal.FusedImportanceSampler;
import io.github.elbo4j.vae.internal.VectorSupport;
import io.github.elbo4j.vae.model.Activation;
import io.github.elbo4j.vae.model.Architecture;
import io.github.elbo4j.vae.model.LatentPrior;
import io.github.elbo4j.vae.model.Likelihood;
import io.github.elbo4j.vae.model.OneHotConditions;
import io.github.elbo4j.vae.model.TabularLayout;
import io.github.elbo4j.vae.model.VaeConfig;
import io.github.elbo4j.vae.model.VaeModel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every combination of the enums that choose the computation ({@link Architecture},
 * {@link Activation}, {@link Likelihood}, {@link TrainingObjective.Kind}, {@link LatentPrior}), built from their
 * {@code values()}, unconditional and conditional: either {@link StepFactory} admits it to the fused code, which then agrees with
 * the engine's autograd on the same weights, batch and noise to float rounding, or the fused code
 * refuses it and it trains (and is scored) on the engine. A constant added to any of the enums
 * lands in this matrix on its own, so it cannot change results silently; adding a likelihood also
 * stops {@link #record} from compiling until it says how to draw a record.
 */
class StepBackendMatrixTest {

    private static final int FEATURES = 8;
    private static final int LATENT = 3;
    private static final int BATCH = 11;
    private static final int IWAE_K = 3;
    /** Condition classes of the conditional models. */
    private static final int CLASSES = 4;
    /** For the tabular likelihoods: two numeric columns, one binary, groups of 3 and 2 categories. */
    private static final TabularLayout TABLE = new TabularLayout(2, 1, new int[] {3, 2});
    /** For the categorical likelihood: groups of 3 and 5 categories. */
    private static final TabularLayout CATEGORIES = new TabularLayout(0, 0, new int[] {3, 5});

    static Stream<Arguments> trainingCombinations() {
        List<Arguments> all = new ArrayList<>();
        for (Architecture architecture : Architecture.values()) {
            for (Activation activation : Activation.values()) {
                for (Likelihood likelihood : Likelihood.values()) {
                    for (TrainingObjective.Kind kind : TrainingObjective.Kind.values()) {
                        for (LatentPrior prior : LatentPrior.values()) {
                            all.add(Arguments.of(architecture, activation, likelihood, kind, prior, false));
                            all.add(Arguments.of(architecture, activation, likelihood, kind, prior, true));
                        }
                    }
                }
            }
        }
        return all.stream();
    }

    static Stream<Arguments> samplingCombinations() {
        List<Arguments> all = new ArrayList<>();
        for (Architecture architecture : Architecture.values()) {
            for (Activation activation : Activation.values()) {
                for (Likelihood likelihood : Likelihood.values()) {
                    for (LatentPrior prior : LatentPrior.values()) {
                        all.add(Arguments.of(architecture, activation, likelihood, prior, false));
                        all.add(Arguments.of(architecture, activation, likelihood, prior, true));
                    }
                }
            }
        }
        return all.stream();
    }

    @ParameterizedTest(name = "{0} {1} {2} {3} {4} conditional={5}")
    @MethodSource("trainingCombinations")
    void trainsOnTheFusedStepAndAgreesWithAutogradOrIsRefusedAndTrainsOnTheEngine(
            Architecture architecture,
            Activation activation,
            Likelihood likelihood,
            TrainingObjective.Kind kind,
            LatentPrior prior,
            boolean conditional) {
        VaeConfig config = config(architecture, activation, likelihood, prior, conditional);
        if (config == null) {
            return;
        }
        TrainingObjective objective = switch (kind) {
            case ELBO -> TrainingObjective.beta(0.7);
            case IWAE -> TrainingObjective.iwae(IWAE_K);
        };
        Dataset data = data(likelihood, BATCH, 5);
        float[] x = data.values();
        float[] condition = conditional ? OneHotConditions.oneHot(data.labels(), null, 0, BATCH, CLASSES) : null;
        float[] noise = GaussianNoise.standardNormal(objective.particles() * BATCH * LATENT, 17);
        boolean fused = StepFactory.fusedStepSupports(config, objective, BATCH);
        try (NDManager m = NDManager.newBaseManager();
                VaeModel model = VaeModel.initialize(config, m, 3);
                TrainingStep chosen = StepFactory.trainingStep(model, objective, BATCH, 1)) {
            float[] engineGradient = new float[Math.toIntExact(model.layout().totalSize())];
            BatchElbo engine =
                    new ElboStep(model, objective).compute(x, condition, noise, BATCH, 0.7, false, engineGradient);
            assertThat(engine.elbo()).as("the engine trains every combination").isFinite();
            assertThat(chosen instanceof ElboStep)
                    .as("the factory's choice")
                    .isEqualTo(!(fused && VectorSupport.fused()));
            if (!fused) {
                assertThatThrownBy(() -> new FusedElboStep(config, objective, BATCH))
                        .isInstanceOf(IllegalArgumentException.class);
                assertThatThrownBy(() -> new FusedConvStep(config, objective, BATCH))
                        .isInstanceOf(IllegalArgumentException.class);
                return;
            }
            float[] fusedGradient = new float[engineGradient.length];
            BatchElbo sums = switch (architecture) {
                case MLP ->
                    new FusedElboStep(config, objective, BATCH)
                            .compute(model.parameterValues(), x, condition, noise, BATCH, 0.7, false, fusedGradient);
                case CONV ->
                    new FusedConvStep(config, objective, BATCH)
                            .compute(model.parameterValues(), x, noise, BATCH, 0.7, fusedGradient);
            };
            assertThat(sums.elbo()).isCloseTo(engine.elbo(), within(1e-4 * Math.abs(engine.elbo())));
            assertThat(sums.reconstruction())
                    .isCloseTo(engine.reconstruction(), within(1e-4 * Math.abs(engine.reconstruction())));
            assertThat(sums.kl()).isCloseTo(engine.kl(), within(1e-4 * Math.abs(engine.kl()) + 1e-5));
            double largest = 0;
            for (float g : engineGradient) {
                largest = Math.max(largest, Math.abs(g));
            }
            // As in FusedElboStepTest: IWAE weights are a softmax of single-precision log weights.
            double tolerance = (kind == TrainingObjective.Kind.IWAE ? 1e-4 : 2e-5) * largest;
            for (int i = 0; i < engineGradient.length; i++) {
                assertThat((double) fusedGradient[i])
                        .as("gradient[%d]", i)
                        .isCloseTo(engineGradient[i], within(tolerance));
            }
        }
    }

    @ParameterizedTest(name = "{0} {1} {2} {3} conditional={4}")
    @MethodSource("samplingCombinations")
    void isScoredByTheFusedSamplerAsByTheEngineOrIsRefusedAndScoredOnTheEngine(
            Architecture architecture,
            Activation activation,
            Likelihood likelihood,
            LatentPrior prior,
            boolean conditional) {
        VaeConfig config = config(architecture, activation, likelihood, prior, conditional);
        if (config == null) {
            return;
        }
        Dataset data = data(likelihood, 7, 9);
        boolean fused = StepFactory.fusedSamplerSupports(config);
        try (NDManager m = NDManager.newBaseManager();
                VaeModel model = VaeModel.initialize(config, m, 4)) {
            ExampleTerms engine = ExampleTerms.allocate(data.rows(), LATENT);
            new EngineImportanceSampler(model, m, IWAE_K, 1000).estimate(data, 0, data.rows(), 21, engine);
            for (double[] column : List.of(
                    engine.bound(),
                    engine.firstReconstruction(),
                    engine.firstKl(),
                    engine.meanReconstruction(),
                    engine.meanKl())) {
                assertThat(Arrays.stream(column).allMatch(Double::isFinite))
                        .as("finite terms")
                        .isTrue();
            }
            if (!fused) {
                assertThatThrownBy(() -> new FusedImportanceSampler(config, IWAE_K, 1000))
                        .isInstanceOf(IllegalArgumentException.class);
                return;
            }
            ExampleTerms sampled = ExampleTerms.allocate(data.rows(), LATENT);
            new FusedImportanceSampler(config, IWAE_K, 1000)
                    .estimate(model.parameterValues(), data.values(), 0, data.rows(), 21, sampled);
            assertClose("log p(x)", sampled.bound(), engine.bound());
            assertClose("first log p(x|z)", sampled.firstReconstruction(), engine.firstReconstruction());
            assertClose("first KL", sampled.firstKl(), engine.firstKl());
            assertClose("mean log p(x|z)", sampled.meanReconstruction(), engine.meanReconstruction());
            assertClose("mean KL", sampled.meanKl(), engine.meanKl());
            for (int i = 0; i < engine.posteriorMean().length; i++) {
                assertThat(sampled.posteriorMean()[i]).isCloseTo(engine.posteriorMean()[i], within(1e-5f));
                assertThat(sampled.klPerDimension()[i]).isCloseTo(engine.klPerDimension()[i], within(1e-5f));
            }
        }
    }

    /**
     * With a seed per example, the engine (one call per example) and the fused sampler (the
     * examples decoded together) give the same terms to float rounding, every term copied to its
     * example.
     */
    @ParameterizedTest(name = "{0}")
    @EnumSource(LatentPrior.class)
    void scoresEachExampleUnderItsOwnSeedOnTheEngineAsOnTheFusedSampler(LatentPrior prior) {
        VaeConfig config = config(Architecture.MLP, Activation.TANH, Likelihood.BERNOULLI, prior, false);
        Dataset data = data(Likelihood.BERNOULLI, 7, 9);
        long[] seeds = new long[data.rows()];
        for (int e = 0; e < seeds.length; e++) {
            seeds[e] = 31L * e + 5;
        }
        try (NDManager m = NDManager.newBaseManager();
                VaeModel model = VaeModel.initialize(config, m, 4)) {
            ExampleTerms engine = ExampleTerms.allocate(data.rows(), LATENT);
            new EngineImportanceSampler(model, m, IWAE_K, 1000).estimate(data, 0, data.rows(), seeds, engine);
            ExampleTerms sampled = ExampleTerms.allocate(data.rows(), LATENT);
            new FusedImportanceSampler(config, IWAE_K, 1000)
                    .estimate(model.parameterValues(), data.values(), 0, data.rows(), seeds, sampled);
            assertClose("log p(x)", sampled.bound(), engine.bound());
            assertClose("first log p(x|z)", sampled.firstReconstruction(), engine.firstReconstruction());
            assertClose("first KL", sampled.firstKl(), engine.firstKl());
            assertClose("mean log p(x|z)", sampled.meanReconstruction(), engine.meanReconstruction());
            assertClose("mean KL", sampled.meanKl(), engine.meanKl());
            for (int i = 0; i < engine.posteriorMean().length; i++) {
                assertThat(sampled.posteriorMean()[i]).isCloseTo(engine.posteriorMean()[i], within(1e-5f));
            }
            ExampleTerms sharedSeed = ExampleTerms.allocate(data.rows(), LATENT);
            new EngineImportanceSampler(model, m, IWAE_K, 1000).estimate(data, 0, data.rows(), 5, sharedSeed);
            assertThat(sharedSeed.bound())
                    .as("other noise than example e's under one seed")
                    .isNotEqualTo(engine.bound());
        }
    }

    /** Equal to float rounding, term by term. */
    private static void assertClose(String what, double[] actual, double[] expected) {
        for (int i = 0; i < expected.length; i++) {
            assertThat(actual[i])
                    .as("%s of example %d", what, i)
                    .isCloseTo(expected[i], within(1e-4 * Math.abs(expected[i]) + 1e-5));
        }
    }

    /**
     * The tiny model of this combination (the convolutional one on 4 × 2 images, one convolution
     * of 2 channels), or null when {@link VaeConfig} itself refuses the combination (a tabular
     * likelihood or conditions with the VampPrior, a tabular likelihood with convolutions), which
     * then needs no step.
     */
    private static VaeConfig config(
            Architecture architecture,
            Activation activation,
            Likelihood likelihood,
            LatentPrior prior,
            boolean conditional) {
        VaeConfig.Builder b = VaeConfig.builder();
        switch (architecture) {
            case MLP -> b.inputShape(FEATURES);
            case CONV -> b.inputShape(4, FEATURES / 4).conv(2);
        }
        b.hidden(6, 5)
                .latent(LATENT)
                .activation(activation)
                .likelihood(likelihood)
                .gaussianScale(0.5)
                .prior(prior, 4)
                .conditions(conditional ? CLASSES : 0);
        if (likelihood.tabular()) {
            b.tabular(likelihood == Likelihood.CATEGORICAL ? CATEGORIES : TABLE);
        }
        if ((likelihood.tabular() || conditional) && prior == LatentPrior.VAMP
                || likelihood.tabular() && architecture == Architecture.CONV) {
            assertThatThrownBy(b::build).isInstanceOf(IllegalArgumentException.class);
            return null;
        }
        return b.build();
    }

    /**
     * {@code rows} records of the kind {@code likelihood} models with labels of {@link #CLASSES}
     * classes (the conditions of a conditional model), drawn from {@code seed}.
     */
    private static Dataset data(Likelihood likelihood, int rows, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        float[] values = new float[rows * FEATURES];
        int[] labels = new int[rows];
        for (int r = 0; r < rows; r++) {
            float[] one = record(likelihood, random);
            System.arraycopy(one, 0, values, r * FEATURES, FEATURES);
            labels[r] = random.nextInt(CLASSES);
        }
        return new Dataset("matrix", values, rows, new int[] {FEATURES}, labels, null);
    }

    private static float[] record(Likelihood likelihood, SplittableRandom random) {
        return switch (likelihood) {
            case BERNOULLI -> bits(FEATURES, random);
            case GAUSSIAN, GAUSSIAN_LEARNED, GAUSSIAN_PER_FEATURE -> gaussians(FEATURES, random);
            case CATEGORICAL -> table(CATEGORIES, random);
            case TABULAR -> table(TABLE, random);
        };
    }

    private static float[] bits(int n, SplittableRandom random) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = random.nextBoolean() ? 1f : 0f;
        }
        return v;
    }

    private static float[] gaussians(int n, SplittableRandom random) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) random.nextGaussian();
        }
        return v;
    }

    /** Numeric columns, binary columns, then one one-hot group per categorical column. */
    private static float[] table(TabularLayout layout, SplittableRandom random) {
        float[] v = new float[FEATURES];
        System.arraycopy(gaussians(layout.numeric(), random), 0, v, 0, layout.numeric());
        System.arraycopy(bits(layout.binary(), random), 0, v, layout.numeric(), layout.binary());
        int offset = layout.numeric() + layout.binary();
        for (int categories : layout.categories()) {
            v[offset + random.nextInt(categories)] = 1f;
            offset += categories;
        }
        return v;
    }
}
