package io.github.elbo4j.vae;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Single-precision matrix products C (+)= A·B on JVM arrays for {@link FusedElboStep}, written
 * with the Vector API.
 *
 * <p>B and C are row-major with row strides {@code ldb} and {@code ldc}; A is read element by
 * element through two strides, so A or Aᵀ of a row-major array are both just strides. The kernel
 * keeps a 4 × 3-vector block of C in registers, broadcasts one element of each of A's four rows
 * and multiplies it into three vectors of B's row: 12 fused multiply-adds per 3 loads and 4
 * broadcasts. The standard model's products run at 56–76 GFLOP/s on one core of the training
 * machine (BENCHMARKS.md, "The fused step"). The columns
 * left over after whole blocks use one vector at a time, and fewer than a vector's width plain
 * loops (Java 17 runs masked vector operations lane by lane); the rows left over after groups of
 * four go one row at a time.
 */
final class Gemm {

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_256;
    private static final int V = S.length();

    private Gemm() {}

    /**
     * C[m×n] = A·B, or C += A·B when {@code accumulate}.
     *
     * @param a A's array; element (i, p) is {@code a[aOff + i·aRow + p·aCol]}
     * @param b B's row-major array of k rows, element (p, j) at {@code b[bOff + p·ldb + j]}
     * @param c C's row-major array of m rows, element (i, j) at {@code c[cOff + i·ldc + j]}
     */
    static void multiply(float[] a, int aOff, int aRow, int aCol, float[] b, int bOff, int ldb, float[] c, int cOff,
            int ldc, int m, int k, int n, boolean accumulate) {
        int vectorColumns = n - n % V;
        int grouped = m - m % 4;
        int col = 0;
        for (; col + 3 * V <= n; col += 3 * V) {
            for (int i = 0; i < grouped; i += 4) {
                block4x3(a, aOff + i * aRow, aRow, aCol, b, bOff + col, ldb, c, cOff + i * ldc + col, ldc, k, accumulate);
            }
        }
        for (; col < vectorColumns; col += V) {
            for (int i = 0; i < grouped; i += 4) {
                block4x1(a, aOff + i * aRow, aRow, aCol, b, bOff + col, ldb, c, cOff + i * ldc + col, ldc, k, accumulate);
            }
        }
        for (int r = grouped; r < m; r++) {
            for (int j = 0; j < vectorColumns; j += V) {
                block1x1(a, aOff + r * aRow, aCol, b, bOff + j, ldb, c, cOff + r * ldc + j, k, accumulate);
            }
        }
        // Fewer than V columns left: plain loops (only products whose width is not a multiple of V).
        for (int r = 0; r < m; r++) {
            for (int j = vectorColumns; j < n; j++) {
                float sum = accumulate ? c[cOff + r * ldc + j] : 0f;
                for (int p = 0; p < k; p++) {
                    sum += a[aOff + r * aRow + p * aCol] * b[bOff + p * ldb + j];
                }
                c[cOff + r * ldc + j] = sum;
            }
        }
    }

