package io.github.elbo4j.data;

import java.util.Objects;
import java.util.SplittableRandom;

/**
 * Shuffling and mini-batch assembly without hidden state: the order of epoch {@code e} depends
 * only on {@code (seed, e)}, so a resumed run sees exactly the batches an uninterrupted one would.
 */
public final class Batching {

    private Batching() {}

    /**
     * A uniformly random permutation of {@code 0 .. n-1} by the Fisher–Yates shuffle (Knuth, TAOCP
     * vol. 2, Algorithm 3.4.2P), driven by a {@link SplittableRandom} seeded from {@code seed} and
     * {@code epoch}.
     *
     * @param n the number of items, {@code >= 0}
     * @param seed the run's seed
     * @param epoch the epoch (or any other stream index)
     * @return a new array holding each of {@code 0 .. n-1} once
     */
    public static int[] permutation(int n, long seed, long epoch) {
        if (n < 0) {
            throw new IllegalArgumentException("n must be >= 0, got " + n);
        }
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        SplittableRandom random = new SplittableRandom(Seeds.derive(seed, epoch));
        for (int i = n - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int swap = order[i];
            order[i] = order[j];
            order[j] = swap;
        }
        return order;
    }

    /**
     * Copies the rows {@code indices[from .. to)} of {@code d} into one contiguous row-major array,
     * ready to become a {@code (to - from) × features} tensor.
     *
     * @param d the dataset
     * @param indices row indices into {@code d}
     * @param from first position in {@code indices} (inclusive)
     * @param to last position in {@code indices} (exclusive)
     * @return {@code (to - from) * d.features()} values
     */
    public static float[] gather(Dataset d, int[] indices, int from, int to) {
        Objects.requireNonNull(d, "d");
        Objects.checkFromToIndex(from, to, indices.length);
        int features = d.features();
        float[] values = d.values();
        float[] batch = new float[Math.multiplyExact(to - from, features)];
        for (int k = from; k < to; k++) {
            int row = Objects.checkIndex(indices[k], d.rows());
            System.arraycopy(values, row * features, batch, (k - from) * features, features);
        }
        return batch;
    }

    /**
     * The number of mini-batches of at most {@code batchSize} rows that cover {@code n} rows (the
     * last one may be smaller).
     *
     * @param n the number of rows
     * @param batchSize rows per batch, {@code > 0}
     * @return {@code ceil(n / batchSize)}
     */
    public static int batchCount(int n, int batchSize) {
        if (batchSize <= 0) {
            throw new IllegalArgumentException("batchSize must be > 0, got " + batchSize);
        }
        return (n + batchSize - 1) / batchSize;
    }
}
