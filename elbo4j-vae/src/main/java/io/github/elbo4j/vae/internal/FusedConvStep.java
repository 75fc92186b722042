package io.github.elbo4j.vae.internal;

import io.github.elbo4j.vae.model.Activation;
import io.github.elbo4j.vae.model.Architecture;
import io.github.elbo4j.vae.model.ParameterLayout;
import io.github.elbo4j.vae.model.VaeConfig;
import io.github.elbo4j.vae.model.VaeModel;
import io.github.elbo4j.vae.objective.BatchElbo;
import io.github.elbo4j.vae.objective.ElboStep;
import io.github.elbo4j.vae.objective.StepFactory;
import io.github.elbo4j.vae.objective.TrainingObjective;
import java.util.Arrays;
import jdk.incubator.vector.VectorSpecies;

/**
 * The training step of a convolutional VAE written out by hand on JVM arrays: the same ELBO and
 * gradient as {@link ElboStep} for the models {@link StepFactory}'s allow-lists admit, with no
 * engine call. The network is {@link Architecture#CONV}'s: stride-2 convolutions, the fully
 * connected hidden layers and the two heads, and a decoder of hidden layers, a projection back to
 * the last feature maps and transposed convolutions, the last one without activation.
 *
 * <p>Each (transposed) convolution is a {@link Gemm} product over {@link ConvKernels}' im2col
 * matrix, with every example of the batch in its columns, taken a tile of positions at a time so
 * that each tile of the matrix is still in cache when the product reads it: a convolution is
 * W·im2col(maps), a transposed convolution col2im(Wᵀ·maps) (the convolution's
 * adjoint, as PyTorch defines it), and their gradients are the same two forms exchanged: for a
 * convolution dW = dOut·im2col(maps)ᵀ and dMaps = col2im(Wᵀ·dOut), for a transposed convolution
 * dW = maps·im2col(dOut)ᵀ and dMaps = W·im2col(dOut). Feature maps are {@link ConvKernels}'
 * planes [C, H·W, B]; the fully connected layers are feature-major [features, ld] as in
 * {@link FusedElboStep}, with batch-major copies of their inputs for the weight gradients. Products
 * of the form A·Bᵀ with the batch's positions as the summed index take the batch-major transpose
 * of the smaller factor (the maps, not their im2col matrix). Padding columns hold finite leftovers
 * that no sum reads.
 *
 * <p>Supports the ELBO objective (any KL weight, free bits) with the N(0, I) prior, the tanh, ReLU
 * and softplus activations and the Bernoulli and Gaussian likelihoods (fixed or learned σ), for
 * unconditional models ({@link StepFactory#fusedStepSupports}). Not thread-safe: one instance per
 * run.
 */
public final class FusedConvStep {

    private static final VectorSpecies<Float> S = VectorMath.S;
    private static final int V = S.length();
    private static final int K = ConvKernels.TAPS;
    /**
     * The floats of an im2col tile, 2 MB: ten positions of the 32→64 convolution of a batch of 100.
     * Tiles of 0.5, 1 and 2 MB took about the same CPU time per step on one thread (12–20% less
     * than the whole matrix), and the larger ones need fewer hand-overs among threads.
     */
    private static final int TILE_FLOATS = 1 << 19;

    private final int inputSize;
    private final int latent;
    private final int maxBatch;
    private final Activation activation;
    private final OutputLikelihood likelihood;
    private final double freeBits;
    /** Computes the matrix products, on one thread or shared by rows. */
    private final ParallelGemm products;

    /** Channels C_i of the maps: the image's, then each convolution's. */
    private final int[] channels;
    /** Heights and widths of the maps, the image's first. */
    private final int[] heights;

    private final int[] widths;
    /** Offsets of the convolutions' weights [C_{i+1}, C_i·16] and biases. */
    private final int[] convWeight;

    private final int[] convBias;
    /**
     * Offsets of the transposed convolutions' weights [C_{i+1}, C_i·16] and biases, indexed by the
     * layer they map to: i = 0 is the output layer.
     */
    private final int[] deconvWeight;

    private final int[] deconvBias;
    /** The fully connected layers: the encoder's hidden layers and heads, the decoder's hidden layers and projection. */
    private final Dense[] encoderHidden;

    private final Dense loc;
    private final Dense logVar;
    private final Dense[] decoderLayers;
    /** D, the flattened maps' width: C_L·H_L·W_L. */
    private final int dense;

