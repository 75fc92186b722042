package io.github.elbo4j.vae;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import java.util.Arrays;

/**
 * The ELBO training step of an MLP VAE written out by hand on JVM arrays: the same loss and
 * gradient as {@link ElboStep} for the models it {@linkplain #supports supports}, with no engine
 * call at all.
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
 * <p>Supports Bernoulli and fixed-σ Gaussian likelihoods, any {@link Activation}, the N(0, I)
 * prior, the ELBO objective with any KL weight and free bits, without conditions or convolutions.
 * Not thread-safe: one instance per run.
 */
final class FusedElboStep {

    private static final VectorSpecies<Float> S = VectorMath.S;
    private static final int V = S.length();
    private static final double HALF_LOG_TWO_PI = 0.5 * Math.log(2 * Math.PI);

    private final int inputSize;
    private final int latent;
    private final int maxBatch;
    private final Activation activation;
    private final boolean bernoulli;
    private final float gaussianScale;
    private final double freeBits;
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

    /** Feature-major activations [width, ld] of every layer, and their gradients. */
    private final float[][] encoderT;
    private final float[][] encoderGradT;
    private final float[][] decoderT;
    private final float[][] decoderGradT;
    /** Batch-major copies [batch, width] of the hidden layers and of z, inputs of the weight gradients. */
    private final float[][] encoderRows;
    private final float[][] decoderRows;
    private final float[] locT;
    private final float[] logVarT;
    private final float[] sigmaT;
    private final float[] noiseT;
    private final float[] locGradT;
    private final float[] logVarGradT;
    /** z = μ + σ ε feature-major, its gradient, and z batch-major. */
    private final float[] latentT;
    private final float[] latentGradT;
    private final float[] latentRows;
    /** log p(x_b|z_b) per column. */
    private final float[] logLikelihood;
    /** Σ_b KL_bj per latent dimension j. */
    private final double[] klPerDimension;
    /** ∂loss/∂KL_bj per dimension j: w/B, or 0 where free bits hold the dimension's KL at its floor. */
    private final float[] klGradientWeight;

