package io.github.elbo4j.vi;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;

import io.github.elbo4j.math.SpecialFunctions;

/**
 * The support of a parameter block and the smooth bijection {@code x = T(u)} from the unconstrained
 * space that Gaussian variational inference works in, with its log absolute Jacobian determinant.
 *
 * <p>The transforms are those of Stan (Stan Reference Manual, "Constraint transforms"; Kucukelbir
 * et al., "Automatic Differentiation Variational Inference", JMLR 18, 2017, §2.3):
 *
 * <pre>
 *   real              x = u                               log|J| = 0
 *   positive          x = exp(u)                          log|J| = u
 *   lower bound a     x = a + exp(u)                      log|J| = u
 *   upper bound b     x = b − exp(u)                      log|J| = u
 *   interval (a, b)   x = a + (b − a) σ(u)                log|J| = log(b − a) + log σ(u) + log σ(−u)
 *   simplex (K)       stick breaking from K − 1 values    log|J| = Σ_k log z_k + log(1 − z_k) + log r_k
 *   ordered           x_1 = u_1, x_k = x_{k−1} + exp(u_k) log|J| = Σ_{k≥2} u_k
 * </pre>
 *
 * <p>For the simplex, {@code z_k = σ(u_k − log(K − k))} (1-based k, so that u = 0 maps to the
 * uniform point), {@code r_k = 1 − Σ_{j<k} x_j} is the stick left and {@code x_k = r_k z_k},
 * {@code x_K = r_K}. Tensor arguments have the particles on the first axis: {@code u} is {@code
 * [S, unconstrainedSize]}, results are {@code [S, size]} and {@code [S]}; results and
 * intermediates are attached to {@code u}'s manager, which the fitting loop closes after every step.
 */
public sealed interface Constraint {

    /**
     * The number of unconstrained coordinates of a block of {@code size} constrained values.
     *
     * @param size the number of constrained values
     * @return {@code size − 1} for a simplex, {@code size} otherwise
     */
    default int unconstrainedSize(int size) {
        return size;
    }

    /**
     * Maps unconstrained values to the support.
     *
     * @param u shape {@code [S, unconstrainedSize]}
     * @return {@code x = T(u)}, shape {@code [S, size]}, attached to {@code u}'s manager ({@code u}
     *     itself for the identity: a copy would cut the autograd graph)
     */
    NDArray toConstrained(NDArray u);

    /**
     * {@link #toConstrained(NDArray)} for one point in plain doubles, for draws after the fit.
     *
     * @param u the block's unconstrained values
     * @return {@code x = T(u)}
     */
    double[] toConstrained(double[] u);

    /**
     * The log absolute determinant of the Jacobian of {@link #toConstrained}, summed over the block.
     *
     * @param u shape {@code [S, unconstrainedSize]}
     * @return {@code log |det ∂T/∂u|}, shape {@code [S]}
     */
    NDArray logAbsDetJacobian(NDArray u);

    /**
     * The inverse map {@code u = T⁻¹(x)}, for initial values and tests.
     *
     * @param x values inside the support
     * @return the unconstrained values
     * @throws IllegalArgumentException if a value lies outside the support
     */
    double[] toUnconstrained(double[] x);

    /** Unconstrained reals. */
    static Constraint real() {
        return Real.INSTANCE;
    }

    /** Positive reals, {@code x > 0}. */
    static Constraint positive() {
        return new LowerBounded(0.0);
    }

    /**
     * Values above {@code lower}.
     *
     * @param lower the finite lower bound
     */
    static Constraint lowerBounded(double lower) {
        return new LowerBounded(lower);
    }

    /**
     * Values below {@code upper}.
     *
     * @param upper the finite upper bound
     */
    static Constraint upperBounded(double upper) {
        return new UpperBounded(upper);
    }

    /**
     * Values in the open interval {@code (lower, upper)}, e.g. {@code (0, 1)} for a probability.
     *
     * @param lower finite lower bound
     * @param upper finite upper bound, greater than {@code lower}
     */
    static Constraint interval(double lower, double upper) {
        return new Interval(lower, upper);
    }

    /** Non-negative vectors that sum to one (size at least 2). */
    static Constraint simplex() {
        return Simplex.INSTANCE;
    }

    /** Strictly increasing vectors. */
    static Constraint ordered() {
        return Ordered.INSTANCE;
    }

    /** The identity transform. */
    enum Real implements Constraint {
        INSTANCE;

        @Override
        public NDArray toConstrained(NDArray u) {
            return u;
        }

        @Override
        public NDArray logAbsDetJacobian(NDArray u) {
            return u.get(":, 0").zerosLike();
        }

        @Override
        public double[] toConstrained(double[] u) {
            return u.clone();
        }

        @Override
        public double[] toUnconstrained(double[] x) {
            return x.clone();
        }

