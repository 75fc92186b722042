package io.github.elbo4j.vi;

/**
 * A Gaussian guide whose covariance is L Lᵀ for a lower-triangular L computed from φ, with μ first
 * in φ: the mean-field (diagonal L) and full-rank families. Through it the fit can chain a gradient
 * in (μ, L), such as a {@link GaussianExpectation}'s, to φ.
 */
interface CholeskyGuide extends GaussianGuide {

    /**
     * Writes L.
     *
     * @param phi the variational parameters
     * @param scaleTril receives L, row-major {@code [D][D]}, zero above the diagonal
     */
    void scaleTril(double[] phi, double[] scaleTril);

    /**
     * Adds {@code Σ_ij G_ij ∂L_ij/∂φ} to {@code phiGradient}.
     *
     * @param phi the variational parameters
     * @param scaleTrilGradient G = ∂E/∂L, row-major {@code [D][D]}; entries above the diagonal ignored
     * @param phiGradient accumulates the result, {@code [numParameters]}
     */
    void addScaleTrilPullback(double[] phi, double[] scaleTrilGradient, double[] phiGradient);
}
