package io.github.elbo4j.spark.bench;

import ai.djl.ndarray.NDManager;
import io.github.elbo4j.data.Dataset;
import io.github.elbo4j.data.Shapes;
import io.github.elbo4j.spark.VaeTransformerModel;
import io.github.elbo4j.vae.eval.Evaluator;
import io.github.elbo4j.vae.model.VaeConfig;
import io.github.elbo4j.vae.model.VaeModel;
import io.github.elbo4j.vae.train.ProgressListener;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;

/**
 * Scoring throughput of {@link VaeTransformerModel} in {@code local[1]} and {@code local[2]}, side
 * by side with {@code elbo4j eval}'s computation ({@link Evaluator} on one thread, same rows, model
 * and K):
 * {@code --rows 10000 --k 50 --partitions 8 --repeat 3 --hidden 200,200 --latent 50}. Scores
 * {@code shapes} images (784 features) with the standard model (throughput does not depend on the
 * weights), after one warm-up pass per session; prints rows/s and rows/s per core against eval's, the median of the timed passes, the
 * mean executor run time per task and per row, the fixed cost of a job of empty tasks, and the
 * local[2] / local[1] speed-up.
 */
public final class ScoringBenchmark {

    private ScoringBenchmark() {}

    /** Runs the benchmark with the options above (unset ones take the values shown) and prints the comparison; run it with {@code elbo4j-bench/scripts/spark-bench.sh ScoringBenchmark}, as BENCHMARKS.md does. */
    public static void main(String[] args) throws Exception {
        BenchSupport.singleThreadedEngine();
        Map<String, String> o = BenchSupport.options(args);
        int rows = Integer.parseInt(o.getOrDefault("rows", "10000"));
        int k = Integer.parseInt(o.getOrDefault("k", "50"));
        int partitions = Integer.parseInt(o.getOrDefault("partitions", "8"));
        int repeat = Integer.parseInt(o.getOrDefault("repeat", "3"));
        int[] hidden = Arrays.stream(o.getOrDefault("hidden", "200,200").split(","))
                .mapToInt(Integer::parseInt)
                .toArray();
        int latent = Integer.parseInt(o.getOrDefault("latent", "50"));
        String[] masters = o.getOrDefault("masters", "local[1],local[2]").split(",(?=local)");
        Dataset data = Shapes.generate(rows, 1);
        VaeConfig config = VaeConfig.builder()
                .inputShape(28, 28)
                .hidden(hidden)
                .latent(latent)
                .build();
        VaeTransformerModel model;
        double[] eval;
        try (NDManager manager = NDManager.newBaseManager();
                VaeModel vae = VaeModel.initialize(config, manager, 1)) {
            model = VaeTransformerModel.of(vae).setK(k);
            eval = evaluator(vae, manager, data, k, repeat);
        }
        double evalSeconds = eval[0];
        double evalCpuMsPerRow = eval[1];
        System.out.printf(
                Locale.ROOT,
                "elbo4j eval's Evaluator (1 thread): %d rows, K=%d: median %.2f s, %.0f rows/s per core;"
                        + " CPU %.3f ms per row%n",
                rows,
                k,
                evalSeconds,
                rows / evalSeconds,
                evalCpuMsPerRow);
        double[] seconds = new double[masters.length];
        for (int m = 0; m < masters.length; m++) {
            SparkSession spark = BenchSupport.session(masters[m]);
            List<long[]> tasks = new ArrayList<>();
            spark.sparkContext().addSparkListener(new SparkListener() {
                @Override
                public void onTaskEnd(SparkListenerTaskEnd end) {
                    synchronized (tasks) {
                        tasks.add(new long[] {
                            end.taskMetrics().executorRunTime(),
                            end.taskMetrics().executorCpuTime()
                        });
                    }
                }
            });
            org.apache.spark.sql.Dataset<Row> df = BenchSupport.vectors(
                            spark, data.values(), rows, data.features(), partitions)
                    .cache();
            df.count();
            long emptyStart = System.nanoTime();
            df.limit(0).count();
            double jobOverhead = (System.nanoTime() - emptyStart) / 1e9;
            run(model, df); // warm-up: loads the model in this JVM, compiles hot paths
            double[] times = new double[repeat];
            synchronized (tasks) {
                tasks.clear();
            }
            for (int r = 0; r < repeat; r++) {
                times[r] = run(model, df);
            }
            Arrays.sort(times);
            seconds[m] = times[repeat / 2];
            double taskMs;
            double cpuMsPerRow;
            synchronized (tasks) {
                taskMs = tasks.stream().mapToLong(t -> t[0]).average().orElse(Double.NaN);
                cpuMsPerRow = tasks.stream().mapToLong(t -> t[1]).sum() / 1e6 / rows / repeat;
            }
            System.out.printf(
                    Locale.ROOT,
                    "%s: %d rows, K=%d, %d partitions: median %.2f s (%s), %.0f rows/s, %.0f rows/s per core"
                            + " (%.2f of eval's); mean task run time %.0f ms (%.3f ms per row per core);"
                            + " executor CPU %.3f ms per row (%.2f of eval's rows per CPU second); empty job %.0f ms%n",
                    masters[m],
                    rows,
                    k,
                    partitions,
                    seconds[m],
                    Arrays.toString(times),
                    rows / seconds[m],
                    rows / seconds[m] / cores(masters[m]),
                    evalSeconds / seconds[m] / cores(masters[m]),
                    taskMs,
                    taskMs * partitions / rows,
                    cpuMsPerRow,
                    evalCpuMsPerRow / cpuMsPerRow,
                    jobOverhead * 1000);
            spark.stop();
        }
        if (masters.length == 2) {
            System.out.printf(
                    Locale.ROOT, "speed-up %s / %s: %.2fx%n", masters[1], masters[0], seconds[0] / seconds[1]);
        }
    }

