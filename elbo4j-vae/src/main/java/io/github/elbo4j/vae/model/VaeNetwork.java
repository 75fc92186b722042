package io.github.elbo4j.vae.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import io.github.elbo4j.distributions.Bernoulli;
import io.github.elbo4j.distributions.DiagonalNormal;
import io.github.elbo4j.distributions.Distribution;
import io.github.elbo4j.distributions.StandardNormal;
import io.github.elbo4j.elbo.LikelihoodModel;
import io.github.elbo4j.math.SpecialFunctions;
import java.util.Map;

/**
 * The encoder q(z|x), the decoder p(x|z) and the prior p(z) of a {@link VaeModel}, evaluated with
 * weights bound to one computation scope (see {@link VaeModel#bind}). A conditional model's network
 * is first given the batch's one-hot conditions c ({@link #conditioned}); it then evaluates
 * q(z|x, c) and p(x|z, c), with c appended to the encoder's and the decoder's input.
 */
public final class VaeNetwork implements LikelihoodModel {

    private final VaeConfig config;
    /** The weights by their {@link VaeModel#layoutOf layout} names, e.g. {@code encoder.hidden.0.weight}. */
    private final Map<String, NDArray> weights;

    private final NDManager scope;
    private final int hiddenLayers;
    private final int convLayers;
    private static final Shape STRIDE = new Shape(Architecture.STRIDE, Architecture.STRIDE);
    private static final Shape PADDING = new Shape(Architecture.PADDING, Architecture.PADDING);
    private static final Shape DILATION = new Shape(1, 1);
    private static final Shape UNIT = new Shape(1, 1);
    private final NDArray condition;
    /** The VampPrior, built on first use (its components cost an encoder pass). */
    private VampPrior vampPrior;

    VaeNetwork(VaeConfig config, Map<String, NDArray> weights, NDManager scope) {
        this(config, weights, scope, null);
    }

    private VaeNetwork(VaeConfig config, Map<String, NDArray> weights, NDManager scope, NDArray condition) {
        this.config = config;
        this.weights = weights;
        this.scope = scope;
        this.hiddenLayers = config.hidden().length;
        this.convLayers = config.channels().length;
        this.condition = condition;
    }

    /**
     * This network given one-hot conditions of shape [B, C] for the B examples of the batch
     * (rows of {@link OneHotConditions#oneHot}); required before any use of a conditional model.
     */
    public VaeNetwork conditioned(NDArray oneHot) {
        if (!config.conditional()) {
            throw new IllegalArgumentException("the model is not conditional; it takes no condition");
        }
        if (oneHot.getShape().dimension() != 2 || oneHot.getShape().get(1) != config.conditions()) {
            throw new IllegalArgumentException(
                    "conditions must have shape [B, " + config.conditions() + "], got " + oneHot.getShape());
        }
        return new VaeNetwork(config, weights, scope, oneHot);
    }

    /**
     * The approximate posterior q(z|x) = N(μ(x), diag σ²(x)) for flattened inputs {@code x} of shape
     * [B, inputSize]; the encoder's second head is log σ².
     */
    public DiagonalNormal encode(NDArray x) {
        NDArray h = x;
        if (convLayers > 0) {
            long batch = x.getShape().get(0);
            int[] shape = config.inputShape();
            // Channel-last records [H, W, C] become the engine's [B, C, H, W].
            h = x.reshape(batch, shape[0], shape[1], config.imageChannels()).transpose(0, 3, 1, 2);
            for (int i = 0; i < convLayers; i++) {
                String layer = "encoder.conv." + i;
                h = config.activation()
                        .apply(Conv2d.conv2d(
                                        h,
                                        weight(layer + ".weight"),
                                        weight(layer + ".bias"),
                                        STRIDE,
                                        PADDING,
                                        DILATION,
                                        1)
                                .singletonOrThrow());
            }
            h = h.reshape(batch, -1);
        }
        // A conv encoder reads the condition with the flattened feature maps, an MLP with x.
        h = withCondition(h);
        for (int i = 0; i < hiddenLayers; i++) {
            h = config.activation().apply(linear(h, "encoder.hidden." + i));
        }
        NDArray loc = linear(h, "encoder.loc");
        NDArray logVariance = linear(h, "encoder.log_var");
        return DiagonalNormal.fromLogVariance(loc, logVariance);
    }