    /** The encoder's and decoder's maps [C_i, ld_i] and their gradients. */
    private final float[][] encoderMaps;

    private final float[][] encoderMapGrad;
    private final float[][] decoderMaps;
    private final float[][] decoderMapGrad;
    /**
     * Output positions per tile of convolution i: the im2col matrix is computed and multiplied a
     * tile of positions at a time, [C_i·16, positions·B] in {@link #tile}, small enough to stay in
     * the core's cache between its computation and its product (the whole matrix, 10 MB for the
     * 32→64 convolution of a batch of 100, went through memory at each use).
     */
    private final int[] tilePositions;
    /** One tile of an im2col matrix, or of Wᵀ·maps before col2im. */
    private final float[] tile;
    /** Batch-major maps [positions·B, C] for a weight gradient, and a weight gradient before transposition. */
    private final float[] mapRows;

    private final float[] weightT;
    /** Feature-major activations of the fully connected layers (input first) and their gradients. */
    private final float[][] encoderT;

    private final float[][] encoderGradT;
    private final float[][] encoderRows;
    private final float[][] decoderT;
    private final float[][] decoderGradT;
    private final float[][] decoderRows;
    private final float[] xT;
    private final float[] outputT;
    private final float[] outputGradT;
    private final float[] locT;
    private final float[] logVarT;
    private final float[] sigmaT;
    private final float[] locGradT;
    private final float[] logVarGradT;
    private final float[] noiseT;
    private final float[] logLikelihood;
    private final float[] columnWeight;
    private final double[] klPerDimension;
    private final float[] klGradientWeight;

    /** A fully connected layer [out, in] at {@code weight}, its bias at {@code bias}. */
    private record Dense(int in, int out, int weight, int bias) {}

    /** The step for {@code config}'s model, {@code objective} and batches of at most {@code maxBatch} rows, on one thread. */
    public FusedConvStep(VaeConfig config, TrainingObjective objective, int maxBatch) {
        this(config, objective, maxBatch, new ParallelGemm(1));
    }

    /** As {@link #FusedConvStep(VaeConfig, TrainingObjective, int)}, the products shared by {@code products}. */
    public FusedConvStep(VaeConfig config, TrainingObjective objective, int maxBatch, ParallelGemm products) {
        this(config, objective, maxBatch, products, TILE_FLOATS);
    }

