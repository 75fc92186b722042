package io.github.elbo4j.vi.fit;

import io.github.elbo4j.optim.Lbfgs;
import io.github.elbo4j.vi.UnconstrainedDensity;

import java.util.SplittableRandom;

/**
 * Finds a mode of a log density f over the unconstrained space by L-BFGS, and the Laplace
 * approximation there.
 *
 * <p><b>Starting points.</b> As Stan does: the origin (every constrained parameter at its "centre":
 * 0, 1 for a positive one, the midpoint of an interval), then points uniform in (−2, 2)ᴰ, until f
 * and ∇f are finite at one; {@value #STARTS} points in all. If none is finite the model cannot be
 * fitted and an {@link IllegalArgumentException} says so.
 *
 * <p><b>Convergence.</b> L-BFGS's gradient-norm test, {@code max_i |∂f/∂z_i| ≤ 1e−8 · max(1, |f|)}
 * (relative, because f of n records scales with n), or a relative improvement of f below 1e−13; its
 * line search rejects steps to points where f is not finite. A run that ends otherwise (iteration
 * cap, failed line search) reports {@link Mode#found()} false, which is what an improper posterior
 * that diverges towards a boundary does.
 *
 * <p><b>Hessian.</b> Central finite differences of ∇f, {@code H_ij ≈ −(∂_j f(z + h_i e_i) − ∂_j f(z −
 * h_i e_i)) / 2h_i} with {@code h_i = 1e−5 · max(1, |z_i|)} (error O(h²), rounding O(ε/h)),
 * symmetrised; 2D gradient evaluations in one batch.
 */
public final class ModeFinder {

    /** The number of starting points tried before f is declared non-finite everywhere. */
    public static final int STARTS = 20;
    /** The L-BFGS iteration cap of one run. */
    public static final int MAX_ITERATIONS = 2000;
    private static final int MEMORY = 10;
    private static final double GRADIENT_TOLERANCE = 1e-8;
    private static final double RELATIVE_TOLERANCE = 1e-13;
    private static final double STEP = 1e-5;
    private static final double INIT_RADIUS = 2.0;

    private ModeFinder() {}

    /**
     * Finds a mode.
     *
     * @param density f and ∇f
     * @param dimension D
     * @param random source of the random starting points
     * @return the mode with its Hessian, whether or not L-BFGS converged
     * @throws IllegalArgumentException if f or ∇f is not finite at any of the starting points
     */
    public static Mode find(UnconstrainedDensity density, int dimension, SplittableRandom random) {
        double[] start = finiteStart(density, dimension, random, true);
        double[] value = new double[1];
        double[] gradient = new double[dimension];
        density.evaluate(start, 1, null, value, gradient);
        double tolerance = GRADIENT_TOLERANCE * Math.max(1, Math.abs(value[0]));
        Lbfgs.Result result = new Lbfgs(MEMORY, MAX_ITERATIONS, tolerance, RELATIVE_TOLERANCE).minimize(
                negated(density), start, (iteration, f, step) -> {});
        double[][] hessian = negativeHessian(density, result.x());
        return new Mode(result.x(), -result.value(), result.converged(), result.iterations(), hessian,
                Mode.inverse(hessian));
    }

    /** −f as an L-BFGS objective; NaN where f or ∇f is not finite. */
    static Lbfgs.Objective negated(UnconstrainedDensity density) {
        double[] value = new double[1];
        return (x, gradient) -> {
            density.evaluate(x, 1, null, value, gradient);
            for (int i = 0; i < gradient.length; i++) {
                gradient[i] = -gradient[i];
            }
            return -value[0];
        };
    }

    /**
     * The first point where f and ∇f are finite among the origin (if {@code originFirst}) and uniform
     * points in (−2, 2)ᴰ, {@value #STARTS} tries in all.
     *
     * @throws IllegalArgumentException if there is none
     */
    public static double[] finiteStart(UnconstrainedDensity density, int dimension, SplittableRandom random,
            boolean originFirst) {
        double[] value = new double[1];
        double[] gradient = new double[dimension];
        double[] point = new double[dimension];
        for (int attempt = 0; attempt < STARTS; attempt++) {
            if (attempt > 0 || !originFirst) {
                for (int i = 0; i < dimension; i++) {
                    point[i] = random.nextDouble(-INIT_RADIUS, INIT_RADIUS);
                }
            }
            density.evaluate(point, 1, null, value, gradient);
            if (Double.isFinite(value[0]) && allFinite(gradient)) {
                return point;
            }
        }
        throw new IllegalArgumentException("the log density or its gradient is not finite at any of " + STARTS
                + " initial points (the origin of the unconstrained space and random points in (-2, 2)); check"
                + " the model's log density, priors and constraints");
    }

    /** H = −∇²f at z by central differences of ∇f, symmetrised. */
    public static double[][] negativeHessian(UnconstrainedDensity density, double[] z) {
        int d = z.length;
        double[] points = new double[2 * d * d];
        double[] steps = new double[d];
        for (int i = 0; i < d; i++) {
            steps[i] = STEP * Math.max(1, Math.abs(z[i]));
            for (int sign = 0; sign < 2; sign++) {
                int row = (2 * i + sign) * d;
                System.arraycopy(z, 0, points, row, d);
                points[row + i] += sign == 0 ? steps[i] : -steps[i];
            }
        }
        double[] values = new double[2 * d];
        double[] gradients = new double[2 * d * d];
        density.evaluate(points, 2 * d, null, values, gradients);
        double[][] h = new double[d][d];
        for (int i = 0; i < d; i++) {
            for (int j = 0; j < d; j++) {
                h[i][j] = -(gradients[2 * i * d + j] - gradients[(2 * i + 1) * d + j]) / (2 * steps[i]);
            }
        }
        for (int i = 0; i < d; i++) {
            for (int j = 0; j < i; j++) {
                double mean = 0.5 * (h[i][j] + h[j][i]);
                h[i][j] = mean;
                h[j][i] = mean;
            }
        }
        return h;
    }

    static boolean allFinite(double[] values) {
        for (double v : values) {
            if (!Double.isFinite(v)) {
                return false;
            }
        }
        return true;
    }
}
