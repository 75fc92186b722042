package io.github.elbo4j.vi.transform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.github.elbo4j.vi.autodiff.GradientCheck;
import io.github.elbo4j.vi.autodiff.Value;
import org.junit.jupiter.api.Test;

/**
 * Bounds that are values: data vectors (one bound per element) and functions of other variables,
 * whose gradients flow through the constrained value and the log-Jacobian. (Fixed bounds and the
 * structured transforms are checked through {@code ConstraintTest}.)
 */
class TransformsTest {

    private static final double[] POINT = {0.4, -1.2, 0.9, 0.3};
    private static final Value WEIGHTS = Value.constant(0.7, -0.4, 1.3);

    @Test
    void boundsThatDependOnOtherVariablesCarryTheirGradients() {
        // x[0] is the bound's parameter, x[1..3] the bounded block's coordinates.
        GradientCheck.check(
                x -> {
                    Constrained c =
                            Transforms.lowerBounded(x.slice(1, 4), x.get(0).square());
                    return c.value().dot(WEIGHTS).plus(c.logJacobian());
                },
                POINT);
        GradientCheck.check(
                x -> {
                    Constrained c =
                            Transforms.upperBounded(x.slice(1, 4), x.get(0).exp());
                    return c.value().dot(WEIGHTS).plus(c.logJacobian());
                },
                POINT);
        GradientCheck.check(
                x -> {
                    Value lower = x.get(0);
                    Constrained c = Transforms.interval(
                            x.slice(1, 4), lower, lower.plus(x.get(0).square().plus(1.0)));
                    return c.value().dot(WEIGHTS).plus(c.logJacobian());
                },
                POINT);
    }

    @Test
    void vectorBoundsApplyElementByElement() {
        Value lower = Value.constant(-1.0, 0.0, 2.0);
        Value upper = Value.constant(1.0, 5.0, 2.5);
        Value u = Value.constant(0.3, -0.8, 1.5);
        Constrained c = Transforms.interval(u, lower, upper);
        double expectedLogJacobian = 0;
        for (int i = 0; i < 3; i++) {
            double sigmoid = 1 / (1 + Math.exp(-u.value(i)));
            double width = upper.value(i) - lower.value(i);
            assertThat(c.value().value(i)).isCloseTo(lower.value(i) + width * sigmoid, within(1e-15));
            expectedLogJacobian += Math.log(width * sigmoid * (1 - sigmoid));
        }
        assertThat(c.logJacobian().doubleValue()).isCloseTo(expectedLogJacobian, within(1e-12));
        GradientCheck.check(
                x -> {
                    Constrained v = Transforms.interval(x, lower, upper);
                    return v.value().dot(WEIGHTS).plus(v.logJacobian());
                },
                0.3,
                -0.8,
                1.5);
        Constrained above = Transforms.lowerBounded(u, lower);
        assertThat(above.value().toArray()).containsExactly(-1 + Math.exp(0.3), Math.exp(-0.8), 2 + Math.exp(1.5));
        assertThat(above.logJacobian().doubleValue()).isCloseTo(0.3 - 0.8 + 1.5, within(1e-15));
    }
}
