package io.github.elbo4j.optim;

import java.util.Arrays;

/**
 * Limited-memory BFGS (Nocedal and Wright, "Numerical Optimization", 2nd ed., Algorithms 7.4 and
 * 7.5) for smooth deterministic objectives over a few hundred variables, in plain doubles.
 *
 * <p>The direction is the two-loop recursion over the last {@code memory} pairs (s, y) with the
 * initial inverse Hessian {@code (sᵀy / yᵀy) I}. The step satisfies the strong Wolfe conditions
 *
 * <pre>
 *   f(x + a d) ≤ f(x) + c1 a ∇f(x)ᵀd,   |∇f(x + a d)ᵀd| ≤ c2 |∇f(x)ᵀd|,   c1 = 1e−4, c2 = 0.9
 * </pre>
 *
 * found by bracketing and bisection (after Lewis and Overton, Math. Program. 141, 2013): a step
 * that fails the decrease condition or whose slope turns positive and steep bounds the bracket from
 * above, one whose slope is still steeply negative from below. Simpler than a cubic-interpolating
 * search and, since L-BFGS accepts the unit step almost always, no slower. The curvature condition
 * guarantees {@code sᵀy > 0}, so every stored pair keeps the inverse Hessian positive definite.
 * <b>A trial point where f or ∇f is not finite is rejected</b> and the step halved, so an objective
 * that is undefined in part of the space (a log density outside its support) is never stepped into.
 *
 * <p>The run stops when the largest gradient component is at most {@code gradientTolerance} (the
 * gradient-norm test), or when an iteration improves f by at most {@code relativeTolerance ·
 * max(1, |f|)}; otherwise at the iteration cap or when no step along the direction decreases f. The
 * {@link Result} says which ({@link Termination}); only the first two count as converged.
 */
public final class Lbfgs {

    /** The function to minimise. */
    @FunctionalInterface
    public interface Objective {
        /**
         * Evaluates f and ∇f.
         *
         * @param x the point (not modified)
         * @param gradient receives ∇f(x)
         * @return f(x); may be non-finite where f is undefined
         */
        double valueAndGradient(double[] x, double[] gradient);

        /**
         * −f, so that minimising it maximises f (an ELBO, a log density).
         *
         * @param f the function to maximise
         * @return −f and −∇f
         */
        static Objective negated(Objective f) {
            return (x, gradient) -> {
                double value = -f.valueAndGradient(x, gradient);
                for (int i = 0; i < gradient.length; i++) {
                    gradient[i] = -gradient[i];
                }
                return value;
            };
        }
    }

    /** Receives each accepted iterate. */
    @FunctionalInterface
    public interface Listener {

        /**
         * The iterate itself, after {@link #onIteration}; for methods that use the optimization path,
         * such as Pathfinder. The arrays are reused: copy what you keep.
         *
         * @param x the new iterate
         * @param gradient ∇f there
         * @param value f there
         */
        default void onIterate(double[] x, double[] gradient, double value) {}

        /**
         * An iteration ended.
         *
         * @param iteration 1, 2, …
         * @param value f at the new iterate
         * @param step the accepted step length a along the direction
         */
        void onIteration(int iteration, double value, double step);
    }

    /** Why a run ended. */
    public enum Termination {
        /** The largest gradient component fell to the gradient tolerance. */
        GRADIENT,
        /** An iteration improved f by less than the relative tolerance. */
        RELATIVE_DECREASE,
        /** The iteration cap. */
        ITERATION_CAP,
        /** No step along the search direction decreased f (rounding near an optimum, or a bad objective). */
        LINE_SEARCH_FAILED
    }

    /**
     * The outcome.
     *
     * @param x the last iterate
     * @param value f there
     * @param gradientMaxAbs the largest |∂f/∂x_i| there
     * @param iterations iterations made
     * @param evaluations calls of the objective, the start included
     * @param termination why the run ended
     */
    public record Result(
            double[] x, double value, double gradientMaxAbs, int iterations, int evaluations, Termination termination) {

        /** Whether a tolerance (gradient or relative decrease), not the cap or a failure, ended the run. */
        public boolean converged() {
            return termination == Termination.GRADIENT || termination == Termination.RELATIVE_DECREASE;
        }
    }

    private static final double ARMIJO = 1e-4;
    private static final double CURVATURE = 0.9;
    private static final int MAX_LINE_SEARCH_STEPS = 60;

    private final int memory;
    private final int maxIterations;
    private final double gradientTolerance;
    private final double relativeTolerance;

    /**
     * Configures the optimizer.
     *
     * @param memory the number of stored pairs (5–20 is usual)
     * @param maxIterations the iteration cap
     * @param gradientTolerance stop when max |∂f/∂x_i| is at most this
     * @param relativeTolerance stop when an iteration decreases f by at most this times max(1, |f|)
     */
    public Lbfgs(int memory, int maxIterations, double gradientTolerance, double relativeTolerance) {
        if (memory < 1 || maxIterations < 1 || !(gradientTolerance >= 0) || !(relativeTolerance >= 0)) {
            throw new IllegalArgumentException("L-BFGS needs memory and maxIterations ≥ 1 and non-negative tolerances");
        }
        this.memory = memory;
        this.maxIterations = maxIterations;
        this.gradientTolerance = gradientTolerance;
        this.relativeTolerance = relativeTolerance;
    }

