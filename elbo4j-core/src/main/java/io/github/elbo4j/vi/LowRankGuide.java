package io.github.elbo4j.vi;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;

import io.github.elbo4j.math.LinearAlgebra;
import io.github.elbo4j.math.SpecialFunctions;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * φ = [μ (D), W (D×r, row-major), log d (D)] with covariance {@code Σ = W Wᵀ + diag d²}.
 *
 * <pre>
 *   z = μ + W ε₁ + d ⊙ ε₂,   ε₁ ~ N(0, I_r), ε₂ ~ N(0, I_D)
 *   H = Σ_i log d_i + ½ log det(I_r + Wᵀ diag(d⁻²) W) + (D/2)(1 + log 2π)
 * </pre>
 *
 * <p>The determinant uses the matrix determinant lemma, so the entropy costs an r×r Cholesky
 * factorisation instead of a D×D one (Ong, Nott and Smith, JCGS 27, 2018, §3). W starts at small
 * random values because W = 0 is a stationary point of the expected gradient.
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

    @Override
    public double[] initialParameters(double initialScale, SplittableRandom random) {
        double[] phi = new double[numParameters()];
        for (int i = dimension; i < dimension + dimension * rank; i++) {
            phi[i] = INITIAL_FACTOR_SCALE * initialScale * random.nextGaussian();
        }
        Arrays.fill(phi, dimension + dimension * rank, phi.length, Math.log(initialScale));
        return phi;
    }

    private NDArray factor(NDArray phi) {
        return phi.get("{}:{}", dimension, dimension + dimension * rank).reshape(new Shape(dimension, rank));
    }

    private NDArray logDiagonal(NDArray phi) {
        return phi.get("{}:", dimension + dimension * rank);
    }

    @Override
    public NDArray rsample(NDArray phi, NDArray noise) {
        NDArray loc = phi.get("0:{}", dimension);
        NDArray factorNoise = noise.get(":, 0:{}", rank);
        NDArray diagonalNoise = noise.get(":, {}:", rank);
        return factorNoise.matMul(LinearAlgebra.transposeLastTwo(factor(phi)))
                .add(diagonalNoise.mul(logDiagonal(phi).exp()))
                .add(loc);
    }

    @Override
    public NDArray entropy(NDArray phi) {
        NDArray w = factor(phi);
        NDArray logD = logDiagonal(phi);
        NDArray inverseVariance = logD.mul(SpecialFunctions.scalar(logD, -2.0)).exp().expandDims(1);
        NDArray identity = w.getManager().eye(rank).toType(w.getDataType(), false);
        NDArray capacitance = LinearAlgebra.transposeLastTwo(w.mul(inverseVariance)).matMul(w).add(identity);
        NDArray halfLogDet = logDetPositiveDefinite(capacitance).mul(SpecialFunctions.scalar(w, 0.5));
        return logD.sum().add(halfLogDet)
                .add(SpecialFunctions.scalar(w, GaussianGuide.standardEntropy(dimension)));
    }

    /**
     * {@code log det A = 2 Σ log L_jj} by a column-by-column Cholesky factorisation written with
     * differentiable operations (Golub and Van Loan, Algorithm 4.2.1); meant for small r.
     */
    static NDArray logDetPositiveDefinite(NDArray a) {
        int r = (int) a.getShape().get(0);
        NDArray identity = a.getManager().eye(r).toType(a.getDataType(), false);
        NDList columns = new NDList(r);
        NDArray logDet = null;
        for (int j = 0; j < r; j++) {
            NDArray column = a.get(":, {}", j);
            for (int k = 0; k < j; k++) {
                NDArray previous = columns.get(k);
                column = column.sub(previous.mul(previous.get(j)));
            }
            NDArray pivot = column.get(j).sqrt();
            // Rows above j are zero in column j of L.
            NDArray below = identity.get(":, {}:", j).sum(new int[] {1});
            columns.add(column.div(pivot).mul(below));
            NDArray logPivot = pivot.log();
            logDet = logDet == null ? logPivot : logDet.add(logPivot);
        }
        return logDet.mul(SpecialFunctions.scalar(logDet, 2.0));
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
            covariance[i][i] += Math.exp(2 * phi[dimension + dimension * rank + i]);
        }
        return new FittedGaussian(Arrays.copyOf(phi, dimension), DenseCholesky.factor(covariance));
    }
}
