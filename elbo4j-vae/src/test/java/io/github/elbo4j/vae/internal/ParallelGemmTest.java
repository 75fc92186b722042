package io.github.elbo4j.vae.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Products shared among threads: the same floats as on one thread, failures reported, helpers stopped. */
class ParallelGemmTest {

    @ParameterizedTest(name = "{0} threads, {1}x{2}x{3} accumulate={4}")
    @CsvSource({
        "2, 200, 50, 104, false",
        "3, 200, 37, 50, true",
        "2, 37, 13, 24, false",
        "4, 784, 20, 16, false",
        "3, 20, 9, 8, false",
    })
    void sharesRowsWithoutChangingAFloat(int threads, int m, int k, int n, boolean accumulate) {
        SplittableRandom random = new SplittableRandom(m * 31L + k);
        float[] a = fill(new float[m * k], random);
        float[] b = fill(new float[k * n], random);
        float[] alone = fill(new float[m * n], random);
        float[] shared = alone.clone();
        Gemm.multiply(a, 0, k, 1, b, 0, n, alone, 0, n, m, k, n, accumulate);
        try (ParallelGemm team = new ParallelGemm(threads)) {
            for (int repeat = 0; repeat < 3; repeat++) {
                float[] c = shared.clone();
                team.multiply(a, 0, k, 1, b, 0, n, c, 0, n, m, k, n, accumulate);
                assertThat(c).containsExactly(alone);
            }
        }
    }

    /** A job over a range visits every index once, among products that stay right. */
    @ParameterizedTest(name = "{0} threads, {1} indices")
    @CsvSource({"2, 101", "3, 7", "3, 5", "4, 1000"})
    void runsEveryIndexOfARangeOnce(int threads, int count) {
        int[] visits = new int[count];
        float[] a = fill(new float[64 * 8], new SplittableRandom(1));
        float[] b = fill(new float[8 * 16], new SplittableRandom(2));
        float[] alone = new float[64 * 16];
        Gemm.multiply(a, 0, 8, 1, b, 0, 16, alone, 0, 16, 64, 8, 16, false);
        try (ParallelGemm team = new ParallelGemm(threads)) {
            for (int repeat = 0; repeat < 3; repeat++) {
                team.forRange(count, (from, to) -> {
                    for (int i = from; i < to; i++) {
                        visits[i]++;
                    }
                });
                float[] c = new float[alone.length];
                team.multiply(a, 0, 8, 1, b, 0, 16, c, 0, 16, 64, 8, 16, false);
                assertThat(c).containsExactly(alone);
            }
        }
        assertThat(visits).containsOnly(3);
    }

    @Test
    void aHelpersFailureReachesTheCallerAndTheTeamStaysUsable() {
        try (ParallelGemm team = new ParallelGemm(2)) {
            // A C too short for the last rows: the helper that owns them fails.
            float[] a = new float[64 * 4];
            float[] b = new float[4 * 8];
            assertThatThrownBy(() -> team.multiply(a, 0, 4, 1, b, 0, 8, new float[40 * 8], 0, 8, 64, 4, 8, false))
                    .isInstanceOf(IndexOutOfBoundsException.class);
            float[] c = new float[64 * 8];
            team.multiply(a, 0, 4, 1, b, 0, 8, c, 0, 8, 64, 4, 8, false);
            assertThat(c).containsOnly(0f);
        }
    }

    @Test
    void closeStopsTheHelpers() throws InterruptedException {
        ParallelGemm team = new ParallelGemm(3);
        team.close();
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (Thread.getAllStackTraces().keySet().stream()
                        .anyMatch(t -> t.getName().startsWith("elbo4j-products-"))
                && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertThat(Thread.getAllStackTraces().keySet())
                .noneMatch(t -> t.getName().startsWith("elbo4j-products-"));
    }

    private static float[] fill(float[] values, SplittableRandom random) {
        for (int i = 0; i < values.length; i++) {
            values[i] = (float) random.nextDouble(-1, 1);
        }
        return values;
    }
}
