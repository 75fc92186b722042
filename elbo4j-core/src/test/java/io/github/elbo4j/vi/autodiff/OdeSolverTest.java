package io.github.elbo4j.vi.autodiff;

import static io.github.elbo4j.vi.autodiff.Functions.odeRk45;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class OdeSolverTest {

    private static final double[] TIMES = {0.5, 1.0, 2.5, 4.0};

    /** The harmonic oscillator y₁' = y₂, y₂' = −ω² y₁, whose solution is y₁ = a cos ωt + (b/ω) sin ωt. */
    private static final OdeSystem OSCILLATOR = (t, y, theta) ->
            Value.concat(y.get(1), y.get(0).times(theta.get(0).square()).negate());

    @Test
    void theSolutionAndItsSensitivitiesMatchTheClosedForm() {
        double omega = 1.3;
        double a = 0.8;
        double b = -0.5;
        Tape tape = new Tape();
        Value theta = tape.variable(omega);
        Value y0 = tape.variable(a, b);
        Value solution = odeRk45(OSCILLATOR, y0, 0.0, TIMES, theta);
        assertThat(solution.shape()).containsExactly(TIMES.length, 2);
        // the gradient of Σ_i y₁(t_i) against its closed form
        tape.backward(solution.column(0).sum());
        double value = 0;
        double byOmega = 0;
        double byA = 0;
        double byB = 0;
        for (int i = 0; i < TIMES.length; i++) {
            double t = TIMES[i];
            double c = Math.cos(omega * t);
            double s = Math.sin(omega * t);
            double exact = a * c + b / omega * s;
            assertThat(solution.value(2 * i)).as("y₁(%s)", t).isCloseTo(exact, within(1e-5));
            assertThat(solution.value(2 * i + 1)).as("y₂(%s)", t).isCloseTo(-a * omega * s + b * c, within(1e-5));
            value += exact;
            byOmega += -a * t * s - b / (omega * omega) * s + b / omega * t * c;
            byA += c;
            byB += s / omega;
        }
        assertThat(solution.column(0).sum().doubleValue()).isCloseTo(value, within(1e-5));
        assertThat(theta.gradient()[0]).isCloseTo(byOmega, within(1e-5));
        assertThat(y0.gradient()).containsExactly(new double[] {byA, byB}, within(1e-5));
    }

    @Test
    void anInitialStateThatIsAParameterDifferentiatesWithDataTheta() {
        // y' = −θ y: y(t) = a e^{−θt}, ∂y/∂a = e^{−θt}
        Tape tape = new Tape();
        Value y0 = tape.variable(2.0);
        Value solution = odeRk45((t, y, p) -> y.times(p).negate(), y0, 0.0, TIMES, Value.constant(0.7));
        tape.backward(solution.get(2));
        assertThat(solution.value(2)).isCloseTo(2.0 * Math.exp(-0.7 * TIMES[2]), within(1e-6));
        assertThat(y0.gradient()[0]).isCloseTo(Math.exp(-0.7 * TIMES[2]), within(1e-6));
    }

    @Test
    void dataInitialStatesAndTimeDependentEquationsDifferentiate() {
        // y' = e^{−k t} − y from y(0) = 0: y = (e^{−kt} − e^{−t}) / (1 − k)
        OdeSystem system = (t, y, theta) -> theta.times(-t).exp().minus(y);
        double k = 0.4;
        Tape tape = new Tape();
        Value theta = tape.variable(k);
        Value solution = odeRk45(system, Value.constant(0.0), 0.0, TIMES, theta);
        tape.backward(solution.get(3));
        double t = TIMES[3];
        double exact = (Math.exp(-k * t) - Math.exp(-t)) / (1 - k);
        double derivative = -t * Math.exp(-k * t) / (1 - k) + exact / (1 - k);
        assertThat(solution.value(3)).isCloseTo(exact, within(1e-6));
        assertThat(theta.gradient()[0]).isCloseTo(derivative, within(1e-6));
    }

    @Test
    void badTimesAndARightHandSideOnTheModelsTapeAreRefused() {
        Value y0 = Value.constant(1.0);
        Value theta = Value.constant(0.5);
        OdeSystem decay = (t, y, p) -> y.times(p).negate();
        assertThatThrownBy(() -> odeRk45(decay, y0, 0.0, new double[] {1.0, 1.0}, theta))
                .hasMessage("odeRk45: times[1] = 1.0 must be finite and greater than times[0] = 1.0");
        assertThatThrownBy(() -> odeRk45(decay, y0, 2.0, new double[] {1.0}, theta))
                .hasMessage("odeRk45: times[0] = 1.0 must be finite and greater than t0 = 2.0");
        Tape model = new Tape();
        Value rate = model.variable(0.5);
        assertThatThrownBy(() -> odeRk45((t, y, p) -> y.times(rate).times(p), y0, 0.0, TIMES, model.variable(0.3)))
                .hasMessage("values from two different tapes cannot be combined");
        assertThatThrownBy(() -> odeRk45((t, y, p) -> Value.concat(y, y), y0, 0.0, TIMES, theta))
                .hasMessage("odeRk45: the right-hand side returned shape [2] for a state of 1");
    }

    @Test
    void anExplodingSolutionGivesNaNsRatherThanAnException() {
        // y' = y², from y(0) = 1, blows up at t = 1
        Value solution =
                odeRk45((t, y, p) -> y.square(), Value.constant(1.0), 0.0, TIMES, Value.constant(new double[0]));
        assertThat(solution.value(3)).isNaN();
    }
}
