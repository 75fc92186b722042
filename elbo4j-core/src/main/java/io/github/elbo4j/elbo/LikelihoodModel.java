package io.github.elbo4j.elbo;

import ai.djl.ndarray.NDArray;
import io.github.elbo4j.distributions.Distribution;

/**
 * The observation model {@code p(x | z)}, for instance a VAE decoder.
 *
 * <p>Given latent particles {@code z} of shape {@code [S, B, D]}, it returns a distribution over
 * observations whose {@code logProb(x)}, for data {@code x} of shape {@code [B, X]}, broadcasts to
 * {@code [S, B]} — typically a {@link io.github.elbo4j.distributions.Bernoulli} or {@link
 * io.github.elbo4j.distributions.DiagonalNormal} whose parameters have shape {@code [S, B, X]}.
 *
 * <p>Memory: compute with {@code z} (or arrays derived from it) as the receiver of DJL operations
 * ({@code z.matMul(w)}, not {@code w.matMul(z)}), so that intermediates land in {@code z}'s
 * manager, which the ELBO estimators close after each estimate.
 */
@FunctionalInterface
public interface LikelihoodModel {

    /**
     * The conditional distribution of the observations given latent particles.
     *
     * @param z latents, shape {@code [S, B, D]}
     * @return {@code p(· | z)} with batch shape {@code [S, B]}
     */
    Distribution likelihood(NDArray z);
}
