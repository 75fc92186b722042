package io.github.elbo4j.vae.internal;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Single-precision matrix products C (+)= A·B on JVM arrays for {@link FusedElboStep}, written
 * with the Vector API.
 *
 * <p>B and C are row-major with row strides {@code ldb} and {@code ldc}; A is read element by
 * element through two strides, so A or Aᵀ of a row-major array are both just strides. The kernel
 * keeps an 8 × 3-vector block of C in registers, broadcasts one element of each of A's eight rows
 * and multiplies it into three vectors of B's row: 24 fused multiply-adds per 3 loads and 8
 * broadcasts. Vectors have {@link VectorMath#S}'s width: with 256-bit vectors the standard model's
 * larger products ran at 90–108 GFLOP/s on one core of the training machine, against the 104.8 of
 * its measured peak (the 4 × 3 block this replaced: 74–92; BENCHMARKS.md, "The fused step"); with
 * its preferred 512-bit vectors the decoder's products run at 105–109. The columns left over after whole blocks use one vector
 * at a time, the rows left over after groups of eight one row at a time.
 */
final class Gemm {

    private static final VectorSpecies<Float> S = VectorMath.S;
    private static final int V = S.length();
    /** Rows of C per register block: 8 rows × 3 vectors is 24 of AVX-512's 32 vector registers. */
    static final int ROWS = 8;

    private Gemm() {}

    /**
     * C[m×n] = A·B, or C += A·B when {@code accumulate}.
     *
     * @param a A's array; element (i, p) is {@code a[aOff + i·aRow + p·aCol]}
     * @param b B's row-major array of k rows, element (p, j) at {@code b[bOff + p·ldb + j]}
     * @param c C's row-major array of m rows, element (i, j) at {@code c[cOff + i·ldc + j]}; it must
     *     not share memory with A or B
     */
    static void multiply(
            float[] a,
            int aOff,
            int aRow,
            int aCol,
            float[] b,
            int bOff,
            int ldb,
            float[] c,
            int cOff,
            int ldc,
            int m,
            int k,
            int n,
            boolean accumulate) {
        int grouped = m - m % ROWS;
        int whole = n - n % V;
        // Fewer than V columns left over: a product overwrites the last V columns once more (the
        // columns computed twice get the same values), cheaper than plain loops, as Java 17 runs
        // masked vector operations lane by lane. A sum into C cannot, and takes the plain loops.
        boolean overlapTail = whole < n && n >= V && !accumulate;
        int col = 0;
        for (; col + 3 * V <= whole; col += 3 * V) {
            for (int i = 0; i < grouped; i += ROWS) {
                block8x3(
                        a,
                        aOff + i * aRow,
                        aRow,
                        aCol,
                        b,
                        bOff + col,
                        ldb,
                        c,
                        cOff + i * ldc + col,
                        ldc,
                        k,
                        accumulate);
            }
        }
        for (; col < whole; col += V) {
            for (int i = 0; i < grouped; i += ROWS) {
                block8x1(
                        a,
                        aOff + i * aRow,
                        aRow,
                        aCol,
                        b,
                        bOff + col,
                        ldb,
                        c,
                        cOff + i * ldc + col,
                        ldc,
                        k,
                        accumulate);
            }
        }
        if (overlapTail) {
            for (int i = 0; i < grouped; i += ROWS) {
                block8x1(
                        a, aOff + i * aRow, aRow, aCol, b, bOff + n - V, ldb, c, cOff + i * ldc + n - V, ldc, k, false);
            }
        }
        // Rows left over after groups of eight: one vector at a time.
        for (int r = grouped; r < m; r++) {
            for (int j = 0; j < whole; j += V) {
                block1x1(a, aOff + r * aRow, aCol, b, bOff + j, ldb, c, cOff + r * ldc + j, k, accumulate);
            }
            if (overlapTail) {
                block1x1(a, aOff + r * aRow, aCol, b, bOff + n - V, ldb, c, cOff + r * ldc + n - V, k, false);
            }
        }
        if (whole < n && !overlapTail) {
            for (int r = 0; r < m; r++) {
                for (int j = whole; j < n; j++) {
                    float sum = accumulate ? c[cOff + r * ldc + j] : 0f;
                    for (int p = 0; p < k; p++) {
                        sum += a[aOff + r * aRow + p * aCol] * b[bOff + p * ldb + j];
                    }
                    c[cOff + r * ldc + j] = sum;
                }
            }
        }
    }

    private static void block8x3(
            float[] a,
            int a0,
            int aRow,
            int aCol,
            float[] b,
            int b0,
            int ldb,
            float[] c,
            int c0,
            int ldc,
            int k,
            boolean accumulate) {
        int c1 = c0 + ldc;
        int c2 = c1 + ldc;
        int c3 = c2 + ldc;
        int c4 = c3 + ldc;
        int c5 = c4 + ldc;
        int c6 = c5 + ldc;
        int c7 = c6 + ldc;
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
        FloatVector s40 = start(c, c4, accumulate);
        FloatVector s41 = start(c, c4 + V, accumulate);
        FloatVector s42 = start(c, c4 + 2 * V, accumulate);
        FloatVector s50 = start(c, c5, accumulate);
        FloatVector s51 = start(c, c5 + V, accumulate);
        FloatVector s52 = start(c, c5 + 2 * V, accumulate);
        FloatVector s60 = start(c, c6, accumulate);
        FloatVector s61 = start(c, c6 + V, accumulate);
        FloatVector s62 = start(c, c6 + 2 * V, accumulate);
        FloatVector s70 = start(c, c7, accumulate);
        FloatVector s71 = start(c, c7 + V, accumulate);
        FloatVector s72 = start(c, c7 + 2 * V, accumulate);
        for (int p = 0, ap = a0, bp = b0; p < k; p++, ap += aCol, bp += ldb) {
            FloatVector v0 = FloatVector.fromArray(S, b, bp);
            FloatVector v1 = FloatVector.fromArray(S, b, bp + V);
            FloatVector v2 = FloatVector.fromArray(S, b, bp + 2 * V);
            FloatVector x0 = FloatVector.broadcast(S, a[ap]);
            s00 = v0.fma(x0, s00);
            s01 = v1.fma(x0, s01);
            s02 = v2.fma(x0, s02);
            FloatVector x1 = FloatVector.broadcast(S, a[ap + aRow]);
            s10 = v0.fma(x1, s10);
            s11 = v1.fma(x1, s11);
            s12 = v2.fma(x1, s12);
            FloatVector x2 = FloatVector.broadcast(S, a[ap + 2 * aRow]);
            s20 = v0.fma(x2, s20);
            s21 = v1.fma(x2, s21);
            s22 = v2.fma(x2, s22);
            FloatVector x3 = FloatVector.broadcast(S, a[ap + 3 * aRow]);
            s30 = v0.fma(x3, s30);
            s31 = v1.fma(x3, s31);
            s32 = v2.fma(x3, s32);
            FloatVector x4 = FloatVector.broadcast(S, a[ap + 4 * aRow]);
            s40 = v0.fma(x4, s40);
            s41 = v1.fma(x4, s41);
            s42 = v2.fma(x4, s42);
            FloatVector x5 = FloatVector.broadcast(S, a[ap + 5 * aRow]);
            s50 = v0.fma(x5, s50);
            s51 = v1.fma(x5, s51);
            s52 = v2.fma(x5, s52);
            FloatVector x6 = FloatVector.broadcast(S, a[ap + 6 * aRow]);
            s60 = v0.fma(x6, s60);
            s61 = v1.fma(x6, s61);
            s62 = v2.fma(x6, s62);
            FloatVector x7 = FloatVector.broadcast(S, a[ap + 7 * aRow]);
            s70 = v0.fma(x7, s70);
            s71 = v1.fma(x7, s71);
            s72 = v2.fma(x7, s72);
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
        s40.intoArray(c, c4);
        s41.intoArray(c, c4 + V);
        s42.intoArray(c, c4 + 2 * V);
        s50.intoArray(c, c5);
        s51.intoArray(c, c5 + V);
        s52.intoArray(c, c5 + 2 * V);
        s60.intoArray(c, c6);
        s61.intoArray(c, c6 + V);
        s62.intoArray(c, c6 + 2 * V);
        s70.intoArray(c, c7);
        s71.intoArray(c, c7 + V);
        s72.intoArray(c, c7 + 2 * V);
    }

    private static void block8x1(
            float[] a,
            int a0,
            int aRow,
            int aCol,
            float[] b,
            int b0,
            int ldb,
            float[] c,
            int c0,
            int ldc,
            int k,
            boolean accumulate) {
        int c1 = c0 + ldc;
        int c2 = c1 + ldc;
        int c3 = c2 + ldc;
        int c4 = c3 + ldc;
        int c5 = c4 + ldc;
        int c6 = c5 + ldc;
        int c7 = c6 + ldc;
        FloatVector s00 = start(c, c0, accumulate);
        FloatVector s10 = start(c, c1, accumulate);
        FloatVector s20 = start(c, c2, accumulate);
        FloatVector s30 = start(c, c3, accumulate);
        FloatVector s40 = start(c, c4, accumulate);
        FloatVector s50 = start(c, c5, accumulate);
        FloatVector s60 = start(c, c6, accumulate);
        FloatVector s70 = start(c, c7, accumulate);
        for (int p = 0, ap = a0, bp = b0; p < k; p++, ap += aCol, bp += ldb) {
            FloatVector v0 = FloatVector.fromArray(S, b, bp);
            FloatVector x0 = FloatVector.broadcast(S, a[ap]);
            s00 = v0.fma(x0, s00);
            FloatVector x1 = FloatVector.broadcast(S, a[ap + aRow]);
            s10 = v0.fma(x1, s10);
            FloatVector x2 = FloatVector.broadcast(S, a[ap + 2 * aRow]);
            s20 = v0.fma(x2, s20);
            FloatVector x3 = FloatVector.broadcast(S, a[ap + 3 * aRow]);
            s30 = v0.fma(x3, s30);
            FloatVector x4 = FloatVector.broadcast(S, a[ap + 4 * aRow]);
            s40 = v0.fma(x4, s40);
            FloatVector x5 = FloatVector.broadcast(S, a[ap + 5 * aRow]);
            s50 = v0.fma(x5, s50);
            FloatVector x6 = FloatVector.broadcast(S, a[ap + 6 * aRow]);
            s60 = v0.fma(x6, s60);
            FloatVector x7 = FloatVector.broadcast(S, a[ap + 7 * aRow]);
            s70 = v0.fma(x7, s70);
        }
        s00.intoArray(c, c0);
        s10.intoArray(c, c1);
        s20.intoArray(c, c2);
        s30.intoArray(c, c3);
        s40.intoArray(c, c4);
        s50.intoArray(c, c5);
        s60.intoArray(c, c6);
        s70.intoArray(c, c7);
    }

    private static void block1x1(
            float[] a, int a0, int aCol, float[] b, int b0, int ldb, float[] c, int c0, int k, boolean accumulate) {
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
