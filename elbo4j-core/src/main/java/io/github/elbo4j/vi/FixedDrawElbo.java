package io.github.elbo4j.vi;

import io.github.elbo4j.optim.Lbfgs;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * DADVI's objective (Giordano, Ingram and Broderick, "Black Box Variational Inference with a
 * Deterministic Objective", JMLR 25, 2024): the ELBO of a guide estimated with one fixed set of N
 * draws ε_s,
 *
 * <pre>
 *   ELBO_N(φ) = (1/N) Σ_s f(μ + A(φ) ε_s) + H(q_φ),   ∇_φ = (1/N) Σ_s (∂z_s/∂φ)ᵀ ∇f(z_s) + ∇H
 * </pre>
 *
 * which is an ordinary smooth function of φ: L-BFGS maximises it to a gradient-norm test, where
 * stochastic gradients could only wander around the optimum. The draws are moment-matched ({@link
 * io.github.elbo4j.vi.fit.MomentMatchedNoise}), so on a Gaussian posterior the optimum is exact.
 * The density is the preconditioned one (z = mode + A u), in which the posterior has unit scale, so
 * the tolerance below means the same for every parameter.
 */
final class FixedDrawElbo {

    /** L-BFGS runs until the largest gradient component, in preconditioned units, is below this. */
    static final double GRADIENT_TARGET = 1e-7;
    /**
     * The fit has converged when it ends with the largest gradient component at most this: the error
     * of each mean is then about this many posterior sds.
     */
    static final double GRADIENT_TOLERANCE = 1e-4;
    /** The L-BFGS iteration cap. */
    static final int MAX_ITERATIONS = 2000;

    private static final int MEMORY = 10;
    private static final double HESSIAN_STEP = 1e-5;

    /**
     * The outcome.
     *
     * @param phi the maximiser
     * @param elbo ELBO_N there
     * @param iterations L-BFGS iterations
     * @param converged whether the gradient test held at the end
     * @param trace ELBO_N after each iteration, with the accepted step length
     */
    record Result(double[] phi, double elbo, int iterations, boolean converged, List<TracePoint> trace) {}

    private final GaussianGuide guide;
    private final UnconstrainedDensity density;
    private final int count;
    private final double[] noise;
    private final double[] points;
    private final double[] values;
    private final double[] gradients;

    /**
     * @param guide the family
     * @param density f (preconditioned)
     * @param noise the fixed draws, {@code [N][noiseDimension]}
     */
    FixedDrawElbo(GaussianGuide guide, UnconstrainedDensity density, double[][] noise) {
        this.guide = guide;
        this.density = density;
        this.count = noise.length;
        int width = guide.noiseDimension();
        this.noise = new double[count * width];
        for (int s = 0; s < count; s++) {
            System.arraycopy(noise[s], 0, this.noise, s * width, width);
        }
        this.points = new double[count * guide.dimension()];
        this.values = new double[count];
        this.gradients = new double[count * guide.dimension()];
    }

    /**
     * ELBO_N(φ) and, if {@code gradient} is not null, its gradient.
     *
     * @return the value; NaN when f or its gradient is not finite at a draw
     */
    double elbo(double[] phi, double[] gradient) {
        guide.sample(phi, noise, count, points);
        density.evaluate(points, count, null, values, gradient == null ? null : gradients);
        double sum = 0;
        for (double v : values) {
            sum += v;
        }
        double value = sum / count + guide.entropy(phi);
        if (gradient != null) {
            Arrays.fill(gradient, 0.0);
            guide.addPullback(phi, noise, gradients, count, gradient);
            for (int i = 0; i < gradient.length; i++) {
                gradient[i] /= count;
            }
            guide.addEntropyGradient(phi, gradient);
            for (double g : gradient) {
                if (!Double.isFinite(g)) {
                    return Double.NaN;
                }
            }
        }
        return Double.isFinite(value) ? value : Double.NaN;
    }

    /**
     * Maximises ELBO_N from {@code initial}, where it must be finite.
     *
     * @param maxIterations the iteration cap (at most {@link #MAX_ITERATIONS} are used)
     */
    Result maximise(double[] initial, int maxIterations, ViListener listener) {
        List<TracePoint> trace = new ArrayList<>();
        int cap = Math.min(maxIterations, MAX_ITERATIONS);
        Lbfgs.Result result = new Lbfgs(MEMORY, cap, GRADIENT_TARGET, 0)
                .minimize(Lbfgs.Objective.negated(this::elbo), initial, (iteration, value, step) -> {
                    TracePoint point = new TracePoint(iteration, -value, step);
                    trace.add(point);
                    listener.onEvaluation(point, cap);
                });
        boolean converged = Double.isFinite(result.value()) && result.gradientMaxAbs() <= GRADIENT_TOLERANCE;
        return new Result(result.x(), -result.value(), result.iterations(), converged, trace);
    }

    /**
     * The Hessian of −ELBO_N at φ by central differences of its gradient, symmetrised: the
     * curvature the linear-response covariance inverts.
     */
    double[][] negativeHessian(double[] phi) {
        int p = phi.length;
        double[][] h = new double[p][p];
        double[] plus = new double[p];
        double[] minus = new double[p];
        for (int i = 0; i < p; i++) {
            double step = HESSIAN_STEP * Math.max(1, Math.abs(phi[i]));
            double[] shifted = phi.clone();
            shifted[i] = phi[i] + step;
            elbo(shifted, plus);
            shifted[i] = phi[i] - step;
            elbo(shifted, minus);
            for (int j = 0; j < p; j++) {
                h[i][j] = -(plus[j] - minus[j]) / (2 * step);
            }
        }
        for (int i = 0; i < p; i++) {
            for (int j = 0; j < i; j++) {
                double mean = 0.5 * (h[i][j] + h[j][i]);
                h[i][j] = mean;
                h[j][i] = mean;
            }
        }
        return h;
    }
}
