package io.github.elbo4j.vi;

import io.github.elbo4j.optim.Lbfgs;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The deterministic path of {@link GaussianVi}: when the model offers a {@link
 * GaussianExpectation}, the ELBO of a {@link CholeskyGuide}
 *
 * <pre>
 *   ELBO(φ) = E(μ(φ), L(φ)) + H(q_φ),   ∇_φ ELBO = (∂μ/∂φ)ᵀ ∂E/∂μ + (∂L/∂φ)ᵀ ∂E/∂L + ∇H
 * </pre>
 *
 * is computed, not estimated, so a quasi-Newton method maximises it in tens of iterations where
 * stochastic gradients take thousands of noisy steps (the idea of Challis and Barber, "Gaussian
 * Kullback-Leibler approximate inference", JMLR 14, 2013, whose objective is concave in (μ, L) for
 * log-concave models). L-BFGS runs over the guide's own unconstrained φ, so the result is the same
 * q a stochastic fit would return, only without its Monte Carlo error.
 *
 * <p>The tolerances are far tighter than the stochastic fit's {@code relativeTolerance}, which is
 * sized for noisy ELBO estimates: with exact values L-BFGS can drive the gradient to the rounding
 * level of the log density's sum over records in a few more iterations.
 */
final class ExactElboFit {

    /** Largest gradient component in φ at which the fit has converged. */
    private static final double GRADIENT_TOLERANCE = 1e-6;
    /** Relative ELBO improvement of one iteration below which the fit has converged. */
    private static final double RELATIVE_TOLERANCE = 1e-12;

    private static final int MEMORY = 10;

    /**
     * The outcome.
     *
     * @param phi the maximiser
     * @param iterations L-BFGS iterations
     * @param converged whether a tolerance (not the iteration cap) ended the run
     * @param trace the exact ELBO after each iteration, with the accepted step length
     */
    record Result(double[] phi, int iterations, boolean converged, List<TracePoint> trace) {}

    private final CholeskyGuide guide;
    private final GaussianExpectation expectation;
    private final int dimension;
    private final double[] mean;
    private final double[] scaleTril;
    private final double[] meanGradient;
    private final double[] scaleTrilGradient;

    ExactElboFit(CholeskyGuide guide, GaussianExpectation expectation) {
        this.guide = guide;
        this.expectation = expectation;
        this.dimension = guide.dimension();
        this.mean = new double[dimension];
        this.scaleTril = new double[dimension * dimension];
        this.meanGradient = new double[dimension];
        this.scaleTrilGradient = new double[dimension * dimension];
    }

    /**
     * The exact ELBO at φ and, if {@code phiGradient} is not null, its gradient.
     *
     * @param phi the variational parameters
     * @param phiGradient receives ∇_φ ELBO, or null
     * @return the ELBO; non-finite where the model's expectation is
     */
    double elbo(double[] phi, double[] phiGradient) {
        System.arraycopy(phi, guide.locOffset(), mean, 0, dimension);
        guide.scaleTril(phi, scaleTril);
        Arrays.fill(meanGradient, 0.0);
        Arrays.fill(scaleTrilGradient, 0.0);
        double value = expectation.evaluate(mean, scaleTril, meanGradient, scaleTrilGradient) + guide.entropy(phi);
        if (phiGradient != null) {
            Arrays.fill(phiGradient, 0.0);
            System.arraycopy(meanGradient, 0, phiGradient, guide.locOffset(), dimension);
            guide.addScaleTrilPullback(phi, scaleTrilGradient, phiGradient);
            guide.addEntropyGradient(phi, phiGradient);
        }
        return value;
    }

    /**
     * Maximises the ELBO from {@code initial}, where it must be finite.
     *
     * @param initial the starting φ
     * @param maxIterations the iteration cap
     * @param listener receives each iteration's ELBO (as a {@link TracePoint} whose learning rate is
     *     the accepted step length)
     * @return the result
     */
    Result maximise(double[] initial, int maxIterations, ViListener listener) {
        List<TracePoint> trace = new ArrayList<>();
        Lbfgs.Result result = new Lbfgs(MEMORY, maxIterations, GRADIENT_TOLERANCE, RELATIVE_TOLERANCE)
                .minimize(Lbfgs.Objective.negated(this::elbo), initial, (iteration, value, step) -> {
                    TracePoint point = new TracePoint(iteration, -value, step);
                    trace.add(point);
                    listener.onEvaluation(point, maxIterations);
                });
        return new Result(result.x(), result.iterations(), result.converged(), trace);
    }
}
