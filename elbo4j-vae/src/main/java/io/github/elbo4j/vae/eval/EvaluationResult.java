package io.github.elbo4j.vae.eval;

/**
 * Test-set metrics of a VAE, each with the estimator behind it.
 *
 * @param n examples evaluated
 * @param elbo mean single-sample ELBO with analytic KL (nats per example)
 * @param recon mean E_q[log p(x|z)]
 * @param kl mean KL(q(z|x) ‖ p(z))
 * @param loglik mean importance-weighted estimate of log p(x) with {@code k} samples (IWAE-k
 *     bound, Burda et al. 2015), a lower bound that tightens as k grows
 * @param loglikStandardError standard error of that mean over examples
 * @param k importance samples per example
 * @param activeUnits latent units with Cov_x(E_q[z_j]) &gt; 0.01
 * @param klPerDimension mean KL of each latent dimension
 * @param seconds wall time of the evaluation
 */
public record EvaluationResult(
        int n,
        double elbo,
        double recon,
        double kl,
        double loglik,
        double loglikStandardError,
        int k,
        int activeUnits,
        double[] klPerDimension,
        double seconds) {}
