package io.github.elbo4j.elbo;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import io.github.elbo4j.distributions.Distribution;
import io.github.elbo4j.distributions.ReparameterizedDistribution;
import io.github.elbo4j.math.ArrayScope;

/**
 * The fully Monte Carlo ELBO — SGVB estimator A of Kingma and Welling ("Auto-Encoding Variational
 * Bayes", ICLR 2014, eq. 6), Pyro's {@code Trace_ELBO}:
 *
 * <pre>
 *   ELBO(x) ≈ (1/S) Σ_s [ log p(x | z_s) + log p(z_s) − log q(z_s | x) ],   z_s = T_φ(ε_s)
 * </pre>
 *
 * <p>Needs only log-densities, so it works for any prior/posterior pair. Reported terms: {@code
 * reconstruction = (1/S) Σ_s log p(x | z_s)} and {@code kl = (1/S) Σ_s [log q(z_s) − log p(z_s)]}
 * (a Monte Carlo KL), so {@code elbo = reconstruction − kl} exactly. When q is the exact posterior
 * every particle gives {@code log p(x)}, so the estimate has zero variance.
 */
public final class MonteCarloElbo implements ElboEstimator {

    private static final String NAME = "MonteCarloElbo";

    private final int numParticles;

    /**
     * Creates the estimator.
     *
     * @param numParticles S, the number of particles per example
     * @throws IllegalArgumentException if {@code numParticles < 1}
     */
    public MonteCarloElbo(int numParticles) {
        this.numParticles = Particles.requirePositive(NAME, "numParticles", numParticles);
    }

    @Override
    public ElboTerms estimate(
            ReparameterizedDistribution posterior,
            Distribution prior,
            LikelihoodModel model,
            NDArray x,
            NDArray noise) {
        Particles.requireNoise(NAME, noise, numParticles);
        Shape expected = Particles.particleShape(noise, posterior);
        try (ArrayScope scope = ArrayScope.open(posterior.manager(), x, noise)) {
            NDArray z = Particles.latents(posterior, noise, scope);
            NDArray logLik = Particles.logLikelihood(NAME, model, z, x, expected, scope);
            NDArray logRatio = Particles.logDensityRatio(NAME, posterior, prior, z, expected, scope);
            NDArray reconstruction = logLik.mean(new int[] {0});
            NDArray kl = kl(logRatio);
            NDArray elbo = reconstruction.sub(kl);
            return new ElboTerms(scope.ret(elbo), scope.ret(reconstruction), scope.ret(kl));
        }
    }

    /**
     * The Monte Carlo KL (1/S) Σ_s [log q(z_s | x) − log p(z_s)] of each example, for priors with no
     * closed-form KL (a mixture such as the VampPrior); also the {@code kl} that {@link
     * ImportanceWeightedElbo} reports. Written with array operations only, so an autograd engine
     * differentiates it as it stands.
     *
     * @param logDensityRatio log p(z_s) − log q(z_s | x), shape [S, batch...]
     * @return the KL estimate of each example, shape [batch...]
     */
    public static NDArray kl(NDArray logDensityRatio) {
        return logDensityRatio.mean(new int[] {0}).neg();
    }

    @Override
    public int numParticles() {
        return numParticles;
    }

    @Override
    public String toString() {
        return NAME + "(numParticles=" + numParticles + ")";
    }
}
