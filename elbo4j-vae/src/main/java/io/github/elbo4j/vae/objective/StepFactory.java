package io.github.elbo4j.vae.objective;

import ai.djl.ndarray.NDManager;
import io.github.elbo4j.data.Dataset;
import io.github.elbo4j.vae.eval.Evaluator;
import io.github.elbo4j.vae.internal.ColumnKernels;
import io.github.elbo4j.vae.internal.FusedConvStep;
import io.github.elbo4j.vae.internal.FusedElboStep;
import io.github.elbo4j.vae.internal.FusedImportanceSampler;
import io.github.elbo4j.vae.internal.ParallelGemm;
import io.github.elbo4j.vae.internal.VectorSupport;
import io.github.elbo4j.vae.model.Activation;
import io.github.elbo4j.vae.model.Architecture;
import io.github.elbo4j.vae.model.LatentPrior;
import io.github.elbo4j.vae.model.Likelihood;
import io.github.elbo4j.vae.model.VaeConfig;
import io.github.elbo4j.vae.model.VaeModel;
import io.github.elbo4j.vae.train.Trainer;
import java.util.EnumSet;
import java.util.Set;

/**
 * The one place that chooses between the engine's and the fused implementation of a
 * {@link TrainingStep} and of an {@link ImportanceSampler}; {@link Trainer}, {@link Evaluator} and
 * Spark's executors take their steps from here.
 *
 * <p>The fused code runs only when the Vector API is present, {@code -Delbo4j.fused=false} is not
 * set ({@link VectorSupport#fused()}), and the model and objective are in the allow-lists below.
 * The lists name what the fused code computes, constant by constant, rather than what it does not:
 * a constant added to {@link Activation}, {@link Likelihood}, {@link LatentPrior},
 * {@link Architecture} or {@link TrainingObjective.Kind} trains on the engine until someone adds
 * it here, and the fused code's own switches over these enums are exhaustive (no {@code default}),
 * so that adding it here without its kernels does not compile, or is refused at construction.
 * {@code StepBackendMatrixTest} enumerates every combination of the enums and checks each one.
 */
public final class StepFactory {

    /** Activations the fused kernels compute ({@link ColumnKernels#activate}, {@link FusedElboStep}). */
    static final Set<Activation> FUSED_ACTIVATIONS = EnumSet.of(Activation.TANH, Activation.RELU, Activation.SOFTPLUS);
    /**
     * Likelihoods the fused training step computes (its {@code OutputLikelihood}s): Bernoulli,
     * Gaussian with a fixed or learned σ, categorical and tabular.
     */
    static final Set<Likelihood> FUSED_LIKELIHOODS = EnumSet.of(
            Likelihood.BERNOULLI,
            Likelihood.GAUSSIAN,
            Likelihood.GAUSSIAN_LEARNED,
            Likelihood.GAUSSIAN_PER_FEATURE,
            Likelihood.CATEGORICAL,
            Likelihood.TABULAR);
    /** Likelihoods the fused importance sampler computes: Bernoulli and fixed-σ Gaussian. */
    static final Set<Likelihood> FUSED_SAMPLER_LIKELIHOODS = EnumSet.of(Likelihood.BERNOULLI, Likelihood.GAUSSIAN);
    /**
     * Priors the fused code computes: N(0, I), whose KL it takes in closed form, and the VampPrior,
     * whose KL it estimates by Monte Carlo ({@link FusedElboStep}) and whose log density the
     * sampler takes ({@link FusedImportanceSampler}).
     */
    static final Set<LatentPrior> FUSED_PRIORS = EnumSet.of(LatentPrior.NORMAL, LatentPrior.VAMP);
    /**
     * Architectures the fused training steps compute: the MLP ({@link FusedElboStep}, with the
     * lists above) and the convolutional network ({@link FusedConvStep}, with the narrower
     * {@code FUSED_CONV_} lists below).
     */
    static final Set<Architecture> FUSED_ARCHITECTURES = EnumSet.of(Architecture.MLP, Architecture.CONV);
    /** Architectures the fused importance sampler computes: the MLP. */
    static final Set<Architecture> FUSED_SAMPLER_ARCHITECTURES = EnumSet.of(Architecture.MLP);
    /** Objective families the fused training step computes. */
    static final Set<TrainingObjective.Kind> FUSED_OBJECTIVES =
            EnumSet.of(TrainingObjective.Kind.ELBO, TrainingObjective.Kind.IWAE);
    /**
     * Likelihoods the fused convolutional step computes: Bernoulli and Gaussian with a fixed or
     * learned σ, for unconditional models.
     */
    static final Set<Likelihood> FUSED_CONV_LIKELIHOODS = EnumSet.of(
            Likelihood.BERNOULLI, Likelihood.GAUSSIAN, Likelihood.GAUSSIAN_LEARNED, Likelihood.GAUSSIAN_PER_FEATURE);
    /** Priors the fused convolutional step computes: N(0, I), its KL in closed form. */
    static final Set<LatentPrior> FUSED_CONV_PRIORS = EnumSet.of(LatentPrior.NORMAL);
    /** Objective families the fused convolutional step computes: the ELBO (any KL weight, free bits). */
    static final Set<TrainingObjective.Kind> FUSED_CONV_OBJECTIVES = EnumSet.of(TrainingObjective.Kind.ELBO);

