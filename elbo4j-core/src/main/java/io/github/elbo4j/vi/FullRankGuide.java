package io.github.elbo4j.vi;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;

import io.github.elbo4j.math.LinearAlgebra;
import io.github.elbo4j.math.SpecialFunctions;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * φ = [μ (D), M (D×D, row-major)] with the Cholesky factor {@code L = strictly-lower(M) + diag(exp
 * diag M)}: every M gives a valid factor. z = μ + L ε; H = Σ_i M_ii + (D/2)(1 + log 2π). The entries
 * of M above the diagonal are unused (their gradient is zero); keeping the full square makes the
 * map from φ to L two elementwise operations instead of a scatter.
 */
final class FullRankGuide implements GaussianGuide {

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
        return dimension + dimension * dimension;
    }

    @Override
    public int noiseDimension() {
        return dimension;
    }

    @Override
    public double[] initialParameters(double initialScale, SplittableRandom random) {
        double[] phi = new double[numParameters()];
        for (int i = 0; i < dimension; i++) {
            phi[dimension + i * dimension + i] = Math.log(initialScale);
        }
        return phi;
    }

    @Override
    public NDArray rsample(NDArray phi, NDArray noise) {
        NDArray loc = phi.get("0:{}", dimension);
        return noise.matMul(LinearAlgebra.transposeLastTwo(scaleTril(phi))).add(loc);
    }

    private NDArray scaleTril(NDArray phi) {
        NDArray m = phi.get("{}:", dimension).reshape(new Shape(dimension, dimension));
        NDArray identity = m.getManager().eye(dimension).toType(m.getDataType(), false);
        NDArray strictlyLower = LinearAlgebra.lowerTriangle(m).sub(m.mul(identity));
        // I ⊙ exp(diag M) broadcasts the diagonal along rows and keeps only i = j.
        return strictlyLower.add(identity.mul(LinearAlgebra.diagonal(m).exp()));
    }

    @Override
    public NDArray entropy(NDArray phi) {
        NDArray m = phi.get("{}:", dimension).reshape(new Shape(dimension, dimension));
        NDArray logDiagonalSum = LinearAlgebra.diagonal(m).sum();
        return logDiagonalSum.add(SpecialFunctions.scalar(logDiagonalSum, GaussianGuide.standardEntropy(dimension)));
    }

    @Override
    public FittedGaussian toGaussian(double[] phi) {
        double[][] tril = new double[dimension][dimension];
        for (int i = 0; i < dimension; i++) {
            for (int j = 0; j < i; j++) {
                tril[i][j] = phi[dimension + i * dimension + j];
            }
            tril[i][i] = Math.exp(phi[dimension + i * dimension + i]);
        }
        return new FittedGaussian(Arrays.copyOf(phi, dimension), tril);
    }
}
