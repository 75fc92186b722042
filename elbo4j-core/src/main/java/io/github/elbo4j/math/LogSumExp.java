package io.github.elbo4j.math;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;

/**
 * Stable {@code log Σ_i exp(x_i)} and {@code log (1/n) Σ_i exp(x_i)}.
 *
 * <p>With {@code m = max_i x_i}: {@code logSumExp(x) = m + log Σ_i exp(x_i − m)}. Every exponent is
 * ≤ 0, so nothing overflows, and the largest term contributes exactly 1, so nothing underflows to
 * {@code log 0}. When {@code m} is infinite (all entries −∞, or some +∞) the shift is replaced by 0
 * and the result is the correct ±∞ instead of NaN. The shift is treated as a constant by autograd,
 * so the gradient is the softmax of {@code x}.
 *
 * <p>This is how the importance-weighted bound {@code log (1/K) Σ_k w_k} is evaluated (Burda,
 * Grosse and Salakhutdinov, "Importance Weighted Autoencoders", ICLR 2016, eq. 8). Reference for
 * the trick: Blanchard, Higham and Higham, "Accurately computing the log-sum-exp and softmax
 * functions", IMA J. Numer. Anal. 41 (2021).
 */
public final class LogSumExp {

    private LogSumExp() {}

    /**
     * {@code log Σ exp(x)} along one axis, which is removed from the result.
     *
     * @param x a tensor (float32 or float64)
     * @param axis the reduced axis; negative values count from the end
     * @return a tensor of {@code x}'s shape without {@code axis}, attached to {@code x}'s manager
     * @throws IllegalArgumentException if the axis is out of range or has size 0
     */
    public static NDArray logSumExp(NDArray x, int axis) {
        int ax = normalizeAxis(axis, x.getShape().dimension());
        if (x.getShape().get(ax) == 0) {
            throw new IllegalArgumentException(
                    "logSumExp over axis " + axis + " of shape " + x.getShape() + ": it is empty");
        }
        try (ArrayScope scope = ArrayScope.open(x.getManager(), x)) {
            NDArray max = x.max(new int[] {ax}, true).stopGradient();
            NDArray shift = NDArrays.where(max.isInfinite(), max.zerosLike(), max);
            NDArray sum = x.sub(shift).exp().sum(new int[] {ax});
            return scope.ret(sum.log().add(shift.squeeze(ax)));
        }
    }

    /**
     * {@code log (1/n) Σ exp(x) = logSumExp(x) − log n} along one axis of size {@code n}.
     *
     * @param x a tensor
     * @param axis the reduced axis; negative values count from the end
     * @return a tensor of {@code x}'s shape without {@code axis}, attached to {@code x}'s manager
     */
    public static NDArray logMeanExp(NDArray x, int axis) {
        int ax = normalizeAxis(axis, x.getShape().dimension());
        long n = x.getShape().get(ax);
        try (ArrayScope scope = ArrayScope.open(x.getManager(), x)) {
            NDArray lse = logSumExp(x, ax);
            return scope.ret(lse.sub(SpecialFunctions.scalar(lse, Math.log(n))));
        }
    }

    /**
     * {@code log Σ exp(x)} in double precision.
     *
     * @param x values, possibly ±∞
     * @return the log of the sum of exponentials; −∞ for an empty array or all entries −∞; NaN if
     *     any entry is NaN
     */
    public static double logSumExp(double[] x) {
        double max = Double.NEGATIVE_INFINITY;
        for (double v : x) {
            if (Double.isNaN(v)) {
                return Double.NaN;
            }
            max = Math.max(max, v);
        }
        if (Double.isInfinite(max)) {
            return max;
        }
        double sum = 0.0;
        for (double v : x) {
            sum += Math.exp(v - max);
        }
        return max + Math.log(sum);
    }

    /**
     * {@code log (1/n) Σ exp(x)} in double precision.
     *
     * @param x values, at least one
     * @return {@code logSumExp(x) − log n}
     * @throws IllegalArgumentException if {@code x} is empty
     */
    public static double logMeanExp(double[] x) {
        if (x.length == 0) {
            throw new IllegalArgumentException("logMeanExp of an empty array is undefined");
        }
        return logSumExp(x) - Math.log(x.length);
    }

    static int normalizeAxis(int axis, int rank) {
        int ax = axis < 0 ? axis + rank : axis;
        if (ax < 0 || ax >= rank) {
            throw new IllegalArgumentException("axis " + axis + " is out of range for a tensor of rank " + rank);
        }
        return ax;
    }
}
