package io.github.elbo4j.elbo;

import ai.djl.ndarray.NDArray;
import java.util.Objects;

/**
 * The per-example result of an {@link ElboEstimator}, each of shape {@code [B]}, in nats.
 *
 * <p>For {@link AnalyticKlElbo} and {@link MonteCarloElbo}, {@code elbo = reconstruction − kl} with
 * {@code reconstruction ≈ E_q[log p(x | z)]} and {@code kl ≈ KL(q(z | x) ‖ p(z))}. For {@link
 * ImportanceWeightedElbo}, {@code elbo} is the importance-weighted bound {@code log (1/K) Σ_k w_k},
 * while {@code reconstruction} and {@code kl} are the single-sample averages over the K particles,
 * reported for information (then {@code elbo ≥ reconstruction − kl} on average).
 *
 * <p>The arrays are attached to the posterior's manager; the loss to minimise is {@code
 * −elbo.mean()}.
 *
 * @param elbo the bound per example
 * @param reconstruction the expected log-likelihood per example
 * @param kl the KL term per example
 */
public record ElboTerms(NDArray elbo, NDArray reconstruction, NDArray kl) {

    /**
     * Validates that no component is missing.
     *
     * @param elbo the bound
     * @param reconstruction the expected log-likelihood
     * @param kl the KL term
     */
    public ElboTerms {
        Objects.requireNonNull(elbo, "elbo");
        Objects.requireNonNull(reconstruction, "reconstruction");
        Objects.requireNonNull(kl, "kl");
    }
}
