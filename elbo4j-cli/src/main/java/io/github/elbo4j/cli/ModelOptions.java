package io.github.elbo4j.cli;

import io.github.elbo4j.vae.Activation;
import io.github.elbo4j.vae.Likelihood;
import io.github.elbo4j.vae.VaeConfig;
import picocli.CommandLine.Option;

/** Architecture options of {@code train}; defaults are the standard model of Burda et al. 2015. */
final class ModelOptions {

    @Option(names = "--hidden", split = ",", paramLabel = "W[,W...]", defaultValue = "200,200",
            description = "Hidden-layer widths of the encoder (the decoder mirrors them). Default: ${DEFAULT-VALUE}.")
    int[] hidden;

    @Option(names = "--latent", paramLabel = "D", defaultValue = "50",
            description = "Latent dimension. Default: ${DEFAULT-VALUE}.")
    int latent;

    @Option(names = "--activation", paramLabel = "NAME", defaultValue = "tanh",
            description = "Hidden activation: tanh, relu or softplus. Default: ${DEFAULT-VALUE}.")
    String activation;

    @Option(names = "--likelihood", paramLabel = "NAME", defaultValue = "bernoulli",
            description = "Observation model: bernoulli (data in [0, 1]) or gaussian (fixed scale). Default: ${DEFAULT-VALUE}.")
    String likelihood;

    @Option(names = "--gaussian-scale", paramLabel = "SIGMA", defaultValue = "0.1",
            description = "σ of the gaussian likelihood. Default: ${DEFAULT-VALUE}.")
    double gaussianScale;

    /** The validated configuration for examples of the given shape. */
    VaeConfig toConfig(int[] inputShape) {
        return VaeConfig.builder()
                .inputShape(inputShape)
                .hidden(hidden)
                .latent(latent)
                .activation(Activation.parse(activation))
                .likelihood(Likelihood.parse(likelihood))
                .gaussianScale(gaussianScale)
                .build();
    }
}
