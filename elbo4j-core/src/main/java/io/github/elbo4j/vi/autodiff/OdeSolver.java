package io.github.elbo4j.vi.autodiff;

import java.util.Arrays;
import org.hipparchus.exception.MathRuntimeException;
import org.hipparchus.ode.ODEState;
import org.hipparchus.ode.OrdinaryDifferentialEquation;
import org.hipparchus.ode.nonstiff.DormandPrince54Integrator;
import org.hipparchus.ode.sampling.ODEStateInterpolator;

/**
 * The solution of an ODE at given times with its gradient by forward sensitivities: {@link
 * Functions#odeRk45}.
 *
 * <p>The state is augmented with the sensitivities {@code S = ∂y/∂p} of each parameter p (the
 * elements of θ, then of y₀ when y₀ is not data), which follow {@code dS/dt = J_y S + J_θ} from
 * {@code S(t₀) = [0, I]}; Hipparchus's Dormand–Prince 5(4) integrator solves the whole system, so
 * its error control covers the sensitivities too (as Stan's {@code ode_rk45} does), and its dense
 * output gives the values at the requested times. The adjoint of the result is then {@code Sᵀ ȳ}
 * at each time. The Jacobians {@code J_y} and {@code J_θ} of the right-hand side come from one
 * reverse pass per state element on a tape of its own.
 *
 * <p>Why forward sensitivities and not the adjoint method: models of this kind have a few states
 * and parameters, where one augmented solve costs less than a forward and a backward solve with
 * interpolated checkpoints.
 */
final class OdeSolver {

    /** Stan's {@code ode_rk45} defaults. */
    static final double RELATIVE_TOLERANCE = 1e-6;

    static final double ABSOLUTE_TOLERANCE = 1e-6;
    /** Right-hand side evaluations before a solve gives up (six per step: about 16,700 steps). */
    static final int MAX_EVALUATIONS = 100_000;

    private OdeSolver() {}

    static Value rk45(OdeSystem system, Value y0, double t0, double[] times, Value theta) {
        if (y0.shape.length > 1 || theta.shape.length > 1) {
            throw new IllegalArgumentException("odeRk45: y0 and theta must be vectors or scalars, got shapes "
                    + Shape.describe(y0.shape) + " and " + Shape.describe(theta.shape));
        }
        checkTimes(t0, times);
        int n = y0.size();
        int p = theta.size();
        // sensitivity columns: each element of theta, then of y0, for those that are functions of parameters
        int thetaColumns = theta.isConstant() ? 0 : p;
        int columns = thetaColumns + (y0.isConstant() ? 0 : n);
        Augmented ode = new Augmented(system, n, p, thetaColumns, columns, theta.value.clone());
        double[] start = new double[n + n * columns];
        System.arraycopy(y0.value, 0, start, 0, n);
        if (!y0.isConstant()) {
            for (int i = 0; i < n; i++) {
                start[n + (thetaColumns + i) * n + i] = 1.0;
            }
        }
        double[][] solution = new double[times.length][];
        DormandPrince54Integrator integrator = new DormandPrince54Integrator(
                0.0, times[times.length - 1] - t0, ABSOLUTE_TOLERANCE, RELATIVE_TOLERANCE);
        integrator.setMaxEvaluations(MAX_EVALUATIONS);
        integrator.addStepHandler((ODEStateInterpolator step) -> {
            double end = step.getCurrentState().getTime();
            for (int i = 0; i < times.length; i++) {
                if (solution[i] == null && times[i] <= end) {
                    solution[i] = step.getInterpolatedState(times[i]).getPrimaryState();
                }
            }
        });
        try {
            integrator.integrate(ode, new ODEState(t0, start), times[times.length - 1]);
        } catch (MathRuntimeException e) {
            // too many steps (a stiff or exploding draw): no solution, so the draw is rejected as Stan rejects it
            double[] nan = new double[times.length * n];
            Arrays.fill(nan, Double.NaN);
            return Value.derive(new int[] {times.length, n}, nan, g -> {}, y0, theta);
        }
        double[] out = new double[times.length * n];
        for (int i = 0; i < times.length; i++) {
            System.arraycopy(solution[i], 0, out, i * n, n);
        }
        return Value.derive(
                new int[] {times.length, n},
                out,
                g -> {
                    for (int i = 0; i < times.length; i++) {
                        double[] s = solution[i];
                        for (int c = 0; c < columns; c++) {
                            double total = 0.0;
                            for (int j = 0; j < n; j++) {
                                total += g[i * n + j] * s[n + c * n + j];
                            }
                            if (c < thetaColumns) {
                                theta.adjoint()[c] += total;
                            } else {
                                y0.adjoint()[c - thetaColumns] += total;
                            }
                        }
                    }
                },
                y0,
                theta);
    }

