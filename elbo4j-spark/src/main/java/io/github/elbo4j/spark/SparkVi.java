package io.github.elbo4j.spark;

import io.github.elbo4j.vi.glm.GlmFamily;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * {@code spark-submit --class io.github.elbo4j.spark.SparkVi APP.jar linear|logistic|poisson --data
 * table.parquet --y label [--x c1,c2,...] [--prior NAME=DIST ...] [--family auto|mean-field|low-rank|
 * full-rank] [--rank 2] [--particles 20] [--max-iterations 20000] [--tol-rel-obj 0.001] [--lr
 * (searched)] [--num-draws 1000] [--seed 0] [--no-intercept true] [--partitions N] [--master
 * local[*]]}: fits a Bayesian regression with {@link GaussianViEstimator} and prints the posterior
 * summary as JSON (the keys of {@code elbo4j vi --json}). A CSV file whose predictors are named by
 * {@code --x} is parsed straight into the fit's partitions ({@link CsvTable}), without Spark SQL;
 * other input goes through a DataFrame.
 */
public final class SparkVi {

    private static final Set<String> OPTIONS = Set.of(
            "data",
            "format",
            "x",
            "y",
            "prior",
            "family",
            "rank",
            "particles",
            "max-iterations",
            "tol-rel-obj",
            "lr",
            "num-draws",
            "seed",
            "no-intercept",
            "partitions",
            "master");

    private SparkVi() {}

    /** Runs the command above with its own Spark session and prints its JSON line; exits with 2 on bad arguments or input, 1 on any other failure (usage: docs/spark.md). */
    public static void main(String[] args) {
        SparkArgs.run("spark-vi", () -> {
            String[] options = args.length > 0 && !args[0].startsWith("--")
                    ? java.util.Arrays.copyOfRange(args, 1, args.length)
                    : args;
            SparkSession spark = SparkArgs.parse("spark-vi", options, OPTIONS).session();
            try {
                System.out.println(execute(spark, args));
            } finally {
                spark.stop();
            }
        });
    }

    /** Runs the command on an existing session and returns its JSON output. */
    public static String execute(SparkSession spark, String[] args) throws java.io.IOException {
        if (args.length == 0 || args[0].startsWith("--")) {
            throw new IllegalArgumentException("the first argument must be the model: linear, logistic or poisson");
        }
        String model = args[0];
        SparkArgs a = SparkArgs.parse("spark-vi", java.util.Arrays.copyOfRange(args, 1, args.length), OPTIONS);
        String y = a.require("y");
        String x = a.get("x", null);
        List<String> names;
        Dataset<Row> data = null;
        JavaRDD<GlmShard> shards = null;
        if (x != null && a.format().equals("csv")) {
            // Named columns of a CSV file: parsed straight into shards, without Spark SQL.
            names = Arrays.stream(x.split(",")).map(String::trim).toList();
            JavaSparkContext context = JavaSparkContext.fromSparkContext(spark.sparkContext());
            shards = CsvTable.open(context, a.require("data"))
                    .shards(context, y, names, GlmFamily.fromName(model), a.integer("partitions", 0));
        } else {
            Dataset<Row> raw = a.read(spark);
            SparkArgs features =
                    x == null ? a : SparkArgs.parse("spark-vi", new String[] {"--features", x}, Set.of("features"));
            names = features.featureNames(raw, y);
            data = features.withFeatures(raw, y);
        }
        GaussianViEstimator estimator = new GaussianViEstimator()
                .setFamily(model)
                .setLabelCol(y)
                .setFeatureNames(names.toArray(String[]::new))
                .setFitIntercept(!Boolean.parseBoolean(a.get("no-intercept", "false")))
                .setPriors(a.all("prior").toArray(String[]::new))
                .setGuideFamily(a.get("family", "auto"))
                .setRank(a.integer("rank", 2))
                .setNumParticles(a.integer("particles", 20))
                .setMaxIterations(a.integer("max-iterations", 20_000))
                .setTolRelObj(a.number("tol-rel-obj", 0.001))
                .setLearningRate(a.number("lr", 0))
                .setNumDraws(a.integer("num-draws", 1000))
                .setSeed(a.integer("seed", 0));
        GaussianViModel fit = shards != null ? estimator.fit(shards, names.size()) : estimator.fit(data);
        return fit.summaryJson();
    }
}
