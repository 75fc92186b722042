package io.github.elbo4j.vi;

import ai.djl.ndarray.NDArray;

import io.github.elbo4j.math.SpecialFunctions;

import java.util.SplittableRandom;

/**
 * A Gaussian family q_φ(z) over D unconstrained coordinates, its variational parameters φ held in
 * one flat vector so that one optimizer updates them all.
 *
 * <p>Every member is an affine map of standard noise, {@code z = μ + A ε}, so {@link #rsample}
 * carries gradients to φ (the reparameterization trick), and the entropy has the closed form {@code
 * H = ½ log det(2πe Σ)}.
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
     * Reparameterized draws.
     *
     * @param phi the variational parameters, float64 {@code [numParameters]}
     * @param noise standard normal, {@code [S, noiseDimension]}
     * @return z, {@code [S, D]}
     */
    NDArray rsample(NDArray phi, NDArray noise);

    /** The entropy H(q_φ) as a 0-d array, differentiable in φ. */
    NDArray entropy(NDArray phi);

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
