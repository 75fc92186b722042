package io.github.elbo4j.vi.fit;

import io.github.elbo4j.optim.Lbfgs;
import io.github.elbo4j.vi.DenseCholesky;
import io.github.elbo4j.vi.ParetoSmoothing;
import io.github.elbo4j.vi.UnconstrainedDensity;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Pathfinder (Zhang, Carpenter, Gelman and Vehtari, "Pathfinder: Parallel quasi-Newton variational
 * inference", JMLR 23, 2022): variational approximations along an L-BFGS optimization path.
 *
 * <p><b>One path.</b> L-BFGS maximises f from a random point in (−2, 2)ᴰ. At each iterate x_l, the
 * inverse-Hessian estimate Σ_l is the dense BFGS matrix built from the last {@value #MEMORY} pairs
 * {@code s = x_{k+1} − x_k}, {@code y = ∇f(x_k) − ∇f(x_{k+1})} from the paper's diagonal initial
 * estimate diag(α_l), updated with every accepted pair of the path so far by Gilbert and
 * Lemaréchal's rule (Math. Programming 45, 1989, eq. 4.9), and the Gaussian is {@code N(x_l + Σ_l ∇f(x_l), Σ_l)}:
 * one Newton step from x_l. Each one's ELBO is estimated with the same draws (common random numbers,
 * so the comparison reflects the Gaussians, not the noise) and the path keeps the best.
 *
 * <p><b>Several paths.</b> Each path's best Gaussian gives {@code numDraws} draws with log ratios
 * {@code f(z) − log q_path(z)}; the pooled ratios are Pareto-smoothed ({@link ParetoSmoothing}) and
 * the caller resamples the pooled draws with the smoothed weights. k̂ of the pooled ratios says
 * whether the resampled draws can be trusted.
 *
 * <p>This follows the paper's algorithm except that resampling is with replacement.
 */
public final class Pathfinder {

    /** The (s, y) pairs per inverse-Hessian estimate, as in the paper's default. */
    public static final int MEMORY = 6;

    private static final double CURVATURE_FLOOR = 1e-12;

    private Pathfinder() {}

    /**
     * One Gaussian of a path.
     *
     * @param mean μ
     * @param scaleTril the Cholesky factor of Σ
     * @param elbo its estimated ELBO
     * @param elboStandardError the Monte Carlo standard error of the estimate
     * @param iteration the L-BFGS iterate it was formed at
     */
    public record Approximation(
            double[] mean, double[][] scaleTril, double elbo, double elboStandardError, int iteration) {}

    /**
     * The outcome.
     *
     * @param best the best Gaussian over all paths
     * @param bestElbo its ELBO
     * @param draws the pooled draws of every path's best Gaussian, {@code [paths · numDraws][D]}
     * @param logRatios {@code f(z) − log q_path(z)} of each pooled draw (NaN where f is not finite)
     * @param smoothedLogWeights the Pareto-smoothed log ratios, for resampling
     * @param khat k̂ of the pooled ratios
     * @param iterations L-BFGS iterations over all paths
     * @param converged whether every path's L-BFGS converged
     */
    public record Result(
            Approximation best,
            double bestElbo,
            double[][] draws,
            double[] logRatios,
            double[] smoothedLogWeights,
            double khat,
            int iterations,
            boolean converged) {}

    /**
     * Runs Pathfinder.
     *
     * @param density f and ∇f
     * @param dimension D
     * @param paths the number of paths (each from its own random start)
     * @param elboDraws draws per ELBO estimate
     * @param numDraws draws per path for the importance resampling
     * @param maxIterations the L-BFGS cap per path
     * @param random the source
     * @return the result
     * @throws IllegalArgumentException if f is not finite at any starting point, or no iterate of any
     *     path gave a Gaussian with a finite ELBO
     */
    public static Result fit(
            UnconstrainedDensity density,
            int dimension,
            int paths,
            int elboDraws,
            int numDraws,
            int maxIterations,
            SplittableRandom random) {
        double[][] elboNoise = MomentMatchedNoise.independent(elboDraws, dimension, random);
        List<Approximation> bests = new ArrayList<>();
        int iterations = 0;
        boolean converged = true;
        for (int p = 0; p < paths; p++) {
            double[] start = ModeFinder.finiteStart(density, dimension, random, false);
            List<double[]> xs = new ArrayList<>();
            List<double[]> gs = new ArrayList<>();
            double[] startGradient = new double[dimension];
            double[] startValue = new double[1];
            density.evaluate(start, 1, null, startValue, startGradient);
            xs.add(start.clone());
            gs.add(startGradient);
            Lbfgs.Result path = new Lbfgs(MEMORY, maxIterations, 1e-8 * Math.max(1, Math.abs(startValue[0])), 1e-13)
                    .minimize(ModeFinder.negated(density), start, new Lbfgs.Listener() {
                        @Override
                        public void onIteration(int iteration, double value, double step) {}

                        @Override
                        public void onIterate(double[] x, double[] gradient, double value) {
                            xs.add(x.clone());
                            double[] ascent = new double[dimension];
                            for (int i = 0; i < dimension; i++) {
                                ascent[i] = -gradient[i];
                            }
                            gs.add(ascent);
                        }
                    });
            iterations += path.iterations();
            converged &= path.converged();
            Approximation best = bestAlong(density, xs, gs, elboNoise);
            if (best != null) {
                bests.add(best);
            }
        }
        if (bests.isEmpty()) {
            throw new IllegalArgumentException("Pathfinder found no Gaussian with a finite ELBO along " + paths
                    + " L-BFGS paths; check the log density and its gradient");
        }
        Approximation best = bests.get(0);
        for (Approximation a : bests) {
            if (a.elbo() > best.elbo()) {
                best = a;
            }
        }
        double[][] draws = new double[bests.size() * numDraws][];
        double[] logRatios = new double[draws.length];
        for (int p = 0; p < bests.size(); p++) {
            Approximation a = bests.get(p);
            double[][] noise = MomentMatchedNoise.independent(numDraws, dimension, random);
            double[][] points = points(a, noise);
            double[] f = density.logDensities(points);
            double[] logQ = logQ(a, noise);
            for (int s = 0; s < numDraws; s++) {
                draws[p * numDraws + s] = points[s];
                logRatios[p * numDraws + s] = f[s] - logQ[s];
            }
        }
        double[] usable = logRatios.clone();
        for (int s = 0; s < usable.length; s++) {
            if (!(usable[s] < Double.POSITIVE_INFINITY)) {
                usable[s] = Double.NEGATIVE_INFINITY;
            }
        }
        ParetoSmoothing.Result psis = ParetoSmoothing.smooth(usable);
        return new Result(best, best.elbo(), draws, logRatios, psis.logWeights(), psis.khat(), iterations, converged);
    }

    /** The best Gaussian by ELBO among those formed at the iterates of one path; null if none is finite. */
    private static Approximation bestAlong(
            UnconstrainedDensity density, List<double[]> xs, List<double[]> gs, double[][] noise) {
        int d = xs.get(0).length;
        Approximation best = null;
        double[] alpha = new double[d];
        Arrays.fill(alpha, 1.0);
        for (int l = 1; l < xs.size(); l++) {
            double[][] newest = pair(xs, gs, l, d);
            if (newest != null) {
                updateDiagonal(alpha, newest[0], newest[1]);
            }
            double[][] sigma = inverseHessian(xs, gs, l, d, alpha);
            if (sigma == null) {
                continue;
            }
            double[][] factor = DenseCholesky.tryFactor(sigma);
            if (factor == null) {
                continue;
            }
            double[] x = xs.get(l);
            double[] g = gs.get(l);
            double[] mean = new double[d];
            for (int i = 0; i < d; i++) {
                double sum = x[i];
                for (int j = 0; j < d; j++) {
                    sum += sigma[i][j] * g[j];
                }
                mean[i] = sum;
            }
            Approximation candidate = new Approximation(mean, factor, Double.NaN, Double.NaN, l);
            double[] f = density.logDensities(points(candidate, noise));
            double[] logQ = logQ(candidate, noise);
            double sum = 0;
            double squares = 0;
            for (int s = 0; s < f.length; s++) {
                double r = f[s] - logQ[s];
                sum += r;
                squares += r * r;
            }
            double elbo = sum / f.length;
            if (!Double.isFinite(elbo)) {
                continue;
            }
            double se = Math.sqrt(Math.max(0, squares / f.length - elbo * elbo) / f.length);
            if (best == null || elbo > best.elbo()) {
                best = new Approximation(mean, factor, elbo, se, l);
            }
        }
        return best;
    }

    /**
     * The dense BFGS inverse Hessian of −f at iterate l from the last {@link #MEMORY} pairs before it,
     * {@code H ← (I − ρ s yᵀ) H (I − ρ y sᵀ) + ρ s sᵀ}, from diag(α) ({@link #updateDiagonal}); null
     * when no pair has positive curvature.
     */
    private static double[][] inverseHessian(List<double[]> xs, List<double[]> gs, int l, int d, double[] alpha) {
        List<double[][]> pairs = new ArrayList<>();
        for (int k = Math.max(1, l - MEMORY + 1); k <= l; k++) {
            double[][] pair = pair(xs, gs, k, d);
            if (pair != null) {
                pairs.add(pair);
            }
        }
        if (pairs.isEmpty()) {
            return null;
        }
        double[][] h = new double[d][d];
        for (int i = 0; i < d; i++) {
            h[i][i] = alpha[i];
        }
        for (double[][] pair : pairs) {
            double[] s = pair[0];
            double[] y = pair[1];
            double rho = 1 / dot(s, y);
            double[] hy = new double[d];
            for (int i = 0; i < d; i++) {
                hy[i] = dot(h[i], y);
            }
            double yhy = dot(y, hy);
            for (int i = 0; i < d; i++) {
                for (int j = 0; j < d; j++) {
                    h[i][j] += -rho * (s[i] * hy[j] + hy[i] * s[j]) + (rho * rho * yhy + rho) * s[i] * s[j];
                }
            }
        }
        return h;
    }

    /** The pair (s, y) that ends at iterate k, or null when its curvature is not safely positive. */
    private static double[][] pair(List<double[]> xs, List<double[]> gs, int k, int d) {
        double[] s = new double[d];
        double[] y = new double[d];
        for (int i = 0; i < d; i++) {
            s[i] = xs.get(k)[i] - xs.get(k - 1)[i];
            // y is the change of ∇(−f): the previous ascent gradient minus the new one.
            y[i] = gs.get(k - 1)[i] - gs.get(k)[i];
        }
        return dot(s, y) > CURVATURE_FLOOR * dot(y, y) ? new double[][] {s, y} : null;
    }

    /**
     * Updates the diagonal initial inverse Hessian (α = 1 at the start of a path) with an accepted
     * pair: {@code α_i ← b / (a/α_i + y_i² − (a/c)(s_i/α_i)²)} with {@code a = yᵀ diag(α) y}, {@code b
     * = yᵀs}, {@code c = sᵀ diag(α)⁻¹ s}; an entry the rule would make non-positive or non-finite keeps
     * its value.
     */
    private static void updateDiagonal(double[] alpha, double[] s, double[] y) {
        int d = alpha.length;
        double a = 0;
        double c = 0;
        for (int i = 0; i < d; i++) {
            a += y[i] * alpha[i] * y[i];
            c += s[i] * s[i] / alpha[i];
        }
        double b = dot(y, s);
        double[] updated = new double[d];
        for (int i = 0; i < d; i++) {
            double ratio = s[i] / alpha[i];
            updated[i] = b / (a / alpha[i] + y[i] * y[i] - a / c * ratio * ratio);
        }
        for (int i = 0; i < d; i++) {
            if (updated[i] > 0 && Double.isFinite(updated[i])) {
                alpha[i] = updated[i];
            }
        }
    }

    private static double[][] points(Approximation a, double[][] noise) {
        int d = a.mean().length;
        double[][] result = new double[noise.length][d];
        for (int s = 0; s < noise.length; s++) {
            for (int i = 0; i < d; i++) {
                double value = a.mean()[i];
                for (int k = 0; k <= i; k++) {
                    value += a.scaleTril()[i][k] * noise[s][k];
                }
                result[s][i] = value;
            }
        }
        return result;
    }

    /** log q(μ + L ε) = −½‖ε‖² − Σ log L_ii − (D/2) log 2π. */
    private static double[] logQ(Approximation a, double[][] noise) {
        int d = a.mean().length;
        double constant = -0.5 * d * Math.log(2 * Math.PI);
        for (int i = 0; i < d; i++) {
            constant -= Math.log(a.scaleTril()[i][i]);
        }
        double[] result = new double[noise.length];
        for (int s = 0; s < noise.length; s++) {
            result[s] = constant - 0.5 * dot(noise[s], noise[s]);
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
}
