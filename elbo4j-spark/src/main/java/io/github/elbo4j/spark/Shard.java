package io.github.elbo4j.spark;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
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
 * @param values row-major values, rows sorted by (hash, values) (see {@link #pack})
 * @param rows number of rows
 * @param features values per row
 * @param problem the first invalid row's problem in message order (a one-line message), or null
 *     when every row is valid; a shard with a problem holds no rows
 */
record Shard(int index, float[] values, int rows, int features, String problem) implements Serializable {

    private static final long serialVersionUID = 3L;

    /**
     * Packs the blocks routed to shard {@code index} into one shard, its rows sorted by
     * {@link Block#hash}, then by their values (so even rows whose hashes collide have one
     * order): the same shard whatever the blocks and their order.
     */
    static Shard pack(int index, Iterator<Tuple2<Integer, Block>> routed, int features) {
        List<Block> blocks = new ArrayList<>();
        int total = 0;
        String problem = null;
        while (routed.hasNext()) {
            Block block = routed.next()._2();
            blocks.add(block);
            total = Math.addExact(total, block.rows());
            if (block.problem() != null && (problem == null || block.problem().compareTo(problem) < 0)) {
                problem = block.problem();
            }
        }
        if (problem != null) {
            return new Shard(index, new float[0], 0, features, problem);
        }
        long[] hashes = new long[total];
        float[] unsorted = new float[Math.multiplyExact(total, features)];
        int at = 0;
        for (Block block : blocks) {
            System.arraycopy(block.hashes(), 0, hashes, at, block.rows());
            System.arraycopy(block.values(), 0, unsorted, at * features, block.rows() * features);
            at += block.rows();
        }
        Integer[] order = new Integer[total];
        for (int i = 0; i < total; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> {
            int byHash = Long.compare(hashes[a], hashes[b]);
            return byHash != 0
                    ? byHash
                    : Arrays.compare(
                            unsorted, a * features, (a + 1) * features, unsorted, b * features, (b + 1) * features);
        });
        float[] values = new float[unsorted.length];
        for (int i = 0; i < total; i++) {
            System.arraycopy(unsorted, order[i] * features, values, i * features, features);
        }
        return new Shard(index, values, total, features, null);
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
     * The rows of one input partition bound for one shard, packed: what the shuffle that builds the
     * shards moves (a few large float arrays per input partition instead of an object per row).
     *
     * @param hashes each row's {@link #hash}
     * @param values row-major values
     * @param rows number of rows
     * @param problem the smallest problem message among the partition's invalid rows, or null
     */
    record Block(long[] hashes, float[] values, int rows, String problem) implements Serializable {

        private static final long serialVersionUID = 1L;

        /** The logical shard of a row with this hash among {@code count}. */
        static int shardOf(long hash, int count) {
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

    /** Collects one input partition's rows into one growing {@link Block} per shard. */
    static final class Router {
        private final int features;
        private final long[][] hashes;
        private final float[][] values;
        private final int[] rows;
        private String problem;

        Router(int count, int features) {
            this.features = features;
            this.hashes = new long[count][64];
            this.values = new float[count][64 * features];
            this.rows = new int[count];
        }

        /** Adds a valid row. */
        void add(float[] row) {
            long hash = Block.hash(row);
            int shard = Block.shardOf(hash, rows.length);
            int r = rows[shard];
            if (r == hashes[shard].length) {
                hashes[shard] = Arrays.copyOf(hashes[shard], r * 2);
                values[shard] = Arrays.copyOf(values[shard], Math.multiplyExact(r * 2, features));
            }
            hashes[shard][r] = hash;
            System.arraycopy(row, 0, values[shard], r * features, features);
            rows[shard] = r + 1;
        }

        /** Records an invalid row's problem (the smallest message is kept; it goes to shard 0). */
        void invalid(String message) {
            if (problem == null || message.compareTo(problem) < 0) {
                problem = message;
            }
        }

        /** The non-empty blocks, keyed by shard. */
        Iterator<Tuple2<Integer, Block>> blocks() {
            List<Tuple2<Integer, Block>> out = new ArrayList<>();
            for (int s = 0; s < rows.length; s++) {
                String p = s == 0 ? problem : null;
                if (rows[s] > 0 || p != null) {
                    out.add(new Tuple2<>(
                            s,
                            new Block(
                                    Arrays.copyOf(hashes[s], rows[s]),
                                    Arrays.copyOf(values[s], rows[s] * features),
                                    rows[s],
                                    p)));
                }
            }
            return out.iterator();
        }
    }
}