    /** As above, with tiles of about {@code tileFloats} floats (at least one position each). */
    FusedConvStep(VaeConfig config, TrainingObjective objective, int maxBatch, ParallelGemm products, int tileFloats) {
        if (!StepFactory.fusedStepSupports(config, objective, maxBatch) || config.architecture() != Architecture.CONV) {
            throw new IllegalArgumentException(
                    "the fused convolutional step does not support this model, objective or batch size");
        }
        this.products = products;
        this.inputSize = config.inputSize();
        this.latent = config.latent();
        this.maxBatch = maxBatch;
        this.activation = config.activation();
        this.freeBits = objective.match(TrainingObjective.Elbo::freeBits, iwae -> 0.0);
        ParameterLayout layout = VaeModel.layoutOf(config);
        this.likelihood =
                OutputLikelihood.of(config, config.learnedScales() > 0 ? offset(layout, "decoder.log_scale") : -1);

        int[] conv = config.channels();
        int layers = conv.length;
        channels = new int[layers + 1];
        heights = new int[layers + 1];
        widths = new int[layers + 1];
        channels[0] = config.imageChannels();
        heights[0] = config.inputShape()[0];
        widths[0] = config.inputShape()[1];
        for (int i = 0; i < layers; i++) {
            channels[i + 1] = conv[i];
            heights[i + 1] = Architecture.convolved(heights[i]);
            widths[i + 1] = Architecture.convolved(widths[i]);
        }
        convWeight = new int[layers];
        convBias = new int[layers];
        deconvWeight = new int[layers];
        deconvBias = new int[layers];
        for (int i = 0; i < layers; i++) {
            convWeight[i] = offset(layout, "encoder.conv." + i + ".weight");
            convBias[i] = offset(layout, "encoder.conv." + i + ".bias");
            String deconv = i == 0 ? "decoder.out" : "decoder.deconv." + (layers - 1 - i);
            deconvWeight[i] = offset(layout, deconv + ".weight");
            deconvBias[i] = offset(layout, deconv + ".bias");
        }
        this.dense = config.denseInputSize();
        int[] hidden = config.hidden();
        encoderHidden = new Dense[hidden.length];
        int in = dense;
        for (int i = 0; i < hidden.length; i++) {
            encoderHidden[i] = dense(layout, "encoder.hidden." + i, in, hidden[i]);
            in = hidden[i];
        }
        loc = dense(layout, "encoder.loc", in, latent);
        logVar = dense(layout, "encoder.log_var", in, latent);
        decoderLayers = new Dense[hidden.length + 1];
        in = latent;
        for (int i = 0; i < hidden.length; i++) {
            decoderLayers[i] = dense(layout, "decoder.hidden." + i, in, hidden[hidden.length - 1 - i]);
            in = hidden[hidden.length - 1 - i];
        }
        decoderLayers[hidden.length] = dense(layout, "decoder.project", in, dense);

        int ld = ColumnKernels.padded(maxBatch);
        encoderMaps = new float[layers + 1][];
        encoderMapGrad = new float[layers + 1][];
        decoderMaps = new float[layers + 1][];
        decoderMapGrad = new float[layers + 1][];
        tilePositions = new int[layers];
        int tileSize = 0;
        int rows = 0;
        int weights = 0;
        for (int i = 0; i <= layers; i++) {
            int size = channels[i] * mapStride(i, maxBatch);
            encoderMaps[i] = new float[size];
            encoderMapGrad[i] = i == 0 ? null : new float[size];
            decoderMaps[i] = new float[size];
            decoderMapGrad[i] = new float[size];
            if (i < layers) {
                int perPosition = channels[i] * K * maxBatch;
                tilePositions[i] = Math.max(1, Math.min(positions(i + 1), tileFloats / perPosition));
                tileSize = Math.max(tileSize, tilePositions[i] * perPosition);
                rows = Math.max(rows, positions(i + 1) * maxBatch * channels[i + 1]);
                weights = Math.max(weights, channels[i] * K * channels[i + 1]);
            }
        }
        tile = new float[tileSize];
        mapRows = new float[rows];
        weightT = new float[weights];
        encoderT = new float[hidden.length + 1][];
        encoderGradT = new float[hidden.length + 1][];
        encoderRows = new float[hidden.length + 1][];
        encoderT[0] = new float[dense * ld];
        encoderGradT[0] = new float[dense * ld];
        encoderRows[0] = new float[maxBatch * dense];
        for (int i = 0; i < hidden.length; i++) {
            encoderT[i + 1] = new float[hidden[i] * ld];
            encoderGradT[i + 1] = new float[hidden[i] * ld];
            encoderRows[i + 1] = new float[maxBatch * hidden[i]];
        }
        decoderT = new float[hidden.length + 2][];
        decoderGradT = new float[hidden.length + 2][];
        decoderRows = new float[hidden.length + 1][];
        decoderT[0] = new float[latent * ld];
        decoderGradT[0] = new float[latent * ld];
        decoderRows[0] = new float[maxBatch * latent];
        for (int i = 0; i <= hidden.length; i++) {
            int out = decoderLayers[i].out();
            decoderT[i + 1] = new float[out * ld];
            decoderGradT[i + 1] = new float[out * ld];
            if (i < hidden.length) {
                decoderRows[i + 1] = new float[maxBatch * out];
            }
        }
        xT = new float[inputSize * ld];
        outputT = new float[inputSize * ld];
        outputGradT = new float[inputSize * ld];
        locT = new float[latent * ld];
        logVarT = new float[latent * ld];
        sigmaT = new float[latent * ld];
        locGradT = new float[latent * ld];
        logVarGradT = new float[latent * ld];
        noiseT = new float[latent * ld];
        logLikelihood = new float[ld];
        columnWeight = new float[ld];
        klPerDimension = new double[latent];
        klGradientWeight = new float[latent];
    }

