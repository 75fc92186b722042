package io.github.elbo4j.vae.objective;

/**
 * A minibatch's plain ELBO (β = 1, no free bits), reconstruction term and KL, each summed over the
 * batch: what a {@link TrainingStep} reports, whatever objective it differentiates.
 *
 * @param elbo Σ_b ELBO(x_b), NaN when the step's gradient was not finite
 * @param reconstruction Σ_b E_q[log p(x_b|z)]
 * @param kl Σ_b KL(q(z|x_b) ‖ p(z))
 */
public record BatchElbo(double elbo, double reconstruction, double kl) {}
