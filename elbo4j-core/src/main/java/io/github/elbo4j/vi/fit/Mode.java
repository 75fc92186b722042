package io.github.elbo4j.vi.fit;

import io.github.elbo4j.vi.DenseCholesky;

/**
 * A mode of the log density f over the unconstrained space and the Laplace approximation there:
 * {@code N(mode, H⁻¹)} with H the negative Hessian of f at the mode.
 *
 * @param point the mode (the last iterate when {@code found} is false)
 * @param logDensity f there
 * @param found whether L-BFGS's gradient test held there, i.e. it is a stationary point
 * @param iterations L-BFGS iterations of the successful start
 * @param negativeHessian H, symmetric, by central finite differences of ∇f
 * @param covariance H⁻¹, or null when H is not positive definite (no Laplace approximation)
 * @param modes how many distinct modes carrying mass the L-BFGS runs from several starting points
 *     found, this one included ({@link ModeFinder#find}); more than 1: the posterior is multimodal
 */
public record Mode(
        double[] point,
        double logDensity,
        boolean found,
        int iterations,
        double[][] negativeHessian,
        double[][] covariance,
        int modes) {

    /** This mode with the count of distinct modes found beside it. */
    Mode withModes(int count) {
        return new Mode(point, logDensity, found, iterations, negativeHessian, covariance, count);
    }

    /** Whether the Laplace approximation exists: a stationary point with a positive definite H. */
    public boolean hasLaplace() {
        return found && covariance != null;
    }

    /** The dimension D. */
    public int dimension() {
        return point.length;
    }

    /**
     * The Laplace covariance's lower Cholesky factor, or, without one, a diagonal whose entries are
     * {@code 1/√H_ii} where H_ii is positive and 1 elsewhere: the affine map that makes the posterior
     * near the mode look like a standard normal, used to precondition fits.
     *
     * @param diagonalOnly whether to keep only the diagonal (for mean-field and low-rank guides,
     *     whose structure a dense map would break): {@code √(H⁻¹)_ii}
     * @return the lower-triangular factor A, {@code [D][D]}
     */
    public double[][] scaleTril(boolean diagonalOnly) {
        int d = point.length;
        double[][] a = new double[d][d];
        if (hasLaplace() && !diagonalOnly) {
            double[][] l = DenseCholesky.factor(covariance);
            for (int i = 0; i < d; i++) {
                System.arraycopy(l[i], 0, a[i], 0, i + 1);
            }
            return a;
        }
        for (int i = 0; i < d; i++) {
            if (hasLaplace()) {
                a[i][i] = Math.sqrt(covariance[i][i]);
            } else {
                double h = negativeHessian[i][i];
                a[i][i] = h > 0 && Double.isFinite(h) ? 1 / Math.sqrt(h) : 1.0;
            }
        }
        return a;
    }

    /** H⁻¹ when H is positive definite, else null. */
    static double[][] inverse(double[][] negativeHessian) {
        double[][] factor = DenseCholesky.tryFactor(negativeHessian);
        return factor == null ? null : DenseCholesky.inverseFromFactor(factor);
    }
}
