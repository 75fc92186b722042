package io.github.elbo4j.vi;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * φ = [μ (D), M (the lower triangle, packed row by row: D(D+1)/2)] with the Cholesky factor
 * {@code L_ij = M_ij} below the diagonal and {@code L_ii = exp(M_ii)}: every M gives a valid factor.
 *
 * <pre>
 *   z_i = μ_i + Σ_{j&lt;i} M_ij ε_j + exp(M_ii) ε_i,   H = Σ_i M_ii + (D/2)(1 + log 2π)
 *   ∂z_i/∂M_ij = ε_j (j &lt; i),   ∂z_i/∂M_ii = L_ii ε_i,   ∂H/∂M_ii = 1
 * </pre>
 *
 * <p>As a {@link CholeskyGuide}: ∂L_ij/∂M_ij = 1 below the diagonal and L_ii on it.
 */
final class FullRankGuide implements CholeskyGuide {

    private final int dimension;

    FullRankGuide(int dimension) {
        this.dimension = dimension;
    }

    @Override
    public int dimension() {
        return dimension;
    }

    @Override
    public int numParameters() {
        return dimension + dimension * (dimension + 1) / 2;
    }

    @Override
    public int noiseDimension() {
        return dimension;
    }

    /** The index in φ of M_ij, j ≤ i. */
    private int index(int i, int j) {
        return dimension + i * (i + 1) / 2 + j;
    }

    @Override
    public double[] initialParameters(double initialScale, SplittableRandom random) {
        double[] phi = new double[numParameters()];
        for (int i = 0; i < dimension; i++) {
            phi[index(i, i)] = Math.log(initialScale);
        }
        return phi;
    }

    @Override
    public void sample(double[] phi, double[] noise, int count, double[] z) {
        double[] diagonal = diagonal(phi);
        for (int s = 0; s < count; s++) {
            int row = s * dimension;
            for (int i = 0; i < dimension; i++) {
                int m = index(i, 0);
                double value = phi[i] + diagonal[i] * noise[row + i];
                for (int j = 0; j < i; j++) {
                    value += phi[m + j] * noise[row + j];
                }
                z[row + i] = value;
            }
        }
    }

    @Override
    public void addPullback(double[] phi, double[] noise, double[] zGradient, int count, double[] phiGradient) {
        double[] diagonal = diagonal(phi);
        for (int s = 0; s < count; s++) {
            int row = s * dimension;
            for (int i = 0; i < dimension; i++) {
                double g = zGradient[row + i];
                int m = index(i, 0);
                phiGradient[i] += g;
                for (int j = 0; j < i; j++) {
                    phiGradient[m + j] += g * noise[row + j];
                }
                phiGradient[m + i] += g * diagonal[i] * noise[row + i];
            }
        }
    }

    /** L_ii = exp(M_ii). */
    private double[] diagonal(double[] phi) {
        double[] diagonal = new double[dimension];
        for (int i = 0; i < dimension; i++) {
            diagonal[i] = Math.exp(phi[index(i, i)]);
        }
        return diagonal;
    }

    @Override
    public double entropy(double[] phi) {
        double sum = GaussianGuide.standardEntropy(dimension);
        for (int i = 0; i < dimension; i++) {
            sum += phi[index(i, i)];
        }
        return sum;
    }

    @Override
    public void addEntropyGradient(double[] phi, double[] phiGradient) {
        for (int i = 0; i < dimension; i++) {
            phiGradient[index(i, i)] += 1.0;
        }
    }

    @Override
    public void scaleTril(double[] phi, double[] scaleTril) {
        Arrays.fill(scaleTril, 0.0);
        for (int i = 0; i < dimension; i++) {
            for (int j = 0; j < i; j++) {
                scaleTril[i * dimension + j] = phi[index(i, j)];
            }
            scaleTril[i * dimension + i] = Math.exp(phi[index(i, i)]);
        }
    }

    @Override
    public void addScaleTrilPullback(double[] phi, double[] scaleTrilGradient, double[] phiGradient) {
        for (int i = 0; i < dimension; i++) {
            for (int j = 0; j < i; j++) {
                phiGradient[index(i, j)] += scaleTrilGradient[i * dimension + j];
            }
            phiGradient[index(i, i)] += scaleTrilGradient[i * dimension + i] * Math.exp(phi[index(i, i)]);
        }
    }

    @Override
    public FittedGaussian toGaussian(double[] phi) {
        double[][] tril = new double[dimension][dimension];
        for (int i = 0; i < dimension; i++) {
            for (int j = 0; j < i; j++) {
                tril[i][j] = phi[index(i, j)];
            }
            tril[i][i] = Math.exp(phi[index(i, i)]);
        }
        return new FittedGaussian(Arrays.copyOf(phi, dimension), tril);
    }
}