    /**
     * The decoder's raw output for latents {@code z} of shape [..., latent]: Bernoulli logits or the
     * Gaussian mean, shape [..., inputSize].
     */
    public NDArray decode(NDArray z) {
        NDArray h = withCondition(z);
        for (int i = 0; i < hiddenLayers; i++) {
            h = config.activation().apply(linear(h, "decoder.hidden." + i));
        }
        if (convLayers == 0) {
            return linear(h, "decoder.out");
        }
        Shape outer = z.getShape().slice(0, z.getShape().dimension() - 1);
        NDArray rows = h.reshape(-1, h.getShape().get(h.getShape().dimension() - 1));
        long count = rows.getShape().get(0);
        int[] channels = config.channels();
        int[][] sizes = spatialSizes();
        NDArray image = config.activation()
                .apply(linear(rows, "decoder.project"))
                .reshape(count, channels[convLayers - 1], sizes[convLayers][0], sizes[convLayers][1]);
        for (int i = convLayers - 1; i >= 0; i--) {
            // The transposed convolutions deconv.0, deconv.1, … then out, which maps back to the image.
            String layer = i > 0 ? "decoder.deconv." + (convLayers - 1 - i) : "decoder.out";
            // Transposed convolution i maps size s_{i+1} back to s_i = 2 s_{i+1} + output padding.
            Shape outPadding = new Shape(sizes[i][0] - 2L * sizes[i + 1][0], sizes[i][1] - 2L * sizes[i + 1][1]);
            image = transposedConvolution(
                    image, weight(layer + ".weight"), weight(layer + ".bias"), outPadding.get(0), outPadding.get(1));
            if (i > 0) {
                image = config.activation().apply(image);
            }
        }
        // [R, C, H, W] back to channel-last records, then to the particles' shape.
        return image.transpose(0, 2, 3, 1).reshape(outer.add(config.inputSize()));
    }

    /**
     * PyTorch's {@code ConvTranspose2d} with stride 2, padding 1, a 4×4 kernel of layout
     * [in, out, kh, kw] and output padding (oh, ow), output [R, out, 2h + oh, 2w + ow]. DJL's
     * PyTorch engine has no transposed convolution, so it is computed as one ordinary convolution
     * by output phase (sub-pixel convolution). Output row 2m takes input rows m − 1 and m with
     * kernel rows 3 and 1, output row 2m + 1 input rows m and m + 1 with kernel rows 2 and 0: each
     * of the four (row, column) parities is a stride-1 convolution with a 2×2 sub-kernel of the
     * input padded by 1, and the four sub-kernels together use every weight exactly once. One
     * convolution with 4·out output channels computes them on the (h + 1) × (w + 1) positions,
     * interleaving puts them in place, and cropping the first row and column (and the last, without
     * output padding) gives the output. That is the direct transposed convolution's work (times
     * (h + 1)(w + 1)/hw), where the zero-upsampled input it equals would cost four times as much.
     */
    static NDArray transposedConvolution(NDArray x, NDArray weight, NDArray bias, long oh, long ow) {
        Shape s = x.getShape();
        long r = s.get(0);
        long h = s.get(2);
        long w = s.get(3);
        long in = weight.getShape().get(0);
        long out = weight.getShape().get(1);
        // Kernel row kh = 2q + t goes to phase p = t (0: odd output rows, 1: even) at tap 1 − q;
        // the same for columns. The sub-kernels stacked by (row phase, column phase, out channel):
        NDArray kernel = weight.reshape(in, out, 2, 2, 2, 2)
                .flip(2, 4)
                .transpose(3, 5, 1, 0, 2, 4)
                .reshape(4 * out, in, 2, 2);
        NDArray phases =
                Conv2d.conv2d(x, kernel, bias.tile(4), UNIT, UNIT, DILATION, 1).singletonOrThrow();
        // Phase p at position i is output row 2i − 1 + p: interleave, then drop the row before the first.
        NDArray interleaved = phases.reshape(r, 2, 2, out, h + 1, w + 1)
                .transpose(0, 3, 4, 1, 5, 2)
                .reshape(r, out, 2 * h + 2, 2 * w + 2);
        return interleaved.get(new NDIndex(":, :, 1:{}, 1:{}", 2 * h + 1 + oh, 2 * w + 1 + ow));
    }

