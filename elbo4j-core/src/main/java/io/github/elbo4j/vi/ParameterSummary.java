package io.github.elbo4j.vi;

import java.util.Arrays;
import java.util.Comparator;
import java.util.stream.IntStream;

/**
 * Marginal summary of one scalar parameter on the constrained scale, from posterior draws, equally
 * weighted or importance-weighted.
 *
 * @param mean the (weighted) sample mean
 * @param sd the (weighted) sample standard deviation, with the n − 1 denominator for equal weights
 * @param q5 the 5% quantile
 * @param q50 the median
 * @param q95 the 95% quantile
 */
public record ParameterSummary(double mean, double sd, double q5, double q50, double q95) {

    /**
     * Summarises equally weighted draws; quantiles interpolate linearly between order statistics
     * (Hyndman and Fan's type 7, R's default).
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
        return new ParameterSummary(
                mean,
                Math.sqrt(squares / (n - 1)),
                quantile(sorted, 0.05),
                quantile(sorted, 0.5),
                quantile(sorted, 0.95));
    }

    /**
     * Summarises weighted draws, e.g. importance-weighted ones: the self-normalised estimates of the
     * mean and variance, the variance with the denominator {@code 1 − Σ w²} (the reliability-weights
     * correction, Bessel's {@code n − 1} for equal weights), and the quantiles of the weighted
     * distribution, interpolating linearly between the order statistics placed at the middle of
     * their weight, {@code W_i − w_i/2} with {@code W_i} the cumulative weight up to the i-th
     * smallest draw (Hyndman and Fan's type 5 for equal weights). A draw of weight 0 has no say.
     *
     * @param draws at least two values
     * @param weights one non-negative weight per draw, summing to 1, at least two of them positive
     * @return the summary
     * @throws IllegalArgumentException if fewer than two draws have weight or the counts differ
     */
    public static ParameterSummary of(double[] draws, double[] weights) {
        if (weights.length != draws.length) {
            throw new IllegalArgumentException(draws.length + " draws but " + weights.length + " weights");
        }
        int[] order = IntStream.range(0, draws.length)
                .filter(s -> weights[s] > 0)
                .boxed()
                .sorted(Comparator.comparingDouble(s -> draws[s]))
                .mapToInt(Integer::intValue)
                .toArray();
        int n = order.length;
        if (n < 2) {
            throw new IllegalArgumentException("a summary needs at least 2 draws of positive weight, got " + n);
        }
        double mean = 0;
        double squaredWeights = 0;
        for (int s : order) {
            mean += weights[s] * draws[s];
            squaredWeights += weights[s] * weights[s];
        }
        double squares = 0;
        double[] sorted = new double[n];
        double[] positions = new double[n];
        double cumulative = 0;
        for (int i = 0; i < n; i++) {
            int s = order[i];
            squares += weights[s] * (draws[s] - mean) * (draws[s] - mean);
            sorted[i] = draws[s];
            positions[i] = cumulative + weights[s] / 2;
            cumulative += weights[s];
        }
        return new ParameterSummary(
                mean,
                Math.sqrt(squares / (1 - squaredWeights)),
                quantile(sorted, positions, 0.05),
                quantile(sorted, positions, 0.5),
                quantile(sorted, positions, 0.95));
    }

    /** Hyndman and Fan's type 7 quantile of sorted, equally weighted values. */
    static double quantile(double[] sorted, double p) {
        double h = (sorted.length - 1) * p;
        int lo = (int) Math.floor(h);
        int hi = Math.min(lo + 1, sorted.length - 1);
        return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
    }

    /**
     * Linear interpolation of sorted values placed at increasing positions in [0, 1] at p; below
     * the first position the smallest value, above the last the largest.
     */
    private static double quantile(double[] sorted, double[] positions, double p) {
        int hi = 0;
        while (hi < sorted.length && positions[hi] < p) {
            hi++;
        }
        if (hi == 0 || hi == sorted.length) {
            return sorted[hi == 0 ? 0 : sorted.length - 1];
        }
        double fraction = (p - positions[hi - 1]) / (positions[hi] - positions[hi - 1]);
        return sorted[hi - 1] + fraction * (sorted[hi] - sorted[hi - 1]);
    }
}
