package io.github.elbo4j.vi;

import java.util.Arrays;
import java.util.Objects;

/**
 * Observed data a model reads inside its log density, uploaded once per fit in double precision.
 *
 * <p>Declaring data this way (rather than capturing arrays in a lambda) lets the fitting loop own
 * the arrays and free every result derived from them after each step.
 *
 * @param name the name passed to {@link ParameterValues#data(String)}
 * @param values row-major values
 * @param shape the array's shape; its product equals {@code values.length}
 */
public record DataArray(String name, double[] values, long[] shape) {

    /** Validates and copies. */
    public DataArray {
        Objects.requireNonNull(name, "name");
        values = values.clone();
        shape = shape.clone();
        long product = Arrays.stream(shape).reduce(1, Math::multiplyExact);
        if (product != values.length) {
            throw new IllegalArgumentException(
                    "data '" + name + "' has " + values.length + " values but shape " + Arrays.toString(shape));
        }
    }

    /** A vector. */
    public static DataArray vector(String name, double... values) {
        return new DataArray(name, values, new long[] {values.length});
    }

    /** The values (a copy). */
    @Override
    public double[] values() {
        return values.clone();
    }

    /** The shape (a copy). */
    @Override
    public long[] shape() {
        return shape.clone();
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof DataArray d
                && name.equals(d.name)
                && Arrays.equals(values, d.values)
                && Arrays.equals(shape, d.shape);
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, Arrays.hashCode(values), Arrays.hashCode(shape));
    }

    @Override
    public String toString() {
        return "DataArray[" + name + " " + Arrays.toString(shape) + "]";
    }
}
