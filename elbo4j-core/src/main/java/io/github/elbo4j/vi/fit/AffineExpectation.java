package io.github.elbo4j.vi.fit;

import io.github.elbo4j.vi.GaussianExpectation;

/**
 * A {@link GaussianExpectation} seen through the change of variables {@code z = shift + A u} of an
 * {@link AffineDensity}: a Gaussian {@code N(μ, L Lᵀ)} over u is {@code N(shift + A μ, (A L)(A L)ᵀ)}
 * over z, so
 *
 * <pre>
 *   E_u(μ, L) = E_z(shift + A μ, A L) + log|det A|,   ∂E_u/∂μ = Aᵀ ∂E_z/∂μ_z,   ∂E_u/∂L = Aᵀ ∂E_z/∂L_z
 * </pre>
 *
 * (the last restricted to the lower triangle), which lets the exact-ELBO fit run in the same
 * preconditioned coordinates as the others.
 */
public final class AffineExpectation implements GaussianExpectation {

    private final GaussianExpectation inner;
    private final double[] shift;
    private final double[][] a;
    private final double logDeterminant;
    private final double[] zMean;
    private final double[] zScaleTril;
    private final double[] zMeanGradient;
    private final double[] zScaleTrilGradient;

    /**
     * @param inner the expectation over z
     * @param shift the shift
     * @param scaleTril A, lower triangular with a positive diagonal
     */
    public AffineExpectation(GaussianExpectation inner, double[] shift, double[][] scaleTril) {
        int d = shift.length;
        this.inner = inner;
        this.shift = shift.clone();
        this.a = new double[d][];
        double logDet = 0;
        for (int i = 0; i < d; i++) {
            a[i] = scaleTril[i].clone();
            logDet += Math.log(a[i][i]);
        }
        this.logDeterminant = logDet;
        this.zMean = new double[d];
        this.zScaleTril = new double[d * d];
        this.zMeanGradient = new double[d];
        this.zScaleTrilGradient = new double[d * d];
    }

    @Override
    public String method() {
        return inner.method();
    }

    @Override
    public double evaluate(double[] mean, double[] scaleTril, double[] meanGradient, double[] scaleTrilGradient) {
        int d = shift.length;
        for (int i = 0; i < d; i++) {
            double value = shift[i];
            for (int k = 0; k <= i; k++) {
                value += a[i][k] * mean[k];
            }
            zMean[i] = value;
            for (int j = 0; j < d; j++) {
                double sum = 0;
                for (int k = j; k <= i; k++) {
                    sum += a[i][k] * scaleTril[k * d + j];
                }
                zScaleTril[i * d + j] = j <= i ? sum : 0;
            }
        }
        java.util.Arrays.fill(zMeanGradient, 0.0);
        java.util.Arrays.fill(zScaleTrilGradient, 0.0);
        double value = inner.evaluate(zMean, zScaleTril, zMeanGradient, zScaleTrilGradient) + logDeterminant;
        for (int k = 0; k < d; k++) {
            double sum = 0;
            for (int i = k; i < d; i++) {
                sum += a[i][k] * zMeanGradient[i];
            }
            meanGradient[k] = sum;
            for (int j = 0; j < d; j++) {
                double g = 0;
                if (j <= k) {
                    for (int i = k; i < d; i++) {
                        g += a[i][k] * zScaleTrilGradient[i * d + j];
                    }
                }
                scaleTrilGradient[k * d + j] = g;
            }
        }
        return value;
    }
}
