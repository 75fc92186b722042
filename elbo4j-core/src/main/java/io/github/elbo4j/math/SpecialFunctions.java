package io.github.elbo4j.math;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;

/**
 * Constants and numerically careful elementwise functions missing from DJL's {@code NDArray}.
 *
 * <ul>
 *   <li>{@link #log1p(NDArray)}: {@code log(1 + y)} accurate for tiny {@code y}, by Kahan's trick
 *       {@code log1p(y) = log(u)·y/(u − 1)} with {@code u = fl(1 + y)} (Higham, <i>Accuracy and
 *       Stability of Numerical Algorithms</i>, 2nd ed., §1.14.1; Goldberg, "What every computer
 *       scientist should know about floating-point arithmetic", 1991, Theorem 4).
 *   <li>{@link #softplus(NDArray)}: {@code softplus(l) = log(1 + e^l)} by the engine's fused,
 *       overflow-free kernel.
 *   <li>{@link #logSigmoid(NDArray)}: {@code log σ(l) = −softplus(−l)}.
 * </ul>
 *
 * <p>Results of the tensor functions are attached to the manager of their argument; their
 * temporaries are closed before they return. Constants are applied with the argument's floating
 * point type so that float32 stays float32 and float64 stays float64.
 */
public final class SpecialFunctions {

    /** {@code log(2π)}. */
    public static final double LOG_2PI = Math.log(2.0 * Math.PI);

    /** {@code ½ log(2π)}, the normalising constant of a standard normal density. */
    public static final double HALF_LOG_2PI = 0.5 * LOG_2PI;

    /** {@code ½ (1 + log 2π)}, the entropy of N(0, 1) in nats. */
    public static final double STANDARD_NORMAL_ENTROPY = 0.5 * (1.0 + LOG_2PI);

    private SpecialFunctions() {}

    /**
     * A 0-d constant with the floating-point width of {@code like} (two 0-d tensors promote to the
     * wider type), in memory the engine owns, attached to {@code like}'s manager.
     *
     * <p>Use it instead of DJL's {@code mul(Number)}-style overloads in anything that may be
     * differentiated. Those build the constant over JVM memory and close it right after the
     * operation, while the autograd graph keeps the constant for the backward pass (a product
     * saves its other factor): a garbage collection between forward and backward then frees memory
     * the graph still reads, and gradients silently become garbage or NaN now and then.
     *
     * @param like the array the constant will be combined with
     * @param value the constant
     * @return the constant as an engine-owned 0-d array
     */
    public static NDArray scalar(NDArray like, double value) {
        NDManager manager = like.getManager();
        try (NDArray jvmBacked =
                like.getDataType() == DataType.FLOAT64 ? manager.create(value) : manager.create((float) value)) {
            return jvmBacked.duplicate();
        }
    }

    /**
     * {@code log(1 + y)} elementwise, accurate to a few ulps also when {@code |y|} is below the
     * machine epsilon, where {@code log(1 + y)} would round to 0.
     *
     * @param y values greater than −1
     * @return {@code log1p(y)}, attached to {@code y}'s manager
     */
    public static NDArray log1p(NDArray y) {
        try (ArrayScope scope = ArrayScope.open(y.getManager(), y)) {
            NDArray u = y.add(scalar(y, 1.0));
            NDArray d = u.sub(scalar(y, 1.0));
            NDArray exact = d.eq(scalar(y, 0.0));
            // Both branches of where() are differentiated, so the unused one must stay finite.
            NDArray safeD = NDArrays.where(exact, d.onesLike(), d);
            NDArray corrected = u.log().mul(y.div(safeD));
            return scope.ret(NDArrays.where(exact, y, corrected));
        }
    }

    /**
     * The softplus function {@code log(1 + e^l)}, with the engine's fused kernel (PyTorch's
     * {@code softplus}: {@code log1p(e^l)}, and {@code l} itself above 20): finite for logits of any
     * magnitude (e.g. ±1e4), accurate in the far negative tail, and with derivative {@code σ(l)}
     * everywhere including {@code l = 0}.
     *
     * @param logits any real values
     * @return {@code softplus(logits)}, attached to {@code logits}' manager
     */
    public static NDArray softplus(NDArray logits) {
        return logits.getNDArrayInternal().softPlus();
    }

    /**
     * {@code log σ(l) = −softplus(−l)}, the log-probability of a Bernoulli success.
     *
     * @param logits any real values
     * @return {@code log σ(logits)}, attached to {@code logits}' manager
     */
    public static NDArray logSigmoid(NDArray logits) {
        try (ArrayScope scope = ArrayScope.open(logits.getManager(), logits)) {
            return scope.ret(softplus(logits.neg()).neg());
        }
    }

    /**
     * Scalar softplus {@code log(1 + e^x)} computed stably.
     *
     * @param x any real value
     * @return {@code max(x, 0) + log1p(exp(−|x|))}
     */
    public static double softplus(double x) {
        return Math.max(x, 0.0) + Math.log1p(Math.exp(-Math.abs(x)));
    }

    /**
     * {@code log Γ(x)} for {@code x > 0}: Stirling's series with four correction terms at {@code x ≥
     * 10}, and below that the recurrence {@code Γ(x) = Γ(x + n) / (x (x + 1) … (x + n − 1))}
     * (Abramowitz and Stegun 6.1.40 and 6.1.15); absolute error below 1e-12.
     *
     * @param x a positive argument
     * @return {@code log Γ(x)}
     * @throws IllegalArgumentException if {@code x} is not positive and finite
     */
    public static double logGamma(double x) {
        if (!(x > 0 && Double.isFinite(x))) {
            throw new IllegalArgumentException("logGamma needs a positive finite argument, got " + x);
        }
        double shift = 0;
        while (x < 10) {
            shift += Math.log(x);
            x += 1;
        }
        double inverse = 1 / x;
        double inverseSquare = inverse * inverse;
        double series = inverse
                * (1.0 / 12 - inverseSquare * (1.0 / 360 - inverseSquare * (1.0 / 1260 - inverseSquare / 1680)));
        return (x - 0.5) * Math.log(x) - x + HALF_LOG_2PI + series - shift;
    }
}
