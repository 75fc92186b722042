package io.github.elbo4j.vae.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Every element lands where the strides say, whole groups of eight rows or not, and nothing else is written. */
class TransposeTest {

    @ParameterizedTest(name = "{0} x {1}")
    @CsvSource({"13, 5", "8, 3", "3, 17", "24, 9"})
    void movesEveryElementAndNothingElse(int rows, int cols) {
        int srcOff = 2;
        int srcStride = cols + 3;
        int dstOff = 5;
        int dstStride = rows + 4;
        float[] src = new float[srcOff + rows * srcStride];
        for (int i = 0; i < src.length; i++) {
            src[i] = i;
        }
        float[] dst = new float[dstOff + cols * dstStride + 1];
        java.util.Arrays.fill(dst, -1f);
        Transpose.copy(src, srcOff, srcStride, rows, cols, dst, dstOff, dstStride);
        float[] expected = new float[dst.length];
        java.util.Arrays.fill(expected, -1f);
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                expected[dstOff + c * dstStride + r] = src[srcOff + r * srcStride + c];
            }
        }
        assertThat(dst).containsExactly(expected);
    }
}
