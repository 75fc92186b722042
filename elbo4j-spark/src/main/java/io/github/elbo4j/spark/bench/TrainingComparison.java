package io.github.elbo4j.spark.bench;

import ai.djl.ndarray.NDManager;
import io.github.elbo4j.data.DataSource;
import io.github.elbo4j.data.Dataset;
import io.github.elbo4j.data.DatasetSplits;
import io.github.elbo4j.spark.VaeEstimator;
import io.github.elbo4j.spark.VaeTransformerModel;
import io.github.elbo4j.vae.eval.Evaluator;
import io.github.elbo4j.vae.model.VaeConfig;
import io.github.elbo4j.vae.model.VaeModel;
import io.github.elbo4j.vae.train.Seeds;
import io.github.elbo4j.vae.train.Trainer;
import io.github.elbo4j.vae.train.TrainingConfig;
import io.github.elbo4j.vae.train.TrainingListener;
import io.github.elbo4j.vae.train.TrainingResult;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Spark against single-machine VAE training for the same number of epochs, side by side:
 * {@code --data binarized-mnist --data-dir ../shared/data --epochs 10 --partitions 2
 * --sync-every 10 --shards 2 --master local[2] --threads 2 --train-limit 0 --hidden 200,200
 * --latent 50 --batch-size 100 --lr 1e-3 --seed 0}. The single machine trains with the CLI's
 * trainer on {@code --threads} threads. Both runs start from the same initialization; both
 * validation ELBOs come from the same evaluator (single-sample ELBO with analytic KL, per-example
 * noise from the seed) on the whole validation split. The single machine's timed run follows an
 * untimed warm-up epoch; Spark fits twice in one session, the first fit "cold" (the session's
 * first shuffle, code generation and task code) and the second "warm" (after the first), and
 * both must give the same parameters. Prints each fit's jobs with their tasks' metrics
 * ({@link JobTimeline}), both validation ELBOs and their difference, the training samples/s of
 * each side and the warm and cold ratios, and Spark's wall time around {@code fit} (which adds
 * the first-row job and the anomaly threshold's scoring job to the training rounds and the shard
 * build), with the process CPU time of each side.
 */
public final class TrainingComparison {

    private TrainingComparison() {}

