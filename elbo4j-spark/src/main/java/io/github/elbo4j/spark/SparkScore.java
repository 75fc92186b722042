package io.github.elbo4j.spark;

import java.util.Map;
import java.util.Set;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * {@code spark-submit --class io.github.elbo4j.spark.SparkScore APP.jar --model model/ --data
 * test.parquet [--out scored.parquet] [--input-col pixels | --features c1,c2,...] [--k 50]
 * [--seed 0] [--partitions N] [--master local[*]]}: scores a table with a model saved by
 * {@link SparkTrain} (or a CLI run directory), writing the input with {@code elbo}, {@code loglik},
 * {@code latent_mean}, {@code recon_error} and {@code anomaly} appended as Parquet, and printing the
 * dataset means (the test log-likelihood with its K) as one JSON line.
 */
public final class SparkScore {

    private static final Set<String> OPTIONS = Set.of(
            "model", "data", "format", "input-col", "features", "out", "k", "seed", "partitions", "master", "max-rows");

    private SparkScore() {}

    /** Runs the command above with its own Spark session and prints its JSON line; exits with 2 on bad arguments or input, 1 on any other failure (usage: docs/spark.md). */
    public static void main(String[] args) {
        SparkArgs.run("spark-score", () -> {
            SparkSession spark = SparkArgs.parse("spark-score", args, OPTIONS).session();
            try {
                System.out.println(execute(spark, args));
            } finally {
                spark.stop();
            }
        });
    }

    /** Runs the command on an existing session and returns its JSON output. */
    public static String execute(SparkSession spark, String[] args) throws java.io.IOException {
        SparkArgs a = SparkArgs.parse("spark-score", args, OPTIONS);
        VaeTransformerModel model = VaeTransformerModel.load(a.require("model"));
        model.setInputCol(a.featuresColumn())
                .setK(a.integer("k", (Integer) model.getOrDefault(model.k())))
                .setSeed(a.integer("seed", 0))
                .setMaxParticleRows(a.integer("max-rows", 20_000));
        Dataset<Row> data = a.withFeatures(a.read(spark), null);
        long start = System.nanoTime();
        String out = a.get("out", null);
        Map<String, Double> means;
        if (out != null) {
            // Score once: write the scores, then average the three score columns read back.
            model.transform(data).write().mode("overwrite").parquet(out);
            means = model.summarize(spark.read().parquet(out));
        } else {
            means = model.evaluate(data);
        }
        return String.format(
                java.util.Locale.ROOT,
                "{\"n\": %d, \"elbo\": %s, \"loglik\": %s, \"k\": %d, \"recon_error\": %s, \"seconds\": %.1f%s}",
                means.get("n").longValue(),
                means.get("elbo"),
                means.get("loglik"),
                means.get("k").intValue(),
                means.get("recon_error"),
                (System.nanoTime() - start) / 1e9,
                out == null ? "" : ", \"out\": \"" + out + "\"");
    }
}
