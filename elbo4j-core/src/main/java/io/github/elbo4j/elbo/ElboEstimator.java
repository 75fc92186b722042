package io.github.elbo4j.elbo;

import ai.djl.ndarray.NDArray;
import io.github.elbo4j.distributions.Distribution;
import io.github.elbo4j.distributions.ReparameterizedDistribution;

/**
 * A Monte Carlo estimator of a lower bound on {@code log p(x)} from reparameterised particles
 * {@code z_s = T_φ(ε_s)}, differentiable in the parameters of the posterior and of the model.
 *
 * <p>The noise is an argument so that the caller owns the randomness: the same noise gives the same
 * estimate, and a seeded, checkpointed noise stream makes training resumable bit for bit.
 */
public interface ElboEstimator {

    /**
     * Estimates the bound for a batch of examples.
     *
     * @param posterior q(z | x) with batch shape {@code [B]} and event shape {@code [D]}
     * @param prior p(z), e.g. {@link io.github.elbo4j.distributions.StandardNormal}
     * @param model the observation model p(x | z)
     * @param x the observations, shape {@code [B, X]}
     * @param noise standard normal noise of shape {@code [S, B, D]} with {@code S = numParticles()}
     * @return per-example terms of shape {@code [B]}, attached to {@code posterior.manager()}
     * @throws IllegalArgumentException if the noise or the likelihood has the wrong shape
     */
    ElboTerms estimate(
            ReparameterizedDistribution posterior, Distribution prior, LikelihoodModel model, NDArray x, NDArray noise);

    /**
     * The number of particles S (or K) the estimator expects on the noise's first axis.
     *
     * @return S, at least 1
     */
    int numParticles();
}
