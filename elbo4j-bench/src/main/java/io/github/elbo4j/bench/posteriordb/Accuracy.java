package io.github.elbo4j.bench.posteriordb;

import java.util.Map;

/**
 * How far a fitted posterior is from the reference, by its worst parameter: the largest error of a
 * mean in reference standard deviations, and the standard-deviation ratio (fitted over reference)
 * farthest from 1. Issue 19's bar for a fit that is right: every mean within {@value
 * #MEAN_TOLERANCE} reference sd and every sd within {@value #SD_TOLERANCE} (10%) of the reference.
 *
 * @param worstMeanParameter the parameter whose mean is farthest off
 * @param worstMeanError its |mean − reference mean| / reference sd
 * @param worstSdParameter the parameter whose sd ratio is farthest from 1
 * @param worstSdRatio its fitted sd / reference sd
 */
public record Accuracy(String worstMeanParameter, double worstMeanError, String worstSdParameter, double worstSdRatio) {

    /** The largest mean error, in reference sds, of a fit that passes. */
    public static final double MEAN_TOLERANCE = 0.1;

    /** The largest relative sd error, |ratio − 1|, of a fit that passes. */
    public static final double SD_TOLERANCE = 0.1;

    /**
     * Compares a fit with the reference over every reference parameter. A non-finite fitted moment
     * counts as infinitely wrong, so that a diverged fit never passes.
     *
     * @param reference the reference moments by parameter name ({@code beta[1]})
     * @param fitted the fit's moments by the same names; it may hold more parameters
     * @return the worst errors
     * @throws IllegalArgumentException naming a reference parameter the fit lacks
     */
    public static Accuracy of(Map<String, Moments> reference, Map<String, Moments> fitted) {
        String meanParameter = null;
        double meanError = -1;
        String sdParameter = null;
        double sdRatio = 1;
        for (Map.Entry<String, Moments> entry : reference.entrySet()) {
            String name = entry.getKey();
            Moments fit = fitted.get(name);
            if (fit == null) {
                throw new IllegalArgumentException(
                        "the fit has no parameter '" + name + "' (it has " + String.join(", ", fitted.keySet()) + ")");
            }
            Moments ref = entry.getValue();
            double error = Math.abs(fit.mean() - ref.mean()) / ref.sd();
            error = Double.isNaN(error) ? Double.POSITIVE_INFINITY : error;
            if (error > meanError) {
                meanParameter = name;
                meanError = error;
            }
            double ratio = fit.sd() / ref.sd();
            ratio = Double.isNaN(ratio) ? Double.POSITIVE_INFINITY : ratio;
            if (sdParameter == null || Math.abs(ratio - 1) > Math.abs(sdRatio - 1)) {
                sdParameter = name;
                sdRatio = ratio;
            }
        }
        if (meanParameter == null) {
            throw new IllegalArgumentException("the reference has no parameters");
        }
        return new Accuracy(meanParameter, meanError, sdParameter, sdRatio);
    }

    /** @return |worst sd ratio − 1|, the worst relative sd error */
    public double worstSdError() {
        return Math.abs(worstSdRatio - 1);
    }

    /** @return whether every mean is within 0.1 reference sd and every sd within 10% */
    public boolean passes() {
        return worstMeanError <= MEAN_TOLERANCE && worstSdError() <= SD_TOLERANCE;
    }
}
