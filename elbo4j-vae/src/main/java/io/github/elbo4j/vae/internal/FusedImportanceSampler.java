package io.github.elbo4j.vae.internal;

import io.github.elbo4j.math.LogSumExp;
import io.github.elbo4j.math.SpecialFunctions;
import io.github.elbo4j.vae.model.Activation;
import io.github.elbo4j.vae.model.LatentPrior;
import io.github.elbo4j.vae.model.MlpLayout;
import io.github.elbo4j.vae.model.VaeConfig;
import io.github.elbo4j.vae.model.VaeModel;
import io.github.elbo4j.vae.objective.EngineImportanceSampler;
import io.github.elbo4j.vae.objective.ExampleTerms;
import io.github.elbo4j.vae.objective.GaussianNoise;
import io.github.elbo4j.vae.objective.StepFactory;
import io.github.elbo4j.vae.objective.VectorNoise;
import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The importance-sampling estimate of log p(x) per example,
 * log (1/K) Σ_k p(x, z_k)/q(z_k|x) with z_k ~ q(z|x), written out on JVM arrays for the models
 * {@link StepFactory#fusedModel} admits: the same estimate as {@link EngineImportanceSampler}'s,
 * from the same noise.
 *
 * <p>At K = 5000 nearly all the work is decoding 5000 latent samples per example, and the engine
 * runs each elementwise stage of that (the likelihood alone is four) as a separate pass over
 * logits far larger than the cache. Here the samples go through the decoder in passes of at most
 * {@link #COLUMNS} columns, every product a {@link Gemm} call and every elementwise stage one pass,
 * and the output layer in blocks of rows whose logits the likelihood reads while they are in cache.
 *
 * <p>A pass holds the particles of one example (K larger than a pass: its K particles in equal
 * slices) or all K particles of several examples, feature-major ([rows, ld], one column per
 * particle). Example i's noise is {@link GaussianNoise#perExample}'s, computed a slice of particles
 * at a time, so the estimate does not depend on the pass size and agrees with the engine's to
 * float rounding. Under the VampPrior, log p(z) is {@link FusedVampPrior}'s, its components
 * computed once per {@link #estimate} call. Not thread-safe: one instance per thread.
 */
public final class FusedImportanceSampler {

    /**
     * Most decoder columns per pass. Passes of 128 to 1,024 columns ran equally fast on the standard
     * model (BENCHMARKS.md, "IWAE evaluation against the reference"); the largest keeps the per-pass overheads
     * (encoding a group, the products' edge blocks) smallest.
     */
    public static final int COLUMNS = 1024;

    /** Output rows per block: a multiple of Gemm's block height and of the likelihood's product groups. */
    static final int OUTPUT_ROWS = ColumnKernels.PRODUCT_ROWS;

    private static final VectorSpecies<Float> S = VectorMath.S;

    private final MlpLayout mlp;
    private final int inputSize;
    private final int latent;
    private final Activation activation;
    private final boolean bernoulli;
    private final float gaussianScale;
    /** K, the particles per example. */
    private final int particles;
    /** Examples per pass, and each example's particles per pass: group × slice ≤ the column budget. */
    private final int group;

    private final int slice;

    /** Encoder activations [width, ld] of one group of examples, x first; μ, log σ² and σ [latent, ld]. */
    private final float[][] encoderT;

    private final float[] locT;
    private final float[] logVarT;
    private final float[] sigmaT;
    /**
     * z [latent, ld], the decoder's hidden activations [width, ld] and one block of its output
     * [OUTPUT_ROWS, ld] for one pass; for a Gaussian likelihood, x repeated per particle
     * [inputSize, ld].
     */
    private final float[] latentT;

    private final float[][] hiddenT;
    private final float[] outputT;
    private final float[] particleX;
    /**
     * For a Bernoulli likelihood, per example of the group: Wᵀx [group, width] and b·x, W and b
     * the output layer's.
     */
    private final float[] dataWeight;

    private final float[] dataBias;
    /**
     * Per column: log p(x|z), and Σ_j ½(ε² − z²), which is log p(z) − log q(z|x) less ½ Σ_j log σ²_j
     * under N(0, I); under the VampPrior Σ_j ½ε², log p(z) being in {@link #vampLogPrior}.
     */
    private final float[] logLikelihood;

    private final float[] logDensityRatio;
    /** Per example of the group: ½ Σ_j log σ²_j and its K log-weights. */
    private final double[] halfLogVariance;

    private final double[][] logWeight;
    /** The VampPrior and log p(z) + ½ D log 2π per column; null under N(0, I). */
    private final FusedVampPrior vampPrior;

    private final float[] vampLogPrior;
    /** 1 under N(0, I), whose log density the sampling pass adds (−½ z²); 0 under the VampPrior. */
    private final float normalPrior;

    /**
     * A sampler for {@code config}'s model with {@code particles} particles per example, decoding
     * at most {@code maxColumns} (particle, example) pairs at once.
     */
    public FusedImportanceSampler(VaeConfig config, int particles, int maxColumns) {
        if (!StepFactory.fusedModel(config)) {
            throw new IllegalArgumentException("the fused sampler does not support this model");
        }
        if (particles < 1 || maxColumns < 1) {
            throw new IllegalArgumentException(
                    "need K ≥ 1 and a budget of at least one column, got K = " + particles + " and " + maxColumns);
        }
        this.mlp = MlpLayout.of(config);
        this.inputSize = config.inputSize();
        this.latent = config.latent();
        this.activation = config.activation();
        this.bernoulli = FusedElboStep.bernoulli(config.likelihood());
        this.gaussianScale = (float) config.gaussianScale();
        this.particles = particles;
        int budget = Math.min(maxColumns, COLUMNS);
        this.group = Math.max(1, budget / particles);
        int passes = (particles + budget - 1) / budget;
        this.slice = (particles + passes - 1) / passes;

        int groupLd = ColumnKernels.padded(group);
        int[] encoderWidths = mlp.encoderWidths();
        encoderT = new float[encoderWidths.length][];
        for (int i = 0; i < encoderWidths.length; i++) {
            encoderT[i] = new float[encoderWidths[i] * groupLd];
        }
        locT = new float[latent * groupLd];
        logVarT = new float[latent * groupLd];
        sigmaT = new float[latent * groupLd];
        int ld = ColumnKernels.padded(group * slice);
        latentT = new float[latent * ld];
        int[] decoderWidths = mlp.decoderWidths();
        hiddenT = new float[mlp.hiddenLayers()][];
        for (int i = 0; i < hiddenT.length; i++) {
            hiddenT[i] = new float[decoderWidths[i] * ld];
        }
        outputT = new float[OUTPUT_ROWS * ld];
        particleX = bernoulli ? null : new float[inputSize * ld];
        dataWeight = bernoulli ? new float[group * outputInputWidth()] : null;
        dataBias = bernoulli ? new float[group] : null;
        logLikelihood = new float[ld];
        logDensityRatio = new float[ld];
        halfLogVariance = new double[group];
        logWeight = new double[group][particles];
        boolean vamp = vamp(config.prior());
        vampPrior = vamp ? new FusedVampPrior(config, ld, new ParallelGemm(1)) : null;
        vampLogPrior = vamp ? new float[ld] : null;
        normalPrior = vamp ? 0f : 1f;
    }

    /** Whether the prior is the VampPrior (else N(0, I)); a new prior must be handled here to compile. */
    private static boolean vamp(LatentPrior prior) {
        return switch (prior) {
            case NORMAL -> false;
            case VAMP -> true;
        };
    }

    /** Whether every buffer of a sampler for {@code config}'s MLP fits in a Java array. */
    public static boolean fits(VaeConfig config) {
        int columns = ColumnKernels.padded(COLUMNS);
        return FusedElboStep.widest(config) * columns <= Integer.MAX_VALUE
                && (!vamp(config.prior()) || FusedVampPrior.fits(config, columns));
    }

    /**
     * Writes the IWAE-K estimate of log p(x_e) into {@code out.bound()[e]} for examples
     * {@code from ≤ e < to} of {@code data} (row-major, {@code inputSize} values each) and, when
     * {@code out} is {@link ExampleTerms#detailed}, the other terms from the same particles: the
     * first particle's log p(x|z), the mean over the K particles, the analytic KL and μ.
     *
     * @param parameters the flat parameters, in {@link VaeModel#layoutOf} order
     * @param seed the seed example e's noise is derived from, with e
     */
    public void estimate(float[] parameters, float[] data, int from, int to, long seed, ExampleTerms out) {
        if (vampPrior != null) {
            vampPrior.components(parameters);
        }
        boolean detailed = out.detailed();
        for (int first = from; first < to; first += group) {
            int examples = Math.min(group, to - first);
            encode(parameters, data, first, examples);
            if (detailed) {
                writePosterior(first, examples, out);
            }
            if (bernoulli) {
                projectData(parameters, data, first, examples);
            }
            int layoutLd = -1;
            for (int done = 0; done < particles; done += slice) {
                int count = Math.min(slice, particles - done);
                int ld = ColumnKernels.padded(examples * count);
                if (!bernoulli && ld != layoutLd) {
                    repeatForParticles(data, first, examples, count, ld);
                    layoutLd = ld;
                }
                sample(seed, first, examples, done, count, ld);
                if (vampPrior != null) {
                    vampLogPrior(ld);
                }
                decode(parameters, examples, count, ld);
                for (int i = 0; i < examples; i++) {
                    for (int q = 0, c = i * count; q < count; q++, c++) {
                        double logRatio = logDensityRatio[c] + halfLogVariance[i];
                        logWeight[i][done + q] =
                                logLikelihood[c] + (vampPrior == null ? logRatio : logRatio + vampLogPrior[c]);
                    }
                    if (detailed) {
                        double sum = 0;
                        for (int c = i * count; c < (i + 1) * count; c++) {
                            sum += logLikelihood[c];
                        }
                        if (done == 0) {
                            // Particle 0's noise is a K = 1 pass's: its term is the single-sample ELBO's.
                            out.firstReconstruction()[first + i] = logLikelihood[i * count];
                            out.meanReconstruction()[first + i] = 0;
                        }
                        out.meanReconstruction()[first + i] += sum / particles;
                        if (vampPrior != null) {
                            addMonteCarloKl(i, count, done, first, out);
                        }
                    }
                }
            }
            for (int i = 0; i < examples; i++) {
                out.bound()[first + i] = LogSumExp.logMeanExp(logWeight[i]);
            }
        }
    }

    /**
     * The VampPrior's KL terms, which have no closed form: log q(z|x) − log p(z) at particle 0 and
     * its mean over the K particles, as the engine's sampler takes them ({@link ExampleTerms}).
     */
    private void addMonteCarloKl(int i, int count, int done, int first, ExampleTerms out) {
        double sum = 0;
        for (int c = i * count; c < (i + 1) * count; c++) {
            sum -= logDensityRatio[c] + halfLogVariance[i] + vampLogPrior[c];
        }
        if (done == 0) {
            int c = i * count;
            out.firstKl()[first + i] = -(logDensityRatio[c] + halfLogVariance[i] + vampLogPrior[c]);
            out.meanKl()[first + i] = 0;
        }
        out.meanKl()[first + i] += sum / particles;
    }

    /**
     * μ and the analytic KL(q(z|x) ‖ N(0, I)) = ½ Σ_j (μ_j² + σ_j² − log σ_j² − 1), per dimension and
     * summed, of the encoded examples {@code first..first+examples−1}.
     */
    private void writePosterior(int first, int examples, ExampleTerms out) {
        int ld = ColumnKernels.padded(examples);
        for (int i = 0; i < examples; i++) {
            double kl = 0;
            int cell = (first + i) * latent;
            for (int r = 0; r < latent; r++) {
                double loc = locT[r * ld + i];
                double logVar = logVarT[r * ld + i];
                double dimension = 0.5 * (loc * loc + Math.exp(logVar) - logVar - 1);
                // The VampPrior's KL has no per-dimension split (ExampleTerms); its totals come from
                // the particles (addMonteCarloKl).
                out.klPerDimension()[cell + r] = vampPrior == null ? (float) dimension : Float.NaN;
                out.posteriorMean()[cell + r] = locT[r * ld + i];
                kl += dimension;
            }
            if (vampPrior == null) {
                out.firstKl()[first + i] = kl;
                out.meanKl()[first + i] = kl;
            }
        }
    }

    /** The encoder's forward pass for examples {@code first..first+examples−1}: μ, log σ², σ and ½ Σ log σ². */
    private void encode(float[] p, float[] data, int first, int examples) {
        int ld = ColumnKernels.padded(examples);
        int[] widths = mlp.encoderWidths();
        Transpose.copy(data, first * inputSize, inputSize, examples, inputSize, encoderT[0], 0, ld);
        for (int i = 0; i < mlp.hiddenLayers(); i++) {
            Gemm.multiply(
                    p,
                    mlp.encoderWeight()[i],
                    widths[i],
                    1,
                    encoderT[i],
                    0,
                    ld,
                    encoderT[i + 1],
                    0,
                    ld,
                    widths[i + 1],
                    widths[i],
                    ld,
                    false);
            ColumnKernels.activate(activation, encoderT[i + 1], p, mlp.encoderBias()[i], widths[i + 1], ld);
        }
        float[] top = encoderT[mlp.hiddenLayers()];
        int topWidth = widths[mlp.hiddenLayers()];
        Gemm.multiply(p, mlp.locWeight(), topWidth, 1, top, 0, ld, locT, 0, ld, latent, topWidth, ld, false);
        ColumnKernels.addBias(locT, p, mlp.locBias(), latent, ld);
        Gemm.multiply(p, mlp.logVarWeight(), topWidth, 1, top, 0, ld, logVarT, 0, ld, latent, topWidth, ld, false);
        ColumnKernels.addBias(logVarT, p, mlp.logVarBias(), latent, ld);
        for (int c = 0; c < latent * ld; c += S.length()) {
            VectorMath.exp(FloatVector.fromArray(S, logVarT, c).mul(0.5f)).intoArray(sigmaT, c);
        }
        for (int i = 0; i < examples; i++) {
            double sum = 0;
            for (int r = 0; r < latent; r++) {
                sum += 0.5 * logVarT[r * ld + i];
            }
            halfLogVariance[i] = sum;
        }
    }

    /**
     * log p(z) + ½ D log 2π under the VampPrior for the pass's {@code ld} columns: with Σ_j ½ε² and
     * ½ Σ_j log σ²_j, log p(z) − log q(z|x).
     */
    private void vampLogPrior(int ld) {
        vampPrior.logDensity(latentT, ld, vampLogPrior);
        float halfLog2Pi = (float) (0.5 * latent * SpecialFunctions.LOG_2PI);
        for (int c = 0; c < ld; c++) {
            vampLogPrior[c] += halfLog2Pi;
        }
    }

    /**
     * Particles {@code done..done+count−1} of each example: ε from {@link VectorNoise#fillExample},
     * z = μ + σ ε in columns i·count.. of example i, and Σ_j ½(ε² − z²) per column (Σ_j ½ε² under
     * the VampPrior: z² times {@link #normalPrior}, exact either way).
     */
    private void sample(long seed, int first, int examples, int done, int count, int ld) {
        int encoderLd = ColumnKernels.padded(examples);
        FloatVector half = FloatVector.broadcast(S, 0.5f);
        FloatVector normal = FloatVector.broadcast(S, normalPrior);
        Arrays.fill(logDensityRatio, 0, ld, 0f);
        for (int i = 0; i < examples; i++) {
            int from = i * count;
            VectorNoise.fillExample(seed, first + i, done, count, latent, latentT, from, ld);
            for (int r = 0; r < latent; r++) {
                float loc = locT[r * encoderLd + i];
                float sigma = sigmaT[r * encoderLd + i];
                FloatVector locs = FloatVector.broadcast(S, loc);
                FloatVector sigmas = FloatVector.broadcast(S, sigma);
                int c = from;
                for (int e = r * ld + c; c + S.length() <= from + count; c += S.length(), e += S.length()) {
                    FloatVector eps = FloatVector.fromArray(S, latentT, e);
                    FloatVector z = eps.fma(sigmas, locs);
                    z.intoArray(latentT, e);
                    eps.mul(eps)
                            .sub(z.mul(z).mul(normal))
                            .fma(half, FloatVector.fromArray(S, logDensityRatio, c))
                            .intoArray(logDensityRatio, c);
                }
                for (int e = r * ld + c; c < from + count; c++, e++) {
                    float eps = latentT[e];
                    float z = Math.fma(eps, sigma, loc);
                    latentT[e] = z;
                    logDensityRatio[c] += 0.5f * (eps * eps - z * z * normalPrior);
                }
            }
        }
    }

    /**
     * The decoder's forward pass over {@code count} columns of each example and the
     * log-likelihood of each column. The output layer goes {@link #OUTPUT_ROWS} rows at a time,
     * each block's logits (or means) consumed by the likelihood while they are still in cache.
     */
    private void decode(float[] p, int examples, int count, int ld) {
        int[] widths = mlp.decoderWidths();
        float[] input = latentT;
        int inWidth = latent;
        for (int i = 0; i < mlp.hiddenLayers(); i++) {
            Gemm.multiply(
                    p,
                    mlp.decoderWeight()[i],
                    inWidth,
                    1,
                    input,
                    0,
                    ld,
                    hiddenT[i],
                    0,
                    ld,
                    widths[i],
                    inWidth,
                    ld,
                    false);
            ColumnKernels.activate(activation, hiddenT[i], p, mlp.decoderBias()[i], widths[i], ld);
            input = hiddenT[i];
            inWidth = widths[i];
        }
        int weight = mlp.decoderWeight()[mlp.hiddenLayers()];
        int bias = mlp.decoderBias()[mlp.hiddenLayers()];
        if (bernoulli) {
            // x·l = (Wᵀx)·h + b·x per column: a product with one row instead of x read for every logit.
            for (int i = 0; i < examples; i++) {
                int from = i * count;
                Gemm.multiply(
                        dataWeight,
                        i * inWidth,
                        0,
                        1,
                        input,
                        from,
                        ld,
                        logLikelihood,
                        from,
                        ld,
                        1,
                        inWidth,
                        count,
                        false);
                for (int c = from; c < from + count; c++) {
                    logLikelihood[c] += dataBias[i];
                }
            }
        } else {
            Arrays.fill(logLikelihood, 0, ld, 0f);
        }
        for (int row = 0; row < inputSize; row += OUTPUT_ROWS) {
            int rows = Math.min(OUTPUT_ROWS, inputSize - row);
            Gemm.multiply(
                    p, weight + row * inWidth, inWidth, 1, input, 0, ld, outputT, 0, ld, rows, inWidth, ld, false);
            if (bernoulli) {
                ColumnKernels.subtractSoftplusSums(outputT, p, bias + row, rows, ld, logLikelihood);
            } else {
                ColumnKernels.addBias(outputT, p, bias + row, rows, ld);
                ColumnKernels.gaussianLogLikelihood(
                        outputT, 0, particleX, row * ld, rows, ld, gaussianScale, logLikelihood);
            }
        }
    }

    /** Wᵀx and b·x of examples {@code first..first+examples−1}, W and b the output layer's. */
    private void projectData(float[] p, float[] data, int first, int examples) {
        int width = outputInputWidth();
        int weight = mlp.decoderWeight()[mlp.hiddenLayers()];
        int bias = mlp.decoderBias()[mlp.hiddenLayers()];
        Gemm.multiply(
                data,
                first * inputSize,
                inputSize,
                1,
                p,
                weight,
                width,
                dataWeight,
                0,
                width,
                examples,
                inputSize,
                width,
                false);
        for (int i = 0; i < examples; i++) {
            float sum = 0f;
            for (int r = 0; r < inputSize; r++) {
                sum += p[bias + r] * data[(first + i) * inputSize + r];
            }
            dataBias[i] = sum;
        }
    }

    /** The width of the decoder output layer's input: the last hidden layer's, or the latent's. */
    private int outputInputWidth() {
        return mlp.hiddenLayers() == 0 ? latent : mlp.decoderWidths()[mlp.hiddenLayers() - 1];
    }

    /** x of each example in its {@code count} columns, [inputSize, ld]. */
    private void repeatForParticles(float[] data, int first, int examples, int count, int ld) {
        for (int r = 0; r < inputSize; r++) {
            for (int i = 0; i < examples; i++) {
                int start = r * ld + i * count;
                Arrays.fill(particleX, start, start + count, data[(first + i) * inputSize + r]);
            }
        }
    }
}