    /**
     * Whether every buffer of the step for {@code config}'s convolutional model and batches of up
     * to {@code maxBatch} rows fits in a Java array.
     */
    public static boolean fits(VaeConfig config, int maxBatch) {
        int[] conv = config.channels();
        long h = config.inputShape()[0];
        long w = config.inputShape()[1];
        long in = config.imageChannels();
        long largest = Math.max((long) config.inputSize(), config.denseInputSize()) * ColumnKernels.padded(maxBatch);
        largest = Math.max(largest, in * (h * w * maxBatch + V));
        for (int c : conv) {
            h = Architecture.convolved((int) h);
            w = Architecture.convolved((int) w);
            // The maps (and their batch-major rows), and an im2col tile of one position.
            largest = Math.max(largest, c * (h * w * maxBatch + V));
            largest = Math.max(largest, in * K * maxBatch);
            in = c;
        }
        return largest <= Integer.MAX_VALUE - V;
    }

    /**
     * One step: writes the gradient of the loss −(1/B) Σ_b ELBO_w(x_b) (KL weight w, free bits as
     * in {@link ElboStep}) with respect to {@code parameters} into {@code gradient}, and returns
     * the batch's plain ELBO sums as {@link ElboStep} reports them, with a NaN ELBO when some
     * gradient entry is not finite.
     *
     * @param parameters the flat parameters, in {@link VaeModel#layoutOf} order
     * @param x the batch, row-major [batch, inputSize], images channel-last
     * @param noise standard normal noise, row-major [batch, latent]
     * @param batch number of examples B, at most the constructor's {@code maxBatch}
     * @param klWeight w = β·a(t)
     * @param gradient receives the gradient, same layout as {@code parameters}
     */
    public BatchElbo compute(
            float[] parameters, float[] x, float[] noise, int batch, double klWeight, float[] gradient) {
        if (batch < 1 || batch > maxBatch) {
            throw new IllegalArgumentException("batch of " + batch + " rows; this step takes 1 to " + maxBatch);
        }
        float[] p = parameters;
        int ld = ColumnKernels.padded(batch);
        int layers = convWeight.length;

        // The encoder: the image as planes, the convolutions, the flattened maps, the dense layers.
        Transpose.copy(x, 0, inputSize, batch, inputSize, xT, 0, ld);
        ConvKernels.fromFeatures(
                xT, ld, 1, channels[0], encoderMaps[0], mapStride(0, batch), channels[0], positions(0), batch);
        for (int i = 0; i < layers; i++) {
            convolve(p, i, batch);
        }
        ConvKernels.toFeatures(
                encoderMaps[layers],
                mapStride(layers, batch),
                channels[layers],
                positions(layers),
                batch,
                encoderT[0],
                ld,
                positions(layers),
                1);
        Transpose.copy(encoderT[0], 0, ld, dense, batch, encoderRows[0], 0, dense);
        for (int i = 0; i < encoderHidden.length; i++) {
            denseForward(p, encoderHidden[i], encoderT[i], encoderT[i + 1], encoderRows[i + 1], batch, ld, true);
        }
        float[] top = encoderT[encoderHidden.length];
        denseForward(p, loc, top, locT, null, batch, ld, false);
        denseForward(p, logVar, top, logVarT, null, batch, ld, false);

        // z = μ + σ ε, then the decoder: dense layers, the projection, the transposed convolutions.
        Transpose.copy(noise, 0, latent, batch, latent, noiseT, 0, ld);
        float[] z = decoderT[0];
        GaussianLatent.sample(locT, logVarT, noiseT, latent, ld, 1, sigmaT, z);
        Transpose.copy(z, 0, ld, latent, batch, decoderRows[0], 0, latent);
        for (int i = 0; i < decoderLayers.length; i++) {
            denseForward(
                    p,
                    decoderLayers[i],
                    decoderT[i],
                    decoderT[i + 1],
                    i + 1 < decoderLayers.length ? decoderRows[i + 1] : null,
                    batch,
                    ld,
                    true);
        }
        ConvKernels.fromFeatures(
                decoderT[decoderLayers.length],
                ld,
                positions(layers),
                1,
                decoderMaps[layers],
                mapStride(layers, batch),
                channels[layers],
                positions(layers),
                batch);
        for (int i = layers - 1; i >= 0; i--) {
            transposedConvolve(p, i, batch);
        }
        ConvKernels.toFeatures(
                decoderMaps[0], mapStride(0, batch), channels[0], positions(0), batch, outputT, ld, 1, channels[0]);

        // The reported sums and the loss's weights.
        Arrays.fill(logLikelihood, 0, ld, 0f);
        likelihood.addLogLikelihood(p, outputT, xT, ld, logLikelihood);
        double reconstruction = 0;
        for (int b = 0; b < batch; b++) {
            reconstruction += logLikelihood[b];
        }
        double kl = GaussianLatent.kl(locT, logVarT, sigmaT, latent, ld, batch, klPerDimension);
        GaussianLatent.klGradientWeights(klPerDimension, latent, batch, freeBits, klWeight, klGradientWeight);
        Arrays.fill(columnWeight, 0, ld, 0f);
        Arrays.fill(columnWeight, 0, batch, 1f / batch);

        // The decoder's backward pass, from the output down to z.
        likelihood.gradient(p, outputT, xT, columnWeight, ld, outputGradT, gradient);
        ConvKernels.fromFeatures(
                outputGradT,
                ld,
                1,
                channels[0],
                decoderMapGrad[0],
                mapStride(0, batch),
                channels[0],
                positions(0),
                batch);
        for (int i = 0; i < layers; i++) {
            if (i > 0) {
                FusedElboStep.activationGradient(
                        activation, decoderMapGrad[i], decoderMaps[i], channels[i], mapStride(i, batch));
            }
            transposedConvolveBackward(p, i, batch, gradient);
        }
        FusedElboStep.activationGradient(
                activation, decoderMapGrad[layers], decoderMaps[layers], channels[layers], mapStride(layers, batch));
        int last = decoderLayers.length;
        ConvKernels.toFeatures(
                decoderMapGrad[layers],
                mapStride(layers, batch),
                channels[layers],
                positions(layers),
                batch,
                decoderGradT[last],
                ld,
                positions(layers),
                1);
        for (int i = last - 1; i >= 0; i--) {
            if (i < last - 1) {
                FusedElboStep.activationGradient(
                        activation, decoderGradT[i + 1], decoderT[i + 1], decoderLayers[i].out(), ld);
            }
            denseBackward(
                    p,
                    decoderLayers[i],
                    decoderGradT[i + 1],
                    decoderRows[i],
                    decoderGradT[i],
                    batch,
                    ld,
                    gradient,
                    false);
        }

        // Through z = μ + σ ε and the analytic KL.
        GaussianLatent.elboGradient(
                decoderGradT[0], locT, sigmaT, noiseT, klGradientWeight, latent, ld, locGradT, logVarGradT);

        // The encoder's backward pass, from the heads down to the first convolution.
        int topLayer = encoderHidden.length;
        float[] topRows = encoderRows[topLayer];
        denseBackward(p, loc, locGradT, topRows, encoderGradT[topLayer], batch, ld, gradient, false);
        denseBackward(p, logVar, logVarGradT, topRows, encoderGradT[topLayer], batch, ld, gradient, true);
        for (int i = topLayer - 1; i >= 0; i--) {
            FusedElboStep.activationGradient(
                    activation, encoderGradT[i + 1], encoderT[i + 1], encoderHidden[i].out(), ld);
            denseBackward(
                    p,
                    encoderHidden[i],
                    encoderGradT[i + 1],
                    encoderRows[i],
                    encoderGradT[i],
                    batch,
                    ld,
                    gradient,
                    false);
        }
        ConvKernels.fromFeatures(
                encoderGradT[0],
                ld,
                positions(layers),
                1,
                encoderMapGrad[layers],
                mapStride(layers, batch),
                channels[layers],
                positions(layers),
                batch);
        for (int i = layers - 1; i >= 0; i--) {
            FusedElboStep.activationGradient(
                    activation, encoderMapGrad[i + 1], encoderMaps[i + 1], channels[i + 1], mapStride(i + 1, batch));
            convolveBackward(p, i, batch, gradient);
        }
        return new BatchElbo(FusedElboStep.allFinite(gradient) ? reconstruction - kl : Double.NaN, reconstruction, kl);
    }

