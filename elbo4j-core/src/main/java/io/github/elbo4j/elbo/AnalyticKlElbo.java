package io.github.elbo4j.elbo;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import io.github.elbo4j.distributions.Distribution;
import io.github.elbo4j.distributions.ReparameterizedDistribution;
import io.github.elbo4j.kl.KlDivergence;
import io.github.elbo4j.math.ArrayScope;

/**
 * The ELBO with the KL term in closed form and the expected log-likelihood by Monte Carlo — the
 * SGVB estimator B of Kingma and Welling ("Auto-Encoding Variational Bayes", ICLR 2014, eq. 7):
 *
 * <pre>
 *   ELBO(x) ≈ (1/S) Σ_s log p(x | z_s) − KL(q(z | x) ‖ p(z)),   z_s = T_φ(ε_s)
 * </pre>
 *
 * <p>Lower variance than {@link MonteCarloElbo} because the KL needs no sampling. Requires a closed
 * form for the pair (posterior, prior) in {@link KlDivergence}; standard VAE use is {@code
 * DiagonalNormal ‖ StandardNormal}.
 */
public final class AnalyticKlElbo implements ElboEstimator {

    private static final String NAME = "AnalyticKlElbo";

    private final int numParticles;

    /**
     * Creates the estimator.
     *
     * @param numParticles S, the number of particles per example (1 is usual for training)
     * @throws IllegalArgumentException if {@code numParticles < 1}
     */
    public AnalyticKlElbo(int numParticles) {
        this.numParticles = Particles.requirePositive(NAME, "numParticles", numParticles);
    }

    /**
     * {@inheritDoc}
     *
     * @throws IllegalArgumentException also when no closed-form KL is registered for the pair
     */
    @Override
    public ElboTerms estimate(
            ReparameterizedDistribution posterior,
            Distribution prior,
            LikelihoodModel model,
            NDArray x,
            NDArray noise) {
        if (!KlDivergence.hasClosedForm(posterior.getClass(), prior.getClass())) {
            throw new IllegalArgumentException(NAME
                    + " needs a closed-form KL divergence, but none is registered for "
                    + posterior.getClass().getSimpleName()
                    + " ‖ "
                    + prior.getClass().getSimpleName()
                    + "; use MonteCarloElbo or ImportanceWeightedElbo, which need only"
                    + " log-densities, or register the pair with KlDivergence.register");
        }
        Particles.requireNoise(NAME, noise, numParticles);
        Shape expected = Particles.particleShape(noise, posterior);
        try (ArrayScope scope = ArrayScope.open(posterior.manager(), x, noise)) {
            NDArray z = Particles.latents(posterior, noise, scope);
            NDArray logLik = Particles.logLikelihood(NAME, model, z, x, expected, scope);
            NDArray reconstruction = logLik.mean(new int[] {0});
            NDArray kl = scope.adopt(KlDivergence.closedForm(posterior, prior));
            NDArray elbo = reconstruction.sub(kl);
            return new ElboTerms(scope.ret(elbo), scope.ret(reconstruction), scope.ret(kl));
        }
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