    /** s_0 = [H, W] and s_{i+1} = the size after convolution i, for i up to the last layer. */
    private int[][] spatialSizes() {
        int[][] sizes = new int[convLayers + 1][];
        int[] shape = config.inputShape();
        sizes[0] = new int[] {shape[0], shape[1]};
        for (int i = 0; i < convLayers; i++) {
            sizes[i + 1] = new int[] {Architecture.convolved(sizes[i][0]), Architecture.convolved(sizes[i][1])};
        }
        return sizes;
    }

    /**
     * The mean of p(x|z): Bernoulli probabilities, the Gaussian mean, or for a tabular record the
     * numeric means, binary probabilities and each one-hot group's class probabilities.
     */
    public NDArray decodeMean(NDArray z) {
        if (config.likelihood().tabular()) {
            return likelihood(z).mean();
        }
        NDArray out = decode(z);
        return config.likelihood() == Likelihood.BERNOULLI
                ? out.getNDArrayInternal().sigmoid()
                : out;
    }

    @Override
    public Distribution likelihood(NDArray z) {
        NDArray out = decode(z);
        return switch (config.likelihood()) {
            case BERNOULLI -> new Bernoulli(out);
            case GAUSSIAN ->
                DiagonalNormal.fromLogScale(out, out.zerosLike().addi((float) Math.log(config.gaussianScale())));
            case GAUSSIAN_LEARNED, GAUSSIAN_PER_FEATURE ->
                DiagonalNormal.fromLogScale(out, learnedLogScale(out).broadcast(out.getShape()));
            case CATEGORICAL, TABULAR ->
                new TabularLikelihood(out, config.learnedScales() > 0 ? learnedLogScale(out) : null, config.tabular());
        };
    }

    /** The learned log σ ([1], [features] or [numeric columns]), floored at log {@link Likelihood#MIN_LEARNED_SCALE}. */
    private NDArray learnedLogScale(NDArray like) {
        return weight(VaeModel.LOG_SCALE)
                .maximum(SpecialFunctions.scalar(like, Math.log(Likelihood.MIN_LEARNED_SCALE)));
    }

    /**
     * The prior p(z): N(0, I), or the {@link VampPrior} whose components are this network's
     * encoder at the pseudo-inputs clamped to [0, 1] (computed once per network).
     */
    public Distribution prior() {
        if (config.prior() == LatentPrior.NORMAL) {
            return new StandardNormal(scope, config.latent());
        }
        if (vampPrior == null) {
            NDArray raw = weight(VaeModel.PSEUDO_INPUTS);
            // clip is torch.clamp: the gradient passes at 0 and 1 themselves, where data-initialized
            // pseudo-inputs start (maximum/minimum would halve it there).
            NDArray pseudoInputs = raw.clip(0.0, 1.0);
            vampPrior = new VampPrior(encode(pseudoInputs));
        }
        return vampPrior;
    }

    /** The one-hot conditions this network was given, or null. */
    public NDArray condition() {
        return condition;
    }

    /** {@code input} of shape [..., B, F] with the conditions appended: [..., B, F + C]. */
    private NDArray withCondition(NDArray input) {
        if (!config.conditional()) {
            return input;
        }
        if (condition == null) {
            throw new IllegalStateException("a conditional model needs conditions: use network.conditioned(oneHot)");
        }
        Shape shape = input.getShape();
        NDArray c = condition;
        if (shape.dimension() > 2) {
            // Particles [K, B, F]: every particle of an example shares its condition.
            Shape target = shape.slice(0, shape.dimension() - 1).add(config.conditions());
            c = condition.broadcast(target);
        }
        return NDArrays.concat(new NDList(input, c), -1);
    }

    /** The affine layer {@code layer} ({@code layer.weight}, {@code layer.bias}) applied to {@code input}. */
    private NDArray linear(NDArray input, String layer) {
        return Linear.linear(input, weight(layer + ".weight"), weight(layer + ".bias"))
                .singletonOrThrow();
    }

    private NDArray weight(String name) {
        NDArray w = weights.get(name);
        if (w == null) {
            throw new IllegalStateException("no weight " + name + " in the model's layout");
        }
        return w;
    }
}