    private static void block4x3(float[] a, int a0, int aRow, int aCol, float[] b, int b0, int ldb, float[] c, int c0,
            int ldc, int k, boolean accumulate) {
        int c1 = c0 + ldc;
        int c2 = c1 + ldc;
        int c3 = c2 + ldc;
        FloatVector s00 = start(c, c0, accumulate);
        FloatVector s01 = start(c, c0 + V, accumulate);
        FloatVector s02 = start(c, c0 + 2 * V, accumulate);
        FloatVector s10 = start(c, c1, accumulate);
        FloatVector s11 = start(c, c1 + V, accumulate);
        FloatVector s12 = start(c, c1 + 2 * V, accumulate);
        FloatVector s20 = start(c, c2, accumulate);
        FloatVector s21 = start(c, c2 + V, accumulate);
        FloatVector s22 = start(c, c2 + 2 * V, accumulate);
        FloatVector s30 = start(c, c3, accumulate);
        FloatVector s31 = start(c, c3 + V, accumulate);
        FloatVector s32 = start(c, c3 + 2 * V, accumulate);
        for (int p = 0, ap = a0, bp = b0; p < k; p++, ap += aCol, bp += ldb) {
            FloatVector v0 = FloatVector.fromArray(S, b, bp);
            FloatVector v1 = FloatVector.fromArray(S, b, bp + V);
            FloatVector v2 = FloatVector.fromArray(S, b, bp + 2 * V);
            FloatVector x = FloatVector.broadcast(S, a[ap]);
            s00 = v0.fma(x, s00);
            s01 = v1.fma(x, s01);
            s02 = v2.fma(x, s02);
            x = FloatVector.broadcast(S, a[ap + aRow]);
            s10 = v0.fma(x, s10);
            s11 = v1.fma(x, s11);
            s12 = v2.fma(x, s12);
            x = FloatVector.broadcast(S, a[ap + 2 * aRow]);
            s20 = v0.fma(x, s20);
            s21 = v1.fma(x, s21);
            s22 = v2.fma(x, s22);
            x = FloatVector.broadcast(S, a[ap + 3 * aRow]);
            s30 = v0.fma(x, s30);
            s31 = v1.fma(x, s31);
            s32 = v2.fma(x, s32);
        }
        s00.intoArray(c, c0);
        s01.intoArray(c, c0 + V);
        s02.intoArray(c, c0 + 2 * V);
        s10.intoArray(c, c1);
        s11.intoArray(c, c1 + V);
        s12.intoArray(c, c1 + 2 * V);
        s20.intoArray(c, c2);
        s21.intoArray(c, c2 + V);
        s22.intoArray(c, c2 + 2 * V);
        s30.intoArray(c, c3);
        s31.intoArray(c, c3 + V);
        s32.intoArray(c, c3 + 2 * V);
    }

    private static void block4x1(float[] a, int a0, int aRow, int aCol, float[] b, int b0, int ldb, float[] c, int c0,
            int ldc, int k, boolean accumulate) {
        int c1 = c0 + ldc;
        int c2 = c1 + ldc;
        int c3 = c2 + ldc;
        FloatVector s0 = start(c, c0, accumulate);
        FloatVector s1 = start(c, c1, accumulate);
        FloatVector s2 = start(c, c2, accumulate);
        FloatVector s3 = start(c, c3, accumulate);
        for (int p = 0, ap = a0, bp = b0; p < k; p++, ap += aCol, bp += ldb) {
            FloatVector v = FloatVector.fromArray(S, b, bp);
            s0 = v.fma(FloatVector.broadcast(S, a[ap]), s0);
            s1 = v.fma(FloatVector.broadcast(S, a[ap + aRow]), s1);
            s2 = v.fma(FloatVector.broadcast(S, a[ap + 2 * aRow]), s2);
            s3 = v.fma(FloatVector.broadcast(S, a[ap + 3 * aRow]), s3);
        }
        s0.intoArray(c, c0);
        s1.intoArray(c, c1);
        s2.intoArray(c, c2);
        s3.intoArray(c, c3);
    }

    private static void block1x1(float[] a, int a0, int aCol, float[] b, int b0, int ldb, float[] c, int c0, int k,
            boolean accumulate) {
        FloatVector s = start(c, c0, accumulate);
        for (int p = 0, ap = a0, bp = b0; p < k; p++, ap += aCol, bp += ldb) {
            s = FloatVector.fromArray(S, b, bp).fma(FloatVector.broadcast(S, a[ap]), s);
        }
        s.intoArray(c, c0);
    }

    private static FloatVector start(float[] c, int offset, boolean accumulate) {
        return accumulate ? FloatVector.fromArray(S, c, offset) : FloatVector.zero(S);
    }
}
