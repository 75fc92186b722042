package io.github.elbo4j.spark;

import io.github.elbo4j.vae.train.EpochMetrics;
import java.util.Set;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * {@code spark-submit --class io.github.elbo4j.spark.SparkTrain APP.jar --data train.parquet
 * --out model/ [--input-col pixels | --features c1,c2,...] [--hidden 200,200] [--latent 50]
 * [--activation tanh] [--likelihood bernoulli] [--epochs 10] [--batch-size 100] [--lr 1e-3]
 * [--seed 0] [--k 50] [--sync-every 50] [--shards 2] [--partitions N] [--run-dir DIR|URI] [--resume true]
 * [--anomaly-quantile 0.99] [--master local[*]]}: trains a VAE with {@link VaeEstimator} and saves
 * it (a Spark model that is also an elbo4j run directory). Prints one JSON line.
 */
public final class SparkTrain {

    private static final Set<String> OPTIONS = Set.of(
            "data",
            "format",
            "input-col",
            "features",
            "out",
            "hidden",
            "latent",
            "activation",
            "likelihood",
            "gaussian-scale",
            "epochs",
            "batch-size",
            "lr",
            "seed",
            "k",
            "sync-every",
            "partitions",
            "run-dir",
            "resume",
            "anomaly-quantile",
            "checkpoint-interval",
            "master",
            "input-shape",
            "shards");

    private SparkTrain() {}

    /** Runs the command above with its own Spark session and prints its JSON line; exits with 2 on bad arguments or input, 1 on any other failure (usage: docs/spark.md). */
    public static void main(String[] args) {
        SparkArgs.run("spark-train", () -> {
            SparkSession spark = SparkArgs.parse("spark-train", args, OPTIONS).session();
            try {
                System.out.println(execute(spark, args));
            } finally {
                spark.stop();
            }
        });
    }

    /** Runs the command on an existing session and returns its JSON output. */
    public static String execute(SparkSession spark, String[] args) throws java.io.IOException {
        SparkArgs a = SparkArgs.parse("spark-train", args, OPTIONS);
        String out = a.require("out");
        Dataset<Row> data = a.withFeatures(a.read(spark), null);
        VaeEstimator estimator = new VaeEstimator()
                .setInputCol(a.featuresColumn())
                .setInputShape(a.integers("input-shape", new int[0]))
                .setHidden(a.integers("hidden", new int[] {200, 200}))
                .setLatent(a.integer("latent", 50))
                .setActivation(a.get("activation", "tanh"))
                .setLikelihood(a.get("likelihood", "bernoulli"))
                .setGaussianScale(a.number("gaussian-scale", 0.1))
                .setEpochs(a.integer("epochs", 10))
                .setBatchSize(a.integer("batch-size", 100))
                .setLearningRate(a.number("lr", 1e-3))
                .setSeed(a.integer("seed", 0))
                .setK(a.integer("k", 50))
                .setSyncEvery(a.integer("sync-every", VaeEstimator.DEFAULT_SYNC_EVERY))
                .setShards(a.integer("shards", VaeEstimator.DEFAULT_SHARDS))
                .setAnomalyQuantile(a.number("anomaly-quantile", 0.99))
                .setRunDirectory(a.get("run-dir", ""))
                .setResume(Boolean.parseBoolean(a.get("resume", "false")))
                .setCheckpointInterval(a.integer("checkpoint-interval", 0));
        VaeTransformerModel model;
        try {
            model = estimator.fit(data);
        } catch (InputVectors.InvalidRow e) {
            throw new IllegalArgumentException(a.require("data") + ": " + e.getMessage(), e);
        }
        model.write().overwrite().save(out);
        EpochMetrics last = model.trainingMetrics().isEmpty()
                ? null
                : model.trainingMetrics().get(model.trainingMetrics().size() - 1);
        return String.format(
                java.util.Locale.ROOT,
                "{\"model\": \"%s\", \"epochs\": %d, \"elbo\": %s, \"anomaly_threshold\": %s, \"seconds\": %.1f,"
                        + " \"samples_per_s\": %.1f}",
                out,
                model.trainedEpochs(),
                last == null ? "null" : last.elbo(),
                model.anomalyThreshold(),
                model.trainingSeconds(),
                last == null ? Double.NaN : last.samplesPerS());
    }
}
