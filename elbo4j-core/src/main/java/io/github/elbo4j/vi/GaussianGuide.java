package io.github.elbo4j.vi;

import io.github.elbo4j.math.SpecialFunctions;
import java.util.SplittableRandom;

/**
 * A Gaussian family q_φ(z) over D unconstrained coordinates, its variational parameters φ held in
 * one flat vector so that one optimizer updates them all, with the derivatives of the ELBO written
 * out in plain doubles.
 *
 * <p>Every member is an affine map of standard noise, {@code z = μ + A(φ) ε}, so the gradient of
 * {@code E_q[f(z)]} is {@code E_ε[(∂z/∂φ)ᵀ ∇f(z)]} (the reparameterization trick): {@link
 * #addPullback} applies {@code (∂z/∂φ)ᵀ} to the model's gradient. The entropy has the closed form
 * {@code H = ½ log det(2πe Σ)} and {@link #addEntropyGradient} its exact gradient, so only the
 * expected log density is estimated by sampling.
 */
interface GaussianGuide {

    /** D, the dimension of z. */
    int dimension();

    /** The length of φ. */
    int numParameters();

    /** The number of standard normal values one draw consumes. */
    int noiseDimension();

    /**
     * Initial φ: mean zero and every marginal standard deviation {@code initialScale}.
     *
     * @param initialScale the initial marginal standard deviation
     * @param random source for the factor loadings of low-rank guides
     */
    double[] initialParameters(double initialScale, SplittableRandom random);

    /**
     * Reparameterized draws {@code z_s = μ + A ε_s}.
     *
     * @param phi the variational parameters
     * @param noise standard normal, row-major {@code [count][noiseDimension]}
     * @param count the number of draws
     * @param z receives the draws, row-major {@code [count][D]}
     */
    void sample(double[] phi, double[] noise, int count, double[] z);

    /**
     * Adds {@code Σ_s (∂z_s/∂φ)ᵀ g_s} to {@code phiGradient}: the chain rule from the gradients
     * {@code g_s = ∇f(z_s)} at the draws made from {@code noise} back to φ.
     *
     * @param phi the variational parameters
     * @param noise the noise the draws were made from, {@code [count][noiseDimension]}
     * @param zGradient g_s, row-major {@code [count][D]}
     * @param count the number of draws
     * @param phiGradient accumulates the result, {@code [numParameters]}
     */
    void addPullback(double[] phi, double[] noise, double[] zGradient, int count, double[] phiGradient);

    /** The entropy H(q_φ). */
    double entropy(double[] phi);

    /** Adds ∇_φ H(q_φ) to {@code phiGradient}. */
    void addEntropyGradient(double[] phi, double[] phiGradient);

    /** q_φ as a plain Gaussian, for draws and densities after the fit. */
    FittedGaussian toGaussian(double[] phi);

    /** The offset of μ in φ: every family stores μ first. */
    default int locOffset() {
        return 0;
    }

    /** {@code (D/2)(1 + log 2π)}: the entropy of a D-dimensional standard normal. */
    static double standardEntropy(int dimension) {
        return dimension * SpecialFunctions.STANDARD_NORMAL_ENTROPY;
    }
}
