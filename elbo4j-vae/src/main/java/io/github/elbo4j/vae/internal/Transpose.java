package io.github.elbo4j.vae.internal;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/** Matrix transposition between the fused step's batch-major and feature-major layouts. */
final class Transpose {

    private static final VectorSpecies<Float> S = VectorMath.S;
    private static final int V = S.length();

    private Transpose() {}

    /**
     * dst[dstOff + c·dstStride + r] = src[srcOff + r·srcStride + c] for r &lt; rows, c &lt; cols. A
     * vector gathers one column of as many rows as it has lanes: twice the speed of element-by-element
     * copies.
     */
    static void copy(
            float[] src, int srcOff, int srcStride, int rows, int cols, float[] dst, int dstOff, int dstStride) {
        int[] column = new int[V];
        for (int i = 0; i < V; i++) {
            column[i] = i * srcStride;
        }
        int whole = rows - rows % V;
        for (int r = 0; r < whole; r += V) {
            for (int c = 0; c < cols; c++) {
                FloatVector.fromArray(S, src, srcOff + r * srcStride + c, column, 0)
                        .intoArray(dst, dstOff + c * dstStride + r);
            }
        }
        for (int r = whole; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                dst[dstOff + c * dstStride + r] = src[srcOff + r * srcStride + c];
            }
        }
    }
}