    /** Runs the benchmark with the options above (unset ones take the values shown) and prints the comparison; run it with {@code elbo4j-bench/scripts/spark-bench.sh TrainingComparison}, as BENCHMARKS.md does. */
    public static void main(String[] args) {
        BenchSupport.singleThreadedEngine();
        Map<String, String> o = BenchSupport.options(args);
        String dataSpec = o.getOrDefault("data", "binarized-mnist");
        Path dataDir = Path.of(o.getOrDefault("data-dir", "../shared/data"));
        int epochs = Integer.parseInt(o.getOrDefault("epochs", "10"));
        int partitions = Integer.parseInt(o.getOrDefault("partitions", "2"));
        int syncEvery =
                Integer.parseInt(o.getOrDefault("sync-every", Integer.toString(VaeEstimator.DEFAULT_SYNC_EVERY)));
        int shards = Integer.parseInt(o.getOrDefault("shards", Integer.toString(VaeEstimator.DEFAULT_SHARDS)));
        int threads = Integer.parseInt(o.getOrDefault("threads", "2"));
        String master = o.getOrDefault("master", "local[2]");
        int limit = Integer.parseInt(o.getOrDefault("train-limit", "0"));
        int[] hidden = Arrays.stream(o.getOrDefault("hidden", "200,200").split(","))
                .mapToInt(Integer::parseInt)
                .toArray();
        int latent = Integer.parseInt(o.getOrDefault("latent", "50"));
        int batch = Integer.parseInt(o.getOrDefault("batch-size", "100"));
        double lr = Double.parseDouble(o.getOrDefault("lr", "1e-3"));
        long seed = Long.parseLong(o.getOrDefault("seed", "0"));
        boolean skipLocal = Boolean.parseBoolean(o.getOrDefault("skip-local", "false"));

        DatasetSplits splits = DataSource.load(dataSpec, dataDir, false);
        Dataset train = splits.train();
        if (limit > 0 && limit < train.rows()) {
            train = train.subset(
                    Arrays.copyOf(io.github.elbo4j.data.Batching.permutation(train.rows(), seed, 0), limit));
        }
        Dataset valid = splits.valid() != null ? splits.valid() : splits.test();
        VaeConfig config = VaeConfig.builder()
                .inputShape(train.exampleShape())
                .hidden(hidden)
                .latent(latent)
                .build();
        System.out.printf(
                Locale.ROOT,
                "%s: %d train, %d valid rows; %s; %d epochs, batch %d, lr %g, seed %d%n",
                dataSpec,
                train.rows(),
                valid.rows(),
                config,
                epochs,
                batch,
                lr,
                seed);

        double localValid = Double.NaN;
        double localSeconds = Double.NaN;
        double localRate = Double.NaN;
        double localCpu = Double.NaN;
        if (!skipLocal) {
            // One untimed epoch first: Spark trains after this in the same JVM, on compiled code, so
            // the single machine's timed run must not pay the JIT's warm-up either.
            try (NDManager manager = NDManager.newBaseManager();
                    VaeModel throwaway = VaeModel.initialize(config, manager, 0)) {
                new Trainer(new TrainingConfig(1, batch, lr, seed), TrainingListener.NONE, threads)
                        .train(throwaway, train, null, null, null);
            }
            try (NDManager manager = NDManager.newBaseManager();
                    VaeModel model = VaeModel.initialize(config, manager, Seeds.derive(seed, Seeds.Stream.INIT, 0))) {
                long start = System.nanoTime();
                long cpu = processCpuNanos();
                TrainingResult result = new Trainer(
                                new TrainingConfig(epochs, batch, lr, seed), TrainingListener.NONE, threads)
                        .train(model, train, null, null, null);
                localSeconds = (System.nanoTime() - start) / 1e9;
                localCpu = (processCpuNanos() - cpu) / 1e9;
                localRate = (double) train.rows() * epochs / localSeconds;
                localValid = new Evaluator(model, manager).elbo(valid, seed).elbo();
                System.out.printf(
                        Locale.ROOT,
                        "single machine (%d threads): train ELBO %.2f, valid ELBO %.2f, %.1f s, %.0f samples/s,"
                                + " %.1f s of process CPU%n",
                        threads,
                        result.elbo(),
                        localValid,
                        localSeconds,
                        localRate,
                        localCpu);
            }
        }

        SparkSession spark = BenchSupport.session(master);
        JobTimeline timeline = new JobTimeline();
        spark.sparkContext().addSparkListener(timeline);
        org.apache.spark.sql.Dataset<Row> df =
                BenchSupport.vectors(spark, train.values(), train.rows(), train.features(), partitions);
        VaeEstimator estimator = new VaeEstimator()
                .setInputShape(config.inputShape())
                .setHidden(hidden)
                .setLatent(latent)
                .setEpochs(epochs)
                .setBatchSize(batch)
                .setLearningRate(lr)
                .setSeed(seed)
                .setSyncEvery(syncEvery)
                .setShards(shards);
        // The first fit of the session is cold (Spark's and the task code's first use); the second,
        // the same fit again, runs warm, as the single machine's timed run does after its warm-up.
        String where = String.format(
                Locale.ROOT,
                "%s, %d input partitions, %d shards, sync every %d",
                master,
                partitions,
                shards,
                syncEvery);
        SparkFit cold = SparkFit.run("cold fit", estimator, df, train.rows(), epochs, timeline);
        SparkFit warm = SparkFit.run("warm fit", estimator, df, train.rows(), epochs, timeline);
        spark.stop();
        double sparkValid;
        boolean same;
        try (NDManager manager = NDManager.newBaseManager();
                VaeModel coldModel = cold.model().toVaeModel(manager);
                VaeModel model = warm.model().toVaeModel(manager)) {
            sparkValid = new Evaluator(model, manager).elbo(valid, seed).elbo();
            same = Arrays.equals(coldModel.parameterValues(), model.parameterValues());
        }
        // Same seed, same rows: the two fits must train the same parameters (and so the same ELBO).
        cold.print("spark cold (" + where + ", the session's first fit)", same ? sparkValid : Double.NaN);
        warm.print("spark warm (" + where + ", after the cold fit)", sparkValid);
        System.out.printf(Locale.ROOT, "cold and warm fits give the same parameters: %b%n", same);
        double sparkRate = warm.rate();
        if (!skipLocal) {
            System.out.printf(
                    Locale.ROOT,
                    "training samples/s spark / single machine: warm %.2f, cold %.2f (target: at least 1/3)%n",
                    sparkRate / localRate,
                    cold.rate() / localRate);
            // Within 1 nat is the criterion for the same algorithm (synchronous gradients); parameter
            // averaging is a different optimizer and may land higher or lower.
            System.out.printf(
                    Locale.ROOT,
                    "valid ELBO difference spark - single machine: %+.2f nats%s%n",
                    sparkValid - localValid,
                    syncEvery != 1
                            ? ""
                            : Math.abs(sparkValid - localValid) <= 1
                                    ? " (criterion: within 1 nat) -> PASS"
                                    : " (criterion: within 1 nat) -> FAIL");
        }
    }

    /** One timed Spark fit: the model, its training and wall seconds and the jobs it ran. */
    private record SparkFit(VaeTransformerModel model, double wallSeconds, double cpuSeconds, double rate) {

        static SparkFit run(
                String title,
                VaeEstimator estimator,
                org.apache.spark.sql.Dataset<Row> df,
                int rows,
                int epochs,
                JobTimeline timeline) {
            timeline.clear();
            long origin = System.currentTimeMillis();
            long start = System.nanoTime();
            long cpu = processCpuNanos();
            VaeTransformerModel fitted = estimator.fit(df);
            double seconds = (System.nanoTime() - start) / 1e9;
            double cpuSeconds = (processCpuNanos() - cpu) / 1e9;
            // Listener events arrive asynchronously: let the last job's reach the timeline.
            try {
                df.sparkSession().sparkContext().listenerBus().waitUntilEmpty();
            } catch (java.util.concurrent.TimeoutException e) {
                System.out.println("  (the job timeline may miss the last events: " + e.getMessage() + ")");
            }
            timeline.print(title, origin);
            return new SparkFit(fitted, seconds, cpuSeconds, (double) rows * epochs / fitted.trainingSeconds());
        }

        void print(String title, double validElbo) {
            var last = model.trainingMetrics().get(model.trainingMetrics().size() - 1);
            System.out.printf(
                    Locale.ROOT,
                    "%s: train ELBO %.2f, valid ELBO %.2f, %.1f s training (%.0f samples/s), %.1f s around fit"
                            + " (%.1f s of process CPU)%n",
                    title,
                    last.elbo(),
                    validElbo,
                    model.trainingSeconds(),
                    rate,
                    wallSeconds,
                    cpuSeconds);
        }
    }

    /** CPU time of this JVM, every thread (a busy machine stretches wall time far more than CPU time). */
    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean)
                        java.lang.management.ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }
}
