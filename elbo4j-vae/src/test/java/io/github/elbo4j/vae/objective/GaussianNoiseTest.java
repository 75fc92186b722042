package io.github.elbo4j.vae.objective;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.github.elbo4j.vae.train.Seeds;
import org.junit.jupiter.api.Test;

/**
 * The counter-based evaluation noise against a scalar reference written from the published
 * algorithms (Threefry-2x32-20 checked on Random123's known answers, Wichura's quantile in double
 * checked on tabulated normal quantiles), and its draws against N(0, 1).
 */
public class GaussianNoiseTest {

    private static final long SEED = 20261121L;

    @Test
    void referenceThreefryGivesRandom123KnownAnswers() {
        assertThat(threefry(0, 0, 0, 0)).containsExactly(0x6b200159, 0x99ba4efe);
        assertThat(threefry(-1, -1, -1, -1)).containsExactly(0x1cb996fc, 0xbb002be7);
        assertThat(threefry(0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344)).containsExactly(0xc4923a9c, 0x483df7a0);
    }

    @Test
    void referenceQuantileMatchesTabulatedValues() {
        assertThat(quantile(0.025)).isCloseTo(-1.959963984540054, within(2e-7 * 1.959963984540054));
        assertThat(quantile(0.3)).isCloseTo(-0.5244005127080407, within(2e-7 * 0.5244005127080407));
        assertThat(quantile(1e-3)).isCloseTo(-3.090232306167813, within(2e-7 * 3.090232306167813));
        assertThat(quantile(1e-6)).isCloseTo(-4.753424308822899, within(2e-7 * 4.753424308822899));
        assertThat(quantile(1e-9)).isCloseTo(-5.997807015007686, within(2e-7 * 5.997807015007686));
    }

    @Test
    void noiseIsTheQuantileOfThreefryBitsPerExampleParticleAndDimension() {
        int particles = 37;
        int dimension = 5;
        int from = 3;
        int to = 6;
        float[] noise = GaussianNoise.perExample(particles, from, to, dimension, SEED);
        long worst = 0;
        for (int e = from; e < to; e++) {
            long key = Seeds.derive(SEED, Seeds.Stream.EVAL_NOISE, e);
            for (int p = 0; p < particles; p++) {
                for (int d = 0; d < dimension; d++) {
                    int[] words = threefry(p, d / 2, (int) key, (int) (key >>> 32));
                    double expected = normal(words[d % 2]);
                    float actual = noise[(p * (to - from) + e - from) * dimension + d];
                    assertThat((double) actual).isCloseTo(expected, within(1e-6 * Math.max(1, Math.abs(expected))));
                }
            }
        }
    }

    @Test
    void theScalarDrawsWithoutTheVectorApiHaveTheVectorDrawsBits() {
        int ld = 64;
        int dimension = 7;
        for (long example = 0; example < 200; example++) {
            float[] vector = new float[dimension * ld];
            float[] scalar = new float[dimension * ld];
            VectorNoise.fillExample(SEED, example, 5, 61, dimension, vector, 0, ld);
            GaussianNoise.fillExampleScalar(SEED, example, 5, 61, dimension, scalar, 0, ld);
            for (int i = 0; i < vector.length; i++) {
                assertThat(Float.floatToRawIntBits(scalar[i]))
                        .as("example %d, element %d", example, i)
                        .isEqualTo(Float.floatToRawIntBits(vector[i]));
            }
        }
    }

    @Test
    void aSliceOfParticlesIsTheSameSliceOfTheWholeAndWritesNothingElse() {
        int ld = 48;
        float[] whole = new float[3 * ld];
        GaussianNoise.fillExample(SEED, 9, 0, 40, 3, whole, 0, ld);
        float[] slice = new float[3 * ld + 10];
        java.util.Arrays.fill(slice, 7f);
        GaussianNoise.fillExample(SEED, 9, 11, 21, 3, slice, 10, ld);
        for (int d = 0; d < 3; d++) {
            for (int c = 0; c < ld; c++) {
                float expected = c < 21 ? whole[d * ld + 11 + c] : 7f;
                assertThat(slice[10 + d * ld + c]).isEqualTo(expected);
            }
        }
    }