    /**
     * Convolution i of the encoder: maps i to act(W·im2col(maps i) + b), maps i + 1, the product a
     * tile of output positions at a time.
     */
    private void convolve(float[] p, int i, int batch) {
        int in = channels[i] * K;
        int ld = mapStride(i + 1, batch);
        for (int from = 0; from < positions(i + 1); from += tilePositions[i]) {
            int width = im2colTile(encoderMaps[i], i, from, batch);
            products.multiply(
                    p,
                    convWeight[i],
                    in,
                    1,
                    tile,
                    0,
                    width,
                    encoderMaps[i + 1],
                    from * batch,
                    ld,
                    channels[i + 1],
                    in,
                    width,
                    false);
        }
        ColumnKernels.activate(activation, encoderMaps[i + 1], p, convBias[i], channels[i + 1], ld);
    }

    /**
     * Convolution i's gradients from that at its output (activation's derivative applied):
     * dW = dOut·im2col(maps i)ᵀ, db = Σ dOut, and for i &gt; 0 the gradient at maps i,
     * col2im(Wᵀ·dOut), tile by tile (im2col computed again, which is cheaper than keeping it).
     */
    private void convolveBackward(float[] p, int i, int batch, float[] gradient) {
        int in = channels[i] * K;
        int out = channels[i + 1];
        int ld = mapStride(i + 1, batch);
        float[] outGrad = encoderMapGrad[i + 1];
        FusedElboStep.rowSums(outGrad, out, ld, positions(i + 1) * batch, gradient, convBias[i]);
        transposeMaps(outGrad, out, ld, positions(i + 1) * batch);
        if (i > 0) {
            Arrays.fill(encoderMapGrad[i], 0, channels[i] * mapStride(i, batch), 0f);
        }
        for (int from = 0; from < positions(i + 1); from += tilePositions[i]) {
            int width = im2colTile(encoderMaps[i], i, from, batch);
            products.multiply(
                    tile, 0, width, 1, mapRows, from * batch * out, out, weightT, 0, out, in, width, out, from > 0);
            if (i > 0) {
                products.multiply(
                        p, convWeight[i], 1, in, outGrad, from * batch, ld, tile, 0, width, in, out, width, false);
                col2imTile(i, from, batch, encoderMapGrad[i]);
            }
        }
        storeWeightGradient(in, out, gradient, convWeight[i]);
    }

