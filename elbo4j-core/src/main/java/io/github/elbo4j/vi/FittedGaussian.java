package io.github.elbo4j.vi;

/**
 * A fitted Gaussian q(z) = N(μ, L Lᵀ) over the unconstrained space, in double precision.
 *
 * <pre>
 *   z = μ + L ε,   log q(z) = −½ ‖ε‖² − Σ_i log L_ii − (D/2) log 2π,   ε = L⁻¹ (z − μ)
 * </pre>
 */
public final class FittedGaussian {

    private final double[] mean;
    private final double[][] scaleTril;

    FittedGaussian(double[] mean, double[][] scaleTril) {
        this.mean = mean.clone();
        this.scaleTril = new double[scaleTril.length][];
        for (int i = 0; i < scaleTril.length; i++) {
            this.scaleTril[i] = scaleTril[i].clone();
        }
    }

    /**
     * The image of this Gaussian under {@code z ↦ shift + A z}: {@code N(shift + A μ, (A L)(A L)ᵀ)}.
     *
     * @param shift the shift
     * @param a A, lower triangular
     */
    FittedGaussian mapped(double[] shift, double[][] a) {
        int d = mean.length;
        double[] m = new double[d];
        double[][] l = new double[d][d];
        for (int i = 0; i < d; i++) {
            double value = shift[i];
            for (int k = 0; k <= i; k++) {
                value += a[i][k] * mean[k];
            }
            m[i] = value;
            for (int j = 0; j <= i; j++) {
                double sum = 0;
                for (int k = j; k <= i; k++) {
                    sum += a[i][k] * scaleTril[k][j];
                }
                l[i][j] = sum;
            }
        }
        return new FittedGaussian(m, l);
    }

    /** D. */
    public int dimension() {
        return mean.length;
    }

    /** μ (a copy). */
    public double[] mean() {
        return mean.clone();
    }

    /** The Cholesky factor L (a copy). */
    public double[][] scaleTril() {
        double[][] copy = new double[scaleTril.length][];
        for (int i = 0; i < copy.length; i++) {
            copy[i] = scaleTril[i].clone();
        }
        return copy;
    }

    /** Σ = L Lᵀ. */
    public double[][] covariance() {
        int d = mean.length;
        double[][] sigma = new double[d][d];
        for (int i = 0; i < d; i++) {
            for (int j = 0; j <= i; j++) {
                double sum = 0;
                for (int k = 0; k <= j; k++) {
                    sum += scaleTril[i][k] * scaleTril[j][k];
                }
                sigma[i][j] = sum;
                sigma[j][i] = sum;
            }
        }
        return sigma;
    }

    /** The entropy ½ log det(2πe Σ) = Σ_i log L_ii + (D/2)(1 + log 2π). */
    public double entropy() {
        double sum = GaussianGuide.standardEntropy(mean.length);
        for (int i = 0; i < mean.length; i++) {
            sum += Math.log(scaleTril[i][i]);
        }
        return sum;
    }

    /**
     * Maps standard normal noise to points {@code z = μ + L ε}.
     *
     * @param noise {@code [n][D]}
     * @return {@code [n][D]}
     */
    double[][] pointsFrom(double[][] noise) {
        int d = mean.length;
        double[][] points = new double[noise.length][d];
        for (int s = 0; s < noise.length; s++) {
            for (int i = 0; i < d; i++) {
                double value = mean[i];
                for (int k = 0; k <= i; k++) {
                    value += scaleTril[i][k] * noise[s][k];
                }
                points[s][i] = value;
            }
        }
        return points;
    }

    /**
     * {@code log q(μ + L ε) = −½ ‖ε‖² − Σ_i log L_ii − (D/2) log 2π} for each row of noise.
     *
     * @param noise {@code [n][D]}
     * @return {@code [n]}
     */
    double[] logDensityFromNoise(double[][] noise) {
        double logNormaliser = 0.5 * mean.length - entropy();
        double[] result = new double[noise.length];
        for (int s = 0; s < noise.length; s++) {
            double squares = 0;
            for (double e : noise[s]) {
                squares += e * e;
            }
            result[s] = logNormaliser - 0.5 * squares;
        }
        return result;
    }
}
