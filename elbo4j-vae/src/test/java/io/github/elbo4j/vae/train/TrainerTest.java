package io.github.elbo4j.vae.train;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import io.github.elbo4j.data.Dataset;
import io.github.elbo4j.vae.eval.Evaluator;
import io.github.elbo4j.vae.model.VaeModel;
import io.github.elbo4j.vae.objective.TrainingObjective;
import io.github.elbo4j.vae.run.Checkpoint;
import io.github.elbo4j.vae.run.RunDirectory;
import io.github.elbo4j.vae.run.RunManifest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainerTest {

    @TempDir
    Path dir;

    private static final Dataset TRAIN = SmallData.shapes(600, 1);
    private static final Dataset VALID = SmallData.shapes(200, 2);

    private static RunDirectory newRun(Path path) {
        return RunDirectory.create(path, RunManifest.empty(), SmallData.smallModel());
    }

    private static float[] train(TrainingConfig config, RunDirectory run, Checkpoint resume) {
        try (NDManager m = NDManager.newBaseManager();
                VaeModel model = VaeModel.initialize(SmallData.smallModel(), m, config.seed())) {
            new Trainer(config, TrainingListener.NONE).train(model, TRAIN, VALID, run, resume);
            return model.parameterValues();
        }
    }

    @Test
    void improvesTheElboAndWritesMetricsAndCheckpointsEveryEpoch() {
        RunDirectory run = newRun(dir.resolve("run"));
        train(new TrainingConfig(4, 50, 3e-3, 5), run, null);
        List<JsonNode> rows = run.readMetrics();
        assertThat(rows).hasSize(4);
        assertThat(rows).extracting(r -> r.path("epoch").asInt()).containsExactly(1, 2, 3, 4);
        for (String key : List.of(
                "epoch", "step", "elbo", "recon", "kl", "beta", "lr", "valid_elbo", "seconds", "samples_per_s")) {
            assertThat(rows.get(0).has(key)).as(key).isTrue();
        }
        assertThat(rows.get(3).path("step").asLong()).isEqualTo(4 * 12);
        assertThat(rows.get(3).path("elbo").asDouble())
                .isGreaterThan(rows.get(0).path("elbo").asDouble() + 20);
        assertThat(rows.get(3).path("valid_elbo").asDouble())
                .isGreaterThan(rows.get(0).path("valid_elbo").asDouble());
        double elbo = rows.get(3).path("elbo").asDouble();
        assertThat(elbo)
                .isCloseTo(
                        rows.get(3).path("recon").asDouble()
                                - rows.get(3).path("kl").asDouble(),
                        org.assertj.core.api.Assertions.within(1e-3));
        assertThat(Files.isRegularFile(run.latestCheckpoint())).isTrue();
        assertThat(Files.isRegularFile(run.bestCheckpoint())).isTrue();
        assertThat(Checkpoint.read(run.latestCheckpoint()).position().epoch()).isEqualTo(4);
    }

    @Test
    void aFixedSeedGivesIdenticalParameters() {
        TrainingConfig config = new TrainingConfig(2, 50, 1e-3, 11);
        assertThat(Arrays.equals(train(config, null, null), train(config, null, null)))
                .isTrue();
        assertThat(Arrays.equals(train(new TrainingConfig(2, 50, 1e-3, 12), null, null), train(config, null, null)))
                .isFalse();
    }

    @Test
    void theThreadCountDoesNotChangeTheRun() {
        TrainingConfig config = new TrainingConfig(2, 50, 1e-3, 13);
        float[][] parameters = new float[2][];
        int[] threads = {1, 2};
        for (int i = 0; i < 2; i++) {
            try (NDManager m = NDManager.newBaseManager();
                    VaeModel model = VaeModel.initialize(SmallData.smallModel(), m, config.seed())) {
                new Trainer(config, TrainingListener.NONE, threads[i]).train(model, TRAIN, VALID, null, null);
                parameters[i] = model.parameterValues();
            }
        }
        assertThat(parameters[1]).containsExactly(parameters[0]);
    }

    @Test
    void aResumedRunEndsBitForBitWhereTheUninterruptedRunEnds() {
        float[] uninterrupted = train(new TrainingConfig(4, 50, 1e-3, 3), null, null);

        RunDirectory run = newRun(dir.resolve("interrupted"));
        train(new TrainingConfig(2, 50, 1e-3, 3), run, null);
        Checkpoint checkpoint = Checkpoint.read(run.latestCheckpoint());
        assertThat(checkpoint.position().epoch()).isEqualTo(2);
        float[] resumed = train(new TrainingConfig(4, 50, 1e-3, 3), run, checkpoint);

        assertThat(Arrays.equals(resumed, uninterrupted))
                .as("resumed parameters equal the uninterrupted ones")
                .isTrue();
        assertThat(run.readMetrics()).extracting(r -> r.path("epoch").asInt()).containsExactly(1, 2, 3, 4);
    }

    @Test
    void aRunStoppedMidEpochResumesToTheSameParametersAndMetricRows() {
        RunDirectory straight = newRun(dir.resolve("straight"));
        float[] uninterrupted = train(new TrainingConfig(3, 50, 1e-3, 8), straight, null);

        RunDirectory stopped = newRun(dir.resolve("stopped"));
        TrainingConfig config = new TrainingConfig(3, 50, 1e-3, 8);
        TrainingResult partial;
        try (NDManager m = NDManager.newBaseManager();
                VaeModel model = VaeModel.initialize(SmallData.smallModel(), m, config.seed())) {
            Trainer[] trainer = new Trainer[1];
            trainer[0] = new Trainer(config, new TrainingListener() {
                @Override
                public void onStep(long step, double batchElbo, double samplesPerSecond) {
                    if (step == 17) {
                        trainer[0].requestStop();
                    }
                }
            });
            partial = trainer[0].train(model, TRAIN, VALID, stopped, null);
        }
        assertThat(partial.stopped()).isTrue();
        Checkpoint checkpoint = Checkpoint.read(stopped.latestCheckpoint());
        assertThat(checkpoint.position().step()).isEqualTo(17);
        assertThat(checkpoint.position().batchesIntoEpoch()).isEqualTo(5);

        float[] resumed = train(config, stopped, checkpoint);
        assertThat(Arrays.equals(resumed, uninterrupted))
                .as("resumed parameters equal the uninterrupted ones")
                .isTrue();
        assertThat(withoutTimings(stopped.readMetrics())).isEqualTo(withoutTimings(straight.readMetrics()));
    }

    @Test
    void aDivergingLearningRateRollsBackAndNeverPutsNonFiniteValuesOnDisk() {
        RunDirectory run = newRun(dir.resolve("diverging"));
        List<Double> rates = new java.util.ArrayList<>();
        TrainingListener recorder = new TrainingListener() {
            @Override
            public void onRollback(long failedAtStep, long resumedAtStep, double learningRate) {
                rates.add(learningRate);
            }
        };
        try (NDManager m = NDManager.newBaseManager();
                VaeModel model = VaeModel.initialize(SmallData.smallModel(), m, 2)) {
            try {
                TrainingResult result =
                        new Trainer(new TrainingConfig(3, 50, 1e4, 2), recorder).train(model, TRAIN, VALID, run, null);
                assertThat(result.rollbacks()).isPositive();
            } catch (IllegalStateException diverged) {
                assertThat(diverged.getMessage()).contains("training diverged").contains("lower the learning rate");
            }
        }
        assertThat(rates).isNotEmpty();
        for (int i = 1; i < rates.size(); i++) {
            assertThat(rates.get(i)).isLessThan(rates.get(i - 1));
        }
        if (Files.exists(run.latestCheckpoint())) {
            for (float p : Checkpoint.read(run.latestCheckpoint()).parameters()) {
                assertThat(Float.isFinite(p)).isTrue();
            }
        }
    }

    private static List<String> withoutTimings(List<JsonNode> rows) {
        return rows.stream()
                .map(r -> {
                    com.fasterxml.jackson.databind.node.ObjectNode copy = r.deepCopy();
                    copy.remove(List.of("seconds", "samples_per_s", "rss_mb"));
                    return copy.toString();
                })
                .toList();
    }

    @Test
    void nativeMemoryDoesNotGrowWithTrainingTime() {
        double[] rss = new double[21];
        TrainingListener probe = new TrainingListener() {
            @Override
            public void onEpoch(EpochMetrics m) {
                rss[m.epoch()] = m.residentMegabytes();
            }
        };
        try (NDManager m = NDManager.newBaseManager();
                VaeModel model = VaeModel.initialize(SmallData.smallModel(), m, 1)) {
            new Trainer(new TrainingConfig(20, 50, 1e-3, 1), probe).train(model, TRAIN, VALID, null, null);
        }
        // The test JVM pre-touches its heap (see the surefire argLine), so resident memory moves only
        // with native allocations: a leak of one batch-sized tensor per step would add ~40 MB here.
        assertThat(rss[5]).isPositive();
        assertThat(rss[20] - rss[5]).isLessThan(16);
    }

    /** The trainer's best epoch (1-based) for these validation scores: each must beat the last by the minimum. */
    private static int bestEpoch(double[] scores) {
        int best = 0;
        for (int e = 1; e < scores.length; e++) {
            best = scores[e] > scores[best] + Trainer.MIN_IMPROVEMENT ? e : best;
        }
        return best + 1;
    }

    /** The validation shapes inverted: the model learns dark backgrounds, so its validation ELBO peaks early. */
    private static Dataset invertedValidation() {
        float[] values = new float[VALID.rows() * VALID.features()];
        for (int i = 0; i < VALID.rows(); i++) {
            float[] row = VALID.row(i);
            for (int p = 0; p < row.length; p++) {
                values[i * row.length + p] = 1 - row[p];
            }
        }
        return new Dataset("inverted", values, VALID.rows(), 28, 28);
    }

    @Test
    void earlyStoppingEndsAfterThePatienceAndKeepsTheBestEpochsWeights() {
        Dataset inverted = invertedValidation();
        RunDirectory run = newRun(dir.resolve("early"));
        TrainingConfig config = new TrainingConfig(30, 50, 3e-3, 4, TrainingObjective.ELBO, 0, 2);
        try (NDManager m = NDManager.newBaseManager();
                VaeModel model = VaeModel.initialize(SmallData.smallModel(), m, config.seed())) {
            TrainingResult result = new Trainer(config, TrainingListener.NONE).train(model, TRAIN, inverted, run, null);

            assertThat(result.stoppedEarly()).isTrue();
            assertThat(result.epochs()).isEqualTo(result.bestEpoch() + 2).isLessThan(30);
            List<JsonNode> rows = run.readMetrics();
            assertThat(rows).hasSize(result.epochs());
            double[] scores = rows.stream()
                    .mapToDouble(r -> r.path("valid_elbo").asDouble())
                    .toArray();
            assertThat(result.bestEpoch()).isEqualTo(bestEpoch(scores));
            double best = scores[result.bestEpoch() - 1];
            assertThat(best).isGreaterThan(Arrays.stream(scores).max().orElseThrow() - Trainer.MIN_IMPROVEMENT);
            assertThat(model.parameterValues())
                    .isEqualTo(Checkpoint.read(run.bestCheckpoint()).parameters())
                    .isNotEqualTo(Checkpoint.read(run.latestCheckpoint()).parameters());
            try (NDManager scope = m.newSubManager()) {
                double kept = new Evaluator(model, scope)
                        .elbo(inverted, config.seed())
                        .elbo();
                assertThat(kept).isCloseTo(best, org.assertj.core.api.Assertions.within(1e-3));
            }
        }
    }

    @Test
    void earlyStoppingNeedsAValidationSplit() {
        TrainingConfig config = new TrainingConfig(3, 50, 1e-3, 4, TrainingObjective.ELBO, 0, 2);
        try (NDManager m = NDManager.newBaseManager();
                VaeModel model = VaeModel.initialize(SmallData.smallModel(), m, config.seed())) {
            org.assertj.core.api.Assertions.assertThatThrownBy(
                            () -> new Trainer(config, TrainingListener.NONE).train(model, TRAIN, null, null, null))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("patience stops on the validation score");
        }
    }

    @Test
    void aPlateauScheduleLowersTheRateOnceTheValidationElboStallsForItsEpochs() {
        Dataset inverted = invertedValidation();
        LearningRateSchedule schedule = LearningRateSchedule.parse("plateau:2:0.5");
        TrainingConfig config = new TrainingConfig(14, 50, 3e-3, 4, TrainingObjective.ELBO, 0, 0, schedule);
        RunDirectory run = newRun(dir.resolve("plateau"));
        List<Integer> announced = new java.util.ArrayList<>();
        try (NDManager m = NDManager.newBaseManager();
                VaeModel model = VaeModel.initialize(SmallData.smallModel(), m, config.seed())) {
            new Trainer(config, new TrainingListener() {
                        @Override
                        public void onLearningRateReduced(int epoch, double learningRate) {
                            announced.add(epoch);
                        }
                    })
                    .train(model, TRAIN, inverted, run, null);
        }

        // Replays the rule on the recorded validation ELBOs: each row's lr is the rate its epoch trained at.
        List<JsonNode> rows = run.readMetrics();
        double rate = 3e-3;
        double best = Double.NEGATIVE_INFINITY;
        int bestEpoch = 0;
        int reducedEpoch = 0;
        List<Integer> expected = new java.util.ArrayList<>();
        for (JsonNode row : rows) {
            int epoch = row.path("epoch").asInt();
            assertThat(row.path("lr").asDouble()).as("epoch %d", epoch).isEqualTo(rate);
            if (row.path("valid_elbo").asDouble() > best + Trainer.MIN_IMPROVEMENT) {
                best = row.path("valid_elbo").asDouble();
                bestEpoch = epoch;
            } else if (epoch - Math.max(bestEpoch, reducedEpoch) >= 2) {
                rate *= 0.5;
                reducedEpoch = epoch;
                expected.add(epoch);
            }
        }
        assertThat(expected).hasSizeGreaterThanOrEqualTo(2);
        assertThat(announced).isEqualTo(expected);
        TrainingPosition end = Checkpoint.read(run.latestCheckpoint()).position();
        assertThat(end.learningRate()).isEqualTo(rate);
        assertThat(end.learningRateReducedEpoch()).isEqualTo(expected.get(expected.size() - 1));
    }

    @Test
    void aRunResumedAcrossLearningRateReductionsEndsWhereTheUninterruptedRunEnds() {
        Dataset inverted = invertedValidation();
        LearningRateSchedule schedule = LearningRateSchedule.parse("plateau:1:0.5");
        TrainingConfig whole = new TrainingConfig(10, 50, 3e-3, 9, TrainingObjective.ELBO, 0, 0, schedule);
        float[] uninterrupted;
        float[] resumed;
        RunDirectory run = newRun(dir.resolve("resumed"));
        try (NDManager m = NDManager.newBaseManager();
                VaeModel straight = VaeModel.initialize(SmallData.smallModel(), m, whole.seed());
                VaeModel interrupted = VaeModel.initialize(SmallData.smallModel(), m, whole.seed())) {
            new Trainer(whole, TrainingListener.NONE).train(straight, TRAIN, inverted, null, null);
            uninterrupted = straight.parameterValues();
            TrainingConfig part = new TrainingConfig(6, 50, 3e-3, 9, TrainingObjective.ELBO, 0, 0, schedule);
            new Trainer(part, TrainingListener.NONE).train(interrupted, TRAIN, inverted, run, null);
            Checkpoint checkpoint = Checkpoint.read(run.latestCheckpoint());
            assertThat(checkpoint.position().learningRateReducedEpoch())
                    .as("a reduction before the interruption")
                    .isPositive();
            new Trainer(whole, TrainingListener.NONE).train(interrupted, TRAIN, inverted, run, checkpoint);
            resumed = interrupted.parameterValues();
        }
        assertThat(Arrays.equals(resumed, uninterrupted))
                .as("resumed parameters equal the uninterrupted ones")
                .isTrue();
    }

    @Test
    void aPlateauScheduleNeedsAValidationSplitAndAPatienceBeyondItsEpochs() {
        LearningRateSchedule schedule = LearningRateSchedule.parse("plateau:3");
        TrainingConfig config = new TrainingConfig(3, 50, 1e-3, 4, TrainingObjective.ELBO, 0, 0, schedule);
        try (NDManager m = NDManager.newBaseManager();
                VaeModel model = VaeModel.initialize(SmallData.smallModel(), m, config.seed())) {
            org.assertj.core.api.Assertions.assertThatThrownBy(
                            () -> new Trainer(config, TrainingListener.NONE).train(model, TRAIN, null, null, null))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("learningRateSchedule plateau:3:0.1")
                    .hasMessageContaining("no validation split");
        }
        org.assertj.core.api.Assertions.assertThatThrownBy(
                        () -> new TrainingConfig(3, 50, 1e-3, 4, TrainingObjective.ELBO, 0, 3, schedule))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("larger than 3");
    }

    @Test
    void anIwaeRunIsJudgedOnItsValidationBound() {
        RunDirectory run = newRun(dir.resolve("iwae"));
        TrainingConfig config = new TrainingConfig(4, 50, 3e-3, 6, TrainingObjective.iwae(5), 0, 3);
        try (NDManager m = NDManager.newBaseManager();
                VaeModel model = VaeModel.initialize(SmallData.smallModel(), m, config.seed())) {
            TrainingResult result = new Trainer(config, TrainingListener.NONE).train(model, TRAIN, VALID, run, null);

            List<JsonNode> rows = run.readMetrics();
            double[] bound = rows.stream()
                    .mapToDouble(r -> r.path("valid_iwae").asDouble(Double.NaN))
                    .toArray();
            for (int e = 0; e < rows.size(); e++) {
                assertThat(bound[e])
                        .as("epoch %d", e + 1)
                        .isFinite()
                        .isGreaterThan(rows.get(e).path("valid_elbo").asDouble());
            }
            int best = bestEpoch(bound) - 1;
            assertThat(result.bestEpoch()).isEqualTo(best + 1);
            assertThat(result.bestValidation()).isEqualTo(bound[best]);
            assertThat(Checkpoint.read(run.bestCheckpoint()).position().epoch()).isEqualTo(best + 1);
        }
    }
}
