package io.github.elbo4j.vi.autodiff;

import java.util.Arrays;

/** Shape arithmetic of {@link Value}s: scalars {@code []}, vectors {@code [n]}, matrices {@code [r, c]}. */
final class Shape {

    static final int[] SCALAR = {};

    private Shape() {}

    static int size(int[] shape) {
        int size = 1;
        for (int extent : shape) {
            size = Math.multiplyExact(size, extent);
        }
        return size;
    }

    static void checkSize(int[] shape, int length) {
        // the common cases first, without a loop: every value a model computes passes here
        if (shape.length == 0
                ? length == 1
                : shape.length == 1
                        ? shape[0] == length
                        : shape.length == 2 && shape[0] >= 0 && shape[1] >= 0 && (long) shape[0] * shape[1] == length) {
            return;
        }
        if (shape.length > 2) {
            throw new IllegalArgumentException("values have at most two dimensions, got shape " + describe(shape));
        }
        for (int extent : shape) {
            if (extent < 0) {
                throw new IllegalArgumentException("negative extent in shape " + describe(shape));
            }
        }
        if (size(shape) != length) {
            throw new IllegalArgumentException(
                    "shape " + describe(shape) + " holds " + size(shape) + " values, got " + length);
        }
    }

    /**
     * The shape of an elementwise result: equal shapes, or one operand with a single element, which
     * is broadcast (a scalar against a vector or matrix, as in Stan's vectorized functions).
     */
    static int[] broadcast(String operation, Value a, Value b) {
        if (a.size() == b.size() && (a.size() == 1 || equal(a.shape, b.shape))) {
            return a.shape.length >= b.shape.length ? a.shape : b.shape;
        }
        if (a.size() == 1) {
            return b.shape;
        }
        if (b.size() == 1) {
            return a.shape;
        }
        throw new IllegalArgumentException(operation + ": shapes " + describe(a.shape) + " and " + describe(b.shape)
                + " do not match (elementwise operations need equal shapes or a single value)");
    }

    /** Whether two shapes are equal; a loop, which for shapes of at most two extents beats {@link Arrays#equals}. */
    static boolean equal(int[] a, int[] b) {
        if (a.length != b.length) {
            return false;
        }
        for (int i = 0; i < a.length; i++) {
            if (a[i] != b[i]) {
                return false;
            }
        }
        return true;
    }

    static String describe(int[] shape) {
        return Arrays.toString(shape);
    }
}
