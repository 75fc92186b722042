package io.github.elbo4j.vi;

import ai.djl.ndarray.NDArray;

import io.github.elbo4j.math.SpecialFunctions;

import java.util.Arrays;
import java.util.SplittableRandom;

/** φ = [μ (D), log σ (D)]; z = μ + σ ⊙ ε; H = Σ log σ + (D/2)(1 + log 2π). */
final class MeanFieldGuide implements GaussianGuide {

    private final int dimension;

    MeanFieldGuide(int dimension) {
        this.dimension = dimension;
    }

    @Override
    public int dimension() {
        return dimension;
    }

    @Override
    public int numParameters() {
        return 2 * dimension;
    }

    @Override
    public int noiseDimension() {
        return dimension;
    }

    @Override
    public double[] initialParameters(double initialScale, SplittableRandom random) {
        double[] phi = new double[2 * dimension];
        Arrays.fill(phi, dimension, 2 * dimension, Math.log(initialScale));
        return phi;
    }

    @Override
    public NDArray rsample(NDArray phi, NDArray noise) {
        NDArray loc = phi.get("0:{}", dimension);
        NDArray scale = phi.get("{}:", dimension).exp();
        return noise.mul(scale).add(loc);
    }

    @Override
    public NDArray entropy(NDArray phi) {
        NDArray logScaleSum = phi.get("{}:", dimension).sum();
        return logScaleSum.add(SpecialFunctions.scalar(logScaleSum, GaussianGuide.standardEntropy(dimension)));
    }

    @Override
    public FittedGaussian toGaussian(double[] phi) {
        double[][] tril = new double[dimension][dimension];
        for (int i = 0; i < dimension; i++) {
            tril[i][i] = Math.exp(phi[dimension + i]);
        }
        return new FittedGaussian(Arrays.copyOf(phi, dimension), tril);
    }
}