    /**
     * Minimises f from {@code start}.
     *
     * @param f the objective
     * @param start the initial point, where f must be finite (not modified)
     * @param listener receives each iteration
     * @return the result
     * @throws IllegalArgumentException if f or its gradient is not finite at the start
     */
    public Result minimize(Objective f, double[] start, Listener listener) {
        int n = start.length;
        double[] x = start.clone();
        double[] g = new double[n];
        double value = f.valueAndGradient(x, g);
        int evaluations = 1;
        if (!Double.isFinite(value) || !allFinite(g)) {
            throw new IllegalArgumentException("the objective or its gradient is not finite at the starting point");
        }
        double[][] s = new double[memory][n];
        double[][] y = new double[memory][n];
        double[] rho = new double[memory];
        int stored = 0;
        int newest = -1;
        double[] direction = new double[n];
        double[] trial = new double[n];
        double[] trialGradient = new double[n];
        for (int iteration = 1; iteration <= maxIterations; iteration++) {
            if (maxAbs(g) <= gradientTolerance) {
                return new Result(x, value, maxAbs(g), iteration - 1, evaluations, Termination.GRADIENT);
            }
            twoLoop(g, s, y, rho, stored, newest, direction);
            double slope = dot(g, direction);
            if (!(slope < 0)) {
                // Rounding can spoil the recursion far into a run: fall back to steepest descent.
                for (int i = 0; i < n; i++) {
                    direction[i] = -g[i];
                }
                slope = -dot(g, g);
            }
            // The first direction is −∇f, with no curvature known: a unit-length first step.
            double step = stored == 0 ? 1.0 / Math.sqrt(-slope) : 1.0;
            double low = 0;
            double high = Double.POSITIVE_INFINITY;
            double trialValue = Double.NaN;
            boolean accepted = false;
            for (int k = 0; k < MAX_LINE_SEARCH_STEPS; k++) {
                for (int i = 0; i < n; i++) {
                    trial[i] = x[i] + step * direction[i];
                }
                trialValue = f.valueAndGradient(trial, trialGradient);
                evaluations++;
                if (!Double.isFinite(trialValue)
                        || !allFinite(trialGradient)
                        || trialValue > value + ARMIJO * step * slope) {
                    high = step;
                } else if (dot(trialGradient, direction) < CURVATURE * slope) {
                    low = step;
                } else if (dot(trialGradient, direction) > -CURVATURE * slope) {
                    high = step;
                } else {
                    accepted = true;
                    break;
                }
                step = Double.isInfinite(high) ? 2 * low : 0.5 * (low + high);
            }
            if (!accepted) {
                return new Result(x, value, maxAbs(g), iteration - 1, evaluations, Termination.LINE_SEARCH_FAILED);
            }
            newest = (newest + 1) % memory;
            stored = Math.min(stored + 1, memory);
            for (int i = 0; i < n; i++) {
                s[newest][i] = trial[i] - x[i];
                y[newest][i] = trialGradient[i] - g[i];
            }
            rho[newest] = 1.0 / dot(s[newest], y[newest]);
            double decrease = value - trialValue;
            System.arraycopy(trial, 0, x, 0, n);
            System.arraycopy(trialGradient, 0, g, 0, n);
            value = trialValue;
            listener.onIteration(iteration, value, step);
            listener.onIterate(x, g, value);
            if (maxAbs(g) <= gradientTolerance) {
                return new Result(x, value, maxAbs(g), iteration, evaluations, Termination.GRADIENT);
            }
            if (decrease <= relativeTolerance * Math.max(1.0, Math.abs(value))) {
                return new Result(x, value, maxAbs(g), iteration, evaluations, Termination.RELATIVE_DECREASE);
            }
        }
        return new Result(x, value, maxAbs(g), maxIterations, evaluations, Termination.ITERATION_CAP);
    }

    /** d = −H g by the two-loop recursion, newest pair first. */
    private static void twoLoop(
            double[] g, double[][] s, double[][] y, double[] rho, int stored, int newest, double[] direction) {
        int n = g.length;
        int memory = rho.length;
        double[] alpha = new double[stored];
        for (int i = 0; i < n; i++) {
            direction[i] = -g[i];
        }
        for (int k = 0; k < stored; k++) {
            int j = Math.floorMod(newest - k, memory);
            alpha[k] = rho[j] * dot(s[j], direction);
            axpy(-alpha[k], y[j], direction);
        }
        if (stored > 0) {
            double gamma = dot(s[newest], y[newest]) / dot(y[newest], y[newest]);
            for (int i = 0; i < n; i++) {
                direction[i] *= gamma;
            }
        }
        for (int k = stored - 1; k >= 0; k--) {
            int j = Math.floorMod(newest - k, memory);
            double beta = rho[j] * dot(y[j], direction);
            axpy(alpha[k] - beta, s[j], direction);
        }
    }

    private static double dot(double[] a, double[] b) {
        double sum = 0;
        for (int i = 0; i < a.length; i++) {
            sum += a[i] * b[i];
        }
        return sum;
    }

    private static void axpy(double a, double[] x, double[] y) {
        for (int i = 0; i < x.length; i++) {
            y[i] += a * x[i];
        }
    }

    private static double maxAbs(double[] values) {
        return Arrays.stream(values).map(Math::abs).max().orElse(0);
    }

    private static boolean allFinite(double[] values) {
        return Arrays.stream(values).allMatch(Double::isFinite);
    }
}
