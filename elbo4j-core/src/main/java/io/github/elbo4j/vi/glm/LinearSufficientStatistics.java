package io.github.elbo4j.vi.glm;

import io.github.elbo4j.math.SpecialFunctions;

/**
 * The full-data log likelihood of the linear model with an intercept from centred sufficient
 * statistics, so that one evaluation costs O(p²) instead of O(n p). With x̄, ȳ the means, x̃ = x − x̄,
 * ỹ = y − ȳ, S_xx = Σ x̃ x̃ᵀ, S_xy = Σ x̃ ỹ, S_yy = Σ ỹ² and α' = α + βᵀx̄ − ȳ (the cross terms
 * vanish because the centred columns sum to zero):
 *
 * <pre>
 *   RSS = Σ_i (y_i − α − βᵀx_i)² = S_yy − 2 βᵀS_xy + βᵀS_xx β + n α'²
 *   ℓ = −RSS/(2σ²) − n log σ − (n/2) log 2π
 *   ∂ℓ/∂α = −n α'/σ²,  ∂ℓ/∂β = (S_xy − S_xx β − n α' x̄)/σ²,  ∂ℓ/∂σ = RSS/σ³ − n/σ
 * </pre>
 *
 * <p>Centring keeps the subtraction in RSS to the residual and explained sums of squares, not the
 * raw second moments, so a response with a large mean loses no precision.
 */
final class LinearSufficientStatistics {

    private final GlmLayout layout;
    private final int n;
    private final int p;
    private final double meanY;
    private final double[] meanX;
    private final double[][] sxx;
    private final double[] sxy;
    private final double syy;

    /**
     * Computes the statistics.
     *
     * @param layout the linear model's layout; it must have an intercept
     * @param x predictors, row-major {@code [n][p]}
     * @param y responses
     */
    LinearSufficientStatistics(GlmLayout layout, double[] x, double[] y) {
        if (layout.interceptIndex() < 0 || layout.sigmaIndex() < 0) {
            throw new IllegalArgumentException("sufficient statistics need the linear model with an intercept");
        }
        this.layout = layout;
        this.n = y.length;
        this.p = layout.parameters() - 2;
        this.meanX = new double[p];
        double sumY = 0;
        for (int i = 0; i < n; i++) {
            sumY += y[i];
            for (int j = 0; j < p; j++) {
                meanX[j] += x[i * p + j];
            }
        }
        this.meanY = sumY / n;
        for (int j = 0; j < p; j++) {
            meanX[j] /= n;
        }
        this.sxx = new double[p][p];
        this.sxy = new double[p];
        double squares = 0;
        double[] centred = new double[p];
        for (int i = 0; i < n; i++) {
            double dy = y[i] - meanY;
            squares += dy * dy;
            for (int j = 0; j < p; j++) {
                centred[j] = x[i * p + j] - meanX[j];
                sxy[j] += centred[j] * dy;
            }
            for (int j = 0; j < p; j++) {
                for (int k = 0; k <= j; k++) {
                    sxx[j][k] += centred[j] * centred[k];
                }
            }
        }
        for (int j = 0; j < p; j++) {
            for (int k = 0; k < j; k++) {
                sxx[k][j] = sxx[j][k];
            }
        }
        this.syy = squares;
    }

    /** As {@link GlmLikelihood#accumulate} over every record. */
    void accumulate(double[] theta, int particles, double[] values, double[] gradient) {
        int q = layout.parameters();
        int a = layout.interceptIndex();
        int b = layout.firstCoefficient();
        int c = layout.sigmaIndex();
        double[] sxxBeta = new double[p];
        for (int s = 0; s < particles; s++) {
            int t = s * q;
            double sigma = theta[t + c];
            double shiftedIntercept = theta[t + a] - meanY;
            double rss = syy;
            for (int j = 0; j < p; j++) {
                double beta = theta[t + b + j];
                shiftedIntercept += beta * meanX[j];
                double sum = 0;
                for (int k = 0; k < p; k++) {
                    sum += sxx[j][k] * theta[t + b + k];
                }
                sxxBeta[j] = sum;
                rss += beta * (sum - 2 * sxy[j]);
            }
            rss += n * shiftedIntercept * shiftedIntercept;
            double variance = sigma * sigma;
            values[s] += -0.5 * rss / variance - n * Math.log(sigma) - n * SpecialFunctions.HALF_LOG_2PI;
            if (gradient != null) {
                gradient[t + a] += -n * shiftedIntercept / variance;
                for (int j = 0; j < p; j++) {
                    gradient[t + b + j] += (sxy[j] - sxxBeta[j] - n * shiftedIntercept * meanX[j]) / variance;
                }
                gradient[t + c] += rss / (variance * sigma) - n / sigma;
            }
        }
    }
}
