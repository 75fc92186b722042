package io.github.elbo4j.spark;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import scala.Tuple2;

/**
 * One logical shard of the training rows packed into one row-major float array: the unit of
 * distributed training, cached once so that every round reads packed floats instead of decoding
 * rows again.
 *
 * <p>Which rows a shard holds and in which order depend only on the rows' values (see
 * {@link LogicalShards}), never on Spark's partitioning or on the order in which a task fetched
 * them, so a shard recomputed after a lost executor is identical to the first.
 *
 * @param index the logical shard index (shuffles and noise are seeded by it)
 * @param values row-major values, rows sorted by {@link ShardRow#ORDER}
 * @param rows number of rows
 * @param features values per row
 * @param problem the first invalid row's problem in {@link ShardRow#ORDER} (a one-line message),
 *     or null when every row is valid; a shard with a problem holds no rows
 */
record Shard(int index, float[] values, int rows, int features, String problem) implements Serializable {

    private static final long serialVersionUID = 2L;

    /** Packs the rows routed to shard {@code index}, sorted into their canonical order. */
    static Shard pack(int index, Iterator<Tuple2<Integer, ShardRow>> routed, int features) {
        List<ShardRow> list = new ArrayList<>();
        while (routed.hasNext()) {
            list.add(routed.next()._2());
        }
        list.sort(ShardRow.ORDER);
        for (ShardRow row : list) {
            if (row.problem() != null) {
                return new Shard(index, new float[0], 0, features, row.problem());
            }
        }
        float[] values = new float[Math.multiplyExact(list.size(), features)];
        for (int i = 0; i < list.size(); i++) {
            System.arraycopy(list.get(i).values(), 0, values, i * features, features);
        }
        return new Shard(index, values, list.size(), features, null);
    }

    /** Rows {@code order[from..to)} gathered into one array. */
    float[] gather(int[] order, int from, int to) {
        float[] batch = new float[(to - from) * features];
        for (int i = from; i < to; i++) {
            System.arraycopy(values, order[i] * features, batch, (i - from) * features, features);
        }
        return batch;
    }

    /**
     * A row on its way to its shard: its values and their hash, or the problem that makes it
     * invalid (then {@code values} is empty and {@code hash} is 0).
     */
    record ShardRow(long hash, float[] values, String problem) implements Serializable {

        private static final long serialVersionUID = 1L;

        /**
         * The canonical order inside a shard: by hash, then by the values themselves (so even rows
         * whose hashes collide have one order), problems last, by message.
         */
        static final Comparator<ShardRow> ORDER = Comparator.comparing((ShardRow r) -> r.problem() != null)
                .thenComparingLong(ShardRow::hash)
                .thenComparing(ShardRow::values, Arrays::compare)
                .thenComparing(r -> r.problem() == null ? "" : r.problem());

        static ShardRow valid(float[] values) {
            return new ShardRow(hash(values), values, null);
        }

        static ShardRow invalid(String problem) {
            return new ShardRow(0, new float[0], problem);
        }

        /** The logical shard of this row among {@code count}. */
        int shard(int count) {
            return (int) Long.remainderUnsigned(hash, count);
        }

        /** A 64-bit hash of the values' bit patterns (SplitMix64's finalizer after each value). */
        static long hash(float[] values) {
            long h = 0x9E3779B97F4A7C15L ^ values.length;
            for (float v : values) {
                h = mix(h + Integer.toUnsignedLong(Float.floatToIntBits(v)) + 0x9E3779B97F4A7C15L);
            }
            return h;
        }

        private static long mix(long z) {
            z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
            z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
            return z ^ (z >>> 31);
        }
    }
}