    /** The step for {@code config}'s model and batches of at most {@code maxBatch} rows. */
    FusedElboStep(VaeConfig config, TrainingObjective objective, int maxBatch) {
        if (!supports(config, objective)) {
            throw new IllegalArgumentException("the fused step does not support this model or objective");
        }
        this.inputSize = config.inputSize();
        this.latent = config.latent();
        this.maxBatch = maxBatch;
        this.activation = config.activation();
        this.bernoulli = config.likelihood() == Likelihood.BERNOULLI;
        this.gaussianScale = (float) config.gaussianScale();
        this.freeBits = objective.freeBits();
        int[] hidden = config.hidden();
        int layers = hidden.length;
        encoderWidths = new int[layers + 1];
        decoderWidths = new int[layers + 1];
        encoderWidths[0] = inputSize;
        for (int i = 0; i < layers; i++) {
            encoderWidths[i + 1] = hidden[i];
            decoderWidths[i] = hidden[layers - 1 - i];
        }
        decoderWidths[layers] = inputSize;
        ParameterLayout layout = VaeModel.layoutOf(config);
        encoderWeight = new int[layers];
        encoderBias = new int[layers];
        decoderWeight = new int[layers + 1];
        decoderBias = new int[layers + 1];
        for (int i = 0; i < layers; i++) {
            encoderWeight[i] = offset(layout, "encoder.hidden." + i + ".weight");
            encoderBias[i] = offset(layout, "encoder.hidden." + i + ".bias");
            decoderWeight[i] = offset(layout, "decoder.hidden." + i + ".weight");
            decoderBias[i] = offset(layout, "decoder.hidden." + i + ".bias");
        }
        decoderWeight[layers] = offset(layout, "decoder.out.weight");
        decoderBias[layers] = offset(layout, "decoder.out.bias");
        locWeight = offset(layout, "encoder.loc.weight");
        locBias = offset(layout, "encoder.loc.bias");
        logVarWeight = offset(layout, "encoder.log_var.weight");
        logVarBias = offset(layout, "encoder.log_var.bias");

        int ld = padded(maxBatch);
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
            decoderT[i] = new float[decoderWidths[i] * ld];
            decoderGradT[i] = new float[decoderWidths[i] * ld];
            decoderRows[i] = i == layers ? null : new float[maxBatch * decoderWidths[i]];
        }
        locT = new float[latent * ld];
        logVarT = new float[latent * ld];
        sigmaT = new float[latent * ld];
        noiseT = new float[latent * ld];
        locGradT = new float[latent * ld];
        logVarGradT = new float[latent * ld];
        latentT = new float[latent * ld];
        latentGradT = new float[latent * ld];
        latentRows = new float[maxBatch * latent];
        logLikelihood = new float[ld];
        klPerDimension = new double[latent];
        klGradientWeight = new float[latent];
    }

    /** Whether this step computes {@code objective} for {@code config}'s model. */
    static boolean supports(VaeConfig config, TrainingObjective objective) {
        return objective.kind() == TrainingObjective.Kind.ELBO
                && config.architecture() == Architecture.MLP
                && !config.conditional()
                && config.prior() == Prior.NORMAL
                && (config.likelihood() == Likelihood.BERNOULLI || config.likelihood() == Likelihood.GAUSSIAN);
    }

    /**
     * One step: writes the gradient of the loss −(1/B) Σ_b [recon_b − w·KL_b] (with free bits as
     * in {@link ElboStep}) with respect to {@code parameters} into {@code gradient}, and returns the
     * batch's plain ELBO sums, with a NaN ELBO when some gradient entry is not finite.
     *
     * @param parameters the flat parameters, in {@link VaeModel#layoutOf} order
     * @param x the batch, row-major [batch, inputSize]
     * @param noise standard normal noise, row-major [batch, latent]
     * @param batch number of examples B, at most the constructor's {@code maxBatch}
     * @param klWeight w = β·a(t)
     * @param gradient receives the gradient, same layout as {@code parameters}
     */
    BatchElbo compute(float[] parameters, float[] x, float[] noise, int batch, double klWeight, float[] gradient) {
        if (batch < 1 || batch > maxBatch) {
            throw new IllegalArgumentException("batch of " + batch + " rows; this step takes 1 to " + maxBatch);
        }
        int ld = padded(batch);
        int layers = encoderWeight.length;
        float[] p = parameters;

        // Encoder: Hᵀ_{i+1} = act(W_i Hᵀ_i + b_i).
        transpose(x, batch, inputSize, encoderT[0], ld);
        for (int i = 0; i < layers; i++) {
            int in = encoderWidths[i];
            int out = encoderWidths[i + 1];
            Gemm.multiply(p, encoderWeight[i], in, 1, encoderT[i], 0, ld, encoderT[i + 1], 0, ld, out, in, ld, false);
            activate(encoderT[i + 1], p, encoderBias[i], out, ld);
            transposeBack(encoderT[i + 1], out, ld, batch, encoderRows[i + 1]);
        }
        float[] top = encoderT[layers];
        int topWidth = encoderWidths[layers];
        Gemm.multiply(p, locWeight, topWidth, 1, top, 0, ld, locT, 0, ld, latent, topWidth, ld, false);
        addBias(locT, p, locBias, latent, ld);
        Gemm.multiply(p, logVarWeight, topWidth, 1, top, 0, ld, logVarT, 0, ld, latent, topWidth, ld, false);
        addBias(logVarT, p, logVarBias, latent, ld);

        // z = μ + σ ε, σ = exp(½ log σ²), feature-major and batch-major.
        transpose(noise, batch, latent, noiseT, ld);
        for (int r = 0; r < latent; r++) {
            for (int c = r * ld, end = c + ld; c < end; c += V) {
                FloatVector sigma = VectorMath.exp(FloatVector.fromArray(S, logVarT, c).mul(0.5f));
                sigma.intoArray(sigmaT, c);
                sigma.fma(FloatVector.fromArray(S, noiseT, c), FloatVector.fromArray(S, locT, c)).intoArray(latentT, c);
            }
        }
        transposeBack(latentT, latent, ld, batch, latentRows);

        // Decoder: Hᵀ_{i+1} = act(W_i Hᵀ_i + b_i), then the output layer without activation.
        float[] input = latentT;
        int inWidth = latent;
        for (int i = 0; i <= layers; i++) {
            int out = decoderWidths[i];
            Gemm.multiply(p, decoderWeight[i], inWidth, 1, input, 0, ld, decoderT[i], 0, ld, out, inWidth, ld, false);
            if (i < layers) {
                activate(decoderT[i], p, decoderBias[i], out, ld);
                transposeBack(decoderT[i], out, ld, batch, decoderRows[i]);
            } else {
                addBias(decoderT[i], p, decoderBias[i], out, ld);
            }
            input = decoderT[i];
            inWidth = out;
        }

        // log p(x|z) per example and its gradient at the decoder's output, −(1/B) ∂recon.
        float[] outputGrad = decoderGradT[layers];
        likelihood(decoderT[layers], encoderT[0], outputGrad, ld, 1f / batch);

        // KL per example and dimension, the reported sums, and the KL's weight in the loss.
        double reconstruction = 0;
        double kl = 0;
        for (int b = 0; b < batch; b++) {
            reconstruction += logLikelihood[b];
        }
        for (int r = 0; r < latent; r++) {
            double sum = 0;
            for (int b = 0, c = r * ld; b < batch; b++, c++) {
                float mu = locT[c];
                float variance = sigmaT[c] * sigmaT[c];
                sum += 0.5f * (mu * mu + variance - logVarT[c] - 1f);
            }
            klPerDimension[r] = sum;
            kl += sum;
        }
        double elbo = reconstruction - kl;
        for (int r = 0; r < latent; r++) {
            boolean floored = freeBits > 0 && klPerDimension[r] / batch <= freeBits;
            klGradientWeight[r] = floored ? 0f : (float) (klWeight / batch);
        }

        // Backward through the decoder: dPre = dH ⊙ act'(H), dW = dPreᵀ·H_in, db = Σ dPre, dH_in = Wᵀ dPre.
        for (int i = layers; i >= 0; i--) {
            int out = decoderWidths[i];
            int in = i == 0 ? latent : decoderWidths[i - 1];
            float[] preGrad = decoderGradT[i];
            if (i < layers) {
                activationGradient(preGrad, decoderT[i], out, ld);
            }
            float[] inputRows = i == 0 ? latentRows : decoderRows[i - 1];
            Gemm.multiply(preGrad, 0, ld, 1, inputRows, 0, in, gradient, decoderWeight[i], in, out, batch, in, false);
            rowSums(preGrad, out, ld, batch, gradient, decoderBias[i]);
            float[] inputGrad = i == 0 ? latentGradT : decoderGradT[i - 1];
            Gemm.multiply(p, decoderWeight[i], 1, in, preGrad, 0, ld, inputGrad, 0, ld, in, out, ld, false);
        }

        // Through z = μ + σ ε and the KL: dμ = dz + w μ, d log σ² = ½ σ ε dz + w ½ (σ² − 1).
        for (int r = 0; r < latent; r++) {
            FloatVector weight = FloatVector.broadcast(S, klGradientWeight[r]);
            for (int c = r * ld, end = c + ld; c < end; c += V) {
                FloatVector dz = FloatVector.fromArray(S, latentGradT, c);
                FloatVector mu = FloatVector.fromArray(S, locT, c);
                FloatVector sigma = FloatVector.fromArray(S, sigmaT, c);
                FloatVector eps = FloatVector.fromArray(S, noiseT, c);
                dz.add(mu.mul(weight)).intoArray(locGradT, c);
                FloatVector path = dz.mul(sigma).mul(eps);
                FloatVector klPart = sigma.mul(sigma).sub(1f).mul(weight);
                path.add(klPart).mul(0.5f).intoArray(logVarGradT, c);
            }
        }
        float[] topRows = layers == 0 ? x : encoderRows[layers];
        Gemm.multiply(locGradT, 0, ld, 1, topRows, 0, topWidth, gradient, locWeight, topWidth, latent, batch, topWidth,
                false);
        rowSums(locGradT, latent, ld, batch, gradient, locBias);
        Gemm.multiply(logVarGradT, 0, ld, 1, topRows, 0, topWidth, gradient, logVarWeight, topWidth, latent, batch,
                topWidth, false);
        rowSums(logVarGradT, latent, ld, batch, gradient, logVarBias);
        if (layers > 0) {
            float[] topGrad = encoderGradT[layers];
            Gemm.multiply(p, locWeight, 1, topWidth, locGradT, 0, ld, topGrad, 0, ld, topWidth, latent, ld, false);
            Gemm.multiply(p, logVarWeight, 1, topWidth, logVarGradT, 0, ld, topGrad, 0, ld, topWidth, latent, ld, true);
        }

        // Backward through the encoder; the input layer needs no gradient of its own.
        for (int i = layers - 1; i >= 0; i--) {
            int in = encoderWidths[i];
            int out = encoderWidths[i + 1];
            float[] preGrad = encoderGradT[i + 1];
            activationGradient(preGrad, encoderT[i + 1], out, ld);
            float[] inputRows = i == 0 ? x : encoderRows[i];
            Gemm.multiply(preGrad, 0, ld, 1, inputRows, 0, in, gradient, encoderWeight[i], in, out, batch, in, false);
            rowSums(preGrad, out, ld, batch, gradient, encoderBias[i]);
            if (i > 0) {
                Gemm.multiply(p, encoderWeight[i], 1, in, preGrad, 0, ld, encoderGradT[i], 0, ld, in, out, ld, false);
            }
        }
        return new BatchElbo(allFinite(gradient) ? elbo : Double.NaN, reconstruction, kl);
    }

    /**
     * Fills {@link #logLikelihood} with log p(x_b|z_b) and {@code gradT} with the loss's gradient
     * at the decoder output, scale·(σ(l) − x) for Bernoulli logits l and scale·(m − x)/σ² for a
     * Gaussian mean m.
     */
    private void likelihood(float[] outputT, float[] xT, float[] gradT, int ld, float scale) {
        Arrays.fill(logLikelihood, 0, ld, 0f);
        if (bernoulli) {
            bernoulli(outputT, xT, gradT, ld, scale);
        } else {
            gaussian(outputT, xT, gradT, ld, scale);
        }
    }

    // Each likelihood and activation has a loop of its own: a vector assigned in two branches of
    // one loop is boxed by Java 17's compiler, one allocation per element group. The Bernoulli
    // gradient and log-likelihood are two methods, each computing e^{−|l|}: in one method the
    // compiler reaches its node limit, stops inlining VectorMath and boxes every vector (3.5 ns an
    // element against 1.0 for the two passes).
    private void bernoulli(float[] logitsT, float[] xT, float[] gradT, int ld, float scale) {
        bernoulliGradient(logitsT, xT, gradT, ld, scale);
        bernoulliLogLikelihood(logitsT, xT, ld);
    }

    /** gradT = scale·(σ(l) − x). */
    private void bernoulliGradient(float[] logitsT, float[] xT, float[] gradT, int ld, float scale) {
        for (int i = 0, end = inputSize * ld; i < end; i += V) {
            FloatVector l = FloatVector.fromArray(S, logitsT, i);
            FloatVector t = VectorMath.exp(l.abs().neg());
            VectorMath.sigmoid(l, t).sub(FloatVector.fromArray(S, xT, i)).mul(scale).intoArray(gradT, i);
        }
    }

    /** logLikelihood[c] += Σ_r x·l − softplus(l) over the rows r of column c. */
    private void bernoulliLogLikelihood(float[] logitsT, float[] xT, int ld) {
        for (int r = 0; r < inputSize; r++) {
            for (int c = 0, i = r * ld; c < ld; c += V, i += V) {
                FloatVector l = FloatVector.fromArray(S, logitsT, i);
                FloatVector t = VectorMath.exp(l.abs().neg());
                FloatVector term = FloatVector.fromArray(S, xT, i).mul(l).sub(VectorMath.softplus(l, t));
                FloatVector.fromArray(S, logLikelihood, c).add(term).intoArray(logLikelihood, c);
            }
        }
    }

    private void gaussian(float[] meanT, float[] xT, float[] gradT, int ld, float scale) {
        float precision = 1f / (gaussianScale * gaussianScale);
        for (int r = 0; r < inputSize; r++) {
            for (int c = 0, i = r * ld; c < ld; c += V, i += V) {
                FloatVector residual = FloatVector.fromArray(S, meanT, i).sub(FloatVector.fromArray(S, xT, i));
                FloatVector term = residual.mul(residual).mul(-0.5f * precision);
                FloatVector.fromArray(S, logLikelihood, c).add(term).intoArray(logLikelihood, c);
                residual.mul(precision * scale).intoArray(gradT, i);
            }
        }
        float constant = (float) (-inputSize * (Math.log(gaussianScale) + HALF_LOG_TWO_PI));
        for (int c = 0; c < ld; c++) {
            logLikelihood[c] += constant;
        }
    }

    /** rowsT[r, ·] = act(rowsT[r, ·] + bias[r]) over whole padded rows. */
    private void activate(float[] rowsT, float[] p, int bias, int rows, int ld) {
        for (int r = 0; r < rows; r++) {
            FloatVector b = FloatVector.broadcast(S, p[bias + r]);
            int from = r * ld;
            int to = from + ld;
            switch (activation) {
                case TANH -> {
                    for (int c = from; c < to; c += V) {
                        VectorMath.tanh(FloatVector.fromArray(S, rowsT, c).add(b)).intoArray(rowsT, c);
                    }
                }
                case RELU -> {
                    for (int c = from; c < to; c += V) {
                        FloatVector.fromArray(S, rowsT, c).add(b).max(0f).intoArray(rowsT, c);
                    }
                }
                case SOFTPLUS -> {
                    for (int c = from; c < to; c += V) {
                        FloatVector pre = FloatVector.fromArray(S, rowsT, c).add(b);
                        VectorMath.softplus(pre, VectorMath.exp(pre.abs().neg())).intoArray(rowsT, c);
                    }
                }
            }
        }
    }

    /**
     * gradT ⊙= act'(pre), from the activation's output h: 1 − h² (tanh), [h &gt; 0] (relu),
     * 1 − e^{−h} = σ(pre) (softplus).
     */
    private void activationGradient(float[] gradT, float[] hT, int rows, int ld) {
        int end = rows * ld;
        switch (activation) {
            case TANH -> {
                for (int i = 0; i < end; i += V) {
                    FloatVector h = FloatVector.fromArray(S, hT, i);
                    FloatVector g = FloatVector.fromArray(S, gradT, i);
                    g.sub(g.mul(h).mul(h)).intoArray(gradT, i);
                }
            }
            case RELU -> {
                for (int i = 0; i < end; i += V) {
                    FloatVector h = FloatVector.fromArray(S, hT, i);
                    FloatVector g = FloatVector.fromArray(S, gradT, i);
                    g.blend(0f, h.compare(VectorOperators.LE, 0f)).intoArray(gradT, i);
                }
            }
            case SOFTPLUS -> {
                for (int i = 0; i < end; i += V) {
                    FloatVector h = FloatVector.fromArray(S, hT, i);
                    FloatVector g = FloatVector.fromArray(S, gradT, i);
                    g.sub(g.mul(VectorMath.exp(h.neg()))).intoArray(gradT, i);
                }
            }
        }
    }

    private static void addBias(float[] rowsT, float[] p, int bias, int rows, int ld) {
        for (int r = 0; r < rows; r++) {
            FloatVector b = FloatVector.broadcast(S, p[bias + r]);
            for (int c = r * ld, end = c + ld; c < end; c += V) {
                FloatVector.fromArray(S, rowsT, c).add(b).intoArray(rowsT, c);
            }
        }
    }

    /** target[offset + r] = Σ_{c &lt; columns} rowsT[r, c]: the bias gradients. */
    private static void rowSums(float[] rowsT, int rows, int ld, int columns, float[] target, int offset) {
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
    private static boolean allFinite(float[] values) {
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

    /** dstT[c, r] = src[r, c] for a row-major src of rows × cols; dstT has row stride ld. */
    private static void transpose(float[] src, int rows, int cols, float[] dstT, int ld) {
        int[] column = strided(cols);
        int whole = rows - rows % V;
        for (int r = 0; r < whole; r += V) {
            for (int c = 0; c < cols; c++) {
                FloatVector.fromArray(S, src, r * cols + c, column, 0).intoArray(dstT, c * ld + r);
            }
        }
        for (int r = whole; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                dstT[c * ld + r] = src[r * cols + c];
            }
        }
    }

    /** dst[c, r] = srcT[r, c] for the first {@code columns} columns of srcT (rows × ld). */
    private static void transposeBack(float[] srcT, int rows, int ld, int columns, float[] dst) {
        int[] column = strided(ld);
        int whole = rows - rows % V;
        for (int r = 0; r < whole; r += V) {
            for (int c = 0; c < columns; c++) {
                FloatVector.fromArray(S, srcT, r * ld + c, column, 0).intoArray(dst, c * rows + r);
            }
        }
        for (int r = whole; r < rows; r++) {
            for (int c = 0; c < columns; c++) {
                dst[c * rows + r] = srcT[r * ld + c];
            }
        }
    }

    /**
     * The offsets 0, stride, 2·stride, … of one vector's gather: a gathered column of eight rows
     * transposes at twice the speed of element-by-element copies.
     */
    private static int[] strided(int stride) {
        int[] offsets = new int[V];
        for (int i = 0; i < V; i++) {
            offsets[i] = i * stride;
        }
        return offsets;
    }

    private static int padded(int columns) {
        return (columns + V - 1) / V * V;
    }

    private static int offset(ParameterLayout layout, String name) {
        return layout.entries().stream().filter(e -> e.name().equals(name)).findFirst()
                .map(e -> Math.toIntExact(e.offset()))
                .orElseThrow(() -> new IllegalStateException("no weight " + name + " in the layout"));
    }
}
