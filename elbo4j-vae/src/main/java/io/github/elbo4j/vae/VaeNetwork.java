package io.github.elbo4j.vae;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.core.Linear;
import io.github.elbo4j.distributions.Bernoulli;
import io.github.elbo4j.distributions.DiagonalNormal;
import io.github.elbo4j.distributions.Distribution;
import io.github.elbo4j.distributions.StandardNormal;
import io.github.elbo4j.elbo.LikelihoodModel;
import io.github.elbo4j.math.SpecialFunctions;

/**
 * The encoder q(z|x), the decoder p(x|z) and the prior p(z) of a {@link VaeModel}, evaluated with
 * weights bound to one computation scope (see {@link VaeModel#bind}). A conditional model's network
 * is first given the batch's one-hot conditions c ({@link #conditioned}); it then evaluates
 * q(z|x, c) and p(x|z, c), with c appended to the encoder's and the decoder's input.
 */
public final class VaeNetwork implements LikelihoodModel {

    private final VaeConfig config;
    private final NDArray[] weights;
    private final NDManager scope;
    private final int hiddenLayers;
    private final NDArray condition;
    /** The VampPrior, built on first use (its components cost an encoder pass). */
    private VampPrior vampPrior;

    VaeNetwork(VaeConfig config, NDArray[] weights, NDManager scope) {
        this(config, weights, scope, null);
    }

    private VaeNetwork(VaeConfig config, NDArray[] weights, NDManager scope, NDArray condition) {
        this.config = config;
        this.weights = weights;
        this.scope = scope;
        this.hiddenLayers = config.hidden().length;
        this.condition = condition;
    }

    /**
     * This network given one-hot conditions of shape [B, C] for the B examples of the batch
     * (rows of {@link Conditions#oneHot}); required before any use of a conditional model.
     */
    public VaeNetwork conditioned(NDArray oneHot) {
        if (!config.conditional()) {
            throw new IllegalArgumentException("the model is not conditional; it takes no condition");
        }
        if (oneHot.getShape().dimension() != 2 || oneHot.getShape().get(1) != config.conditions()) {
            throw new IllegalArgumentException("conditions must have shape [B, " + config.conditions() + "], got "
                    + oneHot.getShape());
        }
        return new VaeNetwork(config, weights, scope, oneHot);
    }

    /**
     * The approximate posterior q(z|x) = N(μ(x), diag σ²(x)) for flattened inputs {@code x} of shape
     * [B, inputSize]; the encoder's second head is log σ².
     */
    public DiagonalNormal encode(NDArray x) {
        NDArray h = withCondition(x);
        int w = 0;
        for (int i = 0; i < hiddenLayers; i++, w += 2) {
            h = config.activation().apply(linear(h, w));
        }
        NDArray loc = linear(h, w);
        NDArray logVariance = linear(h, w + 2);
        return DiagonalNormal.fromLogVariance(loc, logVariance);
    }

    /**
     * The decoder's raw output for latents {@code z} of shape [..., latent]: Bernoulli logits or the
     * Gaussian mean, shape [..., inputSize].
     */
    public NDArray decode(NDArray z) {
        NDArray h = withCondition(z);
        int w = 2 * hiddenLayers + 4; // after the encoder layers and its two heads
        for (int i = 0; i < hiddenLayers; i++, w += 2) {
            h = config.activation().apply(linear(h, w));
        }
        return linear(h, w);
    }

    /** The mean of p(x|z): Bernoulli probabilities or the Gaussian mean. */
    public NDArray decodeMean(NDArray z) {
        NDArray out = decode(z);
        return config.likelihood() == Likelihood.BERNOULLI ? out.getNDArrayInternal().sigmoid() : out;
    }

    @Override
    public Distribution likelihood(NDArray z) {
        NDArray out = decode(z);
        return switch (config.likelihood()) {
            case BERNOULLI -> new Bernoulli(out);
            case GAUSSIAN -> DiagonalNormal.fromLogScale(
                    out, out.zerosLike().addi((float) Math.log(config.gaussianScale())));
            case GAUSSIAN_LEARNED, GAUSSIAN_PER_FEATURE -> {
                // The last weight is log σ ([1] or [features]); broadcast to the mean's shape.
                NDArray logScale = weights[weights.length - (config.prior() == Prior.VAMP ? 2 : 1)]
                        .maximum(SpecialFunctions.scalar(out, Math.log(Likelihood.MIN_LEARNED_SCALE)));
                yield DiagonalNormal.fromLogScale(out, logScale.broadcast(out.getShape()));
            }
        };
    }

    /**
     * The prior p(z): N(0, I), or the {@link VampPrior} whose components are this network's
     * encoder at the pseudo-inputs clamped to [0, 1] (computed once per network).
     */
    public Distribution prior() {
        if (config.prior() == Prior.NORMAL) {
            return new StandardNormal(scope, config.latent());
        }
        if (vampPrior == null) {
            NDArray raw = weights[weights.length - 1];
            NDArray pseudoInputs = raw.maximum(SpecialFunctions.scalar(raw, 0.0))
                    .minimum(SpecialFunctions.scalar(raw, 1.0));
            vampPrior = new VampPrior(encode(pseudoInputs));
        }
        return vampPrior;
    }

    /** {@code input} of shape [..., B, F] with the conditions appended: [..., B, F + C]. */
    /** The one-hot conditions this network was given, or null. */
    NDArray condition() {
        return condition;
    }

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

    private NDArray linear(NDArray input, int weightIndex) {
        return Linear.linear(input, weights[weightIndex], weights[weightIndex + 1]).singletonOrThrow();
    }
}
