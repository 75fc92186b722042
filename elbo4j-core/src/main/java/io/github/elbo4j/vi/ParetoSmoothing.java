package io.github.elbo4j.vi;

import java.util.Arrays;

/**
 * Pareto-smoothed importance sampling (PSIS): fits a generalized Pareto distribution to the largest
 * importance ratios, replaces them by the fitted quantiles, and reports the fitted shape k̂.
 *
 * <p>With S log ratios, the tail holds the {@code M = ceil(min(S/5, 3 √S))} largest; the threshold
 * u is the next largest ratio. The GPD (shape k, scale σ) is fitted to the exceedances {@code w − u}
 * by the profile-likelihood empirical Bayes method of Zhang and Stephens (Technometrics 51, 2009)
 * with the weakly informative adjustment {@code k̂ = (M k + 10·0.5)/(M + 10)}, and the i-th tail
 * ratio becomes {@code u + F⁻¹((i − ½)/M)}, truncated at the largest raw ratio, where {@code F⁻¹(p)
 * = σ ((1 − p)^{−k} − 1)/k}. Follows Vehtari, Simpson, Gelman, Yao and Gabry, "Pareto Smoothed
 * Importance Sampling", JMLR 25 (2024), Algorithm 1 and Appendix; the same choices as R's {@code
 * loo} and ArviZ.
 */
public final class ParetoSmoothing {

    private static final int MIN_TAIL = 5;

    private ParetoSmoothing() {}

    /**
     * The result: k̂ and the smoothed log weights.
     *
     * @param khat the fitted shape; +∞ when the tail is too short to fit
     * @param logWeights smoothed log ratios (same order as the input, unnormalised)
     */
    public record Result(double khat, double[] logWeights) {

        /** The reading of k̂. */
        public KhatReading reading() {
            return KhatReading.of(khat);
        }

        /**
         * The smoothed weights normalised to sum to 1: the self-normalised importance-sampling weights
         * of the draws.
         *
         * @return one weight per ratio, in the input's order
         */
        public double[] normalisedWeights() {
            double max = Arrays.stream(logWeights).max().orElseThrow();
            double[] weights = new double[logWeights.length];
            double total = 0;
            for (int s = 0; s < weights.length; s++) {
                weights[s] = Math.exp(logWeights[s] - max);
                total += weights[s];
            }
            for (int s = 0; s < weights.length; s++) {
                weights[s] /= total;
            }
            return weights;
        }
    }

    /**
     * Smooths log importance ratios {@code log p(x, z_s) − log q(z_s)}.
     *
     * @param logRatios S ≥ 2 finite values (−∞ allowed)
     * @return k̂ and the smoothed log ratios
     * @throws IllegalArgumentException on NaN or +∞
     */
    public static Result smooth(double[] logRatios) {
        int n = logRatios.length;
        double max = Double.NEGATIVE_INFINITY;
        for (double v : logRatios) {
            if (Double.isNaN(v) || v == Double.POSITIVE_INFINITY) {
                throw new IllegalArgumentException("log importance ratio " + v + " is not finite");
            }
            max = Math.max(max, v);
        }
        int tail = (int) Math.ceil(Math.min(0.2 * n, 3 * Math.sqrt(n)));
        double[] smoothed = logRatios.clone();
        if (tail < MIN_TAIL || max == Double.NEGATIVE_INFINITY) {
            return new Result(Double.POSITIVE_INFINITY, smoothed);
        }
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> Double.compare(logRatios[a], logRatios[b]));
        double logThreshold = logRatios[order[n - tail - 1]];
        double threshold = Math.exp(logThreshold - max);
        double[] exceedances = new double[tail];
        for (int i = 0; i < tail; i++) {
            exceedances[i] = Math.exp(logRatios[order[n - tail + i]] - max) - threshold;
        }
        if (exceedances[tail - 1] <= 0) {
            // Every tail ratio equals the threshold: no tail to fit, nothing to smooth.
            return new Result(0.0, smoothed);
        }
        double[] fit = fitGeneralizedPareto(exceedances);
        double k = fit[0];
        double sigma = fit[1];
        if (Double.isFinite(k)) {
            for (int i = 0; i < tail; i++) {
                double p = (i + 0.5) / tail;
                double quantile =
                        Math.abs(k) < 1e-12 ? -sigma * Math.log1p(-p) : sigma * Math.expm1(-k * Math.log1p(-p)) / k;
                smoothed[order[n - tail + i]] = Math.min(0.0, Math.log(threshold + quantile)) + max;
            }
        }
        return new Result(k, smoothed);
    }

    /**
     * Zhang and Stephens' estimate of (k, σ) from sorted positive exceedances, with the prior
     * adjustment of k towards 0.5.
     */
    static double[] fitGeneralizedPareto(double[] sorted) {
        int n = sorted.length;
        int grid = 30 + (int) Math.sqrt(n);
        double quartile = sorted[(int) Math.floor(n / 4.0 + 0.5) - 1];
        double[] theta = new double[grid];
        double[] profile = new double[grid];
        double best = Double.NEGATIVE_INFINITY;
        for (int j = 0; j < grid; j++) {
            theta[j] = 1.0 / sorted[n - 1] + (1.0 - Math.sqrt(grid / (j + 0.5))) / (3.0 * quartile);
            double k = meanLog1p(-theta[j], sorted);
            profile[j] = n * (Math.log(-theta[j] / k) - k - 1.0);
            if (!Double.isNaN(profile[j])) {
                best = Math.max(best, profile[j]);
            }
        }
        double weightSum = 0;
        double thetaHat = 0;
        for (int j = 0; j < grid; j++) {
            double w = Double.isNaN(profile[j]) ? 0.0 : Math.exp(profile[j] - best);
            weightSum += w;
            thetaHat += w * theta[j];
        }
        thetaHat /= weightSum;
        double k = meanLog1p(-thetaHat, sorted);
        double sigma = -k / thetaHat;
        double adjusted = (n * k + 10 * 0.5) / (n + 10);
        return new double[] {adjusted, sigma};
    }

    /** {@code mean_i log(1 + a x_i)}, the profile estimate of k at θ = −a. */
    private static double meanLog1p(double a, double[] x) {
        double sum = 0;
        for (double v : x) {
            sum += Math.log1p(a * v);
        }
        return sum / x.length;
    }
}
