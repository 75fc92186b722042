package io.github.elbo4j.vae;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.core.Linear;
import io.github.elbo4j.distributions.Bernoulli;
import io.github.elbo4j.distributions.DiagonalNormal;
import io.github.elbo4j.distributions.Distribution;
import io.github.elbo4j.distributions.StandardNormal;
import io.github.elbo4j.elbo.LikelihoodModel;

/**
 * The encoder q(z|x), the decoder p(x|z) and the prior p(z) of a {@link VaeModel}, evaluated with
 * weights bound to one computation scope (see {@link VaeModel#bind}).
 */
public final class VaeNetwork implements LikelihoodModel {

    private final VaeConfig config;
    private final NDArray[] weights;
    private final NDManager scope;
    private final int hiddenLayers;

    VaeNetwork(VaeConfig config, NDArray[] weights, NDManager scope) {
        this.config = config;
        this.weights = weights;
        this.scope = scope;
        this.hiddenLayers = config.hidden().length;
    }

    /**
     * The approximate posterior q(z|x) = N(μ(x), diag σ²(x)) for flattened inputs {@code x} of shape
     * [B, inputSize]; the encoder's second head is log σ².
     */
    public DiagonalNormal encode(NDArray x) {
        NDArray h = x;
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
        NDArray h = z;
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
        };
    }

    /** The prior p(z) = N(0, I). */
    public StandardNormal prior() {
        return new StandardNormal(scope, config.latent());
    }

    private NDArray linear(NDArray input, int weightIndex) {
        return Linear.linear(input, weights[weightIndex], weights[weightIndex + 1]).singletonOrThrow();
    }
}