        @Override
        public String toString() {
            return "real";
        }
    }

    /**
     * {@code x = lower + exp(u)}.
     *
     * @param lower the finite lower bound (0 for a positive parameter)
     */
    record LowerBounded(double lower) implements Constraint {

        /** Checks the bound. */
        public LowerBounded {
            requireFinite(lower, "lower bound");
        }

        @Override
        public NDArray toConstrained(NDArray u) {
            NDArray e = u.exp();
            return lower == 0.0 ? e : e.add(SpecialFunctions.scalar(e, lower));
        }

        @Override
        public NDArray logAbsDetJacobian(NDArray u) {
            return u.sum(new int[] {1});
        }

        @Override
        public double[] toConstrained(double[] u) {
            double[] x = new double[u.length];
            for (int i = 0; i < u.length; i++) {
                x[i] = lower + Math.exp(u[i]);
            }
            return x;
        }

        @Override
        public double[] toUnconstrained(double[] x) {
            double[] u = new double[x.length];
            for (int i = 0; i < x.length; i++) {
                if (!(x[i] > lower)) {
                    throw new IllegalArgumentException(x[i] + " is not above the lower bound " + lower);
                }
                u[i] = Math.log(x[i] - lower);
            }
            return u;
        }

        @Override
        public String toString() {
            return lower == 0.0 ? "positive" : "lower=" + lower;
        }
    }

    /**
     * {@code x = upper − exp(u)}.
     *
     * @param upper the finite upper bound
     */
    record UpperBounded(double upper) implements Constraint {

        /** Checks the bound. */
        public UpperBounded {
            requireFinite(upper, "upper bound");
        }

        @Override
        public NDArray toConstrained(NDArray u) {
            NDArray e = u.exp().neg();
            return e.add(SpecialFunctions.scalar(e, upper));
        }

        @Override
        public NDArray logAbsDetJacobian(NDArray u) {
            return u.sum(new int[] {1});
        }

        @Override
        public double[] toConstrained(double[] u) {
            double[] x = new double[u.length];
            for (int i = 0; i < u.length; i++) {
                x[i] = upper - Math.exp(u[i]);
            }
            return x;
        }

        @Override
        public double[] toUnconstrained(double[] x) {
            double[] u = new double[x.length];
            for (int i = 0; i < x.length; i++) {
                if (!(x[i] < upper)) {
                    throw new IllegalArgumentException(x[i] + " is not below the upper bound " + upper);
                }
                u[i] = Math.log(upper - x[i]);
            }
            return u;
        }

        @Override
        public String toString() {
            return "upper=" + upper;
        }
    }

    /**
     * {@code x = lower + (upper − lower) σ(u)}.
     *
     * @param lower finite lower bound
     * @param upper finite upper bound, greater than {@code lower}
     */
    record Interval(double lower, double upper) implements Constraint {

        /** Checks the bounds. */
        public Interval {
            requireFinite(lower, "lower bound");
            requireFinite(upper, "upper bound");
            if (!(upper > lower)) {
                throw new IllegalArgumentException(
                        "interval needs lower < upper, got (" + lower + ", " + upper + ")");
            }
        }

        @Override
        public NDArray toConstrained(NDArray u) {
            // σ(u) = exp(−softplus(−u)): finite and accurate for any u.
            NDArray sigmoid = SpecialFunctions.softplus(u.neg()).neg().exp();
            return sigmoid.mul(SpecialFunctions.scalar(sigmoid, upper - lower))
                    .add(SpecialFunctions.scalar(sigmoid, lower));
        }

        @Override
        public NDArray logAbsDetJacobian(NDArray u) {
            NDArray both = SpecialFunctions.softplus(u).add(SpecialFunctions.softplus(u.neg()));
            return both.neg().add(SpecialFunctions.scalar(both, Math.log(upper - lower))).sum(new int[] {1});
        }

        @Override
        public double[] toConstrained(double[] u) {
            double[] x = new double[u.length];
            for (int i = 0; i < u.length; i++) {
                x[i] = lower + (upper - lower) * sigmoid(u[i]);
            }
            return x;
        }

        @Override
        public double[] toUnconstrained(double[] x) {
            double[] u = new double[x.length];
            for (int i = 0; i < x.length; i++) {
                if (!(x[i] > lower && x[i] < upper)) {
                    throw new IllegalArgumentException(
                            x[i] + " is not inside (" + lower + ", " + upper + ")");
                }
                double p = (x[i] - lower) / (upper - lower);
                u[i] = Math.log(p) - Math.log1p(-p);
            }
            return u;
        }

        @Override
        public String toString() {
            return "interval(" + lower + ", " + upper + ")";
        }
    }

    /** Stick-breaking map onto the probability simplex. */
    enum Simplex implements Constraint {
        INSTANCE;

