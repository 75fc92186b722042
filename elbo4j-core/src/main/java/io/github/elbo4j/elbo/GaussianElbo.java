package io.github.elbo4j.elbo;

/**
 * The single-sample Gaussian ELBO in closed form, in double precision, for a diagonal Gaussian
 * posterior q = N(μ, diag σ²), the prior N(0, I) and the unit-variance Gaussian likelihood {@code
 * log p(x | z) = −½ Σ_j (x_j − z_j)²} (without the constant {@code −(d/2) log 2π}), evaluated at
 * the noise value ε = 0, i.e. at {@code z = μ}:
 *
 * <pre>
 *   ELBO = −½ Σ_j (x_j − μ_j)² − ½ Σ_j (μ_j² + σ_j² − 2 log σ_j − 1)
 * </pre>
 *
 * <p>The second sum is {@code KL(N(μ, diag σ²) ‖ N(0, I))} with {@code log σ² = 2 log σ} (Kingma
 * and Welling, ICLR 2014, Appendix B). It is the reference case of the design guide (§1): with
 * {@code μ = 0, log σ = 0, x = 0} the ELBO is exactly 0. It serves as a dependency-free oracle for
 * the tensor estimators.
 */
public final class GaussianElbo {

    private GaussianElbo() {}

    /**
     * The closed-form single-sample ELBO at ε = 0.
     *
     * @param mu the posterior mean μ
     * @param logSigma the posterior log standard deviation log σ
     * @param x the observation, same length
     * @return {@code −½ Σ (x − μ)² − ½ Σ (μ² + σ² − 2 log σ − 1)} in nats
     * @throws IllegalArgumentException if the lengths differ
     */
    public static double singleSample(double[] mu, double[] logSigma, double[] x) {
        if (mu.length != logSigma.length || mu.length != x.length) {
            throw new IllegalArgumentException("mu, logSigma and x must have the same length, got "
                    + mu.length
                    + ", "
                    + logSigma.length
                    + " and "
                    + x.length);
        }
        double reconstruction = 0.0;
        double kl = 0.0;
        for (int j = 0; j < mu.length; j++) {
            double residual = x[j] - mu[j];
            reconstruction -= 0.5 * residual * residual;
            double variance = Math.exp(2.0 * logSigma[j]);
            kl += 0.5 * (mu[j] * mu[j] + variance - 2.0 * logSigma[j] - 1.0);
        }
        return reconstruction - kl;
    }
}
