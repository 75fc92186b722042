package io.github.elbo4j.vi;

/**
 * The expected log density under a Gaussian over the unconstrained space, with its gradient,
 * computed without sampling:
 *
 * <pre>
 *   E(μ, L) = E_{z ~ N(μ, L Lᵀ)}[ f(z) ],   ∂E/∂μ,   ∂E/∂L_ij (j ≤ i)
 * </pre>
 *
 * where f is the model's {@link UnconstrainedDensity}. A model offers one ({@link
 * Model#gaussianExpectation()}) when f reduces to one-dimensional Gaussian integrals that
 * quadrature or a closed form computes to near machine precision, as for a regression without a
 * scale parameter, whose likelihood depends on each record only through the linear predictor. The
 * ELBO {@code E + H(q)} is then an ordinary deterministic function of the guide's parameters, which
 * {@link GaussianVi} maximises with L-BFGS instead of stochastic gradients.
 */
public interface GaussianExpectation {

    /** How E is computed, e.g. {@code Gauss-Hermite, 16 nodes}, for a fit's provenance. */
    String method();

    /**
     * Evaluates E and its gradient.
     *
     * @param mean μ, {@code [D]}
     * @param scaleTril L, row-major {@code [D][D]}, lower triangular (entries above the diagonal are
     *     not read)
     * @param meanGradient receives ∂E/∂μ, {@code [D]}
     * @param scaleTrilGradient receives ∂E/∂L, row-major {@code [D][D]}, zero above the diagonal
     * @return E; may be non-finite where f is
     */
    double evaluate(double[] mean, double[] scaleTril, double[] meanGradient, double[] scaleTrilGradient);
}