    @Test
    void drawsHaveTheMomentsAndTailsOfAStandardNormal() {
        int particles = 5000;
        int dimension = 50;
        float[] noise = GaussianNoise.perExample(particles, 0, 4, dimension, SEED);
        int n = noise.length;
        double sum = 0;
        double squares = 0;
        double fourth = 0;
        long beyond2 = 0;
        long beyond3 = 0;
        long beyond4 = 0;
        double lagProduct = 0;
        for (int i = 0; i < n; i++) {
            double x = noise[i];
            sum += x;
            squares += x * x;
            fourth += x * x * x * x;
            beyond2 += Math.abs(x) > 2 ? 1 : 0;
            beyond3 += Math.abs(x) > 3 ? 1 : 0;
            beyond4 += Math.abs(x) > 4 ? 1 : 0;
            if (i > 0) {
                lagProduct += x * noise[i - 1];
            }
        }
        double sd = 1 / Math.sqrt(n);
        assertThat(sum / n).isCloseTo(0, within(5 * sd));
        assertThat(squares / n).isCloseTo(1, within(5 * Math.sqrt(2) * sd));
        assertThat(fourth / n).isCloseTo(3, within(5 * Math.sqrt(96) * sd));
        assertThat(lagProduct / (n - 1)).isCloseTo(0, within(5 * sd));
        assertTailCount(beyond2, n, 0.04550026389635842);
        assertTailCount(beyond3, n, 0.0026997960632601866);
        assertTailCount(beyond4, n, 6.334248366623996e-5);
    }

    private static void assertTailCount(long count, int n, double probability) {
        double expected = n * probability;
        assertThat((double) count).isCloseTo(expected, within(5 * Math.sqrt(expected * (1 - probability))));
    }

    /** N(0, 1) from one 32-bit word: the sign from the top bit, the quantile of (m + ½)·2⁻³² from the rest. */
    public static double normal(int word) {
        double p = ((word & 0x7FFFFFFF) + 0.5) * 0x1p-32;
        double x = quantile(p);
        return word < 0 ? -x : x;
    }

    /** Wichura's AS 241 (PPND7) normal quantile for p ≤ ½, in double. */
    private static double quantile(double p) {
        double q = p - 0.5;
        if (q >= -0.425) {
            double r = 0.180625 - q * q;
            return q
                    * (((59.109374720 * r + 159.29113202) * r + 50.434271938) * r + 3.3871327179)
                    / (((67.187563600 * r + 78.757757664) * r + 17.895169469) * r + 1);
        }
        double r = Math.sqrt(-Math.log(p)) - 1.6;
        return -(((0.17023821103 * r + 1.3067284816) * r + 2.7568153900) * r + 1.4234372777)
                / ((0.12021132975 * r + 0.73700164250) * r + 1);
    }

    /** Threefry-2x32 with 20 rounds, as specified by Salmon et al. (2011). */
    public static int[] threefry(int c0, int c1, int k0, int k1) {
        int[] rotations = {13, 15, 26, 6, 17, 29, 16, 24};
        int[] keys = {k0, k1, 0x1BD11BDA ^ k0 ^ k1};
        int x0 = c0 + k0;
        int x1 = c1 + k1;
        for (int round = 0; round < 20; round++) {
            x0 += x1;
            x1 = Integer.rotateLeft(x1, rotations[round % 8]) ^ x0;
            if (round % 4 == 3) {
                int s = round / 4 + 1;
                x0 += keys[s % 3];
                x1 += keys[(s + 1) % 3] + s;
            }
        }
        return new int[] {x0, x1};
    }
}