    private static void checkTimes(double t0, double[] times) {
        if (times.length == 0) {
            throw new IllegalArgumentException("odeRk45: no output time");
        }
        if (!Double.isFinite(t0)) {
            throw new IllegalArgumentException("odeRk45: the initial time t0 is " + t0);
        }
        double previous = t0;
        for (int i = 0; i < times.length; i++) {
            if (!(times[i] > previous) || !Double.isFinite(times[i])) {
                throw new IllegalArgumentException("odeRk45: times[" + i + "] = " + times[i] + " must be finite and"
                        + " greater than " + (i == 0 ? "t0 = " + t0 : "times[" + (i - 1) + "] = " + previous));
            }
            previous = times[i];
        }
    }

    /** The state and its sensitivities as one system for the integrator. */
    private static final class Augmented implements OrdinaryDifferentialEquation {

        private final OdeSystem system;
        private final int n;
        private final int p;
        private final int thetaColumns;
        private final int columns;
        private final double[] theta;
        /** J_y (row-major n × n) and J_θ (row-major n × p) at the current evaluation. */
        private final double[] byState;

        private final double[] byTheta;

        Augmented(OdeSystem system, int n, int p, int thetaColumns, int columns, double[] theta) {
            this.system = system;
            this.n = n;
            this.p = p;
            this.thetaColumns = thetaColumns;
            this.columns = columns;
            this.theta = theta;
            this.byState = new double[n * n];
            this.byTheta = new double[n * p];
        }

        @Override
        public int getDimension() {
            return n + n * columns;
        }

        @Override
        public double[] computeDerivatives(double t, double[] state) {
            double[] derivative = new double[state.length];
            double[] y = Arrays.copyOf(state, n);
            if (columns == 0) {
                // no sensitivities (a value-only evaluation): f on constants, no tape
                Value f = system.derivative(t, Value.constant(y), Value.constant(theta));
                checkSize(f);
                System.arraycopy(f.value, 0, derivative, 0, n);
                return derivative;
            }
            for (int i = 0; i < n; i++) {
                Tape tape = new Tape();
                Value yVariable = tape.variable(y);
                Value thetaVariable = tape.variable(theta);
                Value f = system.derivative(t, yVariable, thetaVariable);
                checkSize(f);
                derivative[i] = f.value[i];
                if (f.isConstant()) {
                    Arrays.fill(byState, i * n, (i + 1) * n, 0.0);
                    Arrays.fill(byTheta, i * p, (i + 1) * p, 0.0);
                    continue;
                }
                if (f.tape() != tape) {
                    throw new IllegalArgumentException("odeRk45: the right-hand side uses a value of another tape;"
                            + " pass parameters through theta");
                }
                tape.backward(f.get(i));
                System.arraycopy(yVariable.adjoint(), 0, byState, i * n, n);
                System.arraycopy(thetaVariable.adjoint(), 0, byTheta, i * p, p);
            }
            // dS/dt = J_y S (+ J_θ for the columns of θ)
            for (int c = 0; c < columns; c++) {
                int column = n + c * n;
                for (int i = 0; i < n; i++) {
                    double total = c < thetaColumns ? byTheta[i * p + c] : 0.0;
                    for (int j = 0; j < n; j++) {
                        total += byState[i * n + j] * state[column + j];
                    }
                    derivative[column + i] = total;
                }
            }
            return derivative;
        }

        private void checkSize(Value f) {
            if (f == null || f.size() != n) {
                throw new IllegalArgumentException("odeRk45: the right-hand side returned "
                        + (f == null ? "null" : "shape " + Shape.describe(f.shape)) + " for a state of " + n);
            }
        }
    }
}
