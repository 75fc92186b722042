package io.github.elbo4j.testing;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;

/** Test helpers: copying tensors to the JVM and Monte Carlo summaries. */
public final class Samples {

    private Samples() {}

    /** Copies a float32 or float64 tensor (any shape, row-major) to doubles. */
    public static double[] toDoubles(NDArray array) {
        if (array.getDataType() == DataType.FLOAT64) {
            return array.toDoubleArray();
        }
        float[] f = array.toFloatArray();
        double[] d = new double[f.length];
        for (int i = 0; i < f.length; i++) {
            d[i] = f[i];
        }
        return d;
    }

    /** The sample mean. */
    public static double mean(double[] values) {
        double sum = 0.0;
        for (double v : values) {
            sum += v;
        }
        return sum / values.length;
    }

    /** The standard error of the mean, sd/√n with the unbiased variance. */
    public static double standardError(double[] values) {
        double mean = mean(values);
        double ss = 0.0;
        for (double v : values) {
            ss += (v - mean) * (v - mean);
        }
        return Math.sqrt(ss / (values.length - 1) / values.length);
    }

    /** Column {@code column} of a row-major matrix with {@code columns} columns. */
    public static double[] column(double[] matrix, int columns, int column) {
        double[] out = new double[matrix.length / columns];
        for (int i = 0; i < out.length; i++) {
            out[i] = matrix[i * columns + column];
        }
        return out;
    }

    /**
     * A tolerance of {@code relative·max(1, |expected|)}: relative, with an absolute floor near 0.
     */
    public static double tolerance(double expected, double relative) {
        return relative * Math.max(1.0, Math.abs(expected));
    }
}
