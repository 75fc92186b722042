package io.github.elbo4j.vi.density;

import io.github.elbo4j.vi.autodiff.Value;
import java.util.Arrays;
import java.util.function.DoublePredicate;
import java.util.function.DoubleUnaryOperator;

/**
 * Shape and domain checks shared by the densities: vectorization (arguments of one element are
 * broadcast against the others, as in Stan), parameter domains (outside them the log density is −∞,
 * so a fit can back off) and outcome supports (data outside them is an error in the caller's data,
 * reported with the density and the index).
 */
final class Arguments {

    private Arguments() {}

    /**
     * The number of elements a vectorized density sums over: the size of its largest argument. Every
     * argument has that size (and the same shape as the others of that size) or one element.
     *
     * @param density the density's name, for the message
     * @param names the arguments' names, comma-separated, for the message
     * @param arguments the arguments
     * @return the number of terms, 0 when any argument is empty
     */
    static int size(String density, String names, Value... arguments) {
        Value largest = arguments[0];
        for (Value argument : arguments) {
            if (argument.size() == 0) {
                return 0;
            }
            if (argument.size() > largest.size()) {
                largest = argument;
            }
        }
        for (int k = 0; k < arguments.length; k++) {
            Value argument = arguments[k];
            if (argument.size() != 1 && argument != largest && !argument.hasShapeOf(largest)) {
                String[] name = names.split(", ");
                throw new IllegalArgumentException(density + ": " + name[k] + " has shape "
                        + Arrays.toString(argument.shape()) + " where " + Arrays.toString(largest.shape())
                        + " or a single value is needed");
            }
        }
        return largest.size();
    }

    /** 0 for an argument broadcast over {@code n} terms, 1 for one with an element per term. */
    static int stride(Value argument, int n) {
        return argument.size() == 1 && n != 1 ? 0 : 1;
    }

    /** {@code Σ_i log v[i·stride]} over {@code n} terms, with one logarithm for a broadcast value. */
    static double sumLog(double[] v, int stride, int n) {
        if (stride == 0) {
            return n * Math.log(v[0]);
        }
        double total = 0.0;
        for (int i = 0; i < n; i++) {
            total += Math.log(v[i]);
        }
        return total;
    }

    /**
     * {@code f} applied to each element of a parameter: a broadcast parameter's special functions
     * (log, lgamma, digamma) are then computed once, not once per term.
     */
    static double[] map(Value parameter, DoubleUnaryOperator f) {
        double[] v = parameter.values();
        double[] out = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = f.applyAsDouble(v[i]);
        }
        return out;
    }

    /** Whether every element is finite and positive: the domain of scales, shapes and rates. */
    static boolean positiveFinite(Value parameter) {
        for (double x : parameter.values()) {
            if (!(x > 0.0 && x < Double.POSITIVE_INFINITY)) {
                return false;
            }
        }
        return true;
    }

    /** Whether every element is finite: the domain of locations. */
    static boolean finite(Value parameter) {
        for (double x : parameter.values()) {
            if (!Double.isFinite(x)) {
                return false;
            }
        }
        return true;
    }

    /**
     * Whether every element of a continuous outcome lies in the support. Data outside it is a
     * mistake in the data, reported at once; a parameter outside it (a transform that underflowed)
     * only makes the log density −∞.
     *
     * @param density the density's name, for the message
     * @param outcome the outcome
     * @param inSupport the support
     * @param support the support in words, for the message
     * @return false when a parameter outcome is outside the support
     * @throws IllegalArgumentException when a data outcome is outside the support
     */
    static boolean inSupport(String density, Value outcome, DoublePredicate inSupport, String support) {
        double[] y = outcome.values();
        for (int i = 0; i < y.length; i++) {
            if (!inSupport.test(y[i])) {
                if (outcome.isConstant()) {
                    throw new IllegalArgumentException(
                            density + ": outcome y[" + i + "] = " + y[i] + " is outside the support " + support);
                }
                return false;
            }
        }
        return true;
    }

    /** Checks that count outcomes are at least 0. */
    static void counts(String density, int[] y) {
        for (int i = 0; i < y.length; i++) {
            if (y[i] < 0) {
                throw new IllegalArgumentException(
                        density + ": outcome y[" + i + "] = " + y[i] + " is negative; counts are 0, 1, 2, ...");
            }
        }
    }

    /** The size of a discrete density's sum: the outcomes' count, or the parameter's when one outcome is broadcast. */
    static int size(String density, int outcomes, Value parameter) {
        if (outcomes == 0 || parameter.size() == 0) {
            return 0;
        }
        if (parameter.size() != 1 && outcomes != 1 && parameter.size() != outcomes) {
            throw new IllegalArgumentException(density + ": " + outcomes + " outcomes but a parameter of "
                    + parameter.size() + " elements (needs " + outcomes + " or a single value)");
        }
        return Math.max(outcomes, parameter.size());
    }
}
