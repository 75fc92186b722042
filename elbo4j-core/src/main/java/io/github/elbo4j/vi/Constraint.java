package io.github.elbo4j.vi;

import io.github.elbo4j.vi.autodiff.Value;
import io.github.elbo4j.vi.transform.Constrained;
import io.github.elbo4j.vi.transform.Transforms;

/**
 * The support of a parameter block and the smooth bijection {@code x = T(u)} from the unconstrained
 * space that variational inference works in, with its log absolute Jacobian determinant.
 *
 * <p>The transforms themselves are those of {@link Transforms}, on autodiff {@link Value}s, for
 * every kind of model: a {@link io.github.elbo4j.vi.model.JavaModel} applies them when it declares
 * a parameter, a {@link DjlModel}'s density before it hands the constrained values to the tensor
 * engine, and {@link #toConstrained(double[])} to draws. This interface names the support of a
 * block ({@link ParameterBlock}) and adds the inverse map, for initial values and tests.
 *
 * <pre>
 *   real                  x = u
 *   positive, lower a     x = a + exp(u)
 *   upper b               x = b − exp(u)
 *   interval (a, b)       x = a + (b − a) σ(u)
 *   simplex (K)           stick breaking from K − 1 values
 *   ordered               x_1 = u_1, x_k = x_{k−1} + exp(u_k)
 *   positive ordered      x_k = Σ_{j≤k} exp(u_j)
 *   cholesky_factor_corr  a K × K factor from K(K − 1)/2 values
 * </pre>
 */
public sealed interface Constraint {

    /**
     * The number of unconstrained coordinates of a block of {@code size} constrained values.
     *
     * @param size the number of constrained values
     * @return {@code size − 1} for a simplex, {@code K(K − 1)/2} for a {@code K × K} Cholesky factor
     *     of a correlation matrix, {@code size} otherwise
     * @throws IllegalArgumentException if no block of that size has this support
     */
    default int unconstrainedSize(int size) {
        return size;
    }

    /**
     * Whether T maps each element alone, so that u and x have the same shape (false for the
     * structured supports: simplex, ordered, Cholesky factor).
     */
    default boolean isElementwise() {
        return true;
    }

    /**
     * Maps unconstrained values to the support, on the autodiff tape when {@code u} is recorded.
     *
     * @param u the block's unconstrained values; an elementwise constraint keeps their shape
     * @return x (a vector for a structured support) and {@code log|det ∂x/∂u|}
     */
    Constrained transform(Value u);

    /**
     * {@link #transform} for one point in plain doubles, for draws after the fit.
     *
     * @param u the block's unconstrained values
     * @return {@code x = T(u)}, row-major for a matrix
     */
    default double[] toConstrained(double[] u) {
        return transform(Value.constant(u)).value().toArray();
    }

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

    /** Strictly increasing vectors of positive values. */
    static Constraint positiveOrdered() {
        return PositiveOrdered.INSTANCE;
    }

    /** Lower-triangular Cholesky factors of correlation matrices, blocks of shape {@code [K, K]}. */
    static Constraint choleskyFactorCorr() {
        return CholeskyFactorCorr.INSTANCE;
    }

    /**
     * Bounds that are values of the model (a vector of bounds, or other parameters), which only the
     * model can apply: see {@link VaryingBounds}.
     *
     * @param lower whether there is a lower bound
     * @param upper whether there is an upper bound
     */
    static Constraint varyingBounds(boolean lower, boolean upper) {
        return new VaryingBounds(lower, upper);
    }

    /** The identity transform. */
    enum Real implements Constraint {
        INSTANCE;