        @Override
        public int unconstrainedSize(int size) {
            if (size < 2) {
                throw new IllegalArgumentException("a simplex needs at least 2 components, got " + size);
            }
            return size - 1;
        }

        @Override
        public NDArray toConstrained(NDArray u) {
            return breakStick(u, false);
        }

        @Override
        public NDArray logAbsDetJacobian(NDArray u) {
            return breakStick(u, true);
        }

        /** Runs the stick-breaking recursion, returning either x or log|J|. */
        private static NDArray breakStick(NDArray u, boolean jacobian) {
            long k = u.getShape().get(1) + 1;
            NDList parts = new NDList();
            NDArray remaining = u.get(":, 0").onesLike();
            NDArray logJacobian = remaining.zerosLike();
            for (long i = 0; i < k - 1; i++) {
                NDArray shifted = u.get(":, {}", i).sub(SpecialFunctions.scalar(u, Math.log(k - 1 - i)));
                NDArray logZ = SpecialFunctions.softplus(shifted.neg()).neg();
                NDArray logOneMinusZ = SpecialFunctions.softplus(shifted).neg();
                NDArray piece = remaining.mul(logZ.exp());
                logJacobian = logJacobian.add(logZ).add(logOneMinusZ).add(remaining.log());
                remaining = remaining.sub(piece);
                parts.add(piece);
            }
            parts.add(remaining);
            if (jacobian) {
                return logJacobian;
            }
            return NDArrays.stack(parts, 1);
        }

        @Override
        public double[] toConstrained(double[] u) {
            int k = u.length + 1;
            double[] x = new double[k];
            double remaining = 1.0;
            for (int i = 0; i < k - 1; i++) {
                x[i] = remaining * sigmoid(u[i] - Math.log(k - 1 - i));
                remaining -= x[i];
            }
            x[k - 1] = remaining;
            return x;
        }

        @Override
        public double[] toUnconstrained(double[] x) {
            int k = x.length;
            unconstrainedSize(k);
            double sum = 0;
            for (double v : x) {
                if (!(v > 0)) {
                    throw new IllegalArgumentException("simplex components must be positive, got " + v);
                }
                sum += v;
            }
            if (Math.abs(sum - 1.0) > 1e-8) {
                throw new IllegalArgumentException("simplex components must sum to 1, got " + sum);
            }
            double[] u = new double[k - 1];
            double remaining = 1.0;
            for (int i = 0; i < k - 1; i++) {
                double z = x[i] / remaining;
                u[i] = Math.log(z) - Math.log1p(-z) + Math.log(k - 1 - i);
                remaining -= x[i];
            }
            return u;
        }

        @Override
        public String toString() {
            return "simplex";
        }
    }

    /** Increasing vectors: the first value and the logs of the successive gaps. */
    enum Ordered implements Constraint {
        INSTANCE;

        @Override
        public NDArray toConstrained(NDArray u) {
            long k = u.getShape().get(1);
            if (k == 1) {
                return u;
            }
            NDArray gaps = u.get(":, 1:").exp();
            NDArray increments = NDArrays.concat(new NDList(u.get(":, 0:1"), gaps), 1);
            return increments.cumSum(1);
        }

        @Override
        public NDArray logAbsDetJacobian(NDArray u) {
            long k = u.getShape().get(1);
            if (k == 1) {
                return u.get(":, 0").zerosLike();
            }
            return u.get(":, 1:").sum(new int[] {1});
        }

        @Override
        public double[] toConstrained(double[] u) {
            double[] x = new double[u.length];
            for (int i = 0; i < u.length; i++) {
                x[i] = i == 0 ? u[0] : x[i - 1] + Math.exp(u[i]);
            }
            return x;
        }

        @Override
        public double[] toUnconstrained(double[] x) {
            double[] u = new double[x.length];
            for (int i = 0; i < x.length; i++) {
                if (i == 0) {
                    u[i] = x[0];
                } else if (x[i] > x[i - 1]) {
                    u[i] = Math.log(x[i] - x[i - 1]);
                } else {
                    throw new IllegalArgumentException("ordered values must increase, got "
                            + x[i - 1] + " then " + x[i]);
                }
            }
            return u;
        }

        @Override
        public String toString() {
            return "ordered";
        }
    }

    /** The logistic function, written so that neither branch overflows. */
    private static double sigmoid(double u) {
        return u >= 0 ? 1 / (1 + Math.exp(-u)) : Math.exp(u) / (1 + Math.exp(u));
    }

    private static void requireFinite(double value, String what) {
        if (!Double.isFinite(value)) {
            throw new IllegalArgumentException(what + " must be finite, got " + value
                    + " (use positive(), lowerBounded() or upperBounded() for a half-line)");
        }
    }
}
