package io.github.elbo4j.vi.autodiff;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class ValueTest {

    private static final double[] POINT = {0.7, -1.3, 2.1};

    @Test
    void arithmeticGradientsMatchFiniteDifferences() {
        Value c = Value.constant(0.5, 1.5, -2.0);
        GradientCheck.check(x -> x.plus(c).times(x).sum(), POINT);
        GradientCheck.check(x -> x.minus(c).square().sum(), POINT);
        GradientCheck.check(x -> c.div(x.plus(3.0)).sum(), POINT);
        GradientCheck.check(x -> x.div(c).sum(), POINT);
        GradientCheck.check(
                x -> x.times(2.5)
                        .minus(1.0)
                        .div(4.0)
                        .negate()
                        .subtractedFrom(3.0)
                        .square()
                        .sum(),
                POINT);
    }

    @Test
    void scalarsBroadcastAgainstVectorsInBothDirections() {
        GradientCheck.check(x -> x.get(0).times(x).sum(), POINT);
        GradientCheck.check(x -> x.div(x.get(2)).sum(), POINT);
        GradientCheck.check(x -> x.get(1).minus(x).square().sum(), POINT);
        GradientCheck.check(x -> x.get(1).plus(x).exp().sum(), POINT);
    }

    @Test
    void elementwiseFunctionsMatchFiniteDifferences() {
        double[] positive = {0.3, 1.7, 4.2};
        GradientCheck.check(x -> x.exp().sum(), POINT);
        GradientCheck.check(x -> x.log().sum(), positive);
        GradientCheck.check(x -> x.log1p().sum(), positive);
        GradientCheck.check(x -> x.expm1().sum(), POINT);
        GradientCheck.check(x -> x.sqrt().sum(), positive);
        GradientCheck.check(x -> x.pow(2.5).sum(), positive);
        GradientCheck.check(x -> x.abs().sum(), POINT);
        GradientCheck.check(x -> x.tanh().sum(), POINT);
        GradientCheck.check(x -> x.log1pExp().sum(), POINT);
        GradientCheck.check(x -> x.invLogit().sum(), POINT);
        GradientCheck.check(x -> x.logInvLogit().sum(), POINT);
    }

    @Test
    void stableFunctionsStayFiniteInTheTails() {
        Value large = Value.constant(800.0, -800.0);
        assertThat(large.log1pExp().toArray()).containsExactly(800.0, 0.0);
        assertThat(large.logInvLogit().toArray())
                .usingComparatorWithPrecision(0.0)
                .containsExactly(0.0, -800.0);
        assertThat(large.invLogit().toArray()).containsExactly(1.0, 0.0);
        assertThat(Value.constant(1000.0, 1000.0).logSumExp().doubleValue())
                .isCloseTo(1000.0 + Math.log(2), within(1e-12));
        assertThat(Value.constant(Double.NEGATIVE_INFINITY, Double.NEGATIVE_INFINITY)
                        .logSumExp()
                        .doubleValue())
                .isEqualTo(Double.NEGATIVE_INFINITY);
    }

    @Test
    void reductionsAndIndexingMatchFiniteDifferences() {
        Value c = Value.constant(2.0, -1.0, 0.5);
        GradientCheck.check(x -> x.dot(c).plus(x.dot(x)), POINT);
        GradientCheck.check(Value::logSumExp, POINT);
        GradientCheck.check(x -> x.slice(1, 3).square().sum().plus(x.get(0)), POINT);
        GradientCheck.check(
                x -> Value.concat(x.get(2), x.slice(0, 2), Value.constant(4.0))
                        .times(c.exp().plus(c).get(0))
                        .dot(Value.constant(1.0, 2.0, 3.0, 4.0)),
                POINT);
    }

    @Test
    void concatKeepsItsPartsWhenTheCallerReusesTheArray() {
        // a forward recursion (an HMM's) overwrites each step's values in the array it concatenated
        GradientCheck.check(
                x -> {
                    Value[] state = {x.get(0), x.get(1)};
                    for (int step = 0; step < 3; step++) {
                        Value previous = Value.concat(state);
                        for (int j = 0; j < state.length; j++) {
                            state[j] = previous.plus(x.get(2).times(j + 1))
                                    .logSumExp()
                                    .plus(x.get(j).times(step));
                        }
                    }
                    return Value.concat(state).logSumExp();
                },
                POINT);
    }

    @Test
    void matrixProductsMatchFiniteDifferences() {
        Value a = Value.constant(new double[][] {{1.0, 2.0, -1.0}, {0.5, -0.3, 2.0}});
        GradientCheck.check(x -> a.multiply(x).square().sum(), POINT);
        double[] entries = {1.0, 2.0, -1.0, 0.5, -0.3, 2.0};
        Value v = Value.constant(0.2, -0.4, 1.1);
        GradientCheck.check(
                m -> Value.derive(
                                new int[] {2, 3},
                                m.toArray(),
                                g -> {
                                    for (int i = 0; i < g.length; i++) {
                                        m.adjoint()[i] += g[i];
                                    }
                                },
                                m)
                        .multiply(v)
                        .exp()
                        .sum(),
                entries);
        GradientCheck.check(
                m -> reshape(m, 2, 3).multiply(reshape(m, 2, 3).transpose()).sum(), entries);
        GradientCheck.check(
                m -> reshape(m, 2, 3).row(1).times(reshape(m, 2, 3).get(0, 2)).sum(), entries);
    }

    @Test
    void constantsRecordNothingAndMixingTapesIsRefused() {
        Value c = Value.constant(1.0, 2.0).exp().sum();
        assertThat(c.isConstant()).isTrue();
        Tape first = new Tape();
        Tape second = new Tape();
        Value x = first.variable(1.0);
        Value y = second.variable(1.0);
        assertThatThrownBy(() -> x.plus(y)).hasMessageContaining("two different tapes");
        assertThatThrownBy(() -> first.backward(x.plus(Value.constant(1.0, 2.0))))
                .hasMessageContaining("one-element output");
    }

    @Test
    void mismatchedShapesNameTheOperationAndShapes() {
        Value a = Value.constant(1.0, 2.0, 3.0);
        Value b = Value.constant(1.0, 2.0);
        assertThatThrownBy(() -> a.plus(b))
                .hasMessage(
                        "plus: shapes [3] and [2] do not match (elementwise operations need equal shapes or a single value)");
        assertThatThrownBy(() -> Value.constant(new double[][] {{1, 2}}).multiply(a))
                .hasMessageContaining("needs a vector of 2 elements");
    }

    @Test
    void aLongScalarRecurrenceDifferentiatesCorrectly() {
        // An ARMA-style loop: thousands of scalar values on one tape.
        GradientCheck.check(
                x -> {
                    Value state = x.get(0);
                    Value total = Value.constant(0.0);
                    for (int t = 0; t < 500; t++) {
                        state = state.times(x.get(1))
                                .plus(x.get(2).times(Math.sin(t)))
                                .tanh();
                        total = total.plus(state.square());
                    }
                    return total;
                },
                0.3,
                0.8,
                0.5);
    }

    private static Value reshape(Value m, int rows, int cols) {
        return Value.derive(
                new int[] {rows, cols},
                m.toArray(),
                g -> {
                    for (int i = 0; i < g.length; i++) {
                        m.adjoint()[i] += g[i];
                    }
                },
                m);
    }
}