        @Override
        public Constrained transform(Value u) {
            return Transforms.identity(u);
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
        public Constrained transform(Value u) {
            return Transforms.lowerBounded(u, Value.constant(lower));
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
        public Constrained transform(Value u) {
            return Transforms.upperBounded(u, Value.constant(upper));
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
                throw new IllegalArgumentException("interval needs lower < upper, got (" + lower + ", " + upper + ")");
            }
        }

        @Override
        public Constrained transform(Value u) {
            return Transforms.interval(u, Value.constant(lower), Value.constant(upper));
        }

        @Override
        public double[] toUnconstrained(double[] x) {
            double[] u = new double[x.length];
            for (int i = 0; i < x.length; i++) {
                if (!(x[i] > lower && x[i] < upper)) {
                    throw new IllegalArgumentException(x[i] + " is not inside (" + lower + ", " + upper + ")");
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
        public boolean isElementwise() {
            return false;
        }

        @Override
        public Constrained transform(Value u) {
            return Transforms.simplex(u);
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
        public boolean isElementwise() {
            return false;
        }

        @Override
        public Constrained transform(Value u) {
            return Transforms.ordered(u);
        }

        @Override
        public double[] toUnconstrained(double[] x) {
            double[] u = new double[x.length];
            for (int i = 0; i < x.length; i++) {
                u[i] = i == 0 ? x[0] : logGap(x, i);
            }
            return u;
        }

        @Override
        public String toString() {
            return "ordered";
        }
    }

    /** Increasing positive vectors: the logs of the first value and of the successive gaps. */
    enum PositiveOrdered implements Constraint {
        INSTANCE;

        @Override
        public boolean isElementwise() {
            return false;
        }

        @Override
        public Constrained transform(Value u) {
            return Transforms.positiveOrdered(u);
        }

        @Override
        public double[] toUnconstrained(double[] x) {
            double[] u = new double[x.length];
            for (int i = 0; i < x.length; i++) {
                if (i == 0 && !(x[0] > 0)) {
                    throw new IllegalArgumentException("positive ordered values must be positive, got " + x[0]);
                }
                u[i] = i == 0 ? Math.log(x[0]) : logGap(x, i);
            }
            return u;
        }

        @Override
        public String toString() {
            return "positive_ordered";
        }
    }

    /** Cholesky factors of correlation matrices, through canonical partial correlations. */
    enum CholeskyFactorCorr implements Constraint {
        INSTANCE;

        @Override
        public int unconstrainedSize(int size) {
            int k = dimension(size);
            return Transforms.choleskyFactorCorrSize(k);
        }

        @Override
        public boolean isElementwise() {
            return false;
        }

        @Override
        public Constrained transform(Value u) {
            int k = (int) Math.round((1 + Math.sqrt(1 + 8.0 * u.size())) / 2);
            return Transforms.choleskyFactorCorr(u, k);
        }

        @Override
        public double[] toUnconstrained(double[] x) {
            int k = dimension(x.length);
            double[] u = new double[Transforms.choleskyFactorCorrSize(k)];
            int next = 0;
            for (int i = 1; i < k; i++) {
                double sumOfSquares = 0.0;
                for (int j = 0; j < i; j++) {
                    double entry = x[i * k + j];
                    double partial = entry / Math.sqrt(1.0 - sumOfSquares);
                    if (!(Math.abs(partial) < 1.0)) {
                        throw new IllegalArgumentException("row " + i + " of a Cholesky factor of a correlation"
                                + " matrix must have unit length and a positive diagonal");
                    }
                    u[next++] = 0.5 * Math.log((1 + partial) / (1 - partial));
                    sumOfSquares += entry * entry;
                }
            }
            return u;
        }

        private static int dimension(int size) {
            int k = (int) Math.round(Math.sqrt(size));
            if (k * k != size) {
                throw new IllegalArgumentException(
                        "a Cholesky factor of a correlation matrix is square, got " + size + " values");
            }
            return k;
        }

        @Override
        public String toString() {
            return "cholesky_factor_corr";
        }
    }

    /**
     * Bounds that are values of the model rather than numbers: a vector of bounds, or parameters
     * ({@code real<lower=mu> y}). The transform is that of {@link Transforms} with the bound values
     * of the run, so only the whole model maps a point ({@link Model#constrain(double[])}); this
     * block alone cannot.
     *
     * @param lower whether there is a lower bound
     * @param upper whether there is an upper bound
     */
    record VaryingBounds(boolean lower, boolean upper) implements Constraint {

        @Override
        public Constrained transform(Value u) {
            throw new IllegalStateException(
                    this + ": the bounds are values of the model; map whole points with" + " Model.constrain(z)");
        }

        @Override
        public double[] toUnconstrained(double[] x) {
            throw new IllegalStateException(this + ": the bounds are values of the model, unknown to the block");
        }

        @Override
        public String toString() {
            return lower && upper ? "interval(varying)" : lower ? "lower=varying" : "upper=varying";
        }
    }

    private static double logGap(double[] x, int i) {
        if (!(x[i] > x[i - 1])) {
            throw new IllegalArgumentException("ordered values must increase, got " + x[i - 1] + " then " + x[i]);
        }
        return Math.log(x[i] - x[i - 1]);
    }

    private static void requireFinite(double value, String what) {
        if (!Double.isFinite(value)) {
            throw new IllegalArgumentException(what + " must be finite, got " + value
                    + " (use positive(), lowerBounded() or upperBounded() for a half-line)");
        }
    }
}
