package io.github.elbo4j.vi;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * φ = [μ (D), F (D×r, row-major), log δ (D)] with covariance {@code Σ = F Fᵀ + diag δ²}.
 *
 * <pre>
 *   z = μ + F ε₁ + δ ⊙ ε₂,   ε₁ ~ N(0, I_r), ε₂ ~ N(0, I_D)
 *   H = Σ_i log δ_i + ½ log det C + (D/2)(1 + log 2π),   C = I_r + Fᵀ diag(δ⁻²) F
 *   ∂H/∂F = diag(δ⁻²) F C⁻¹,   ∂H/∂log δ_i = 1 − δ_i⁻² (F C⁻¹ Fᵀ)_ii
 * </pre>
 *
 * <p>The determinant uses the matrix determinant lemma and the gradient the Woodbury identity
 * ({@code ∂H/∂F = Σ⁻¹ F}, {@code ∂H/∂log δ_i = δ_i² (Σ⁻¹)_ii}), so both cost an r×r Cholesky
 * factorisation instead of a D×D one (Ong, Nott and Smith, JCGS 27, 2018, §3). F starts at small
 * random values because F = 0 is a stationary point of the expected gradient.
 */
final class LowRankGuide implements GaussianGuide {

    private static final double INITIAL_FACTOR_SCALE = 0.01;

    private final int dimension;
    private final int rank;

    LowRankGuide(int dimension, int rank) {
        if (rank < 1) {
            throw new IllegalArgumentException("low-rank guide needs rank >= 1, got " + rank);
        }
        this.dimension = dimension;
        this.rank = rank;
    }

    @Override
    public int dimension() {
        return dimension;
    }

    @Override
    public int numParameters() {
        return 2 * dimension + dimension * rank;
    }

    @Override
    public int noiseDimension() {
        return rank + dimension;
    }

    private int logDiagonalOffset() {
        return dimension + dimension * rank;
    }

    @Override
    public double[] initialParameters(double initialScale, SplittableRandom random) {
        double[] phi = new double[numParameters()];
        for (int i = dimension; i < logDiagonalOffset(); i++) {
            phi[i] = INITIAL_FACTOR_SCALE * initialScale * random.nextGaussian();
        }
        Arrays.fill(phi, logDiagonalOffset(), phi.length, Math.log(initialScale));
        return phi;
    }

    @Override
    public void sample(double[] phi, double[] noise, int count, double[] z) {
        double[] delta = diagonal(phi);
        int width = noiseDimension();
        for (int s = 0; s < count; s++) {
            int e = s * width;
            for (int i = 0; i < dimension; i++) {
                int f = dimension + i * rank;
                double value = phi[i] + delta[i] * noise[e + rank + i];
                for (int k = 0; k < rank; k++) {
                    value += phi[f + k] * noise[e + k];
                }
                z[s * dimension + i] = value;
            }
        }
    }

    @Override
    public void addPullback(double[] phi, double[] noise, double[] zGradient, int count, double[] phiGradient) {
        double[] delta = diagonal(phi);
        int width = noiseDimension();
        int logD = logDiagonalOffset();
        for (int s = 0; s < count; s++) {
            int e = s * width;
            for (int i = 0; i < dimension; i++) {
                double g = zGradient[s * dimension + i];
                int f = dimension + i * rank;
                phiGradient[i] += g;
                for (int k = 0; k < rank; k++) {
                    phiGradient[f + k] += g * noise[e + k];
                }
                phiGradient[logD + i] += g * delta[i] * noise[e + rank + i];
            }
        }
    }

    private double[] diagonal(double[] phi) {
        double[] delta = new double[dimension];
        for (int i = 0; i < dimension; i++) {
            delta[i] = Math.exp(phi[logDiagonalOffset() + i]);
        }
        return delta;
    }

    /** The Cholesky factor of the capacitance {@code C = I_r + Fᵀ diag(δ⁻²) F}. */
    private double[][] capacitanceFactor(double[] phi) {
        double[][] c = new double[rank][rank];
        for (int i = 0; i < dimension; i++) {
            double inverseVariance = Math.exp(-2 * phi[logDiagonalOffset() + i]);
            int f = dimension + i * rank;
            for (int a = 0; a < rank; a++) {
                for (int b = 0; b <= a; b++) {
                    c[a][b] += phi[f + a] * phi[f + b] * inverseVariance;
                }
            }
        }
        for (int a = 0; a < rank; a++) {
            c[a][a] += 1.0;
        }
        return DenseCholesky.factor(c);
    }

    @Override
    public double entropy(double[] phi) {
        double sum = GaussianGuide.standardEntropy(dimension);
        for (int i = 0; i < dimension; i++) {
            sum += phi[logDiagonalOffset() + i];
        }
        double[][] l = capacitanceFactor(phi);
        for (int a = 0; a < rank; a++) {
            sum += Math.log(l[a][a]);
        }
        return sum;
    }

    @Override
    public void addEntropyGradient(double[] phi, double[] phiGradient) {
        double[][] inverse = DenseCholesky.inverseFromFactor(capacitanceFactor(phi));
        int logD = logDiagonalOffset();
        double[] row = new double[rank];
        for (int i = 0; i < dimension; i++) {
            double inverseVariance = Math.exp(-2 * phi[logD + i]);
            int f = dimension + i * rank;
            // row = F_i C⁻¹, so (F C⁻¹ Fᵀ)_ii = row · F_i.
            double quadratic = 0;
            for (int a = 0; a < rank; a++) {
                double sum = 0;
                for (int b = 0; b < rank; b++) {
                    sum += phi[f + b] * inverse[b][a];
                }
                row[a] = sum;
                quadratic += sum * phi[f + a];
            }
            for (int a = 0; a < rank; a++) {
                phiGradient[f + a] += inverseVariance * row[a];
            }
            phiGradient[logD + i] += 1.0 - inverseVariance * quadratic;
        }
    }

    @Override
    public FittedGaussian toGaussian(double[] phi) {
        double[][] covariance = new double[dimension][dimension];
        for (int i = 0; i < dimension; i++) {
            for (int j = 0; j <= i; j++) {
                double sum = 0;
                for (int k = 0; k < rank; k++) {
                    sum += phi[dimension + i * rank + k] * phi[dimension + j * rank + k];
                }
                covariance[i][j] = sum;
                covariance[j][i] = sum;
            }
            covariance[i][i] += Math.exp(2 * phi[logDiagonalOffset() + i]);
        }
        return new FittedGaussian(Arrays.copyOf(phi, dimension), DenseCholesky.factor(covariance));
    }
}
