package io.github.elbo4j.vi.glm;

import io.github.elbo4j.math.GaussHermite;
import java.io.Serializable;

/**
 * The records' part of {@link GlmGaussianExpectation}: for a logistic or Poisson regression over
 * the coordinates u of a {@link GlmPreconditioner}, each record's expected log likelihood E_i under
 * u ~ N(m, Σ) and its contributions to the gradient, summed over any set of records. It is a
 * separate, serializable object so that the sum can run where the records are: over an array in
 * memory, or over the partitions of a distributed data set, whose partial sums then add up.
 *
 * <p>Record i enters through its linear predictor {@code η_i = o + v_i·u}, Gaussian with mean
 * {@code μ_i = o + v_i·m} and radius {@code r_i = √(v_iᵀ Σ v_i)}; {@link #accumulate} adds
 * {@code Σ_i ∂E_i/∂μ_i v_i} to the mean's gradient and {@code Σ_i (∂E_i/∂r_i / r_i) v_i v_iᵀ}
 * (lower triangle) to the term from which {@link GlmGaussianExpectation} forms the gradient in L.
 */
// Serializable: the Spark module ships it to the executors with each expectation job.
public final class GlmRecordExpectation implements Serializable {

    private static final long serialVersionUID = 1L;

    /** Quadrature nodes for the logistic likelihood; see {@link GlmGaussianExpectation} for the accuracy. */
    static final int NODES = 16;

    private final GlmFamily family;
    private final GlmLayout layout;
    private final double[] centre;
    /** A_ββ of the preconditioner, {@code [p][p]}. */
    private final double[][] coefficients;

    private final double interceptScale;
    private final double offset;
    private final GaussHermite rule = GaussHermite.of(NODES);

    GlmRecordExpectation(
            GlmFamily family,
            GlmLayout layout,
            double[] centre,
            double[][] coefficients,
            double interceptScale,
            double offset) {
        if (family == GlmFamily.LINEAR || layout.sigmaIndex() >= 0) {
            throw new IllegalArgumentException("the Gaussian expectation is for regressions without a scale parameter");
        }
        this.family = family;
        this.layout = layout;
        this.centre = centre;
        this.coefficients = coefficients;
        this.interceptScale = interceptScale;
        this.offset = offset;
    }

    /** The family, logistic or Poisson. */
    GlmFamily family() {
        return family;
    }

    /**
     * The records' vectors v_i, from the centred predictors.
     *
     * @param x predictors, row-major {@code [rows][p]}
     * @param rows the number of records
     * @return v_i, row-major {@code [rows][q]}
     */
    public double[] design(double[] x, int rows) {
        int p = centre.length;
        int q = layout.parameters();
        int a = layout.interceptIndex();
        int b = layout.firstCoefficient();
        double[] result = new double[rows * q];
        for (int i = 0; i < rows; i++) {
            if (a >= 0) {
                result[i * q + a] = interceptScale;
            }
            for (int j = 0; j < p; j++) {
                double centred = x[i * p + j] - centre[j];
                for (int k = 0; k < p; k++) {
                    result[i * q + b + k] += centred * coefficients[j][k];
                }
            }
        }
        return result;
    }

    /**
     * Adds the records' gradient contributions and returns {@code Σ_i E_i}.
     *
     * @param design the records' vectors from {@link #design}
     * @param y responses
     * @param logFactorials log y! for Poisson (else unused, may be null)
     * @param mean m, {@code [q]}
     * @param covariance Σ, lower triangle of a row-major {@code [q][q]}
     * @param meanGradient accumulates {@code Σ_i ∂E_i/∂μ_i v_i}, {@code [q]}
     * @param outer accumulates {@code Σ_i (∂E_i/∂r_i / r_i) v_i v_iᵀ}, lower triangle of {@code [q][q]}
     * @return Σ_i E_i
     */
    public double accumulate(
            double[] design,
            double[] y,
            double[] logFactorials,
            double[] mean,
            double[] covariance,
            double[] meanGradient,
            double[] outer) {
        int d = layout.parameters();
        double[] vector = new double[d];
        double[] moments = new double[3];
        double total = 0;
        for (int i = 0; i < y.length; i++) {
            System.arraycopy(design, i * d, vector, 0, d);
            double r = radius(vector, covariance, d);
            expectedLogLikelihood(
                    y[i], logFactorials == null ? 0 : logFactorials[i], offset + dot(vector, mean), r, moments);
            total += add(vector, r, moments, meanGradient, outer, d);
        }
        return total;
    }

    /** Adds one functional's gradient contributions; returns its expectation. */
    static double add(double[] vector, double r, double[] moments, double[] meanGradient, double[] outer, int d) {
        double perRadius = r > 0 ? moments[2] / r : 0;
        for (int j = 0; j < d; j++) {
            meanGradient[j] += moments[1] * vector[j];
            double scaled = perRadius * vector[j];
            for (int k = 0; k <= j; k++) {
                outer[j * d + k] += scaled * vector[k];
            }
        }
        return moments[0];
    }

    /** ‖Lᵀ v‖ = √(vᵀ Σ v) from Σ's lower triangle. */
    static double radius(double[] v, double[] covariance, int d) {
        double variance = 0;
        for (int j = 0; j < d; j++) {
            double row = 0;
            for (int k = 0; k < j; k++) {
                row += covariance[j * d + k] * v[k];
            }
            variance += v[j] * (2 * row + covariance[j * d + j] * v[j]);
        }
        return Math.sqrt(Math.max(variance, 0));
    }

    static double dot(double[] a, double[] b) {
        double sum = 0;
        for (int j = 0; j < a.length; j++) {
            sum += a[j] * b[j];
        }
        return sum;
    }

    /** Writes {E_i, ∂E_i/∂μ_i, ∂E_i/∂r_i} of a record with response y into {@code out}. */
    private void expectedLogLikelihood(double y, double logFactorial, double mu, double r, double[] out) {
        if (family == GlmFamily.POISSON) {
            double rate = Math.exp(mu + 0.5 * r * r);
            out[0] = y * mu - rate - logFactorial;
            out[1] = y - rate;
            out[2] = -r * rate;
            return;
        }
        double softplus = 0;
        double logistic = 0;
        double logisticT = 0;
        for (int k = 0; k < NODES; k++) {
            double t = rule.node(k);
            double w = rule.weight(k);
            double eta = mu + r * t;
            // One exponential for both, as in GlmLikelihood: softplus(η) = max(η, 0) + log(1 + e^−|η|).
            double e = Math.exp(-Math.abs(eta));
            double sigmoid = eta >= 0 ? 1 / (1 + e) : e / (1 + e);
            softplus += w * (Math.max(eta, 0) + Math.log(1 + e));
            logistic += w * sigmoid;
            logisticT += w * sigmoid * t;
        }
        out[0] = y * mu - softplus;
        out[1] = y - logistic;
        out[2] = -logisticT;
    }
}