    /**
     * The transposed convolution into maps i of the decoder: col2im(Wᵀ·maps i + 1) + b, with the
     * activation except for the output layer (i = 0), a tile of input positions at a time.
     */
    private void transposedConvolve(float[] p, int i, int batch) {
        int cols = channels[i] * K;
        int ld = mapStride(i + 1, batch);
        int outLd = mapStride(i, batch);
        Arrays.fill(decoderMaps[i], 0, channels[i] * outLd, 0f);
        for (int from = 0; from < positions(i + 1); from += tilePositions[i]) {
            int width = tileWidth(i, from, batch);
            products.multiply(
                    p,
                    deconvWeight[i],
                    1,
                    cols,
                    decoderMaps[i + 1],
                    from * batch,
                    ld,
                    tile,
                    0,
                    width,
                    cols,
                    channels[i + 1],
                    width,
                    false);
            col2imTile(i, from, batch, decoderMaps[i]);
        }
        if (i > 0) {
            ColumnKernels.activate(activation, decoderMaps[i], p, deconvBias[i], channels[i], outLd);
        } else {
            ColumnKernels.addBias(decoderMaps[i], p, deconvBias[i], channels[i], outLd);
        }
    }

    /**
     * The transposed convolution into maps i: from the gradient at its output (activation's
     * derivative applied), dW = maps·im2col(dOut)ᵀ, db = Σ dOut and the gradient at its input,
     * W·im2col(dOut), tile by tile.
     */
    private void transposedConvolveBackward(float[] p, int i, int batch, float[] gradient) {
        int cols = channels[i] * K;
        int in = channels[i + 1];
        int ld = mapStride(i + 1, batch);
        float[] outGrad = decoderMapGrad[i];
        FusedElboStep.rowSums(outGrad, channels[i], mapStride(i, batch), positions(i) * batch, gradient, deconvBias[i]);
        transposeMaps(decoderMaps[i + 1], in, ld, positions(i + 1) * batch);
        for (int from = 0; from < positions(i + 1); from += tilePositions[i]) {
            int width = im2colTile(outGrad, i, from, batch);
            products.multiply(
                    tile, 0, width, 1, mapRows, from * batch * in, in, weightT, 0, in, cols, width, in, from > 0);
            products.multiply(
                    p,
                    deconvWeight[i],
                    cols,
                    1,
                    tile,
                    0,
                    width,
                    decoderMapGrad[i + 1],
                    from * batch,
                    ld,
                    in,
                    cols,
                    width,
                    false);
        }
        storeWeightGradient(cols, in, gradient, deconvWeight[i]);
    }

