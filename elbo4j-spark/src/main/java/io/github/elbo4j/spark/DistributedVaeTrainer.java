package io.github.elbo4j.spark;

import io.github.elbo4j.data.Batching;
import io.github.elbo4j.optim.Adam;
import io.github.elbo4j.vae.Checkpoint;
import io.github.elbo4j.vae.EpochMetrics;
import io.github.elbo4j.vae.GaussianNoise;
import io.github.elbo4j.vae.ResidentMemory;
import io.github.elbo4j.vae.RunDirectory;
import io.github.elbo4j.vae.RunManifest;
import io.github.elbo4j.vae.Safetensors;
import io.github.elbo4j.vae.Seeds;
import io.github.elbo4j.vae.TrainingObjective;
import io.github.elbo4j.vae.TrainingPosition;
import io.github.elbo4j.vae.VaeConfig;
import io.github.elbo4j.vae.VaeModel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Data-parallel VAE training on the driver of a Spark application, over cached {@link Shard}s.
 *
 * <p><b>Schedule.</b> An epoch has S = ⌈n / batchSize⌉ steps. Partition p (n_p rows) shuffles its
 * rows once per epoch with a permutation seeded by (seed, p, epoch) and takes b_p = ⌈n_p / S⌉ of
 * them per step, so every row is visited once per epoch and a step's global batch is about
 * {@code batchSize} rows. Reparameterization noise of partition p at global step s is seeded by
 * (seed, s, p). Everything random is therefore a pure function of (seed, partitioning, position):
 * a run is reproducible for a fixed partitioning, a retried task recomputes exactly what the
 * failed attempt would have, and a run resumed from a checkpoint continues exactly.
 *
 * <p><b>Synchronous gradients</b> ({@code syncEvery = 1}): every step is one Spark job. The driver
 * broadcasts θ; each partition returns the gradient of −Σ ELBO over its batch, scaled by 1/B
 * (B = the step's global batch); {@code treeAggregate} sums them; the driver applies Adam. This is
 * exactly minibatch training with batch B, at the price of one job (two transfers of θ-sized
 * vectors per executor) per step.
 *
 * <p><b>Parameter averaging</b> ({@code syncEvery = N > 1}): the driver broadcasts θ and the Adam
 * moments; each partition runs N local Adam steps on its own batches (gradients averaged over the
 * local batch) and returns its θ, m and v; the driver averages them weighted by the rows each
 * partition used. One job per N steps: N times less communication and job overhead, but the
 * replicas drift apart between synchronizations, which costs some progress per step (more so
 * with larger N, larger learning rates and more partitions).
 *
 * <p>Partial results are summed with {@link ExactSum}, so the totals are independent of the order
 * in which Spark combines them. A step (or round) whose gradient or ELBO is not finite is skipped
 * and counted. With a run directory the driver writes {@code metrics.jsonl} rows per epoch and an
 * atomic {@code checkpoints/latest.safetensors} at every epoch end and every
 * {@code checkpointInterval} rounds; {@link #train} resumes from it when asked.
 */
final class DistributedVaeTrainer {

    private static final Logger LOG = LoggerFactory.getLogger(DistributedVaeTrainer.class);

    /** How to train. */
    record Settings(VaeSpec spec, int epochs, int batchSize, double learningRate, long seed, int syncEvery,
            int checkpointInterval, String runDirectory, boolean resume, int treeDepth)
            implements java.io.Serializable {}

    /** The trained parameters and how the run went. */
    record Outcome(float[] parameters, int epochs, long steps, long skippedSteps, double lastEpochElbo,
            double seconds, double samplesPerSecond, List<EpochMetrics> metrics) {}

    /** Test hook: when ≥ 0, the first attempt of the task of partition 0 in that round throws. */
    static volatile long failFirstAttemptOfRound = -1;
    /** Test hook: failures injected so far in this JVM. */
    static final java.util.concurrent.atomic.AtomicInteger INJECTED_FAILURES = new java.util.concurrent.atomic.AtomicInteger();

    private final Settings settings;
    private final VaeConfig config;

    DistributedVaeTrainer(Settings settings) {
        this.settings = settings;
        this.config = settings.spec().toConfig();
    }

    Outcome train(JavaSparkContext sc, JavaRDD<Shard> shards) {
        long start = System.nanoTime();
        List<int[]> sizes = shards.map(s -> new int[] {s.partition(), s.rows()}).collect();
        int partitions = sizes.size();
        int[] partitionRows = new int[partitions];
        long n = 0;
        for (int[] s : sizes) {
            partitionRows[s[0]] = s[1];
            n += s[1];
        }
        if (n == 0) {
            throw new IllegalArgumentException("the training DataFrame has no rows");
        }
        int stepsPerEpoch = (int) Math.max(1, (n + settings.batchSize() - 1) / settings.batchSize());
        int size = Math.toIntExact(VaeModel.layoutOf(config).totalSize());

        RunDirectory run = openRun(n, partitions);
        float[] theta;
        float[] m = new float[size];
        float[] v = new float[size];
        long adamStep = 0;
        TrainingPosition position = TrainingPosition.start(settings.learningRate());
        Checkpoint resumed = run != null && settings.resume() && Files.isRegularFile(run.latestCheckpoint())
                ? Checkpoint.read(run.latestCheckpoint()) : null;
        if (resumed != null) {
            if (resumed.parameters().length != size) {
                throw new IllegalArgumentException(run.latestCheckpoint() + ": the checkpoint holds "
                        + resumed.parameters().length + " parameters but the configured model has " + size);
            }
            theta = resumed.parameters();
            m = resumed.adamFirstMoment();
            v = resumed.adamSecondMoment();
            adamStep = resumed.adamStep();
            position = resumed.position();
            run.truncateMetricsAfter(position.epoch());
            LOG.info("resuming from {} at epoch {}, step {}", run.latestCheckpoint(), position.epoch(), position.step());
        } else {
            try (VaeModel init = VaeModel.initialize(config, VaeCompute.base(), Seeds.derive(settings.seed(),
                    Seeds.Stream.INIT, 0))) {
                theta = init.parameterValues();
            }
        }

        int epoch = position.epoch();
        int batchesIntoEpoch = position.batchesIntoEpoch();
        long step = position.step();
        long skipped = position.skippedSteps();
        double elapsed = position.elapsedSeconds();
        double epochElbo = position.epochElbo();
        double epochRecon = position.epochRecon();
        double epochKl = position.epochKl();
        int epochExamples = position.epochExamples();
        double epochSeconds = position.epochSeconds();
        double lastElbo = Double.NaN;
        List<EpochMetrics> metrics = new ArrayList<>();
        long trained = 0;
        double trainingSeconds = 0;
        long round = 0;
        while (epoch < settings.epochs()) {
            long roundStart = System.nanoTime();
            int e = epoch + 1;
            int from = batchesIntoEpoch;
            int to = Math.min(stepsPerEpoch, from + settings.syncEvery());
            long roundRows = 0;
            for (int p = 0; p < partitions; p++) {
                roundRows += rowsIn(partitionRows[p], stepsPerEpoch, from, to);
            }
            double[] sums = settings.syncEvery() == 1
                    ? synchronousStep(sc, shards, theta, m, v, adamStep + 1, e, step, stepsPerEpoch, roundRows, round)
                    : averagingRound(sc, shards, theta, m, v, adamStep, e, from, to, step, stepsPerEpoch, roundRows,
                            round);
            if (sums == null) {
                skipped += to - from;
            } else {
                adamStep += to - from;
                epochElbo += sums[0] * roundRows;
                epochRecon += sums[1] * roundRows;
                epochKl += sums[2] * roundRows;
                epochExamples += (int) roundRows;
                skipped += (long) sums[3];
            }
            step += to - from;
            batchesIntoEpoch = to;
            round++;
            double seconds = (System.nanoTime() - roundStart) / 1e9;
            epochSeconds += seconds;
            trainingSeconds += seconds;
            trained += roundRows;
            if (batchesIntoEpoch == stepsPerEpoch) {
                int examples = Math.max(1, epochExamples);
                lastElbo = epochExamples == 0 ? Double.NaN : epochElbo / examples;
                elapsed += epochSeconds;
                EpochMetrics row = new EpochMetrics(e, step, lastElbo, epochRecon / examples, epochKl / examples, 1.0,
                        settings.learningRate(), Double.NaN, Double.NaN, elapsed, n / epochSeconds, ResidentMemory.megabytes());
                metrics.add(row);
                LOG.info("epoch {}/{}: train ELBO {} nats, {} samples/s", e, settings.epochs(), lastElbo,
                        Math.round(n / epochSeconds));
                epoch = e;
                batchesIntoEpoch = 0;
                epochElbo = 0;
                epochRecon = 0;
                epochKl = 0;
                epochExamples = 0;
                epochSeconds = 0;
                if (run != null) {
                    run.appendMetrics(row);
                }
            }
            boolean checkpointNow = batchesIntoEpoch == 0
                    || (settings.checkpointInterval() > 0 && round % settings.checkpointInterval() == 0);
            if (run != null && checkpointNow) {
                TrainingPosition here = new TrainingPosition(epoch, batchesIntoEpoch, step, settings.learningRate(),
                        Double.NEGATIVE_INFINITY, 0, 0, elapsed, epochElbo, epochRecon, epochKl, epochExamples, epochSeconds,
                        skipped, 0);
                // Distributed training optimizes the plain ELBO (β = 1, no schedule, no free bits).
                new Checkpoint(here, theta, m, v, adamStep, TrainingObjective.ELBO.describe(), 1.0)
                        .write(run.latestCheckpoint());
            }
        }
        if (run != null) {
            Map<String, String> metadata = new LinkedHashMap<>();
            metadata.put("format", "elbo4j-vae");
            Safetensors.write(run.modelFile(), VaeModel.layoutOf(config).unpack(theta), metadata);
        }
        return new Outcome(theta, epoch, step, skipped, lastElbo, (System.nanoTime() - start) / 1e9,
                trainingSeconds > 0 ? trained / trainingSeconds : Double.NaN, metrics);
    }

    /** Rows partition p uses in steps [from, to) of an epoch. */
    static int rowsIn(int partitionRows, int stepsPerEpoch, int from, int to) {
        int local = (partitionRows + stepsPerEpoch - 1) / stepsPerEpoch;
        long first = Math.min(partitionRows, (long) from * local);
        long last = Math.min(partitionRows, (long) to * local);
        return (int) (last - first);
    }

    /** One synchronous step; returns {mean ELBO, mean recon, mean KL, skipped} or null when skipped. */
    private double[] synchronousStep(JavaSparkContext sc, JavaRDD<Shard> shards, float[] theta, float[] m, float[] v,
            long adamStep, int epoch, long step, int stepsPerEpoch, long stepRows, long round) {
        int size = theta.length;
        Broadcast<float[]> parameters = sc.broadcast(theta);
        Settings s = settings;
        int t = (int) (step % stepsPerEpoch);
        try {
            ExactSum total = shards.treeAggregate(new ExactSum(size + 3), (acc, shard) -> {
                maybeFail(round, shard.partition());
                int local = (shard.rows() + stepsPerEpoch - 1) / stepsPerEpoch;
                int from = Math.min(shard.rows(), t * local);
                int to = Math.min(shard.rows(), from + local);
                if (to <= from) {
                    return acc;
                }
                int[] order = Batching.permutation(shard.rows(), shuffleSeed(s.seed(), shard.partition()), epoch);
                VaeCompute.Gradient g = VaeCompute.gradient(s.spec().toConfig(), parameters.value(),
                        shard.gather(order, from, to), to - from,
                        GaussianNoise.standardNormal((to - from) * s.spec().latent(),
                                noiseSeed(s.seed(), step, shard.partition())), 1.0 / stepRows);
                if (!g.isFinite()) {
                    return acc.add(0, Double.NaN);
                }
                acc.add(0, g.gradient(), 1.0);
                acc.add(size, g.elbo() / stepRows);
                acc.add(size + 1, g.reconstruction() / stepRows);
                return acc.add(size + 2, g.kl() / stepRows);
            }, ExactSum::merge, s.treeDepth());
            if (!total.isFinite() || stepRows == 0) {
                return null;
            }
            Adam.update(theta, m, v, total.floats(0, size), settings.learningRate(), adamStep);
            return new double[] {total.get(size), total.get(size + 1), total.get(size + 2), 0};
        } finally {
            parameters.destroy();
        }
    }

    /**
     * One averaging round of local steps [from, to); θ, m and v become the row-weighted averages.
     * Returns {mean ELBO, mean recon, mean KL, skipped local steps} or null when skipped.
     */
    private double[] averagingRound(JavaSparkContext sc, JavaRDD<Shard> shards, float[] theta, float[] m,
            float[] v, long adamStep, int epoch, int from, int to, long firstStep, int stepsPerEpoch, long roundRows,
            long round) {
        int size = theta.length;
        Broadcast<float[][]> state = sc.broadcast(new float[][] {theta, m, v});
        Settings s = settings;
        try {
            ExactSum total = shards.treeAggregate(new ExactSum(3 * size + 4), (acc, shard) -> {
                maybeFail(round, shard.partition());
                int rows = rowsIn(shard.rows(), stepsPerEpoch, from, to);
                if (rows == 0) {
                    return acc;
                }
                VaeConfig config = s.spec().toConfig();
                float[][] start = state.value();
                float[] p = start[0].clone();
                float[] lm = start[1].clone();
                float[] lv = start[2].clone();
                int local = (shard.rows() + stepsPerEpoch - 1) / stepsPerEpoch;
                int[] order = Batching.permutation(shard.rows(), shuffleSeed(s.seed(), shard.partition()), epoch);
                double elbo = 0;
                double recon = 0;
                double kl = 0;
                int skippedLocal = 0;
                for (int t = from; t < to; t++) {
                    int a = Math.min(shard.rows(), t * local);
                    int b = Math.min(shard.rows(), a + local);
                    if (b <= a) {
                        continue;
                    }
                    long step = firstStep + (t - from);
                    VaeCompute.Gradient g = VaeCompute.gradient(config, p, shard.gather(order, a, b), b - a,
                            GaussianNoise.standardNormal((b - a) * config.latent(),
                                    noiseSeed(s.seed(), step, shard.partition())), 1.0 / (b - a));
                    if (!g.isFinite()) {
                        skippedLocal++;
                        continue;
                    }
                    Adam.update(p, lm, lv, g.gradient(), s.learningRate(), adamStep + 1 + (t - from));
                    elbo += g.elbo();
                    recon += g.reconstruction();
                    kl += g.kl();
                }
                double weight = (double) rows / roundRows;
                acc.add(0, p, weight);
                acc.add(size, lm, weight);
                acc.add(2 * size, lv, weight);
                acc.add(3 * size, elbo / roundRows);
                acc.add(3 * size + 1, recon / roundRows);
                acc.add(3 * size + 2, kl / roundRows);
                return acc.add(3 * size + 3, skippedLocal);
            }, ExactSum::merge, s.treeDepth());
            if (!total.isFinite() || roundRows == 0) {
                return null;
            }
            System.arraycopy(total.floats(0, size), 0, theta, 0, size);
            System.arraycopy(total.floats(size, size), 0, m, 0, size);
            System.arraycopy(total.floats(2 * size, size), 0, v, 0, size);
            return new double[] {total.get(3 * size), total.get(3 * size + 1), total.get(3 * size + 2),
                total.get(3 * size + 3)};
        } finally {
            state.destroy();
        }
    }

    private static void maybeFail(long round, int partition) {
        TaskContext context = TaskContext.get();
        if (failFirstAttemptOfRound == round && partition == 0 && context != null && context.attemptNumber() == 0) {
            INJECTED_FAILURES.incrementAndGet();
            throw new IllegalStateException("injected failure in the first attempt of round " + round);
        }
    }

    /** The seed of partition p's per-epoch shuffles. */
    static long shuffleSeed(long seed, int partition) {
        return Seeds.derive(Seeds.derive(seed, Seeds.Stream.INIT, -1L - partition), Seeds.Stream.TRAIN_NOISE, 0);
    }

    /** The seed of partition p's reparameterization noise at global step s. */
    static long noiseSeed(long seed, long step, int partition) {
        return Seeds.derive(Seeds.derive(seed, Seeds.Stream.TRAIN_NOISE, step), Seeds.Stream.TRAIN_NOISE, partition);
    }

    private RunDirectory openRun(long rows, int partitions) {
        if (settings.runDirectory() == null || settings.runDirectory().isEmpty()) {
            return null;
        }
        Path root = Path.of(settings.runDirectory());
        if (settings.resume() && Files.isRegularFile(root.resolve("model.json"))) {
            RunDirectory run = RunDirectory.open(root);
            VaeConfig saved = run.readModelConfig();
            if (!saved.equals(config)) {
                throw new IllegalArgumentException(root + ": the run directory holds a " + saved
                        + " but the estimator is configured for " + config);
            }
            return run;
        }
        return RunDirectory.create(root, describeRun(rows, partitions), config);
    }

    private RunManifest describeRun(long rows, int partitions) {
        RunManifest.Training training = new RunManifest.Training(settings.epochs(), settings.batchSize(),
                settings.learningRate(), settings.seed(), "elbo", null, null, null, null, null,
                "single-sample reparameterized ELBO, analytic KL", null, null, null, null, RunManifest.Training.ADAM,
                "spark", settings.syncEvery(), partitions);
        RunManifest.Data data = new RunManifest.Data("", "", null, null, "spark DataFrame",
                new RunManifest.Split(rows, config.inputSize(), null), null, null);
        return new RunManifest(null, null, null, java.time.Instant.now().toString(), settings.seed(),
                RunDirectory.describe(config), training, data, null);
    }
}
