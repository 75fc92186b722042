package io.github.elbo4j.spark.bench;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;

/** Shared pieces of the benchmark mains: options, local sessions, DataFrames from float rows. */
final class BenchSupport {

    private BenchSupport() {}

    /** {@code --name value} pairs. */
    static Map<String, String> options(String[] args) {
        Map<String, String> map = new HashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            if (!args[i].startsWith("--")) {
                throw new IllegalArgumentException("expected --name value pairs, got '" + args[i] + "'");
            }
            map.put(args[i].substring(2), args[i + 1]);
        }
        return map;
    }

    /** One engine thread per task, so that Spark's task slots are the only parallelism measured. */
    static void singleThreadedEngine() {
        System.setProperty("ai.djl.pytorch.num_threads", System.getProperty("ai.djl.pytorch.num_threads", "1"));
        System.setProperty(
                "ai.djl.pytorch.num_interop_threads", System.getProperty("ai.djl.pytorch.num_interop_threads", "1"));
        System.setProperty("ai.djl.offline", System.getProperty("ai.djl.offline", "true"));
    }

    static SparkSession session(String master) {
        return SparkSession.builder()
                .master(master)
                .appName("elbo4j-spark-bench")
                .config("spark.ui.enabled", "false")
                .config("spark.driver.host", "127.0.0.1")
                .config("spark.driver.bindAddress", "127.0.0.1")
                .config("spark.driver.memory", "4g")
                .getOrCreate();
    }

    /**
     * Writes {@code df} to a temporary Parquet folder and reads it back, so that later jobs read
     * file splits as a real job would (a DataFrame made with {@code parallelize} ships its rows
     * inside every task, cached or not).
     */
    static Dataset<Row> throughParquet(SparkSession spark, Dataset<Row> df) {
        try {
            java.nio.file.Path dir = java.nio.file.Files.createTempDirectory("elbo4j-bench");
            String path = dir.resolve("data.parquet").toString();
            df.write().parquet(path);
            Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteQuietly(dir)));
            return spark.read().parquet(path);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static void deleteQuietly(java.nio.file.Path dir) {
        try (var paths = java.nio.file.Files.walk(dir)) {
            paths.sorted(java.util.Comparator.reverseOrder())
                    .forEach(p -> p.toFile().delete());
        } catch (java.io.IOException ignored) {
            // temporary benchmark data
        }
    }

    /** A DataFrame {@code id, features} of {@code rows} rows of {@code values}, in {@code partitions}. */
    static Dataset<Row> vectors(SparkSession spark, float[] values, int rows, int features, int partitions) {
        List<Row> list = new ArrayList<>(rows);
        for (int i = 0; i < rows; i++) {
            double[] row = new double[features];
            for (int j = 0; j < features; j++) {
                row[j] = values[i * features + j];
            }
            list.add(RowFactory.create((long) i, Vectors.dense(row)));
        }
        StructType schema = new StructType().add("id", "long").add("features", SQLDataTypes.VectorType());
        return throughParquet(
                spark,
                spark.createDataFrame(
                        JavaSparkContext.fromSparkContext(spark.sparkContext()).parallelize(list, partitions), schema));
    }
}