    /** Columns of the tile of layer i's positions from {@code from}: whole positions of B examples each. */
    private int tileWidth(int i, int from, int batch) {
        return (Math.min(positions(i + 1), from + tilePositions[i]) - from) * batch;
    }

    /**
     * im2col of {@code maps} (size and channels of maps i) into {@link #tile} for the tile of
     * output positions from {@code from}, its channels shared by the team; returns its width.
     */
    private int im2colTile(float[] maps, int i, int from, int batch) {
        int width = tileWidth(i, from, batch);
        int to = from + width / batch;
        int ld = mapStride(i, batch);
        products.forRange(
                channels[i],
                (c0, c1) -> ConvKernels.im2col(
                        maps, ld, c0, c1, batch, heights[i], widths[i], widths[i + 1], from, to, tile, width));
        return width;
    }

    /** col2im of {@link #tile} for the tile of positions from {@code from}, added to {@code maps} (maps i's size). */
    private void col2imTile(int i, int from, int batch, float[] maps) {
        int width = tileWidth(i, from, batch);
        int to = from + width / batch;
        int ld = mapStride(i, batch);
        products.forRange(
                channels[i],
                (c0, c1) -> ConvKernels.col2im(
                        tile, width, c0, c1, batch, heights[i], widths[i], widths[i + 1], from, to, maps, ld));
    }

    /** {@code mapsT} [channels, ld] transposed to batch-major rows [columns, channels] in {@link #mapRows}. */
    private void transposeMaps(float[] mapsT, int channels, int ld, int columns) {
        products.forRange(
                columns,
                (from, to) -> Transpose.copy(mapsT, from, ld, channels, to - from, mapRows, from * channels, channels));
    }

    /**
     * A weight gradient summed in {@link #weightT} as [colRows, channels], stored transposed in
     * {@code gradient} at {@code offset}: [channels, colRows], a convolution's [out, in·16] and a
     * transposed convolution's [in, out·16] alike.
     */
    private void storeWeightGradient(int colRows, int channels, float[] gradient, int offset) {
        Transpose.copy(weightT, 0, channels, colRows, channels, gradient, offset, colRows);
    }

    /** A fully connected layer's forward pass over {@code ld} columns, with batch-major rows of its output when {@code rows} is given. */
    private void denseForward(
            float[] p, Dense layer, float[] inputT, float[] outT, float[] rows, int batch, int ld, boolean activate) {
        products.multiply(
                p, layer.weight(), layer.in(), 1, inputT, 0, ld, outT, 0, ld, layer.out(), layer.in(), ld, false);
        if (activate) {
            ColumnKernels.activate(activation, outT, p, layer.bias(), layer.out(), ld);
        } else {
            ColumnKernels.addBias(outT, p, layer.bias(), layer.out(), ld);
        }
        if (rows != null) {
            Transpose.copy(outT, 0, ld, layer.out(), batch, rows, 0, layer.out());
        }
    }

    /**
     * A fully connected layer's backward pass from the gradient at its pre-activation: weight and
     * bias gradients from the input's batch-major rows, and the gradient at its input (added to
     * {@code inputGradT} when {@code accumulate}).
     */
    private void denseBackward(
            float[] p,
            Dense layer,
            float[] preGradT,
            float[] inputRows,
            float[] inputGradT,
            int batch,
            int ld,
            float[] gradient,
            boolean accumulate) {
        int in = layer.in();
        int out = layer.out();
        products.multiply(preGradT, 0, ld, 1, inputRows, 0, in, gradient, layer.weight(), in, out, batch, in, false);
        FusedElboStep.rowSums(preGradT, out, ld, batch, gradient, layer.bias());
        products.multiply(p, layer.weight(), 1, in, preGradT, 0, ld, inputGradT, 0, ld, in, out, ld, accumulate);
    }

    /** Positions H_i·W_i of maps i. */
    private int positions(int i) {
        return heights[i] * widths[i];
    }

    /** The row stride of maps i for a batch: their positions·B columns padded to whole vectors. */
    private int mapStride(int i, int batch) {
        return ColumnKernels.padded(positions(i) * batch);
    }

    private static Dense dense(ParameterLayout layout, String name, int in, int out) {
        return new Dense(in, out, offset(layout, name + ".weight"), offset(layout, name + ".bias"));
    }

    private static int offset(ParameterLayout layout, String name) {
        return Math.toIntExact(layout.entry(name).offset());
    }
}
