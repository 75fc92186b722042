package io.github.elbo4j.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class BatchingTest {

    @Test
    void permutationHoldsEveryIndexOnce() {
        int[] order = Batching.permutation(1000, 3, 0);

        assertThat(Arrays.stream(order).sorted().toArray())
                .containsExactly(IntStream.range(0, 1000).toArray());
    }

    @Test
    void permutationIsDeterministicPerSeedAndEpoch() {
        assertThat(Batching.permutation(500, 3, 7)).containsExactly(Batching.permutation(500, 3, 7));
        assertThat(Batching.permutation(500, 3, 7)).isNotEqualTo(Batching.permutation(500, 3, 8));
        assertThat(Batching.permutation(500, 3, 7)).isNotEqualTo(Batching.permutation(500, 4, 7));
    }

    @Test
    void permutationIsUniformOverPositions() {
        // Where item 0 lands over 20,000 epochs: each of 10 positions expects 2,000 (sd 42).
        int[] counts = new int[10];
        for (int epoch = 0; epoch < 20_000; epoch++) {
            int[] order = Batching.permutation(10, 99, epoch);
            for (int p = 0; p < 10; p++) {
                if (order[p] == 0) {
                    counts[p]++;
                }
            }
        }
        for (int count : counts) {
            assertThat(count).isBetween(1790, 2210);
        }
    }

    @Test
    void handlesEmptyAndSingleItem() {
        assertThat(Batching.permutation(0, 1, 1)).isEmpty();
        assertThat(Batching.permutation(1, 1, 1)).containsExactly(0);
        assertThatThrownBy(() -> Batching.permutation(-1, 1, 1)).hasMessageContaining("n must be >= 0");
    }

    @Test
    void gatherCopiesTheSelectedRowsContiguously() {
        Dataset d = new Dataset("d", new float[] {0, 1, 10, 11, 20, 21, 30, 31}, 4, 2);

        float[] batch = Batching.gather(d, new int[] {3, 1, 0, 2}, 1, 3);

        assertThat(batch).containsExactly(10, 11, 0, 1);
    }

    @Test
    void gatherRejectsBadRanges() {
        Dataset d = new Dataset("d", new float[4], 2, 2);

        assertThatThrownBy(() -> Batching.gather(d, new int[] {0, 5}, 0, 2))
                .isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> Batching.gather(d, new int[] {0, 1}, 1, 3))
                .isInstanceOf(IndexOutOfBoundsException.class);
    }

    @Test
    void countsBatchesRoundingUp() {
        assertThat(Batching.batchCount(100, 32)).isEqualTo(4);
        assertThat(Batching.batchCount(96, 32)).isEqualTo(3);
        assertThat(Batching.batchCount(0, 32)).isZero();
        assertThatThrownBy(() -> Batching.batchCount(10, 0)).hasMessageContaining("batchSize");
    }
}
