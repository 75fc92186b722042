package io.github.elbo4j.elbo;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import io.github.elbo4j.distributions.Distribution;
import io.github.elbo4j.distributions.ReparameterizedDistribution;
import io.github.elbo4j.math.ArrayScope;
import io.github.elbo4j.math.LogSumExp;

/**
 * The importance-weighted bound of Burda, Grosse and Salakhutdinov ("Importance Weighted
 * Autoencoders", ICLR 2016, eq. 8):
 *
 * <pre>
 *   IWAE_K(x) = log (1/K) Σ_k w_k,   log w_k = log p(x | z_k) + log p(z_k) − log q(z_k | x)
 * </pre>
 *
 * computed with {@link LogSumExp#logMeanExp(NDArray, int)} over the particle axis. Its expectation
 * is non-decreasing in K, equals the ELBO at K = 1 and tends to {@code log p(x)}; with large K
 * (e.g. 5000) it is the standard test log-likelihood estimate for VAEs. {@code reconstruction} and
 * {@code kl} in the result are the single-sample averages over the K particles (as in {@link
 * MonteCarloElbo}), reported for information.
 */
public final class ImportanceWeightedElbo implements ElboEstimator {

    private static final String NAME = "ImportanceWeightedElbo";

    private final int k;

    /**
     * Creates the estimator.
     *
     * @param k the number of importance samples K per example
     * @throws IllegalArgumentException if {@code k < 1}
     */
    public ImportanceWeightedElbo(int k) {
        this.k = Particles.requirePositive(NAME, "k", k);
    }

    @Override
    public ElboTerms estimate(
            ReparameterizedDistribution posterior,
            Distribution prior,
            LikelihoodModel model,
            NDArray x,
            NDArray noise) {
        Particles.requireNoise(NAME, noise, k);
        Shape expected = Particles.particleShape(noise, posterior);
        try (ArrayScope scope = ArrayScope.open(posterior.manager(), x, noise)) {
            NDArray z = Particles.latents(posterior, noise, scope);
            NDArray logLik = Particles.logLikelihood(NAME, model, z, x, expected, scope);
            NDArray logRatio = Particles.logDensityRatio(NAME, posterior, prior, z, expected, scope);
            NDArray bound = LogSumExp.logMeanExp(logLik.add(logRatio), 0);
            NDArray reconstruction = logLik.mean(new int[] {0});
            NDArray kl = logRatio.mean(new int[] {0}).neg();
            return new ElboTerms(scope.ret(bound), scope.ret(reconstruction), scope.ret(kl));
        }
    }

    /**
     * K, the number of importance samples.
     *
     * @return K
     */
    @Override
    public int numParticles() {
        return k;
    }

    @Override
    public String toString() {
        return NAME + "(k=" + k + ")";
    }
}