    /**
     * Which implementation computes a step. Public so that a caller that shares steps between
     * threads (Spark's executors) can tell whether one needs the engine's process-wide gradient
     * collector.
     */
    public enum Backend {
        /** Through the engine's operations and autograd: every model and objective. */
        ENGINE,
        /** On JVM arrays with the Vector API: the allow-listed models and objectives. */
        FUSED
    }

    private StepFactory() {}

    /** The backend that trains {@code config}'s model on {@code objective} in batches of up to {@code maxBatch} rows. */
    public static Backend trainingBackend(VaeConfig config, TrainingObjective objective, int maxBatch) {
        return VectorSupport.fused() && fusedStepSupports(config, objective, maxBatch) ? Backend.FUSED : Backend.ENGINE;
    }

    /** The backend that estimates log p(x) by importance sampling for {@code config}'s model. */
    public static Backend samplingBackend(VaeConfig config) {
        return VectorSupport.fused() && fusedSamplerSupports(config) ? Backend.FUSED : Backend.ENGINE;
    }

    /**
     * The training step for {@code model} and {@code objective} in batches of up to
     * {@code maxBatch} rows; a fused step shares its matrix products among {@code threads} threads,
     * which closing the step releases.
     */
    public static TrainingStep trainingStep(VaeModel model, TrainingObjective objective, int maxBatch, int threads) {
        return switch (trainingBackend(model.config(), objective, maxBatch)) {
            case FUSED -> {
                ParallelGemm products = new ParallelGemm(threads);
                FusedComputation computation = switch (model.config().architecture()) {
                    case MLP -> new FusedElboStep(model.config(), objective, maxBatch, products)::compute;
                    case CONV -> unconditional(new FusedConvStep(model.config(), objective, maxBatch, products));
                };
                yield new FusedTraining(model, computation, products);
            }
            case ENGINE -> new ElboStep(model, objective);
        };
    }

    /**
     * An importance sampler for {@code model}'s current parameters with {@code k} particles per
     * example, decoding at most {@code maxParticleRows} rows at once; engine temporaries live in
     * sub-scopes of {@code manager}. One per worker thread.
     */
    public static ImportanceSampler importanceSampler(VaeModel model, int k, int maxParticleRows, NDManager manager) {
        return switch (samplingBackend(model.config())) {
            case FUSED ->
                new FusedSampling(
                        model.parameterValues(),
                        new FusedImportanceSampler(model.config(), k, maxParticleRows),
                        Math.max(1, FusedImportanceSampler.COLUMNS / k));
            case ENGINE -> new EngineImportanceSampler(model, manager, k, maxParticleRows);
        };
    }

