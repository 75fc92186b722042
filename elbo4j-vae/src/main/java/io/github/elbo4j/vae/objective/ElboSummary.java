package io.github.elbo4j.vae.objective;

/**
 * Dataset averages of the single-sample analytic-KL ELBO and its two terms, in nats per example,
 * with the encoder-mean statistics needed for the active-unit count.
 *
 * @param n examples
 * @param elbo mean ELBO
 * @param recon mean E_q[log p(x|z)]
 * @param kl mean KL(q(z|x) ‖ p(z))
 * @param klPerDimension mean KL of each latent dimension
 * @param posteriorMeanVariance Cov_x(E_q[z]) per latent dimension (Burda et al. 2015)
 */
public record ElboSummary(
        int n, double elbo, double recon, double kl, double[] klPerDimension, double[] posteriorMeanVariance) {

    /** Burda et al.'s threshold on Cov_x(E_q[z_j]) above which a latent unit counts as active. */
    public static final double ACTIVE_UNIT_THRESHOLD = 0.01;

    /** Number of latent dimensions whose posterior mean varies across the data. */
    public int activeUnits() {
        int active = 0;
        for (double v : posteriorMeanVariance) {
            if (v > ACTIVE_UNIT_THRESHOLD) {
                active++;
            }
        }
        return active;
    }
}