    /**
     * {@code elbo4j eval}'s computation on one thread (the ELBO pass and the IWAE-K estimate through
     * {@link Evaluator}, the fused importance sampler where it applies), after a warm-up pass: the
     * median wall time and the thread's CPU milliseconds per row (which a busy machine distorts less).
     */
    private static double[] evaluator(VaeModel vae, NDManager manager, Dataset data, int k, int repeat) {
        Evaluator evaluator = new Evaluator(vae, manager);
        evaluator.evaluate(data, k, 0, ProgressListener.NONE);
        java.lang.management.ThreadMXBean threads = java.lang.management.ManagementFactory.getThreadMXBean();
        double[] times = new double[repeat];
        long cpu = threads.getCurrentThreadCpuTime();
        for (int r = 0; r < repeat; r++) {
            long start = System.nanoTime();
            evaluator.evaluate(data, k, 0, ProgressListener.NONE);
            times[r] = (System.nanoTime() - start) / 1e9;
        }
        double cpuMsPerRow = (threads.getCurrentThreadCpuTime() - cpu) / 1e6 / data.rows() / repeat;
        Arrays.sort(times);
        return new double[] {times[repeat / 2], cpuMsPerRow};
    }

    /** The task slots of a {@code local[N]} master. */
    private static int cores(String master) {
        java.util.regex.Matcher m =
                java.util.regex.Pattern.compile("local\\[(\\d+)]").matcher(master);
        return m.matches() ? Integer.parseInt(m.group(1)) : 1;
    }

    private static double run(VaeTransformerModel model, org.apache.spark.sql.Dataset<Row> df) {
        long start = System.nanoTime();
        Row r = model.transform(df)
                .agg(functions.avg("loglik"), functions.count("loglik"))
                .first();
        double s = (System.nanoTime() - start) / 1e9;
        if (r.getLong(1) != df.count()) {
            throw new IllegalStateException("scored " + r.getLong(1) + " rows");
        }
        return s;
    }
}
