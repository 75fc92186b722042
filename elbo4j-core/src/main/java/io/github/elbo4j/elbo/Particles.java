package io.github.elbo4j.elbo;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import io.github.elbo4j.distributions.Distribution;
import io.github.elbo4j.distributions.ReparameterizedDistribution;
import io.github.elbo4j.math.ArrayScope;
import io.github.elbo4j.math.Broadcasting;

/** Shared steps of the particle-based estimators: validation, sampling and per-particle terms. */
final class Particles {

    private Particles() {}

    static int requirePositive(String estimator, String name, int count) {
        if (count < 1) {
            throw new IllegalArgumentException(estimator + ": " + name + " must be at least 1, got " + count);
        }
        return count;
    }

    static void requireNoise(String estimator, NDArray noise, int numParticles) {
        Shape s = noise.getShape();
        if (s.dimension() < 2 || s.get(0) != numParticles) {
            throw new IllegalArgumentException(estimator
                    + ": noise must have shape [S, B, D] with S = numParticles() = "
                    + numParticles
                    + ", got "
                    + s);
        }
    }

    /** The expected shape of per-particle terms: [S, ...posterior batch]. */
    static Shape particleShape(NDArray noise, ReparameterizedDistribution posterior) {
        return new Shape(noise.getShape().get(0)).addAll(posterior.batchShape());
    }

    /** Reparameterised particles z = T(ε), owned by the scope. */
    static NDArray latents(ReparameterizedDistribution posterior, NDArray noise, ArrayScope scope) {
        return scope.adopt(posterior.rsample(noise));
    }

    /** log p(x | z_s) of shape [S, B], owned by the scope. */
    static NDArray logLikelihood(
            String estimator, LikelihoodModel model, NDArray z, NDArray x, Shape expected, ArrayScope scope) {
        Distribution likelihood = model.likelihood(z);
        NDArray logLik = scope.adopt(likelihood.logProb(x));
        requireShape(
                estimator,
                "likelihood(z).logProb(x)",
                logLik,
                expected,
                " — the likelihood must sum over the observation axis (use an event-summing family"
                        + " such as Bernoulli or DiagonalNormal, not the elementwise Normal)");
        return logLik;
    }

    /** log p(z_s) − log q(z_s) of shape [S, B], owned by the scope. */
    static NDArray logDensityRatio(
            String estimator,
            ReparameterizedDistribution posterior,
            Distribution prior,
            NDArray z,
            Shape expected,
            ArrayScope scope) {
        NDArray logPrior = scope.adopt(prior.logProb(z));
        NDArray logPosterior = scope.adopt(posterior.logProb(z));
        requireShape(estimator, "prior.logProb(z)", logPrior, expected, "");
        requireShape(estimator, "posterior.logProb(z)", logPosterior, expected, "");
        return logPrior.sub(logPosterior);
    }

    private static void requireShape(String estimator, String what, NDArray array, Shape expected, String hint) {
        if (!Broadcasting.sameSizes(array.getShape(), expected)) {
            throw new IllegalArgumentException(estimator
                    + ": "
                    + what
                    + " must have shape [S, ...batch] = "
                    + expected
                    + ", got "
                    + array.getShape()
                    + hint);
        }
    }
}
