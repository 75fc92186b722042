package io.github.elbo4j.vae.model;

import java.util.Arrays;

/**
 * A dense float32 tensor on the Java heap, row-major: the unit of weight files (safetensors,
 * {@code .npz}) and checkpoints.
 *
 * @param shape dimensions, outermost first
 * @param data values in row-major order; {@code data.length} equals the product of the shape
 */
public record Tensor(long[] shape, float[] data) {

    /** Validates that the data length matches the shape. */
    public Tensor {
        long n = 1;
        for (long d : shape) {
            if (d < 0) {
                throw new IllegalArgumentException("negative dimension in " + Arrays.toString(shape));
            }
            n *= d;
        }
        if (n != data.length) {
            throw new IllegalArgumentException(
                    "tensor of shape " + Arrays.toString(shape) + " needs " + n + " values, got " + data.length);
        }
    }

    /** A rank-0 tensor holding one value. */
    public static Tensor scalar(float value) {
        return new Tensor(new long[0], new float[] {value});
    }
}
