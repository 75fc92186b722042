package io.github.elbo4j.vi.autodiff;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.function.Function;

/**
 * Checks a reverse-mode gradient against central finite differences: the test oracle for every
 * operation, density and transform written on {@link Tape}.
 */
public final class GradientCheck {

    private GradientCheck() {}

    /**
     * Asserts that the tape's gradient of {@code f} at {@code x} matches central differences with
     * step {@code 1e-6 · max(1, |x_i|)}, to {@code 1e-6} relative to {@code max(1, |∂f/∂x_i|)}.
     *
     * @param f a scalar function of one vector variable
     * @param x the point
     * @return the gradient, for further checks
     */
    public static double[] check(Function<Value, Value> f, double... x) {
        Tape tape = new Tape();
        Value input = tape.variable(x);
        Value output = f.apply(input);
        tape.backward(output);
        double[] gradient = input.gradient();
        for (int i = 0; i < x.length; i++) {
            double h = 1e-6 * Math.max(1.0, Math.abs(x[i]));
            double[] up = x.clone();
            double[] down = x.clone();
            up[i] += h;
            down[i] -= h;
            double numeric = (f.apply(Value.constant(up)).doubleValue()
                            - f.apply(Value.constant(down)).doubleValue())
                    / (2 * h);
            assertThat(gradient[i])
                    .as("∂f/∂x[%d] at x = %s", i, java.util.Arrays.toString(x))
                    .isCloseTo(numeric, within(1e-6 * Math.max(1.0, Math.abs(numeric))));
        }
        return gradient;
    }
}
