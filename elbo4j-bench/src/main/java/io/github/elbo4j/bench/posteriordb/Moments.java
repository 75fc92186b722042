package io.github.elbo4j.bench.posteriordb;

import io.github.elbo4j.vi.ParameterSummary;

/**
 * The mean and standard deviation of one scalar parameter: what the posteriordb reference gives
 * per parameter, and what a fit is judged by.
 *
 * @param mean the mean
 * @param sd the standard deviation
 */
public record Moments(double mean, double sd) {

    /**
     * The mean and standard deviation of a summary.
     *
     * @param summary a parameter's summary
     * @return its moments
     */
    public static Moments of(ParameterSummary summary) {
        return new Moments(summary.mean(), summary.sd());
    }

    /**
     * The sample moments of draws (standard deviation with the n − 1 denominator, as the reference's).
     *
     * @param draws at least two draws
     * @return their mean and standard deviation
     */
    public static Moments of(double[] draws) {
        if (draws.length < 2) {
            throw new IllegalArgumentException("moments need at least 2 draws, got " + draws.length);
        }
        double mean = 0;
        for (double draw : draws) {
            mean += draw;
        }
        mean /= draws.length;
        double squares = 0;
        for (double draw : draws) {
            squares += (draw - mean) * (draw - mean);
        }
        return new Moments(mean, Math.sqrt(squares / (draws.length - 1)));
    }
}
