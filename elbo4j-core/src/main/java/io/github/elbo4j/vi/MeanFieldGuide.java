package io.github.elbo4j.vi;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * φ = [μ (D), ω = log σ (D)]; z = μ + σ ⊙ ε; H = Σ ω + (D/2)(1 + log 2π).
 *
 * <pre>
 *   ∂z_i/∂μ_i = 1,   ∂z_i/∂ω_i = σ_i ε_i,   ∂H/∂ω_i = 1
 * </pre>
 *
 * <p>As a {@link CholeskyGuide}, L = diag σ and ∂L_ii/∂ω_i = σ_i.
 */
final class MeanFieldGuide implements CholeskyGuide {

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
    public void sample(double[] phi, double[] noise, int count, double[] z) {
        double[] scale = scale(phi);
        for (int s = 0; s < count; s++) {
            int row = s * dimension;
            for (int i = 0; i < dimension; i++) {
                z[row + i] = phi[i] + scale[i] * noise[row + i];
            }
        }
    }

    @Override
    public void addPullback(double[] phi, double[] noise, double[] zGradient, int count, double[] phiGradient) {
        double[] scale = scale(phi);
        for (int s = 0; s < count; s++) {
            int row = s * dimension;
            for (int i = 0; i < dimension; i++) {
                double g = zGradient[row + i];
                phiGradient[i] += g;
                phiGradient[dimension + i] += g * scale[i] * noise[row + i];
            }
        }
    }

    private double[] scale(double[] phi) {
        double[] scale = new double[dimension];
        for (int i = 0; i < dimension; i++) {
            scale[i] = Math.exp(phi[dimension + i]);
        }
        return scale;
    }

    @Override
    public double entropy(double[] phi) {
        double sum = GaussianGuide.standardEntropy(dimension);
        for (int i = 0; i < dimension; i++) {
            sum += phi[dimension + i];
        }
        return sum;
    }

    @Override
    public void addEntropyGradient(double[] phi, double[] phiGradient) {
        for (int i = 0; i < dimension; i++) {
            phiGradient[dimension + i] += 1.0;
        }
    }

    @Override
    public void scaleTril(double[] phi, double[] scaleTril) {
        Arrays.fill(scaleTril, 0.0);
        for (int i = 0; i < dimension; i++) {
            scaleTril[i * dimension + i] = Math.exp(phi[dimension + i]);
        }
    }

    @Override
    public void addScaleTrilPullback(double[] phi, double[] scaleTrilGradient, double[] phiGradient) {
        for (int i = 0; i < dimension; i++) {
            phiGradient[dimension + i] += scaleTrilGradient[i * dimension + i] * Math.exp(phi[dimension + i]);
        }
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
