package io.github.elbo4j.vi.fit;

import io.github.elbo4j.optim.Lbfgs;
import io.github.elbo4j.vi.DenseCholesky;
import io.github.elbo4j.vi.UnconstrainedDensity;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Finds a mode of a log density f over the unconstrained space by L-BFGS, and the Laplace
 * approximation there.
 *
 * <p><b>Starting points.</b> As Stan does: the origin (every constrained parameter at its "centre":
 * 0, 1 for a positive one, the midpoint of an interval), then points uniform in (−2, 2)ᴰ, until f
 * and ∇f are finite at one; {@value #STARTS} points in all. If none is finite the model cannot be
 * fitted and an {@link IllegalArgumentException} says so. {@value #RUNS} such starts are climbed and
 * the highest mode kept (see {@link #find}).
 *
 * <p><b>Batches.</b> The density is called with many points at once wherever the algorithm allows:
 * the runs' starting points in one call, the runs' L-BFGS iterations side by side with one call per
 * round ({@link LockstepClimbs}), the Hessian's points with the gradient at its centre in one call.
 * Each point's value does not depend on the others in its batch, so the result is that of climbing
 * one run after another; a density with a fixed cost per call (a Spark job, a tensor engine's
 * dispatch) pays it about twenty times per search instead of about a hundred.
 *
 * <p><b>Convergence.</b> L-BFGS runs to its gradient-norm test, {@code max_i |∂f/∂z_i| ≤ 1e−8 ·
 * max(1, |f(start)|)}, or a relative improvement of f below 1e−13; its line search rejects steps to
 * points where f is not finite. Newton steps with the finite-difference Hessian then polish the
 * point (L-BFGS stops early on badly scaled problems, whose gradient says little about the distance
 * to the mode) until the Newton decrement {@code ∇fᵀ H⁻¹ ∇f}, which measures that distance in
 * posterior sds whatever the scales, is below {@value #NEWTON_DECREMENT}: then {@link Mode#found()}
 * holds. Without a positive definite Hessian the point is a mode only if L-BFGS converged; an
 * improper posterior that diverges towards a boundary ends at the iteration cap or a failed line
 * search, and reports no mode.
 *
 * <p><b>Hessian.</b> Central finite differences of ∇f, {@code H_ij ≈ −(∂_j f(z + h_i e_i) − ∂_j f(z −
 * h_i e_i)) / 2h_i} with {@code h_i = 1e−5 · max(1, |z_i|)} (error O(h²), rounding O(ε/h)),
 * symmetrised; 2D gradient evaluations in one batch, with the gradient at z.
 */
public final class ModeFinder {

    /** The number of starting points tried before f is declared non-finite everywhere. */
    public static final int STARTS = 20;
    /**
     * The L-BFGS runs from different starting points. Stan's optimizer makes one; on posteriordb's
     * HMM the origin leads to a local mode 63 nats below the main one, which a random start in
     * (−2, 2)ᴰ reaches about half the time, so 8 runs miss it with probability about 0.5⁷ (measured:
     * 60 of 60 seeds find it, against 49 of 60 with 4 runs), for 130 ms of that fit's 0.5–1 s; a
     * small model's run takes microseconds to milliseconds.
     */
    public static final int RUNS = 8;
    /** Log densities within this relative difference are equal: a later run must beat it to win. */
    private static final double SAME_LOG_DENSITY = 1e-9;
    /** Two modes closer than this many Laplace sds in every coordinate are the same. */
    private static final double SAME_MODE_SDS = 0.5;
    /** A mode with less than this fraction of the best mode's Laplace mass is not counted. */
    private static final double MASS_FRACTION = 0.01;
    /** The L-BFGS iteration cap of one run. */
    public static final int MAX_ITERATIONS = 2000;

    private static final int MEMORY = 10;
    private static final double GRADIENT_TOLERANCE = 1e-8;
    private static final double RELATIVE_TOLERANCE = 1e-13;
    private static final double STEP = 1e-5;
    private static final double INIT_RADIUS = 2.0;
    /** The squared distance to the mode, in posterior sds, below which the polished point is the mode. */
    private static final double NEWTON_DECREMENT = 1e-12;

    private static final int NEWTON_STEPS = 10;
    private static final int NEWTON_HALVINGS = 20;

    private ModeFinder() {}

    /**
     * Finds the highest of the modes that L-BFGS reaches from {@value #RUNS} starting points: the
     * first finite point of {@link #finiteStart} (the origin when f is finite there), then further
     * random ones. One start is not enough: on a multimodal posterior (an HMM's, a mixture's) the
     * origin may lead to a local mode hundreds of sds from the mass, and a Laplace or VI fit there
     * would look converged and reliable. The modes the starts reach are counted in {@link
     * Mode#modes()} (see {@link #distinctModes}), so that the verdict can say when a Gaussian cannot
     * represent the posterior. The same random source gives the same mode.
     *
     * @param density f and ∇f
     * @param dimension D
     * @param random source of the random starting points
     * @return the mode with its Hessian, whether or not L-BFGS converged
     * @throws IllegalArgumentException if f or ∇f is not finite at any of the starting points
     */
    public static Mode find(UnconstrainedDensity density, int dimension, SplittableRandom random) {
        List<LockstepClimbs.Start> starts = finiteStarts(density, dimension, random);
        List<Lbfgs> optimizers = new ArrayList<>();
        for (LockstepClimbs.Start start : starts) {
            double tolerance = GRADIENT_TOLERANCE * Math.max(1, Math.abs(start.logDensity()));
            optimizers.add(new Lbfgs(MEMORY, MAX_ITERATIONS, tolerance, RELATIVE_TOLERANCE));
        }
        List<Mode> runs = new ArrayList<>();
        for (Lbfgs.Result path : LockstepClimbs.maximise(density, starts, optimizers)) {
            runs.add(polish(density, path, runs));
        }
        Mode best = runs.get(0);
        for (Mode candidate : runs) {
            if (better(candidate, best)) {
                best = candidate;
            }
        }
        return best.withModes(distinctModes(best, runs));
    }

    /**
     * The starting points of the {@value #RUNS} runs, with f and ∇f there: the points that {@link
     * #finiteStart} would give one run after another (the origin first, then uniform points in
     * (−2, 2)ᴰ, each run taking the next finite one, {@value #STARTS} tries at most), with the
     * candidates of the runs still missing evaluated in one batch.
     *
     * @throws NoFiniteStartException if a run finds no finite point in {@value #STARTS} tries
     */
    static List<LockstepClimbs.Start> finiteStarts(
            UnconstrainedDensity density, int dimension, SplittableRandom random) {
        List<LockstepClimbs.Start> starts = new ArrayList<>();
        int failures = 0;
        boolean origin = true;
        while (starts.size() < RUNS) {
            int count = RUNS - starts.size();
            double[] points = new double[count * dimension];
            for (int k = origin ? 1 : 0; k < count; k++) {
                for (int i = 0; i < dimension; i++) {
                    points[k * dimension + i] = random.nextDouble(-INIT_RADIUS, INIT_RADIUS);
                }
            }
            origin = false;
            double[] values = new double[count];
            double[] gradients = new double[count * dimension];
            density.evaluate(points, count, null, values, gradients);
            for (int k = 0; k < count; k++) {
                double[] gradient = Arrays.copyOfRange(gradients, k * dimension, (k + 1) * dimension);
                if (Double.isFinite(values[k]) && allFinite(gradient)) {
                    starts.add(new LockstepClimbs.Start(
                            Arrays.copyOfRange(points, k * dimension, (k + 1) * dimension), values[k], gradient));
                    failures = 0;
                } else if (++failures >= STARTS) {
                    throw noFiniteStart();
                }
            }
        }
        return starts;
    }

    /**
     * A found mode beats one not found; otherwise the higher f wins, by more than rounding: runs that
     * reach the same mode differ in f by about 1e−12 relative, and the earlier (the origin's) is
     * kept, so that a unimodal posterior's mode does not depend on the seed.
     */
    private static boolean better(Mode candidate, Mode best) {
        if (candidate.found() != best.found()) {
            return candidate.found();
        }
        return candidate.logDensity() > best.logDensity() + SAME_LOG_DENSITY * Math.max(1, Math.abs(best.logDensity()));
    }

    /**
     * How many distinct modes that carry mass the runs found, the best included: a run counts when
     * it found a mode more than {@value #SAME_MODE_SDS} Laplace sds (of the best mode, in some
     * coordinate) from the best and of at least {@value #MASS_FRACTION} of its mass, estimated by
     * the Laplace evidence {@code f(mode) + ½ log det H⁻¹}. A lower mode with a negligible share of
     * the mass does not make the Gaussian at the best one wrong, so it is not counted; runs ending
     * at the same mode agree to about 1e−6 sd, far within the threshold. 1 when the best is no mode.
     */
    static int distinctModes(Mode best, List<Mode> runs) {
        if (!best.hasLaplace()) {
            return 1;
        }
        double bestMass = laplaceLogMass(best);
        List<Mode> distinct = new ArrayList<>(List.of(best));
        for (Mode run : runs) {
            if (!run.hasLaplace() || laplaceLogMass(run) < bestMass + Math.log(MASS_FRACTION)) {
                continue;
            }
            boolean seen = false;
            for (Mode known : distinct) {
                seen |= farthestInSds(best, known.point(), run.point()) <= SAME_MODE_SDS;
            }
            if (!seen) {
                distinct.add(run);
            }
        }
        return distinct.size();
    }

    /** log of the Laplace evidence up to the constant D/2 log 2π: f(mode) + ½ log det H⁻¹. */
    private static double laplaceLogMass(Mode mode) {
        double[][] factor = DenseCholesky.tryFactor(mode.covariance());
        return factor == null
                ? Double.NEGATIVE_INFINITY
                : mode.logDensity() + 0.5 * DenseCholesky.logDeterminant(factor);
    }

    /** max_i |a_i − b_i| / √(H⁻¹)_ii with H that of {@code scale}. */
    private static double farthestInSds(Mode scale, double[] a, double[] b) {
        double farthest = 0;
        for (int i = 0; i < a.length; i++) {
            farthest = Math.max(farthest, Math.abs(a[i] - b[i]) / Math.sqrt(scale.covariance()[i][i]));
        }
        return farthest;
    }

    /**
     * Newton polishing of an L-BFGS run's end point: see the class documentation. When the run
     * ended within {@value #SAME_MODE_SDS} sd of a mode already polished, that mode is returned:
     * the finite-difference Hessian (2D gradients) is computed once per mode, not once per run.
     */
    private static Mode polish(UnconstrainedDensity density, Lbfgs.Result result, List<Mode> known) {
        double[] point = result.x();
        double logDensity = -result.value();
        for (Mode mode : known) {
            if (result.converged() && mode.hasLaplace() && farthestInSds(mode, mode.point(), point) <= SAME_MODE_SDS) {
                return mode;
            }
        }
        double[] gradient = new double[point.length];
        double[][] hessian = negativeHessian(density, point, gradient);
        double[][] covariance = Mode.inverse(hessian);
        boolean found = result.converged();
        double[] value = new double[1];
        for (int step = 0; step < NEWTON_STEPS && covariance != null; step++) {
            double[] newton = multiply(covariance, gradient);
            double decrement = dot(gradient, newton);
            if (decrement < NEWTON_DECREMENT) {
                found = true;
                break;
            }
            double[] trial = improve(density, point, logDensity, newton, value);
            if (trial == null) {
                // Rounding: f no longer changes along the Newton direction, so this is the mode.
                found = decrement < Math.sqrt(NEWTON_DECREMENT);
                break;
            }
            point = trial;
            logDensity = value[0];
            hessian = negativeHessian(density, point, gradient);
            covariance = Mode.inverse(hessian);
        }
        return new Mode(point, logDensity, found, result.iterations(), hessian, found ? covariance : null, 1);
    }

    /** The Newton step from z, halved until f increases, with f there in {@code value}; null if no halving does. */
    private static double[] improve(
            UnconstrainedDensity density, double[] z, double logDensity, double[] step, double[] value) {
        double[] trial = new double[z.length];
        double length = 1;
        for (int k = 0; k < NEWTON_HALVINGS; k++, length /= 2) {
            for (int i = 0; i < z.length; i++) {
                trial[i] = z[i] + length * step[i];
            }
            density.evaluate(trial, 1, null, value, null);
            if (value[0] > logDensity && Double.isFinite(value[0])) {
                return trial;
            }
        }
        return null;
    }

    private static double[] multiply(double[][] matrix, double[] vector) {
        double[] result = new double[vector.length];
        for (int i = 0; i < vector.length; i++) {
            result[i] = dot(matrix[i], vector);
        }
        return result;
    }

    private static double dot(double[] a, double[] b) {
        double sum = 0;
        for (int i = 0; i < a.length; i++) {
            sum += a[i] * b[i];
        }
        return sum;
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
    public static double[] finiteStart(
            UnconstrainedDensity density, int dimension, SplittableRandom random, boolean originFirst) {
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
        throw noFiniteStart();
    }

    private static NoFiniteStartException noFiniteStart() {
        return new NoFiniteStartException("the log density or its gradient is not finite at any of " + STARTS
                + " initial points (the origin of the unconstrained space and random points in (-2, 2)); check"
                + " the model's log density, priors and constraints");
    }

    /** The log density is not finite at any starting point: the model is at fault, not the fit. */
    public static final class NoFiniteStartException extends IllegalArgumentException {

        private static final long serialVersionUID = 1L;

        NoFiniteStartException(String message) {
            super(message);
        }
    }

    /**
     * H = −∇²f at z by central differences of ∇f, symmetrised, with ∇f(z) itself in {@code gradient}:
     * 2D + 1 points in one batch.
     */
    private static double[][] negativeHessian(UnconstrainedDensity density, double[] z, double[] gradient) {
        int d = z.length;
        int count = 2 * d + 1;
        double[] points = new double[count * d];
        double[] steps = new double[d];
        for (int i = 0; i < d; i++) {
            steps[i] = STEP * Math.max(1, Math.abs(z[i]));
            for (int sign = 0; sign < 2; sign++) {
                int row = (2 * i + sign) * d;
                System.arraycopy(z, 0, points, row, d);
                points[row + i] += sign == 0 ? steps[i] : -steps[i];
            }
        }
        System.arraycopy(z, 0, points, 2 * d * d, d);
        double[] values = new double[count];
        double[] gradients = new double[count * d];
        density.evaluate(points, count, null, values, gradients);
        System.arraycopy(gradients, 2 * d * d, gradient, 0, d);
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
