package io.github.elbo4j.vi.density;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.github.elbo4j.vi.autodiff.GradientCheck;
import io.github.elbo4j.vi.autodiff.Value;
import java.util.function.Function;

/** Value and gradient checks shared by the density tests. */
final class DensityChecks {

    private DensityChecks() {}

    /** Asserts {@code actual} equals {@code expected} to 1e-12 relative (1e-12 absolute near 0). */
    static void assertClose(double actual, double expected) {
        assertThat(actual).isCloseTo(expected, within(1e-12 * Math.max(1.0, Math.abs(expected))));
    }

    /**
     * Checks the gradient of {@code density} with respect to every argument, by finite differences:
     * once with every argument a variable, and once per argument with only that one a variable (the
     * others constants), so both the filled and the skipped partials are exercised. An argument of
     * one element is passed as a scalar, so broadcasting is exercised too.
     *
     * @param density the density of its arguments
     * @param arguments the arguments' values
     */
    static void checkGradients(Function<Value[], Value> density, double[]... arguments) {
        int total = 0;
        for (double[] argument : arguments) {
            total += argument.length;
        }
        double[] point = new double[total];
        int offset = 0;
        for (double[] argument : arguments) {
            System.arraycopy(argument, 0, point, offset, argument.length);
            offset += argument.length;
        }
        GradientCheck.check(x -> density.apply(split(x, arguments, -1)), point);
        for (int k = 0; k < arguments.length; k++) {
            int variable = k;
            GradientCheck.check(x -> density.apply(split(x, arguments, variable)), arguments[k]);
        }
    }

    /** The arguments as values: all taken from {@code x} (when {@code only} is −1), or only argument {@code only}. */
    private static Value[] split(Value x, double[][] arguments, int only) {
        Value[] values = new Value[arguments.length];
        int offset = 0;
        for (int k = 0; k < arguments.length; k++) {
            int n = arguments[k].length;
            if (only == -1) {
                values[k] = n == 1 ? x.get(offset) : x.slice(offset, offset + n);
            } else if (only == k) {
                values[k] = n == 1 ? x.get(0) : x;
            } else {
                values[k] = n == 1 ? Value.constant(arguments[k][0]) : Value.constant(arguments[k]);
            }
            offset += n;
        }
        return values;
    }
}
