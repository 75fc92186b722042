package io.github.elbo4j.math;

import ai.djl.ndarray.types.Shape;
import java.util.Arrays;

/**
 * Broadcasting rules of NumPy and PyTorch applied to {@link Shape}s, so that distributions can
 * report their batch shape and reject incompatible arguments with a clear message before any native
 * call.
 *
 * <p>Two shapes are aligned on their trailing axes; each pair of sizes must be equal or one of them
 * must be 1, and the result takes the larger size. Reference: NumPy documentation, "Broadcasting"
 * (numpy.org/doc/stable/user/basics.broadcasting.html).
 */
public final class Broadcasting {

    private Broadcasting() {}

    /**
     * The broadcast of several shapes.
     *
     * @param shapes the shapes to combine
     * @return the shape every argument broadcasts to
     * @throws IllegalArgumentException if two sizes on an aligned axis differ and neither is 1
     */
    public static Shape broadcastShapes(Shape... shapes) {
        int rank = 0;
        for (Shape s : shapes) {
            rank = Math.max(rank, s.dimension());
        }
        long[] out = new long[rank];
        Arrays.fill(out, 1L);
        for (Shape s : shapes) {
            int offset = rank - s.dimension();
            for (int i = 0; i < s.dimension(); i++) {
                long size = s.get(i);
                long current = out[offset + i];
                if (current == 1) {
                    out[offset + i] = size;
                } else if (size != 1 && size != current) {
                    throw new IllegalArgumentException("shapes "
                            + describe(shapes)
                            + " do not broadcast: axis "
                            + (offset + i - rank)
                            + " has sizes "
                            + current
                            + " and "
                            + size
                            + " (sizes must be equal or 1)");
                }
            }
        }
        return new Shape(out);
    }

    /**
     * Whether {@code shape} ends with {@code suffix} (sizes compared exactly).
     *
     * @param shape a shape
     * @param suffix the expected trailing sizes
     * @return true if the last {@code suffix.dimension()} sizes of {@code shape} equal {@code
     *     suffix}
     */
    public static boolean endsWith(Shape shape, Shape suffix) {
        int offset = shape.dimension() - suffix.dimension();
        if (offset < 0) {
            return false;
        }
        for (int i = 0; i < suffix.dimension(); i++) {
            if (shape.get(offset + i) != suffix.get(i)) {
                return false;
            }
        }
        return true;
    }

    /**
     * Exact equality of sizes, ignoring DJL layout annotations.
     *
     * @param a a shape
     * @param b another shape
     * @return true if both have the same sizes in the same order
     */
    public static boolean sameSizes(Shape a, Shape b) {
        return Arrays.equals(a.getShape(), b.getShape());
    }

    private static String describe(Shape... shapes) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < shapes.length; i++) {
            if (i > 0) {
                sb.append(", ");
            }
            sb.append(shapes[i]);
        }
        return sb.toString();
    }
}
