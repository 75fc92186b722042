package io.github.elbo4j.elbo;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import io.github.elbo4j.distributions.Distribution;
import io.github.elbo4j.distributions.ReparameterizedDistribution;
import io.github.elbo4j.math.ArrayScope;
import io.github.elbo4j.math.LogSumExp;
import io.github.elbo4j.math.SpecialFunctions;

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
 *
 * <p>The bound with a KL weight ({@link #bound(NDArray, NDArray, double)}) and the
 * doubly-reparameterized surrogate of its gradient ({@link #doublyReparameterizedSurrogate(NDArray,
 * NDArray)}) are public so that a training step differentiates the very formula this estimator
 * evaluates.
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
            NDArray bound = bound(logLik, logRatio, 1.0);
            NDArray reconstruction = logLik.mean(new int[] {0});
            NDArray kl = MonteCarloElbo.kl(logRatio);
            return new ElboTerms(scope.ret(bound), scope.ret(reconstruction), scope.ret(kl));
        }
    }

    /**
     * The importance-weighted bound of each example with a KL weight w (w = 1 is IWAE_K itself; a
     * training objective may anneal w like the ELBO's β):
     *
     * <pre>
     *   log (1/K) Σ_k exp(log w_k),   log w_k = log p(x | z_k) + w · (log p(z_k) − log q(z_k | x))
     * </pre>
     *
     * It is written with array operations only, so an autograd engine differentiates it as it
     * stands (the reparameterization-trick IWAE gradient).
     *
     * @param logLikelihood log p(x | z_k), shape [K, batch...]
     * @param logDensityRatio log p(z_k) − log q(z_k | x), the same shape
     * @param klWeight w
     * @return the bound of each example, shape [batch...]
     */
    public static NDArray bound(NDArray logLikelihood, NDArray logDensityRatio, double klWeight) {
        NDArray logWeights = logLikelihood.add(logDensityRatio.mul(SpecialFunctions.scalar(logDensityRatio, klWeight)));
        return LogSumExp.logMeanExp(logWeights, 0);
    }

    /**
     * A surrogate whose gradient is the doubly-reparameterized IWAE gradient (Tucker, Lawson, Gu and
     * Maddison, "Doubly Reparameterized Gradient Estimators for Monte Carlo Objectives", ICLR 2019):
     *
     * <pre>
     *   Σ_batch Σ_k [sg(w̃_k) · log w_k(θ; sg(z_k)) + sg(w̃_k)² · log w_k(sg(θ); z_k(φ))],
     *   w̃_k = softmax_k(sg(log w_k))
     * </pre>
     *
     * where sg stops gradients and q's density in both log weights is evaluated with its
     * parameters held fixed. The first term carries the decoder's (and prior's) gradient, the second
     * the encoder's, through the path z_k = μ + σ ⊙ ε_k only, which removes the score-function term
     * whose variance grows with K. Its value is not the bound; only its gradient is meaningful.
     *
     * @param decoderLogWeights log w_k with the latents held fixed, shape [K, batch...]
     * @param encoderLogWeights log w_k with the model's parameters held fixed and the latents
     *     differentiable through the encoder, the same shape
     * @return the scalar surrogate
     */
    public static NDArray doublyReparameterizedSurrogate(NDArray decoderLogWeights, NDArray encoderLogWeights) {
        NDArray normalized = decoderLogWeights.stopGradient().softmax(0);
        return normalized
                .mul(decoderLogWeights)
                .sum()
                .add(normalized.square().mul(encoderLogWeights).sum());
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
