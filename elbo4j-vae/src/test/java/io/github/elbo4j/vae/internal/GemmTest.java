package io.github.elbo4j.vae.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Every path of the kernel against double-precision sums: groups of eight rows and single rows;
 * three-vector, one-vector and overlapping last-vector columns; plain loops for a sum into C.
 */
class GemmTest {

    @ParameterizedTest(name = "{0}x{1}x{2} transposedA={3} accumulate={4}")
    @CsvSource({
        "4, 7, 24, false, false",
        "8, 33, 24, true, false",
        "13, 50, 104, false, true",
        "6, 19, 50, true, true",
        "1, 5, 3, false, false",
        "3, 200, 37, true, false",
        "50, 100, 200, false, false",
        "16, 9, 50, false, false",
        "21, 30, 13, true, false",
        "12, 10, 13, false, true",
        "8, 10, 5, false, true",
    })
    void matchesThePlainProduct(int m, int k, int n, boolean transposedA, boolean accumulate) {
        SplittableRandom random = new SplittableRandom(m * 1000L + k * 10L + n);
        // A stored as given, or as the transpose of a k × m array; B and C inside larger arrays.
        float[] a = fill(new float[m * k + 3], random);
        float[] b = fill(new float[(k + 1) * (n + 5) + 2], random);
        float[] c = fill(new float[(m + 1) * (n + 2) + 4], random);
        float[] original = c.clone();
        int aOff = 3;
        int aRow = transposedA ? 1 : k;
        int aCol = transposedA ? m : 1;
        int bOff = 2;
        int ldb = n + 5;
        int cOff = 4;
        int ldc = n + 2;
        if (aOff + (m - 1) * aRow + (k - 1) * aCol >= a.length) {
            a = fill(new float[aOff + m * k], random);
        }
        Gemm.multiply(a, aOff, aRow, aCol, b, bOff, ldb, c, cOff, ldc, m, k, n, accumulate);
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double sum = accumulate ? original[cOff + i * ldc + j] : 0;
                double scale = 0;
                for (int p = 0; p < k; p++) {
                    double term = (double) a[aOff + i * aRow + p * aCol] * b[bOff + p * ldb + j];
                    sum += term;
                    scale += Math.abs(term);
                }
                assertThat((double) c[cOff + i * ldc + j])
                        .as("C[%d, %d]", i, j)
                        .isCloseTo(sum, within(1e-6 * (scale + 1)));
            }
            for (int j = n; j < ldc && cOff + i * ldc + j < c.length; j++) {
                assertThat(c[cOff + i * ldc + j])
                        .as("padding C[%d, %d] untouched", i, j)
                        .isEqualTo(original[cOff + i * ldc + j]);
            }
        }
    }

    private static float[] fill(float[] values, SplittableRandom random) {
        for (int i = 0; i < values.length; i++) {
            values[i] = (float) random.nextDouble(-1, 1);
        }
        return values;
    }
}
