package io.github.elbo4j.spark.bench;

import io.github.elbo4j.spark.GaussianViEstimator;
import io.github.elbo4j.spark.GaussianViModel;
import io.github.elbo4j.vi.ParameterSummary;
import io.github.elbo4j.vi.VariationalPosterior;
import io.github.elbo4j.vi.glm.GeneralizedLinearModel;
import io.github.elbo4j.vi.glm.GlmFamily;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;

/**
 * Distributed against single-machine Gaussian VI for logistic regression on generated data
 * (x ~ N(0, I₃), η = 0.5 + 1.2 x1 − 0.8 x2 + 0.3 x3): {@code --rows 1000000 --partitions 2
 * --master local[2] --batch-size 0 --max-iterations 2000 --lr 0.1 --seed 0 --skip-local false}.
 * Prints both posteriors' means and sds, the largest |Δmean| / sd, and the wall times.
 */
public final class GlmBenchmark {

    private GlmBenchmark() {}

    /** Runs the benchmark with the options above (unset ones take the values shown) and prints the comparison; run it with {@code elbo4j-bench/scripts/spark-bench.sh GlmBenchmark}, as BENCHMARKS.md does. */
    public static void main(String[] args) {
        BenchSupport.singleThreadedEngine();
        Map<String, String> o = BenchSupport.options(args);
        int rows = Integer.parseInt(o.getOrDefault("rows", "1000000"));
        int partitions = Integer.parseInt(o.getOrDefault("partitions", "2"));
        String master = o.getOrDefault("master", "local[2]");
        int batch = Integer.parseInt(o.getOrDefault("batch-size", "0"));
        int iterations = Integer.parseInt(o.getOrDefault("max-iterations", "2000"));
        double lr = Double.parseDouble(o.getOrDefault("lr", "0.1"));
        long seed = Long.parseLong(o.getOrDefault("seed", "0"));
        boolean skipLocal = Boolean.parseBoolean(o.getOrDefault("skip-local", "false"));
        SplittableRandom random = new SplittableRandom(42);
        double[][] x = new double[rows][3];
        double[] y = new double[rows];
        List<Row> list = new ArrayList<>(rows);
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < 3; j++) {
                x[i][j] = random.nextGaussian();
            }
            double eta = 0.5 + 1.2 * x[i][0] - 0.8 * x[i][1] + 0.3 * x[i][2];
            y[i] = random.nextDouble() < 1 / (1 + Math.exp(-eta)) ? 1 : 0;
            list.add(RowFactory.create((long) i, Vectors.dense(x[i]), y[i]));
        }
        SparkSession spark = BenchSupport.session(master);
        StructType schema = new StructType()
                .add("id", "long")
                .add("features", SQLDataTypes.VectorType())
                .add("label", "double");
        Dataset<Row> df = BenchSupport.throughParquet(
                        spark,
                        spark.createDataFrame(
                                JavaSparkContext.fromSparkContext(spark.sparkContext())
                                        .parallelize(list, partitions),
                                schema))
                // Partition p holds the p-th range of ids, in order: the global record order of the
                // subsampled fit is then the generation order, as in the single-machine fit.
                .repartitionByRange(partitions, org.apache.spark.sql.functions.col("id"))
                .sortWithinPartitions("id");
        list = null;
        GaussianViEstimator estimator = new GaussianViEstimator()
                .setFamily("logistic")
                .setLearningRate(lr)
                .setMaxIterations(iterations)
                .setBatchSize(batch)
                .setSeed(seed);
        long start = System.nanoTime();
        GaussianViModel distributed = estimator.fit(df);
        double sparkSeconds = (System.nanoTime() - start) / 1e9;
        System.out.printf(
                Locale.ROOT,
                "spark (%s, %d partitions, batch %d): %.1f s, %d iterations, %d Spark jobs," + " converged %s%n",
                master,
                partitions,
                batch,
                sparkSeconds,
                distributed.posterior().provenance().iterations(),
                distributed.sparkJobs(),
                distributed.posterior().provenance().converged());
        spark.stop();
        if (skipLocal) {
            for (String name : List.of("intercept", "x1", "x2", "x3")) {
                ParameterSummary d = distributed.posterior().summary(name).get(0);
                System.out.printf(Locale.ROOT, "%-10s spark %.5f (sd %.5f)%n", name, d.mean(), d.sd());
            }
            return;
        }
        start = System.nanoTime();
        VariationalPosterior local = GeneralizedLinearModel.of(
                        GlmFamily.LOGISTIC, List.of("x1", "x2", "x3"), x, y, true, Map.of())
                .fit(estimator.viConfig());
        double localSeconds = (System.nanoTime() - start) / 1e9;
        System.out.printf(
                Locale.ROOT,
                "single machine: %.1f s, %d iterations, converged %s%n",
                localSeconds,
                local.provenance().iterations(),
                local.provenance().converged());
        double worst = 0;
        for (String name : List.of("intercept", "x1", "x2", "x3")) {
            ParameterSummary d = distributed.posterior().summary(name).get(0);
            ParameterSummary l = local.summary(name).get(0);
            double gap = Math.abs(d.mean() - l.mean()) / l.sd();
            worst = Math.max(worst, gap);
            System.out.printf(
                    Locale.ROOT,
                    "%-10s spark %.5f (sd %.5f)   local %.5f (sd %.5f)   |diff|/sd %.4f%n",
                    name,
                    d.mean(),
                    d.sd(),
                    l.mean(),
                    l.sd(),
                    gap);
        }
        System.out.printf(
                Locale.ROOT,
                "largest |mean difference| / posterior sd: %.4f (criterion: < 0.05) -> %s%n",
                worst,
                worst < 0.05 ? "PASS" : "FAIL");
    }
}
