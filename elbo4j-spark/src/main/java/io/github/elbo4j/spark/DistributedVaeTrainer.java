package io.github.elbo4j.spark;

import io.github.elbo4j.data.Batching;
import io.github.elbo4j.optim.Adam;
import io.github.elbo4j.vae.model.VaeConfig;
import io.github.elbo4j.vae.model.VaeModel;
import io.github.elbo4j.vae.objective.GaussianNoise;
import io.github.elbo4j.vae.objective.TrainingObjective;
import io.github.elbo4j.vae.run.Checkpoint;
import io.github.elbo4j.vae.run.RunDirectory;
import io.github.elbo4j.vae.run.RunManifest;
import io.github.elbo4j.vae.run.Safetensors;
import io.github.elbo4j.vae.train.EpochMetrics;
import io.github.elbo4j.vae.train.ResidentMemory;
import io.github.elbo4j.vae.train.Seeds;
import io.github.elbo4j.vae.train.TrainingPosition;
import io.github.elbo4j.vae.train.TrainingPositionBuilder;
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
 * Data-parallel VAE training on the driver of a Spark application, over cached logical
 * {@link Shard}s (one task per shard and round).
 *
 * <p><b>Schedule.</b> An epoch has S = ⌈n / batchSize⌉ steps. Shard p (n_p rows) shuffles its
 * rows once per epoch with a permutation seeded by (seed, p, epoch) and takes b_p = ⌈n_p / S⌉ of
 * them per step, so every row is visited once per epoch and a step's global batch is about
 * {@code batchSize} rows. Reparameterization noise of shard p at global step s is seeded by
 * (seed, s, p). A shard's rows and their order depend only on the rows (see
 * {@link LogicalShards}), so everything random is a pure function of (seed, shard count,
 * position): a run is reproducible whatever the master, the input partitioning or the order of
 * the rows, a retried or recomputed task does exactly what the first attempt would have, and a
 * run resumed from a checkpoint continues exactly.
 *
 * <p><b>Synchronous gradients</b> ({@code syncEvery = 1}): every step is one Spark job. The driver
 * broadcasts θ; each shard returns the gradient of −Σ ELBO over its batch, scaled by 1/B
 * (B = the step's global batch); the driver adds them and applies Adam. This is exactly minibatch
 * training with batch B, at the price of one job (two transfers of θ-sized vectors per shard) per
 * step.
 *
 * <p><b>Parameter averaging</b> ({@code syncEvery = N > 1}): the driver broadcasts θ and the Adam
 * moments; each shard runs N local Adam steps on its own batches (gradients averaged over the
 * local batch) and returns its θ, m and v; the driver averages them weighted by the rows each
 * shard used. One job per N steps: N times less communication and job overhead, but the replicas
 * drift apart between synchronizations, which costs some progress per step (more so with larger
 * N, larger learning rates and more shards).
 *
 * <p>Shards return float vectors (4 bytes per parameter, the task closure holds no parameter-sized
 * value), and the driver adds them in double precision in shard order, so the totals do not depend
 * on the order in which results arrive. A step (or round) whose gradient, ELBO or averaged
 * parameters are not finite is skipped and counted. With a run directory the driver writes
 * {@code metrics.jsonl} rows per epoch and an atomic {@code checkpoints/latest.safetensors} at
 * every epoch end and every {@code checkpointInterval} rounds, publishing them to the
 * {@link RunLocation}; {@link #train} resumes from it when asked.
 */
final class DistributedVaeTrainer {

    private static final Logger LOG = LoggerFactory.getLogger(DistributedVaeTrainer.class);

    /** How to train. */
    record Settings(
            VaeSpec spec,
            int epochs,
            int batchSize,
            double learningRate,
            long seed,
            int syncEvery,
            int checkpointInterval,
            boolean resume)
            implements java.io.Serializable {}

    /** The trained parameters and how the run went. */
    record Outcome(
            float[] parameters,
            int epochs,
            long steps,
            long skippedSteps,
            double lastEpochElbo,
            double seconds,
            double samplesPerSecond,
            List<EpochMetrics> metrics) {}

    /** Test hook: when ≥ 0, the first attempt of the task of partition 0 in that round throws. */
    static volatile long failFirstAttemptOfRound = -1;
    /** Test hook: failures injected so far in this JVM. */
    static final java.util.concurrent.atomic.AtomicInteger INJECTED_FAILURES =
            new java.util.concurrent.atomic.AtomicInteger();

    private final Settings settings;
    private final VaeConfig config;

    DistributedVaeTrainer(Settings settings) {
        this.settings = settings;
        this.config = settings.spec().toConfig();
    }

    /**
     * Trains on {@code shards}; with a {@code location} (else null) keeps the run directory there,
     * publishing it after every metrics row and checkpoint.
     */
    Outcome train(JavaSparkContext sc, JavaRDD<Shard> shards, RunLocation location) {
        long start = System.nanoTime();
        int[] partitionRows = LogicalShards.rowCounts(shards);
        int partitions = partitionRows.length;
        long n = 0;
        for (int rows : partitionRows) {
            n += rows;
        }
        if (n == 0) {
            throw new IllegalArgumentException("the training DataFrame has no rows");
        }
        int stepsPerEpoch = (int) Math.max(1, (n + settings.batchSize() - 1) / settings.batchSize());
        int size = Math.toIntExact(VaeModel.layoutOf(config).totalSize());

        RunDirectory run = location == null ? null : openRun(location.local(), n, partitions);
        float[] theta;
        float[] m = new float[size];
        float[] v = new float[size];
        long adamStep = 0;
        TrainingPosition position = TrainingPosition.start(settings.learningRate());
        Checkpoint resumed = run != null && settings.resume() && Files.isRegularFile(run.latestCheckpoint())
                ? Checkpoint.read(run.latestCheckpoint())
                : null;
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
            LOG.info(
                    "resuming from {} at epoch {}, step {}", run.latestCheckpoint(), position.epoch(), position.step());
        } else {
            try (VaeModel init = VaeModel.initialize(
                    config, VaeCompute.base(), Seeds.derive(settings.seed(), Seeds.Stream.INIT, 0))) {
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
                    : averagingRound(
                            sc, shards, theta, m, v, adamStep, e, from, to, step, stepsPerEpoch, roundRows, round);
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
                EpochMetrics row = new EpochMetrics(
                        e,
                        step,
                        lastElbo,
                        epochRecon / examples,
                        epochKl / examples,
                        1.0,
                        settings.learningRate(),
                        Double.NaN,
                        Double.NaN,
                        elapsed,
                        n / epochSeconds,
                        ResidentMemory.megabytes());
                metrics.add(row);
                LOG.info(
                        "epoch {}/{}: train ELBO {} nats, {} samples/s",
                        e,
                        settings.epochs(),
                        lastElbo,
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
                TrainingPosition here = TrainingPositionBuilder.builder(TrainingPosition.start(settings.learningRate()))
                        .epoch(epoch)
                        .batchesIntoEpoch(batchesIntoEpoch)
                        .step(step)
                        .elapsedSeconds(elapsed)
                        .epochElbo(epochElbo)
                        .epochRecon(epochRecon)
                        .epochKl(epochKl)
                        .epochExamples(epochExamples)
                        .epochSeconds(epochSeconds)
                        .skippedSteps(skipped)
                        .build();
                // Distributed training optimizes the plain ELBO (β = 1, no schedule, no free bits).
                new Checkpoint(here, theta, m, v, adamStep, TrainingObjective.ELBO.describe(), 1.0)
                        .write(run.latestCheckpoint());
                location.publish();
            }
        }
        if (run != null) {
            Map<String, String> metadata = new LinkedHashMap<>();
            metadata.put("format", "elbo4j-vae");
            Safetensors.write(run.modelFile(), VaeModel.layoutOf(config).unpack(theta), metadata);
            location.publish();
        }
        return new Outcome(
                theta,
                epoch,
                step,
                skipped,
                lastElbo,
                (System.nanoTime() - start) / 1e9,
                trainingSeconds > 0 ? trained / trainingSeconds : Double.NaN,
                metrics);
    }

    /** Rows partition p uses in steps [from, to) of an epoch. */
    static int rowsIn(int partitionRows, int stepsPerEpoch, int from, int to) {
        int local = (partitionRows + stepsPerEpoch - 1) / stepsPerEpoch;
        long first = Math.min(partitionRows, (long) from * local);
        long last = Math.min(partitionRows, (long) to * local);
        return (int) (last - first);
    }

    /**
     * What one shard sends back from a step or round: one float vector (a gradient, or θ, m and v
     * one after the other) and double statistics. Floats, not fixed-point sums: the driver adds the
     * shards' vectors in shard order, which makes the total independent of the order in which
     * Spark delivers them.
     */
    record ShardResult(int shard, float[] vector, double[] statistics) implements java.io.Serializable {}

    /** One synchronous step; returns {mean ELBO, mean recon, mean KL, skipped} or null when skipped. */
    private double[] synchronousStep(
            JavaSparkContext sc,
            JavaRDD<Shard> shards,
            float[] theta,
            float[] m,
            float[] v,
            long adamStep,
            int epoch,
            long step,
            int stepsPerEpoch,
            long stepRows,
            long round) {
        Broadcast<float[]> parameters = sc.broadcast(theta);
        Settings s = settings;
        int t = (int) (step % stepsPerEpoch);
        try {
            List<ShardResult> parts = shards.map(shard -> {
                        maybeFail(round, shard.index());
                        int local = (shard.rows() + stepsPerEpoch - 1) / stepsPerEpoch;
                        int from = Math.min(shard.rows(), t * local);
                        int to = Math.min(shard.rows(), from + local);
                        if (to <= from) {
                            return null;
                        }
                        int[] order = Batching.permutation(shard.rows(), shuffleSeed(s.seed(), shard.index()), epoch);
                        VaeCompute.Gradient g = VaeCompute.gradient(
                                s.spec().toConfig(),
                                s.batchSize(),
                                parameters.value(),
                                shard.gather(order, from, to),
                                to - from,
                                GaussianNoise.standardNormal(
                                        (to - from) * s.spec().latent(), noiseSeed(s.seed(), step, shard.index())),
                                1.0 / stepRows);
                        return new ShardResult(shard.index(), g.gradient(), new double[] {
                            g.elbo(), g.reconstruction(), g.kl(), g.isFinite() ? 0 : 1
                        });
                    })
                    .filter(r -> r != null)
                    .collect();
            double[] stats = statistics(parts);
            if (stats[3] > 0 || stepRows == 0) {
                return null;
            }
            Adam.update(theta, m, v, weightedSum(parts, 0, theta.length, r -> 1.0), settings.learningRate(), adamStep);
            return new double[] {stats[0] / stepRows, stats[1] / stepRows, stats[2] / stepRows, 0};
        } finally {
            parameters.destroy();
        }
    }

    /**
     * One averaging round of local steps [from, to); θ, m and v become the row-weighted averages.
     * Returns {mean ELBO, mean recon, mean KL, skipped local steps} or null when skipped.
     */
    private double[] averagingRound(
            JavaSparkContext sc,
            JavaRDD<Shard> shards,
            float[] theta,
            float[] m,
            float[] v,
            long adamStep,
            int epoch,
            int from,
            int to,
            long firstStep,
            int stepsPerEpoch,
            long roundRows,
            long round) {
        int size = theta.length;
        // θ, m and v travel as one float array each way: one broadcast block and one result vector.
        Broadcast<float[]> state = sc.broadcast(concat(theta, m, v));
        Settings s = settings;
        try {
            List<ShardResult> parts = shards.map(shard -> {
                        maybeFail(round, shard.index());
                        int rows = rowsIn(shard.rows(), stepsPerEpoch, from, to);
                        if (rows == 0) {
                            return null;
                        }
                        VaeConfig config = s.spec().toConfig();
                        float[] start = state.value();
                        float[] lm = java.util.Arrays.copyOfRange(start, size, 2 * size);
                        float[] lv = java.util.Arrays.copyOfRange(start, 2 * size, 3 * size);
                        int local = (shard.rows() + stepsPerEpoch - 1) / stepsPerEpoch;
                        int[] order = Batching.permutation(shard.rows(), shuffleSeed(s.seed(), shard.index()), epoch);
                        double elbo = 0;
                        double recon = 0;
                        double kl = 0;
                        int skippedLocal = 0;
                        // One step for the whole round; the replica's θ lives in the step's model and
                        // Adam updates it there, so no step copies θ or allocates a gradient.
                        try (TrainingSteps.Lease lease = TrainingSteps.borrow(config, s.batchSize())) {
                            float[] p = lease.liveParameters();
                            System.arraycopy(start, 0, p, 0, size);
                            float[] gradient = new float[size];
                            for (int t = from; t < to; t++) {
                                int a = Math.min(shard.rows(), t * local);
                                int b = Math.min(shard.rows(), a + local);
                                if (b <= a) {
                                    continue;
                                }
                                long step = firstStep + (t - from);
                                VaeCompute.Gradient g = lease.gradientInto(
                                        gradient,
                                        shard.gather(order, a, b),
                                        b - a,
                                        GaussianNoise.standardNormal(
                                                (b - a) * config.latent(), noiseSeed(s.seed(), step, shard.index())),
                                        1.0 / (b - a));
                                if (!g.isFinite()) {
                                    skippedLocal++;
                                    continue;
                                }
                                Adam.update(p, lm, lv, gradient, s.learningRate(), adamStep + 1 + (t - from));
                                elbo += g.elbo();
                                recon += g.reconstruction();
                                kl += g.kl();
                            }
                            return new ShardResult(
                                    shard.index(), concat(p, lm, lv), new double[] {elbo, recon, kl, skippedLocal, rows
                                    });
                        }
                    })
                    .filter(r -> r != null)
                    .collect();
            double[] stats = statistics(parts);
            if (!Double.isFinite(stats[0]) || roundRows == 0) {
                return null;
            }
            java.util.function.ToDoubleFunction<ShardResult> weight = r -> r.statistics()[4] / roundRows;
            float[][] targets = {theta, m, v};
            float[][] averages = new float[3][];
            for (int i = 0; i < 3; i++) {
                averages[i] = weightedSum(parts, i * size, size, weight);
                for (float value : averages[i]) {
                    if (!Float.isFinite(value)) {
                        return null;
                    }
                }
            }
            for (int i = 0; i < 3; i++) {
                System.arraycopy(averages[i], 0, targets[i], 0, size);
            }
            return new double[] {stats[0] / roundRows, stats[1] / roundRows, stats[2] / roundRows, stats[3]};
        } finally {
            state.destroy();
        }
    }

    /** The arrays one after the other. */
    private static float[] concat(float[]... parts) {
        int length = 0;
        for (float[] part : parts) {
            length += part.length;
        }
        float[] all = new float[length];
        int at = 0;
        for (float[] part : parts) {
            System.arraycopy(part, 0, all, at, part.length);
            at += part.length;
        }
        return all;
    }

    /** The shards' statistics added in shard order. */
    private static double[] statistics(List<ShardResult> parts) {
        double[] total = null;
        for (ShardResult r : inShardOrder(parts)) {
            if (total == null) {
                total = new double[r.statistics().length];
            }
            for (int i = 0; i < total.length; i++) {
                total[i] += r.statistics()[i];
            }
        }
        return total == null ? new double[5] : total;
    }

    /**
     * Σ weight(r) · r.vector()[offset, offset + size) over the shards in shard order, in double,
     * rounded once.
     */
    private static float[] weightedSum(
            List<ShardResult> parts, int offset, int size, java.util.function.ToDoubleFunction<ShardResult> weight) {
        double[] sum = new double[size];
        for (ShardResult r : inShardOrder(parts)) {
            float[] values = r.vector();
            double w = weight.applyAsDouble(r);
            for (int i = 0; i < size; i++) {
                sum[i] += w * values[offset + i];
            }
        }
        float[] result = new float[size];
        for (int i = 0; i < size; i++) {
            result[i] = (float) sum[i];
        }
        return result;
    }

    private static List<ShardResult> inShardOrder(List<ShardResult> parts) {
        List<ShardResult> sorted = new ArrayList<>(parts);
        sorted.sort(java.util.Comparator.comparingInt(ShardResult::shard));
        return sorted;
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

    private RunDirectory openRun(Path root, long rows, int partitions) {
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
        RunManifest.Training training = new RunManifest.Training(
                settings.epochs(),
                settings.batchSize(),
                settings.learningRate(),
                settings.seed(),
                "elbo",
                null,
                null,
                null,
                null,
                null,
                "single-sample reparameterized ELBO, analytic KL",
                null,
                null,
                null,
                null,
                RunManifest.Training.ADAM,
                "spark",
                settings.syncEvery(),
                partitions);
        RunManifest.Data data = new RunManifest.Data(
                "",
                "",
                null,
                null,
                "spark DataFrame",
                new RunManifest.Split(rows, config.inputSize(), null),
                null,
                null);
        return new RunManifest(
                null,
                null,
                null,
                java.time.Instant.now().toString(),
                settings.seed(),
                RunDirectory.describe(config),
                training,
                data,
                null);
    }
}
