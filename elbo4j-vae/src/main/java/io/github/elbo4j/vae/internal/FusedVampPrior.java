package io.github.elbo4j.vae.internal;

import io.github.elbo4j.math.SpecialFunctions;
import io.github.elbo4j.vae.model.Activation;
import io.github.elbo4j.vae.model.MlpLayout;
import io.github.elbo4j.vae.model.VaeConfig;
import io.github.elbo4j.vae.model.VaeModel;
import io.github.elbo4j.vae.model.VampPrior;
import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The {@link VampPrior} on JVM arrays for the fused code: log p(z) = log (1/N) Σ_n N(z; μ_n, σ²_n)
 * with (μ_n, log σ²_n) the MLP encoder at the pseudo-inputs u_n clamped to [0, 1], its gradient in
 * z, and the gradient of a weighted sum of log p(z_c) back through the encoder into its weights
 * and into the pseudo-inputs themselves, as the engine's autograd takes it ({@code clip} passes
 * the gradient where 0 ≤ u ≤ 1, the bounds included).
 *
 * <p>As in {@link VampPrior#logProb}, each component's quadratic form is expanded into products,
 * −½ Σ_d (z_d − μ_nd)²/σ²_nd = (z ⊙ z)·(−½/σ²_n) + z·(μ_n/σ²_n) − ½ Σ_d μ²_nd/σ²_nd, so that the
 * logits of all columns and components are one {@link Gemm} product of [z², z] with [−½/σ², μ/σ²],
 * and the gradients are three more: the responsibilities r_cn = softmax_n (the logits) times
 * [−½/σ², μ/σ²] for the gradient in z, and rᵀ times the weighted [z², z, 1] for the gradients in μ_n
 * and log σ²_n.
 *
 * <p>Call {@link #components}, then {@link #logDensity}, then any of {@link #score} and
 * {@link #backward}; each reads what the one before left. Not thread-safe: one per step.
 */
final class FusedVampPrior {

    private static final VectorSpecies<Float> S = VectorMath.S;
    private static final int V = S.length();

    private final int latent;
    /** N, the pseudo-inputs. */
    private final int count;
    /** N padded to whole vectors: the row stride of the components' feature-major buffers and of {@link #responsibility}. */
    private final int ld;

    private final int inputSize;
    private final Activation activation;
    private final MlpLayout mlp;
    /** Offset of {@code prior.pseudo_inputs} [N, inputSize] in the flat parameters. */
    private final int pseudoInputs;

    private final ParallelGemm products;
    /** The clamped pseudo-inputs [N, inputSize], the first layer's input rows. */
    private final float[] inputRows;
    /** Feature-major activations [width, ld] of each encoder layer, the clamped input first, and their gradients. */
    private final float[][] layerT;

    private final float[][] layerGradT;
    /** Batch-major copies [N, width] of the hidden layers, inputs of the weight gradients. */
    private final float[][] layerRows;
    /** μ_n and log σ²_n, feature-major [latent, ld], and the loss's gradient in them. */
    private final float[] locT;

    private final float[] logVarT;
    private final float[] locGradT;
    private final float[] logVarGradT;
    /** [−½/σ²_n, μ_n/σ²_n] per component [N, 2D], and its transpose [2D, N]. */
    private final float[] quadratic;

    private final float[] quadraticT;
    /** −½ Σ_d (μ²_nd/σ²_nd + log σ²_nd + log 2π) − log N per component. */
    private final float[] constant;
    /** [z², z, 1] per column [columns, 2D + 1], then the same rows times their weight in the loss. */
    private final float[] powers;

    private final float[] weightedPowers;
    /** The logits of column c and component n [columns, ld], then the responsibilities r_cn. */
    private final float[] responsibility;
    /** r·[−½/σ², μ/σ²] [columns, 2D]. */
    private final float[] expected;
    /** rᵀ·(weighted [z², z, 1]) [N, 2D + 1]. */
    private final float[] moments;
    /** A layer's bias gradient, summed before it is added to the step's. */
    private final float[] biasGradient;
    /**
     * A layer's weight gradient, computed before it is added to the step's: a product that sums
     * into C takes Gemm's plain loops for the columns past whole vectors, which made the weight
     * gradient of a 200-wide layer several times slower.
     */
    private final float[] weightGradient;

    /** The prior of {@code config}'s model for up to {@code maxColumns} latent columns, products computed by {@code products}. */
    FusedVampPrior(VaeConfig config, int maxColumns, ParallelGemm products) {
        this.latent = config.latent();
        this.count = config.pseudoInputs();
        this.ld = ColumnKernels.padded(count);
        this.inputSize = config.inputSize();
        this.activation = config.activation();
        this.mlp = MlpLayout.of(config);
        this.pseudoInputs = Math.toIntExact(
                VaeModel.layoutOf(config).entry(VaeModel.PSEUDO_INPUTS).offset());
        this.products = products;
        int[] widths = mlp.encoderWidths();
        inputRows = new float[count * inputSize];
        layerT = new float[widths.length][];
        layerGradT = new float[widths.length][];
        layerRows = new float[widths.length][];
        int widest = latent;
        for (int i = 0; i < widths.length; i++) {
            layerT[i] = new float[widths[i] * ld];
            layerGradT[i] = new float[widths[i] * ld];
            layerRows[i] = i == 0 ? inputRows : new float[count * widths[i]];
            widest = Math.max(widest, widths[i]);
        }
        locT = new float[latent * ld];
        logVarT = new float[latent * ld];
        locGradT = new float[latent * ld];
        logVarGradT = new float[latent * ld];
        quadratic = new float[count * 2 * latent];
        quadraticT = new float[2 * latent * count];
        constant = new float[count];
        powers = new float[maxColumns * (2 * latent + 1)];
        weightedPowers = new float[powers.length];
        responsibility = new float[maxColumns * ld];
        expected = new float[maxColumns * 2 * latent];
        moments = new float[count * (2 * latent + 1)];
        biasGradient = new float[widest];
        int largest = latent * widths[widths.length - 1];
        for (int i = 0; i + 1 < widths.length; i++) {
            largest = Math.max(largest, widths[i] * widths[i + 1]);
        }
        weightGradient = new float[largest];
    }

    /** Whether the buffers for {@code config}'s prior and {@code maxColumns} latent columns fit in Java arrays. */
    static boolean fits(VaeConfig config, long maxColumns) {
        long components = ColumnKernels.padded(config.pseudoInputs());
        long limit = Integer.MAX_VALUE - V;
        return maxColumns * components <= limit
                && maxColumns * (2L * config.latent() + 1) <= limit
                && components * FusedElboStep.widest(config) <= limit;
    }

    /** The components (μ_n, log σ²_n): the encoder at the clamped pseudo-inputs of {@code p}. */
    void components(float[] p) {
        int size = count * inputSize;
        int whole = size - size % V;
        for (int i = 0; i < whole; i += V) {
            FloatVector.fromArray(S, p, pseudoInputs + i).max(0f).min(1f).intoArray(inputRows, i);
        }
        for (int i = whole; i < size; i++) {
            inputRows[i] = Math.min(1f, Math.max(0f, p[pseudoInputs + i]));
        }
        Transpose.copy(inputRows, 0, inputSize, count, inputSize, layerT[0], 0, ld);
        int[] widths = mlp.encoderWidths();
        int layers = mlp.hiddenLayers();
        for (int i = 0; i < layers; i++) {
            int in = widths[i];
            int out = widths[i + 1];
            products.multiply(
                    p, mlp.encoderWeight()[i], in, 1, layerT[i], 0, ld, layerT[i + 1], 0, ld, out, in, ld, false);
            ColumnKernels.activate(activation, layerT[i + 1], p, mlp.encoderBias()[i], out, ld);
            Transpose.copy(layerT[i + 1], 0, ld, out, count, layerRows[i + 1], 0, out);
        }
        int top = widths[layers];
        products.multiply(p, mlp.locWeight(), top, 1, layerT[layers], 0, ld, locT, 0, ld, latent, top, ld, false);
        ColumnKernels.addBias(locT, p, mlp.locBias(), latent, ld);
        products.multiply(p, mlp.logVarWeight(), top, 1, layerT[layers], 0, ld, logVarT, 0, ld, latent, top, ld, false);
        ColumnKernels.addBias(logVarT, p, mlp.logVarBias(), latent, ld);

        double logCount = Math.log(count);
        int width = 2 * latent;
        for (int n = 0; n < count; n++) {
            double sum = 0;
            for (int d = 0; d < latent; d++) {
                float logVariance = logVarT[d * ld + n];
                float mu = locT[d * ld + n];
                float precision = (float) Math.exp(-logVariance);
                float scaledMu = mu * precision;
                quadratic[n * width + d] = -0.5f * precision;
                quadratic[n * width + latent + d] = scaledMu;
                quadraticT[d * count + n] = -0.5f * precision;
                quadraticT[(latent + d) * count + n] = scaledMu;
                sum += mu * scaledMu + logVariance;
            }
            constant[n] = (float) (-0.5 * (sum + latent * SpecialFunctions.LOG_2PI) - logCount);
        }
    }

    /**
     * log p(z_c) into {@code logDensity[c]} for the {@code columns} columns of the feature-major
     * latents {@code latentT} [latent, columns]; keeps each column's responsibilities.
     */
    void logDensity(float[] latentT, int columns, float[] logDensity) {
        int width = 2 * latent + 1;
        Transpose.copy(latentT, 0, columns, latent, columns, powers, latent, width);
        for (int c = 0; c < columns; c++) {
            int row = c * width;
            for (int d = 0; d < latent; d++) {
                float z = powers[row + latent + d];
                powers[row + d] = z * z;
            }
            powers[row + 2 * latent] = 1f;
        }
        products.multiply(
                powers, 0, width, 1, quadraticT, 0, count, responsibility, 0, ld, columns, 2 * latent, count, false);
        for (int c = 0; c < columns; c++) {
            logDensity[c] = softmax(c * ld);
        }
    }

    /**
     * Turns the logits of one column (at {@code offset}) into its responsibilities, and returns the
     * column's log p(z), the log-sum-exp of the logits plus each component's constant.
     */
    private float softmax(int offset) {
        FloatVector max = FloatVector.broadcast(S, Float.NEGATIVE_INFINITY);
        for (int n = 0; n < count; n += V) {
            VectorMask<Float> live = S.indexInRange(n, count);
            FloatVector logit = FloatVector.fromArray(S, responsibility, offset + n, live)
                    .add(FloatVector.fromArray(S, constant, n, live));
            logit.intoArray(responsibility, offset + n, live);
            max = max.max(logit.blend(Float.NEGATIVE_INFINITY, live.not()));
        }
        float largest = max.reduceLanes(VectorOperators.MAX);
        FloatVector shift = FloatVector.broadcast(S, largest);
        FloatVector total = FloatVector.zero(S);
        for (int n = 0; n < count; n += V) {
            VectorMask<Float> live = S.indexInRange(n, count);
            FloatVector e = VectorMath.exp(
                    FloatVector.fromArray(S, responsibility, offset + n, live).sub(shift));
            e = e.blend(0f, live.not());
            e.intoArray(responsibility, offset + n, live);
            total = total.add(e);
        }
        float sum = total.reduceLanes(VectorOperators.ADD);
        FloatVector scale = FloatVector.broadcast(S, 1f / sum);
        for (int n = 0; n < count; n += V) {
            VectorMask<Float> live = S.indexInRange(n, count);
            FloatVector.fromArray(S, responsibility, offset + n, live)
                    .mul(scale)
                    .intoArray(responsibility, offset + n, live);
        }
        return largest + (float) Math.log(sum);
    }

    /**
     * −∂log p(z_c)/∂z_c = Σ_n r_cn (z_c − μ_n)/σ²_n into {@code scoreT} [latent, columns]
     * (feature-major, as the step's latents), for the columns of the last {@link #logDensity}.
     */
    void score(int columns, float[] scoreT) {
        int width = 2 * latent;
        products.multiply(
                responsibility, 0, ld, 1, quadratic, 0, width, expected, 0, width, columns, count, width, false);
        int powersWidth = width + 1;
        for (int c = 0; c < columns; c++) {
            for (int d = 0; d < latent; d++) {
                // r·(−½/σ²) is the first half: z ⊙ Σ_n r_n/σ²_n − Σ_n r_n μ_n/σ²_n.
                float z = powers[c * powersWidth + latent + d];
                scoreT[d * columns + c] = -2f * z * expected[c * width + d] - expected[c * width + latent + d];
            }
        }
    }

    /**
     * The gradient of −Σ_c weight_c log p(z_c), over the columns of the last {@link #logDensity},
     * with respect to the encoder's weights (added into {@code gradient}) and to the pseudo-inputs
     * (written there), the latents z_c held fixed.
     */
    void backward(float[] p, float[] weight, float scale, int columns, float[] gradient) {
        int width = 2 * latent + 1;
        for (int c = 0; c < columns; c++) {
            float a = weight[c] * scale;
            for (int j = 0; j < width; j++) {
                weightedPowers[c * width + j] = a * powers[c * width + j];
            }
        }
        // moments[n] = Σ_c a_c r_cn [z_c², z_c, 1].
        products.multiply(
                responsibility, 0, 1, ld, weightedPowers, 0, width, moments, 0, width, count, columns, width, false);
        for (int n = 0; n < count; n++) {
            float mass = moments[n * width + 2 * latent];
            for (int d = 0; d < latent; d++) {
                int e = d * ld + n;
                float mu = locT[e];
                float precision = -2f * quadratic[n * (width - 1) + d];
                float squares = moments[n * width + d];
                float firsts = moments[n * width + latent + d];
                // −∂/∂μ and −∂/∂log σ² of Σ_c a_c r_cn log N(z_c; μ_n, σ²_n).
                locGradT[e] = -precision * (firsts - mu * mass);
                logVarGradT[e] = -0.5f * (precision * (squares - 2f * mu * firsts + mu * mu * mass) - mass);
            }
        }
        encoderBackward(p, gradient);
    }

    /** A zero gradient for the pseudo-inputs: the objective does not read the VampPrior (its warm-up). */
    void noGradient(float[] gradient) {
        Arrays.fill(gradient, pseudoInputs, pseudoInputs + count * inputSize, 0f);
    }

    /** The encoder's backward pass at the pseudo-inputs, from the gradients in μ_n and log σ²_n. */
    private void encoderBackward(float[] p, float[] gradient) {
        int[] widths = mlp.encoderWidths();
        int layers = mlp.hiddenLayers();
        int top = widths[layers];
        float[] topRows = layerRows[layers];
        addWeightGradient(locGradT, topRows, latent, top, gradient, mlp.locWeight());
        addRowSums(locGradT, latent, gradient, mlp.locBias());
        addWeightGradient(logVarGradT, topRows, latent, top, gradient, mlp.logVarWeight());
        addRowSums(logVarGradT, latent, gradient, mlp.logVarBias());
        float[] topGrad = layerGradT[layers];
        products.multiply(p, mlp.locWeight(), 1, top, locGradT, 0, ld, topGrad, 0, ld, top, latent, ld, false);
        products.multiply(p, mlp.logVarWeight(), 1, top, logVarGradT, 0, ld, topGrad, 0, ld, top, latent, ld, true);
        for (int i = layers - 1; i >= 0; i--) {
            int in = widths[i];
            int out = widths[i + 1];
            float[] preGrad = layerGradT[i + 1];
            FusedElboStep.activationGradient(activation, preGrad, layerT[i + 1], out, ld);
            addWeightGradient(preGrad, layerRows[i], out, in, gradient, mlp.encoderWeight()[i]);
            addRowSums(preGrad, out, gradient, mlp.encoderBias()[i]);
            products.multiply(
                    p, mlp.encoderWeight()[i], 1, in, preGrad, 0, ld, layerGradT[i], 0, ld, in, out, ld, false);
        }
        Transpose.copy(layerGradT[0], 0, ld, inputSize, count, gradient, pseudoInputs, inputSize);
        // The clamp passes the gradient inside [0, 1], the bounds included, and stops it outside.
        int end = pseudoInputs + count * inputSize;
        int whole = end - (end - pseudoInputs) % V;
        for (int i = pseudoInputs; i < whole; i += V) {
            FloatVector u = FloatVector.fromArray(S, p, i);
            VectorMask<Float> inside = u.compare(VectorOperators.GE, 0f).and(u.compare(VectorOperators.LE, 1f));
            FloatVector.fromArray(S, gradient, i).blend(0f, inside.not()).intoArray(gradient, i);
        }
        for (int i = whole; i < end; i++) {
            float u = p[i];
            if (!(u >= 0f && u <= 1f)) {
                gradient[i] = 0f;
            }
        }
    }

    /** target[offset..] += gradT·rows: the weight gradient [out, in] from a layer's output gradient and input rows. */
    private void addWeightGradient(float[] gradT, float[] rows, int out, int in, float[] target, int offset) {
        products.multiply(gradT, 0, ld, 1, rows, 0, in, weightGradient, 0, in, out, count, in, false);
        int size = out * in;
        int whole = size - size % V;
        for (int i = 0; i < whole; i += V) {
            FloatVector.fromArray(S, target, offset + i)
                    .add(FloatVector.fromArray(S, weightGradient, i))
                    .intoArray(target, offset + i);
        }
        for (int i = whole; i < size; i++) {
            target[offset + i] += weightGradient[i];
        }
    }

    /** target[offset + r] += Σ_{n &lt; N} rowsT[r, n]. */
    private void addRowSums(float[] rowsT, int rows, float[] target, int offset) {
        FusedElboStep.rowSums(rowsT, rows, ld, count, biasGradient, 0);
        for (int r = 0; r < rows; r++) {
            target[offset + r] += biasGradient[r];
        }
    }
}
