package io.github.elbo4j.vae.internal;

import io.github.elbo4j.math.LogSumExp;
import io.github.elbo4j.math.SpecialFunctions;
import io.github.elbo4j.vae.model.Activation;
import io.github.elbo4j.vae.model.Architecture;
import io.github.elbo4j.vae.model.LatentPrior;
import io.github.elbo4j.vae.model.Likelihood;
import io.github.elbo4j.vae.model.MlpLayout;
import io.github.elbo4j.vae.model.VaeConfig;
import io.github.elbo4j.vae.model.VaeModel;
import io.github.elbo4j.vae.objective.BatchElbo;
import io.github.elbo4j.vae.objective.ElboStep;
import io.github.elbo4j.vae.objective.StepFactory;
import io.github.elbo4j.vae.objective.TrainingObjective;
import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The training step of an MLP VAE written out by hand on JVM arrays: the same loss and gradient as
 * {@link ElboStep} for the models and objectives {@link StepFactory}'s allow-lists admit, with no
 * engine call at all.
 *
 * <p>A step through the engine spends more than half its time outside the matrix products:
 * dispatching some hundred operations, each elementwise one a separate pass over memory with a
 * fresh temporary (BENCHMARKS.md, "Where the step goes"). Here every product is a {@link Gemm}
 * call, every elementwise stage one fused pass, every buffer is allocated once per run, and the
 * backward pass is the closed form of the MLP's derivative.
 *
 * <p>Activations are kept feature-major ("T": [features, columns], one column per example, rows
 * padded to whole vectors) so that W·Hᵀ and Wᵀ·dHᵀ read the weights in their stored [out, in]
 * layout; a batch-major copy of each layer's input serves the weight gradient dW = dPreᵀ·H. Padding
 * columns hold finite leftovers that no reduction reads.
 *
 * <p>The IWAE objective's K particles are K blocks of decoder columns, particle k of example b in
 * column k·ld + b. Every decoder column carries its weight in the loss (1/B for the ELBO, w̃_kb/B
 * for IWAE with w̃ the normalized importance weights, 0 for padding), so one backward pass serves
 * both objectives; with K &gt; 1 the decoder's weight gradients also sum over the padding columns,
 * whose gradient is exactly 0.
 *
 * <p>A conditional model's one-hot condition is appended to the encoder's input (rows after x's
 * in the feature-major input) and to the decoder's (rows after z's, repeated for each particle),
 * as the engine's network concatenates them. The likelihood, its value and its gradient with
 * respect to the output and to a learned σ, is an {@link OutputLikelihood}.
 *
 * <p>The VampPrior's log density and its gradients are {@link FusedVampPrior}'s; against it the KL
 * is the Monte Carlo estimate log q(z|x) − log p(z) at the step's particles, as the engine takes it,
 * and its weights' gradients add those of the encoder at the pseudo-inputs.
 *
 * <p>Supports every likelihood (Bernoulli, Gaussian with a fixed or learned σ, categorical,
 * tabular), conditional models, the tanh, ReLU and softplus activations, the N(0, I) prior and the
 * VampPrior (with its N(0, I) warm-up), the ELBO objective with any KL weight and free bits, and
 * the IWAE objective with any K, KL weight and either gradient estimator, without convolutions
 * ({@link StepFactory#fusedStepSupports}); its switches over these enums have no default, so a new
 * constant must be handled here before it can be allow-listed. Not thread-safe: one instance per
 * run.
 */
public final class FusedElboStep {

    private static final VectorSpecies<Float> S = VectorMath.S;
    private static final int V = S.length();

    private final int inputSize;
    private final int latent;
    private final int maxBatch;
    private final Activation activation;
    private final OutputLikelihood likelihood;
    /** C, the condition's one-hot columns (0 for an unconditional model). */
    private final int conditions;
    /** The decoder's input width: z, then the condition. */
    private final int decoderInput;

    private final double freeBits;
    /** K, the IWAE objective's particles per example; 1 for the ELBO. */
    private final int particles;

    private final boolean iwae;
    private final boolean doublyReparameterized;
    /** Layer widths: the encoder's input and hidden layers, then the decoder's hidden layers and output. */
    private final int[] encoderWidths;

    private final int[] decoderWidths;
    /** Offsets of each layer's weight and bias in the flat parameter vector. */
    private final int[] encoderWeight;

    private final int[] encoderBias;
    private final int[] decoderWeight;
    private final int[] decoderBias;
    private final int locWeight;
    private final int locBias;
    private final int logVarWeight;
    private final int logVarBias;
    /** Computes the matrix products, on one thread or shared by rows. */
    private final ParallelGemm products;

    /** Feature-major activations of every layer ([width, ld] encoder, [width, K·ld] decoder) and their gradients. */
    private final float[][] encoderT;

    private final float[][] encoderGradT;
    private final float[][] decoderT;
    private final float[][] decoderGradT;
    /** Batch-major copies [columns, width] of the hidden layers and of z, inputs of the weight gradients. */
    private final float[][] encoderRows;
    /** A conditional model's encoder input rows [maxBatch, inputSize + C]: x, then the condition. */
    private final float[] conditionedRows;

    private final float[][] decoderRows;
    private final float[] locT;
    private final float[] logVarT;
    private final float[] sigmaT;
    private final float[] locGradT;
    private final float[] logVarGradT;
    /**
     * ε and the gradient at z, feature-major [latent, K·ld]; the decoder's input, z = μ + σ ε then
     * the condition, feature-major [latent + C, K·ld] and batch-major.
     */
    private final float[] noiseT;

    private final float[] latentT;
    private final float[] latentGradT;
    private final float[] latentRows;
    /** x repeated for each particle [inputSize, K·ld] when K &gt; 1. */
    private final float[] particleX;
    /** log p(x_b|z_kb) per decoder column. */
    private final float[] logLikelihood;
    /** The loss's weight of each decoder column: 1/B, w̃_kb/B, or 0 for padding. */
    private final float[] columnWeight;
    /** Σ_j ½(ε² − z²) per decoder column: log p(z) − log q(z|x) less ½ Σ_j log σ²_j. */
    private final float[] logDensityRatio;
    /** log w_kb of one example's particles. */
    private final double[] particleLogWeight;
    /** Σ_b KL_bj per latent dimension j. */
    private final double[] klPerDimension;
    /** ∂loss/∂KL_bj per dimension j: w/B, or 0 where free bits hold the dimension's KL at its floor. */
    private final float[] klGradientWeight;
    /** The VampPrior, or null for N(0, I). */
    private final FusedVampPrior vampPrior;
    /** log p(z) − log q(z|x) per decoder column under the VampPrior; null for N(0, I). */
    private final float[] vampLogRatio;
    /** −∂log p(z)/∂z under the VampPrior [latent, K·ld]; null for N(0, I). */
    private final float[] vampScoreT;

    /** The step for {@code config}'s model, {@code objective} and batches of at most {@code maxBatch} rows, on one thread. */
    public FusedElboStep(VaeConfig config, TrainingObjective objective, int maxBatch) {
        this(config, objective, maxBatch, new ParallelGemm(1));
    }

    /** As {@link #FusedElboStep(VaeConfig, TrainingObjective, int)}, the products shared by {@code products}. */
    public FusedElboStep(VaeConfig config, TrainingObjective objective, int maxBatch, ParallelGemm products) {
        this.products = products;
        if (config.architecture() != Architecture.MLP || !StepFactory.fusedStepSupports(config, objective, maxBatch)) {
            throw new IllegalArgumentException("the fused step does not support this model, objective or batch size");
        }
        this.inputSize = config.inputSize();
        this.latent = config.latent();
        this.maxBatch = maxBatch;
        this.activation = config.activation();
        this.conditions = config.conditions();
        this.decoderInput = latent + conditions;
        this.freeBits = objective.match(TrainingObjective.Elbo::freeBits, iwae -> 0.0);
        this.particles = objective.particles();
        this.iwae = switch (objective.kind()) {
            case ELBO -> false;
            case IWAE -> true;
        };
        this.doublyReparameterized = objective.match(
                elbo -> false, iwae -> iwae.gradient() == TrainingObjective.GradientEstimator.DOUBLY_REPARAMETERIZED);
        MlpLayout mlp = MlpLayout.of(config);
        encoderWidths = mlp.encoderWidths();
        decoderWidths = mlp.decoderWidths();
        encoderWeight = mlp.encoderWeight();
        encoderBias = mlp.encoderBias();
        decoderWeight = mlp.decoderWeight();
        decoderBias = mlp.decoderBias();
        locWeight = mlp.locWeight();
        locBias = mlp.locBias();
        logVarWeight = mlp.logVarWeight();
        logVarBias = mlp.logVarBias();
        int layers = mlp.hiddenLayers();
        this.likelihood = OutputLikelihood.of(config, mlp);

        int ld = ColumnKernels.padded(maxBatch);
        int columns = particles * ld;
        encoderT = new float[layers + 1][];
        encoderGradT = new float[layers + 1][];
        encoderRows = new float[layers + 1][];
        decoderT = new float[layers + 1][];
        decoderGradT = new float[layers + 1][];
        decoderRows = new float[layers + 1][];
        for (int i = 0; i <= layers; i++) {
            encoderT[i] = new float[encoderWidths[i] * ld];
            // The input layer needs no gradient.
            encoderGradT[i] = i == 0 ? null : new float[encoderWidths[i] * ld];
            encoderRows[i] = i == 0 ? null : new float[maxBatch * encoderWidths[i]];
            decoderT[i] = new float[decoderWidths[i] * columns];
            decoderGradT[i] = new float[decoderWidths[i] * columns];
            decoderRows[i] = i == layers ? null : new float[columns * decoderWidths[i]];
        }
        conditionedRows = conditions > 0 ? new float[maxBatch * encoderWidths[0]] : null;
        locT = new float[latent * ld];
        logVarT = new float[latent * ld];
        sigmaT = new float[latent * ld];
        locGradT = new float[latent * ld];
        logVarGradT = new float[latent * ld];
        noiseT = new float[latent * columns];
        latentT = new float[decoderInput * columns];
        latentGradT = new float[latent * columns];
        latentRows = new float[columns * decoderInput];
        particleX = particles > 1 ? new float[inputSize * columns] : null;
        logLikelihood = new float[columns];
        columnWeight = new float[columns];
        logDensityRatio = new float[columns];
        particleLogWeight = new double[particles];
        klPerDimension = new double[latent];
        klGradientWeight = new float[latent];
        boolean vamp = vamp(config.prior());
        vampPrior = vamp ? new FusedVampPrior(config, columns, products) : null;
        vampLogRatio = vamp ? new float[columns] : null;
        vampScoreT = vamp ? new float[latent * columns] : null;
    }

    /**
     * Whether every buffer of the step for {@code config}'s MLP, {@code particles} particles per
     * example and batches of up to {@code maxBatch} rows fits in a Java array.
     */
    public static boolean fits(VaeConfig config, int particles, int maxBatch) {
        long columns = (long) particles * ColumnKernels.padded(maxBatch);
        return widest(config) * columns <= Integer.MAX_VALUE - V
                && (!vamp(config.prior()) || FusedVampPrior.fits(config, columns));
    }

    /** Whether the prior is the VampPrior (else N(0, I)); the switch refuses to compile without a new prior. */
    private static boolean vamp(LatentPrior prior) {
        return switch (prior) {
            case NORMAL -> false;
            case VAMP -> true;
        };
    }

    /**
     * Whether the fused importance sampler's decoder is Bernoulli (else a fixed-σ Gaussian);
     * refuses the likelihoods it does not compute.
     */
    static boolean bernoulli(Likelihood likelihood) {
        return switch (likelihood) {
            case BERNOULLI -> true;
            case GAUSSIAN -> false;
            case GAUSSIAN_LEARNED, GAUSSIAN_PER_FEATURE, CATEGORICAL, TABULAR ->
                throw new IllegalArgumentException(
                        "the fused code does not compute the " + likelihood.id() + " likelihood");
        };
    }

    /** The widest layer of {@code config}'s MLP, the input (and condition) included. */
    static long widest(VaeConfig config) {
        return Math.max(
                config.inputSize() + config.conditions(),
                Arrays.stream(config.hidden()).max().orElse(0));
    }

    /**
     * One step: writes the gradient of the loss −(1/B) Σ_b L(x_b) of the objective (with free bits
     * as in {@link ElboStep}) with respect to {@code parameters} into {@code gradient}, and returns
     * the batch's plain ELBO sums as {@link ElboStep} reports them, with a NaN ELBO when some
     * gradient entry is not finite.
     *
     * @param parameters the flat parameters, in {@link VaeModel#layoutOf} order
     * @param x the batch, row-major [batch, inputSize]
     * @param condition a conditional model's one-hot conditions, row-major [batch, C]; null for
     *     an unconditional model
     * @param noise standard normal noise, row-major [K, batch, latent]
     * @param batch number of examples B, at most the constructor's {@code maxBatch}
     * @param klWeight w = β·a(t)
     * @param normalPriorWarmup whether a VampPrior model's objective takes its KL against N(0, I),
     *     as {@link ElboStep}'s does in the warm-up, while the reported KL stays the VampPrior's
     *     (free bits, defined on the KL against N(0, I) per dimension, floor that KL for a
     *     VampPrior model too, as in {@link ElboStep}); ignored under N(0, I)
     * @param gradient receives the gradient, same layout as {@code parameters}
     */
    public BatchElbo compute(
            float[] parameters,
            float[] x,
            float[] condition,
            float[] noise,
            int batch,
            double klWeight,
            boolean normalPriorWarmup,
            float[] gradient) {
        if (batch < 1 || batch > maxBatch) {
            throw new IllegalArgumentException("batch of " + batch + " rows; this step takes 1 to " + maxBatch);
        }
        if ((condition != null) != (conditions > 0)) {
            throw new IllegalArgumentException(
                    conditions > 0
                            ? "a conditional model needs the batch's one-hot conditions"
                            : "the model is not conditional; it takes no condition");
        }
        int ld = ColumnKernels.padded(batch);
        int columns = particles * ld;
        // With one particle the weight gradients sum over the batch's columns; with more, over all
        // columns, the padding's weight being 0.
        int summed = particles == 1 ? batch : columns;
        float[] p = parameters;

        float[] inputRows = encode(p, x, condition, batch, ld);
        sample(noise, batch, ld);
        if (condition != null) {
            for (int k = 0; k < particles; k++) {
                Transpose.copy(
                        condition, 0, conditions, batch, conditions, latentT, latent * columns + k * ld, columns);
            }
        }
        Transpose.copy(latentT, 0, columns, decoderInput, summed, latentRows, 0, decoderInput);
        decode(p, columns, summed);
        float[] xT = particles == 1 ? encoderT[0] : repeatForParticles(encoderT[0], ld);
        float[] outputT = decoderT[decoderWidths.length - 1];
        Arrays.fill(logLikelihood, 0, columns, 0f);
        likelihood.addLogLikelihood(p, outputT, xT, columns, logLikelihood);

        // The VampPrior's log p(z) − log q(z|x) at every particle: its reported KL and, after the
        // warm-up and without free bits, its objective.
        boolean vampObjective = vampPrior != null && !normalPriorWarmup && freeBits == 0;
        if (vampPrior != null) {
            vampLogDensityRatio(p, batch, ld);
        }

        // The reported sums: log p(x|z) averaged over the particles, the analytic KL (Monte Carlo
        // under the VampPrior).
        double reconstruction = 0;
        for (int k = 0; k < particles; k++) {
            for (int b = 0, c = k * ld; b < batch; b++, c++) {
                reconstruction += logLikelihood[c];
            }
        }
        reconstruction /= particles;
        double kl = GaussianLatent.kl(locT, logVarT, sigmaT, latent, ld, batch, klPerDimension);
        if (vampPrior != null) {
            kl = monteCarloKl(batch, ld);
        }
        double elbo = reconstruction - kl;

        if (iwae) {
            importanceWeights(batch, ld, doublyReparameterized ? 1.0 : klWeight, vampObjective);
        } else {
            Arrays.fill(columnWeight, 0, ld, 0f);
            Arrays.fill(columnWeight, 0, batch, 1f / batch);
            GaussianLatent.klGradientWeights(klPerDimension, latent, batch, freeBits, klWeight, klGradientWeight);
        }
        float[] outputGradT = decoderGradT[decoderWidths.length - 1];
        likelihood.gradient(p, outputT, xT, columnWeight, columns, outputGradT, gradient);
        decoderBackward(p, columns, summed, gradient);
        // −∂log p(z)/∂z: z under N(0, I), the mixture's under the VampPrior.
        float[] priorScoreT = latentT;
        if (vampObjective) {
            vampPrior.score(columns, vampScoreT);
            priorScoreT = vampScoreT;
        }
        if (!iwae && !vampObjective) {
            GaussianLatent.elboGradient(
                    latentGradT, locT, sigmaT, noiseT, klGradientWeight, latent, ld, locGradT, logVarGradT);
        } else if (doublyReparameterized) {
            doublyReparameterizedLatentGradient(batch, ld, priorScoreT);
        } else {
            // The Monte Carlo KL's ELBO is the one-particle case: dz + (w/B)·(−∂log p/∂z), and log q
            // depends on log σ² by −½ a dimension.
            iwaeLatentGradient(batch, ld, (float) klWeight, priorScoreT);
        }
        encoderBackward(p, inputRows, batch, ld, gradient);
        if (vampObjective) {
            // log p(z) also depends on the encoder at the pseudo-inputs and on the pseudo-inputs:
            // column c weighs in with its share of the loss, w·a_c (DReG: a_c, its decoder term's).
            vampPrior.backward(p, columnWeight, doublyReparameterized ? 1f : (float) klWeight, columns, gradient);
        } else if (vampPrior != null) {
            vampPrior.noGradient(gradient);
        }
        return new BatchElbo(allFinite(gradient) ? elbo : Double.NaN, reconstruction, kl);
    }

    /**
     * The encoder's forward pass: x (and the condition) transposed, the hidden layers, μ and log σ²
     * [latent, ld]. Returns the input's batch-major rows [batch, inputSize + C], the input of the
     * first layer's weight gradient.
     */
    private float[] encode(float[] p, float[] x, float[] condition, int batch, int ld) {
        int layers = encoderWeight.length;
        Transpose.copy(x, 0, inputSize, batch, inputSize, encoderT[0], 0, ld);
        float[] inputRows = x;
        if (condition != null) {
            Transpose.copy(condition, 0, conditions, batch, conditions, encoderT[0], inputSize * ld, ld);
            int width = encoderWidths[0];
            for (int b = 0; b < batch; b++) {
                System.arraycopy(x, b * inputSize, conditionedRows, b * width, inputSize);
                System.arraycopy(condition, b * conditions, conditionedRows, b * width + inputSize, conditions);
            }
            inputRows = conditionedRows;
        }
        for (int i = 0; i < layers; i++) {
            int in = encoderWidths[i];
            int out = encoderWidths[i + 1];
            products.multiply(
                    p, encoderWeight[i], in, 1, encoderT[i], 0, ld, encoderT[i + 1], 0, ld, out, in, ld, false);
            ColumnKernels.activate(activation, encoderT[i + 1], p, encoderBias[i], out, ld);
            Transpose.copy(encoderT[i + 1], 0, ld, out, batch, encoderRows[i + 1], 0, out);
        }
        float[] top = encoderT[layers];
        int topWidth = encoderWidths[layers];
        products.multiply(p, locWeight, topWidth, 1, top, 0, ld, locT, 0, ld, latent, topWidth, ld, false);
        ColumnKernels.addBias(locT, p, locBias, latent, ld);
        products.multiply(p, logVarWeight, topWidth, 1, top, 0, ld, logVarT, 0, ld, latent, topWidth, ld, false);
        ColumnKernels.addBias(logVarT, p, logVarBias, latent, ld);
        return inputRows;
    }

    /** σ = exp(½ log σ²) [latent, ld], and ε and z = μ + σ ε [latent, K·ld], particle k in columns k·ld + b. */
    private void sample(float[] noise, int batch, int ld) {
        int columns = particles * ld;
        for (int k = 0; k < particles; k++) {
            Transpose.copy(noise, k * batch * latent, latent, batch, latent, noiseT, k * ld, columns);
        }
        GaussianLatent.sample(locT, logVarT, noiseT, latent, ld, particles, sigmaT, latentT);
    }

    /** The decoder's forward pass over {@code columns} columns, ending in the output layer's logits or means. */
    private void decode(float[] p, int columns, int summed) {
        int layers = encoderWeight.length;
        float[] input = latentT;
        int inWidth = decoderInput;
        for (int i = 0; i <= layers; i++) {
            int out = decoderWidths[i];
            products.multiply(
                    p,
                    decoderWeight[i],
                    inWidth,
                    1,
                    input,
                    0,
                    columns,
                    decoderT[i],
                    0,
                    columns,
                    out,
                    inWidth,
                    columns,
                    false);
            if (i < layers) {
                ColumnKernels.activate(activation, decoderT[i], p, decoderBias[i], out, columns);
                Transpose.copy(decoderT[i], 0, columns, out, summed, decoderRows[i], 0, out);
            } else {
                ColumnKernels.addBias(decoderT[i], p, decoderBias[i], out, columns);
            }
            input = decoderT[i];
            inWidth = out;
        }
    }

    /**
     * log p(z) − log q(z|x) under the VampPrior into {@link #vampLogRatio} for every particle of
     * the batch, log q(z|x) = −½ Σ_j (ε_j² + log σ²_j + log 2π) at z = μ + σ ε.
     */
    private void vampLogDensityRatio(float[] p, int batch, int ld) {
        int columns = particles * ld;
        vampPrior.components(p);
        vampPrior.logDensity(latentT, columns, vampLogRatio);
        for (int k = 0; k < particles; k++) {
            for (int b = 0, c = k * ld; b < batch; b++, c++) {
                double sum = latent * SpecialFunctions.LOG_2PI;
                for (int r = 0; r < latent; r++) {
                    float eps = noiseT[r * columns + c];
                    sum += eps * eps + logVarT[r * ld + b];
                }
                vampLogRatio[c] += (float) (0.5 * sum);
            }
        }
    }

    /** The batch's Monte Carlo KL under the VampPrior: −Σ_b (1/K) Σ_k [log p(z_kb) − log q(z_kb|x_b)]. */
    private double monteCarloKl(int batch, int ld) {
        double sum = 0;
        for (int k = 0; k < particles; k++) {
            for (int b = 0, c = k * ld; b < batch; b++, c++) {
                sum += vampLogRatio[c];
            }
        }
        return -sum / particles;
    }

    /** x's feature-major columns [inputSize, ld] copied into each particle's block of {@link #particleX}. */
    private float[] repeatForParticles(float[] xT, int ld) {
        int columns = particles * ld;
        for (int r = 0; r < inputSize; r++) {
            for (int k = 0; k < particles; k++) {
                System.arraycopy(xT, r * ld, particleX, r * columns + k * ld, ld);
            }
        }
        return particleX;
    }

    /**
     * The IWAE weights: log w_kb = log p(x_b|z_kb) + w·[log p(z_kb) − log q(z_kb|x_b)], and each
     * column's weight in the loss w̃_kb/B with w̃_kb = softmax_k(log w_kb); p(z) is N(0, I), or with
     * {@code vamp} the VampPrior.
     */
    private void importanceWeights(int batch, int ld, double w, boolean vamp) {
        int columns = particles * ld;
        if (!vamp) {
            Arrays.fill(logDensityRatio, 0, columns, 0f);
            for (int r = 0; r < latent; r++) {
                for (int c = 0; c < columns; c += V) {
                    FloatVector eps = FloatVector.fromArray(S, noiseT, r * columns + c);
                    FloatVector z = FloatVector.fromArray(S, latentT, r * columns + c);
                    FloatVector term = eps.mul(eps).sub(z.mul(z)).mul(0.5f);
                    FloatVector.fromArray(S, logDensityRatio, c).add(term).intoArray(logDensityRatio, c);
                }
            }
        }
        Arrays.fill(columnWeight, 0, columns, 0f);
        for (int b = 0; b < batch; b++) {
            // log p(z) − log q(z|x) = Σ_j ½(ε² − z²) + ½ Σ_j log σ²_j under N(0, I), the log 2π
            // terms cancelling; vampLogRatio under the VampPrior.
            double halfLogVariance = 0;
            for (int r = 0; r < latent && !vamp; r++) {
                halfLogVariance += 0.5 * logVarT[r * ld + b];
            }
            for (int k = 0; k < particles; k++) {
                int c = k * ld + b;
                double logRatio = vamp ? vampLogRatio[c] : logDensityRatio[c] + halfLogVariance;
                particleLogWeight[k] = logLikelihood[c] + w * logRatio;
            }
            double logTotal = LogSumExp.logSumExp(particleLogWeight);
            for (int k = 0; k < particles; k++) {
                columnWeight[k * ld + b] = (float) (Math.exp(particleLogWeight[k] - logTotal) / batch);
            }
        }
    }

    /**
     * The decoder's backward pass: weight and bias gradients, and the gradient at z (not at the
     * condition, which is data).
     */
    private void decoderBackward(float[] p, int columns, int summed, float[] gradient) {
        int layers = encoderWeight.length;
        for (int i = layers; i >= 0; i--) {
            int out = decoderWidths[i];
            int in = i == 0 ? decoderInput : decoderWidths[i - 1];
            float[] preGrad = decoderGradT[i];
            if (i < layers) {
                activationGradient(preGrad, decoderT[i], out, columns);
            }
            float[] inputRows = i == 0 ? latentRows : decoderRows[i - 1];
            products.multiply(
                    preGrad, 0, columns, 1, inputRows, 0, in, gradient, decoderWeight[i], in, out, summed, in, false);
            rowSums(preGrad, out, columns, summed, gradient, decoderBias[i]);
            float[] inputGrad = i == 0 ? latentGradT : decoderGradT[i - 1];
            int gradRows = i == 0 ? latent : in;
            products.multiply(
                    p,
                    decoderWeight[i],
                    1,
                    in,
                    preGrad,
                    0,
                    columns,
                    inputGrad,
                    0,
                    columns,
                    gradRows,
                    out,
                    columns,
                    false);
        }
    }

    /**
     * IWAE, standard gradient: with a_kb = w̃_kb/B, dz_k = (the decoder's dz_k) + a_k w s_k from
     * log p(z), s = −∂log p/∂z in {@code priorScoreT} (z itself for N(0, I)); log q(z(ε)|x) depends
     * on μ not at all and on log σ² by −½ a dimension, so dμ = Σ_k dz_k and
     * d log σ² = ½ σ Σ_k ε_k dz_k − w/(2B).
     */
    private void iwaeLatentGradient(int batch, int ld, float w, float[] priorScoreT) {
        int columns = particles * ld;
        FloatVector densityPart = FloatVector.broadcast(S, -0.5f * w / batch);
        for (int r = 0; r < latent; r++) {
            for (int b = 0; b < ld; b += V) {
                FloatVector sum = FloatVector.zero(S);
                FloatVector sumEps = FloatVector.zero(S);
                for (int k = 0; k < particles; k++) {
                    int c = r * columns + k * ld + b;
                    FloatVector weight =
                            FloatVector.fromArray(S, columnWeight, k * ld + b).mul(w);
                    FloatVector dz = FloatVector.fromArray(S, priorScoreT, c)
                            .fma(weight, FloatVector.fromArray(S, latentGradT, c));
                    sum = sum.add(dz);
                    sumEps = dz.fma(FloatVector.fromArray(S, noiseT, c), sumEps);
                }
                int e = r * ld + b;
                sum.intoArray(locGradT, e);
                sumEps.mul(FloatVector.fromArray(S, sigmaT, e))
                        .mul(0.5f)
                        .add(densityPart)
                        .intoArray(logVarGradT, e);
            }
        }
    }

    /**
     * IWAE, doubly-reparameterized gradient: the encoder sees w̃_k² ∂log w_k/∂z_k through the path
     * z = μ + σ ε only, with ∂log w/∂z = ∂log p(x|z)/∂z − s + ε/σ, s = −∂log p(z)/∂z in
     * {@code priorScoreT} (z itself for N(0, I)). With a_k = w̃_k/B the decoder's dz_k is
     * −a_k ∂log p(x|z_k)/∂z_k, so dz_k = w̃_k·(decoder's dz_k) + w̃_k a_k (s_k − ε_k/σ).
     */
    private void doublyReparameterizedLatentGradient(int batch, int ld, float[] priorScoreT) {
        int columns = particles * ld;
        for (int r = 0; r < latent; r++) {
            for (int b = 0; b < ld; b += V) {
                int e = r * ld + b;
                FloatVector sigma = FloatVector.fromArray(S, sigmaT, e);
                FloatVector sum = FloatVector.zero(S);
                FloatVector sumEps = FloatVector.zero(S);
                for (int k = 0; k < particles; k++) {
                    int c = r * columns + k * ld + b;
                    FloatVector a = FloatVector.fromArray(S, columnWeight, k * ld + b);
                    FloatVector normalized = a.mul(batch);
                    FloatVector eps = FloatVector.fromArray(S, noiseT, c);
                    FloatVector score = FloatVector.fromArray(S, priorScoreT, c).sub(eps.div(sigma));
                    FloatVector dz = FloatVector.fromArray(S, latentGradT, c)
                            .add(score.mul(a))
                            .mul(normalized);
                    sum = sum.add(dz);
                    sumEps = dz.fma(eps, sumEps);
                }
                sum.intoArray(locGradT, e);
                sumEps.mul(sigma).mul(0.5f).intoArray(logVarGradT, e);
            }
        }
    }

    /**
     * The encoder's backward pass from dμ and d log σ², {@code inputRows} the input's batch-major
     * rows; the input layer needs no gradient of its own.
     */
    private void encoderBackward(float[] p, float[] inputRows, int batch, int ld, float[] gradient) {
        int layers = encoderWeight.length;
        int topWidth = encoderWidths[layers];
        float[] topRows = layers == 0 ? inputRows : encoderRows[layers];
        products.multiply(
                locGradT, 0, ld, 1, topRows, 0, topWidth, gradient, locWeight, topWidth, latent, batch, topWidth,
                false);
        rowSums(locGradT, latent, ld, batch, gradient, locBias);
        products.multiply(
                logVarGradT,
                0,
                ld,
                1,
                topRows,
                0,
                topWidth,
                gradient,
                logVarWeight,
                topWidth,
                latent,
                batch,
                topWidth,
                false);
        rowSums(logVarGradT, latent, ld, batch, gradient, logVarBias);
        if (layers > 0) {
            float[] topGrad = encoderGradT[layers];
            products.multiply(p, locWeight, 1, topWidth, locGradT, 0, ld, topGrad, 0, ld, topWidth, latent, ld, false);
            products.multiply(
                    p, logVarWeight, 1, topWidth, logVarGradT, 0, ld, topGrad, 0, ld, topWidth, latent, ld, true);
        }
        for (int i = layers - 1; i >= 0; i--) {
            int in = encoderWidths[i];
            int out = encoderWidths[i + 1];
            float[] preGrad = encoderGradT[i + 1];
            activationGradient(preGrad, encoderT[i + 1], out, ld);
            float[] layerInput = i == 0 ? inputRows : encoderRows[i];
            products.multiply(
                    preGrad, 0, ld, 1, layerInput, 0, in, gradient, encoderWeight[i], in, out, batch, in, false);
            rowSums(preGrad, out, ld, batch, gradient, encoderBias[i]);
            if (i > 0) {
                products.multiply(
                        p, encoderWeight[i], 1, in, preGrad, 0, ld, encoderGradT[i], 0, ld, in, out, ld, false);
            }
        }
    }

    /** gradT[i] ⊙= act'(pre_i) for i &lt; end, from the activation's output hT. */
    @FunctionalInterface
    private interface ActivationGradient {
        void apply(float[] gradT, float[] hT, int end);
    }

    /**
     * gradT ⊙= act'(pre), from the activation's output h: 1 − h² (tanh), [h &gt; 0] (relu),
     * 1 − e^{−h} = σ(pre) (softplus). The switch has no default: an activation without its
     * derivative here does not compile.
     */
    private void activationGradient(float[] gradT, float[] hT, int rows, int ld) {
        activationGradient(activation, gradT, hT, rows, ld);
    }

    /** gradT ⊙= act'(pre) of {@code activation}, from its output hT [rows, ld]. */
    static void activationGradient(Activation activation, float[] gradT, float[] hT, int rows, int ld) {
        ActivationGradient kernel = switch (activation) {
            case TANH -> FusedElboStep::tanhGradient;
            case RELU -> FusedElboStep::reluGradient;
            case SOFTPLUS -> FusedElboStep::softplusGradient;
        };
        kernel.apply(gradT, hT, rows * ld);
    }

    private static void tanhGradient(float[] gradT, float[] hT, int end) {
        for (int i = 0; i < end; i += V) {
            FloatVector h = FloatVector.fromArray(S, hT, i);
            FloatVector g = FloatVector.fromArray(S, gradT, i);
            g.sub(g.mul(h).mul(h)).intoArray(gradT, i);
        }
    }

    private static void reluGradient(float[] gradT, float[] hT, int end) {
        for (int i = 0; i < end; i += V) {
            FloatVector h = FloatVector.fromArray(S, hT, i);
            FloatVector g = FloatVector.fromArray(S, gradT, i);
            g.blend(0f, h.compare(VectorOperators.LE, 0f)).intoArray(gradT, i);
        }
    }

    private static void softplusGradient(float[] gradT, float[] hT, int end) {
        for (int i = 0; i < end; i += V) {
            FloatVector h = FloatVector.fromArray(S, hT, i);
            FloatVector g = FloatVector.fromArray(S, gradT, i);
            g.sub(g.mul(VectorMath.exp(h.neg()))).intoArray(gradT, i);
        }
    }

    /** target[offset + r] = Σ_{c &lt; columns} rowsT[r, c]: the bias gradients. */
    static void rowSums(float[] rowsT, int rows, int ld, int columns, float[] target, int offset) {
        int whole = columns - columns % V;
        for (int r = 0; r < rows; r++) {
            int start = r * ld;
            FloatVector sum = FloatVector.zero(S);
            for (int c = 0; c < whole; c += V) {
                sum = sum.add(FloatVector.fromArray(S, rowsT, start + c));
            }
            float total = sum.reduceLanes(VectorOperators.ADD);
            for (int c = whole; c < columns; c++) {
                total += rowsT[start + c];
            }
            target[offset + r] = total;
        }
    }

    /** Whether every value is finite: v − v is 0 for those, NaN for ±∞ and NaN. */
    static boolean allFinite(float[] values) {
        int whole = values.length - values.length % V;
        FloatVector sum = FloatVector.zero(S);
        for (int i = 0; i < whole; i += V) {
            FloatVector v = FloatVector.fromArray(S, values, i);
            sum = sum.add(v.sub(v));
        }
        float total = sum.reduceLanes(VectorOperators.ADD);
        for (int i = whole; i < values.length; i++) {
            total += values[i] - values[i];
        }
        return total == 0;
    }
}
