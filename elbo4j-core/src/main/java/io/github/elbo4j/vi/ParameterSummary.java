package io.github.elbo4j.vi;

import java.util.Arrays;

/**
 * Marginal summary of one scalar parameter on the constrained scale, from posterior draws.
 *
 * @param mean the sample mean
 * @param sd the sample standard deviation (n − 1 denominator)
 * @param q5 the 5% quantile
 * @param q50 the median
 * @param q95 the 95% quantile
 */
public record ParameterSummary(double mean, double sd, double q5, double q50, double q95) {

    /**
     * Summarises draws; quantiles interpolate linearly between order statistics (Hyndman and Fan's
     * type 7, R's default).
     *
     * @param draws at least two values
     * @return the summary
     */
    public static ParameterSummary of(double[] draws) {
        int n = draws.length;
        if (n < 2) {
            throw new IllegalArgumentException("a summary needs at least 2 draws, got " + n);
        }
        double mean = 0;
        for (double v : draws) {
            mean += v;
        }
        mean /= n;
        double squares = 0;
        for (double v : draws) {
            squares += (v - mean) * (v - mean);
        }
        double[] sorted = draws.clone();
        Arrays.sort(sorted);
        return new ParameterSummary(mean, Math.sqrt(squares / (n - 1)),
                quantile(sorted, 0.05), quantile(sorted, 0.5), quantile(sorted, 0.95));
    }

    static double quantile(double[] sorted, double p) {
        double h = (sorted.length - 1) * p;
        int lo = (int) Math.floor(h);
        int hi = Math.min(lo + 1, sorted.length - 1);
        return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
    }
}
