package io.github.elbo4j.spark;

import io.github.elbo4j.vae.model.Activation;
import io.github.elbo4j.vae.model.Architecture;
import io.github.elbo4j.vae.model.LatentPrior;
import io.github.elbo4j.vae.model.Likelihood;
import io.github.elbo4j.vae.model.VaeConfig;
import java.io.Serializable;

/**
 * A serializable copy of a {@link VaeConfig}, so that the architecture can travel to executors in
 * a task closure ({@code VaeConfig} itself is not {@link Serializable}).
 *
 * @param inputShape shape of one example
 * @param hidden encoder widths (the decoder mirrors them)
 * @param latent latent dimension
 * @param activation activation id ({@code tanh}, {@code relu}, {@code softplus})
 * @param likelihood likelihood id ({@code bernoulli}, {@code gaussian})
 * @param gaussianScale σ of the Gaussian likelihood
 */
public record VaeSpec(
        int[] inputShape, int[] hidden, int latent, String activation, String likelihood, double gaussianScale)
        implements Serializable {

    private static final long serialVersionUID = 1L;

    /** Why the tabular and categorical likelihoods are refused. */
    static final String TABULAR_UNSUPPORTED = "elbo4j-spark does not carry the tabular or categorical likelihood yet:"
            + " it needs the run's column schema (standardization and category vocabularies); train and score"
            + " tabular models with the elbo4j CLI, or use bernoulli or gaussian";

    /**
     * The spec of a configuration.
     *
     * @throws IllegalArgumentException for what the Spark module does not train or score yet: a
     *     convolutional, conditional or VampPrior model, a learned Gaussian scale, or the tabular or
     *     categorical likelihood (whose column schema it does not carry)
     */
    public static VaeSpec of(VaeConfig config) {
        if (config.likelihood().tabular()) {
            throw new IllegalArgumentException(TABULAR_UNSUPPORTED + "; this model is " + config);
        }
        if (config.architecture() != Architecture.MLP
                || config.conditional()
                || config.prior() != LatentPrior.NORMAL
                || (config.likelihood() != Likelihood.BERNOULLI && config.likelihood() != Likelihood.GAUSSIAN)) {
            throw new IllegalArgumentException("elbo4j-spark handles MLP VAEs with a N(0, I) prior, no condition and a"
                    + " Bernoulli or fixed-scale Gaussian likelihood; this model is " + config);
        }
        return new VaeSpec(
                config.inputShape(),
                config.hidden(),
                config.latent(),
                config.activation().id(),
                config.likelihood().id(),
                config.gaussianScale());
    }

    /** The validated configuration. */
    public VaeConfig toConfig() {
        return VaeConfig.builder()
                .inputShape(inputShape)
                .hidden(hidden)
                .latent(latent)
                .activation(Activation.parse(activation))
                .likelihood(Likelihood.parse(likelihood))
                .gaussianScale(gaussianScale)
                .build();
    }

    /** Number of input features. */
    public int inputSize() {
        int n = 1;
        for (int d : inputShape) {
            n *= d;
        }
        return n;
    }
}
