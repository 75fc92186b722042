package io.github.elbo4j.distributions;

import ai.djl.ndarray.NDArray;

/**
 * A distribution with a differentiable, deterministic sampling path {@code z = T_θ(ε)} from
 * standard noise — the reparameterisation trick (Kingma and Welling, "Auto-Encoding Variational
 * Bayes", ICLR 2014, §2.4; Rezende, Mohamed and Wierstra, ICML 2014).
 *
 * <p>For the Gaussian families {@code z = μ + σ ⊙ ε} (diagonal) or {@code z = μ + L ε} (full
 * covariance) with {@code ε ~ N(0, I)}, so gradients of a Monte Carlo objective flow to {@code μ}
 * and {@code σ}. The noise is passed in rather than drawn inside, which keeps randomness under the
 * caller's control: a seeded, checkpointable stream of noise gives bit-identical estimates.
 */
public interface ReparameterizedDistribution extends Distribution {

    /**
     * Transforms standard normal noise into draws from this distribution.
     *
     * @param standardNoise {@code ε ~ N(0, I)} of shape {@code [S, ...batch, ...event]} or {@code
     *     [...batch, ...event]}
     * @return {@code T_θ(ε)}, the same shape as {@code standardNoise}; differentiable in the
     *     parameters
     * @throws IllegalArgumentException if the noise does not end with the batch and event shape
     */
    NDArray rsample(NDArray standardNoise);
}