    /**
     * Whether a fused training step computes {@code objective} for {@code config}'s model in
     * batches of up to {@code maxBatch} rows: an allow-listed architecture, activation, prior,
     * likelihood and objective (for the MLP conditional or not, for the convolutional network
     * unconditional), and every buffer within a Java array's size. Needs the Vector API.
     */
    public static boolean fusedStepSupports(VaeConfig config, TrainingObjective objective, int maxBatch) {
        if (!FUSED_ARCHITECTURES.contains(config.architecture())
                || !FUSED_ACTIVATIONS.contains(config.activation())
                || maxBatch < 1) {
            return false;
        }
        return switch (config.architecture()) {
            case MLP ->
                FUSED_PRIORS.contains(config.prior())
                        && FUSED_LIKELIHOODS.contains(config.likelihood())
                        && FUSED_OBJECTIVES.contains(objective.kind())
                        && FusedElboStep.fits(config, objective.particles(), maxBatch);
            case CONV ->
                FUSED_CONV_PRIORS.contains(config.prior())
                        && FUSED_CONV_LIKELIHOODS.contains(config.likelihood())
                        && FUSED_CONV_OBJECTIVES.contains(objective.kind())
                        && !config.conditional()
                        && FusedConvStep.fits(config, maxBatch);
        };
    }

    /** Whether the fused importance sampler computes {@code config}'s model. Needs the Vector API. */
    public static boolean fusedSamplerSupports(VaeConfig config) {
        return fusedModel(config) && FusedImportanceSampler.fits(config);
    }

    /**
     * Whether {@code config}'s model is in the fused importance sampler's allow-lists: an
     * unconditional model with a sampler likelihood on an allow-listed network.
     */
    public static boolean fusedModel(VaeConfig config) {
        return FUSED_SAMPLER_ARCHITECTURES.contains(config.architecture())
                && FUSED_ACTIVATIONS.contains(config.activation())
                && FUSED_PRIORS.contains(config.prior())
                && !config.conditional()
                && FUSED_SAMPLER_LIKELIHOODS.contains(config.likelihood());
    }

    /** A fused step on given parameters, with {@link FusedElboStep#compute}'s arguments. */
    @FunctionalInterface
    private interface FusedComputation {
        BatchElbo compute(
                float[] parameters,
                float[] x,
                float[] condition,
                float[] noise,
                int batch,
                double klWeight,
                boolean normalPriorWarmup,
                float[] gradient);
    }

    /** The conv step, which takes no condition and no VampPrior warm-up, as a {@link FusedComputation}. */
    private static FusedComputation unconditional(FusedConvStep step) {
        return (parameters, x, condition, noise, batch, klWeight, normalPriorWarmup, gradient) -> {
            if (condition != null) {
                throw new IllegalArgumentException("the model is not conditional; it takes no condition");
            }
            return step.compute(parameters, x, noise, batch, klWeight, gradient);
        };
    }

    /** A fused step as a {@link TrainingStep} of one model, which it reads at each call. */
    private record FusedTraining(VaeModel model, FusedComputation step, ParallelGemm products) implements TrainingStep {
        @Override
        public BatchElbo compute(
                float[] x,
                float[] condition,
                float[] noise,
                int batch,
                double klWeight,
                boolean normalPriorWarmup,
                float[] gradient) {
            return step.compute(model.liveValues(), x, condition, noise, batch, klWeight, normalPriorWarmup, gradient);
        }

        @Override
        public void close() {
            products.close();
        }
    }

    /** The fused sampler as an {@link ImportanceSampler} of fixed parameters. */
    private record FusedSampling(float[] parameters, FusedImportanceSampler sampler, int chunk)
            implements ImportanceSampler {
        @Override
        public void estimate(Dataset data, int from, int to, long seed, ExampleTerms out) {
            sampler.estimate(parameters, data.values(), from, to, seed, out);
        }

        @Override
        public void estimate(Dataset data, int from, int to, long[] seeds, ExampleTerms out) {
            sampler.estimate(parameters, data.values(), from, to, seeds, out);
        }
    }
}
