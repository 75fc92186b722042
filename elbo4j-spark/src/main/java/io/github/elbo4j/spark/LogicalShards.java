package io.github.elbo4j.spark;

import java.util.List;
import org.apache.spark.HashPartitioner;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.storage.StorageLevel;
import scala.Tuple2;

/**
 * Training rows split into a fixed number of logical shards that do not depend on how Spark
 * partitioned or ordered them.
 *
 * <p>Spark decides how many partitions a table has (file splits follow the default parallelism, a
 * shuffle upstream follows {@code spark.sql.shuffle.partitions} or {@code repartition}) and in
 * which order a partition's rows arrive (after a shuffle: the order in which blocks were fetched,
 * which changes between runs and when a lost partition is recomputed). Training seeded by the
 * partition and the position inside it would follow all of that. Here each row goes to shard
 * {@code hash(values) mod count} and is sorted inside its shard by (hash, values), so a shard's
 * content and order are a function of the multiset of rows and of {@code count} alone: the same on
 * {@code local[1]}, {@code local[8]} or a cluster, for any number of input partitions, after any
 * shuffle, retry or recomputation. Identical rows are interchangeable, so their relative order
 * does not matter. Hashing balances the shards up to random fluctuation (about √(n/count) rows).
 */
final class LogicalShards {

    private LogicalShards() {}

    /**
     * The rows of {@code column} (values per row: {@code features}) in {@code count} shards, one
     * Spark partition per shard, persisted in memory and on disk. Each input partition packs its
     * rows into one {@link Shard.Block} per shard, so the shuffle moves a few float arrays per
     * input partition rather than an object per row. Invalid rows do not fail the tasks: they are
     * reported by {@link #rowCounts}.
     */
    static JavaRDD<Shard> of(Dataset<Row> input, String column, int features, int count) {
        int index = input.schema().fieldIndex(column);
        return input.javaRDD()
                .mapPartitionsToPair(rows -> {
                    Shard.Router router = new Shard.Router(count, features);
                    while (rows.hasNext()) {
                        Row row = rows.next();
                        try {
                            router.add(InputVectors.read(row, index, column, features));
                        } catch (IllegalArgumentException e) {
                            router.invalid(e.getMessage());
                        }
                    }
                    return router.blocks();
                })
                .partitionBy(new HashPartitioner(count))
                .mapPartitionsWithIndex(
                        (Integer p, java.util.Iterator<Tuple2<Integer, Shard.Block>> blocks) ->
                                List.of(Shard.pack(p, blocks, features)).iterator(),
                        true)
                .persist(StorageLevel.MEMORY_AND_DISK());
    }

    /**
     * The number of rows of each shard, by index (one small job that also materializes the cache).
     *
     * @throws InputVectors.InvalidRow when a row is invalid (the first in shard order)
     */
    static int[] rowCounts(JavaRDD<Shard> shards) {
        List<Tuple2<Integer, Object>> sizes = shards.map(
                        s -> new Tuple2<Integer, Object>(s.index(), s.problem() != null ? s.problem() : s.rows()))
                .collect();
        int[] rows = new int[sizes.size()];
        for (Tuple2<Integer, Object> s : sizes) {
            if (s._2() instanceof String problem) {
                throw new InputVectors.InvalidRow(problem);
            }
            rows[s._1()] = (Integer) s._2();
        }
        return rows;
    }
}
