package io.github.elbo4j.vae.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.elbo4j.data.DataException;
import io.github.elbo4j.vae.model.Tensor;
import io.github.elbo4j.vae.objective.BatchElbo;
import io.github.elbo4j.vae.objective.TrainingObjective;
import io.github.elbo4j.vae.run.Checkpoint;
import io.github.elbo4j.vae.run.RunDirectory;
import io.github.elbo4j.vae.run.Safetensors;
import java.lang.reflect.RecordComponent;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The training state's one codec each for checkpoints and metrics rows: every component of
 * {@link TrainingPosition} survives a checkpoint without being named here (so a component added to
 * the record is saved and restored with no other edit), and the files keep their format.
 */
class TrainingStateCodecTest {

    @TempDir
    Path dir;

    /** A position whose every component has its own value, found by reflection over the record. */
    private static TrainingPosition distinctPosition() throws ReflectiveOperationException {
        RecordComponent[] components = TrainingPosition.class.getRecordComponents();
        Object[] values = new Object[components.length];
        for (int i = 0; i < components.length; i++) {
            Class<?> type = components[i].getType();
            // Integers fall with the index so that best_epoch ≤ epoch; doubles are not short decimals.
            values[i] = type == int.class
                    ? (Object) (100 - i)
                    : type == long.class ? (Object) (1000L + i) : (Object) (Math.PI * (i + 1) / 7);
        }
        Class<?>[] types =
                Arrays.stream(components).map(RecordComponent::getType).toArray(Class<?>[]::new);
        return TrainingPosition.class.getDeclaredConstructor(types).newInstance(values);
    }

    private Checkpoint checkpoint(TrainingPosition position) {
        return new Checkpoint(
                position,
                new float[] {1, -2},
                new float[] {0.5f, 0},
                new float[] {0.25f, 1e-9f},
                7,
                TrainingObjective.ELBO.describe(),
                0.375);
    }

    @Test
    void everyComponentOfThePositionRoundTripsThroughACheckpoint() throws Exception {
        for (TrainingPosition position : List.of(distinctPosition(), TrainingPosition.start(1e-3))) {
            Path file = dir.resolve("c.safetensors");
            checkpoint(position).write(file, "run-1");
            Checkpoint read = Checkpoint.read(file, "run-1");
            assertThat(read.position()).isEqualTo(position);
            assertThat(read.adamStep()).isEqualTo(7);
            assertThat(read.objective()).isEqualTo(TrainingObjective.ELBO.describe());
            assertThat(read.klWeight()).isEqualTo(0.375);
        }
    }

    /** The components of {@code position} by name, read by reflection over the record. */
    private static Map<String, Object> components(TrainingPosition position) throws ReflectiveOperationException {
        Map<String, Object> values = new LinkedHashMap<>();
        for (RecordComponent component : TrainingPosition.class.getRecordComponents()) {
            values.put(component.getName(), component.getAccessor().invoke(position));
        }
        return values;
    }

    /**
     * Each wither changes the components it names and carries every other one over, so a component
     * added to the record needs no edit in the withers (nor here) to survive them.
     */
    @Test
    void everyWitherKeepsTheComponentsItDoesNotChange() throws Exception {
        TrainingPosition position = distinctPosition();
        TrainingPosition failed = distinctPosition().nextBatch().withSkippedStep();
        Map<String, UnaryOperator<TrainingPosition>> withers = new LinkedHashMap<>();
        withers.put("afterStep", p -> p.afterStep(3, new BatchElbo(-1.5, -1.25, 0.25)));
        withers.put("nextBatch", TrainingPosition::nextBatch);
        withers.put("withSkippedStep", TrainingPosition::withSkippedStep);
        withers.put("plusEpochSeconds", p -> p.plusEpochSeconds(0.5));
        withers.put("withBest", p -> p.withBest(-7.5));
        withers.put("completeEpoch", p -> p.completeEpoch(0.5));
        withers.put("withLearningRateReduced", p -> p.withLearningRateReduced(1e-4));
        withers.put("rolledBackFrom", p -> p.rolledBackFrom(failed));
        Map<String, Set<String>> changes = Map.of(
                "afterStep", Set.of("epochElbo", "epochRecon", "epochKl", "epochExamples"),
                "nextBatch", Set.of("batchesIntoEpoch", "step"),
                "withSkippedStep", Set.of("skippedSteps"),
                "plusEpochSeconds", Set.of("epochSeconds"),
                "withBest", Set.of("bestValidation", "bestEpoch"),
                "completeEpoch",
                        Set.of(
                                "epoch",
                                "batchesIntoEpoch",
                                "elapsedSeconds",
                                "epochElbo",
                                "epochRecon",
                                "epochKl",
                                "epochExamples",
                                "epochSeconds"),
                "withLearningRateReduced", Set.of("learningRate", "learningRateReducedEpoch"),
                "rolledBackFrom", Set.of("learningRate", "skippedSteps", "rollbacks"));
        assertThat(changes.keySet()).isEqualTo(withers.keySet());
        Map<String, Object> before = components(position);
        for (Map.Entry<String, UnaryOperator<TrainingPosition>> wither : withers.entrySet()) {
            Map<String, Object> after = components(wither.getValue().apply(position));
            for (String name : before.keySet()) {
                boolean changed = !after.get(name).equals(before.get(name));
                assertThat(changed)
                        .as("%s changes %s", wither.getKey(), name)
                        .isEqualTo(changes.get(wither.getKey()).contains(name));
            }
        }
    }

    /** A run starts with every component zero but its learning rate and an empty best score. */
    @Test
    void theStartIsZeroButForTheRateAndTheBestScore() throws Exception {
        Map<String, Object> start = components(TrainingPosition.start(1e-3));
        assertThat(start.remove("learningRate")).isEqualTo(1e-3);
        assertThat(start.remove("bestValidation")).isEqualTo(Double.NEGATIVE_INFINITY);
        assertThat(start.values()).allMatch(value -> ((Number) value).doubleValue() == 0);
    }

    @Test
    void checkpointMetadataKeepsItsKeysAndTheirOrder() {
        Path file = dir.resolve("c.safetensors");
        checkpoint(TrainingPosition.start(1e-3)).write(file, "run-1");
        Map<String, String> metadata = Safetensors.read(file).metadata();
        assertThat(metadata.keySet())
                .containsSubsequence(
                        "format",
                        "epoch",
                        "batches_into_epoch",
                        "step",
                        "learning_rate",
                        "best_validation",
                        "best_epoch",
                        "lr_reduced_epoch",
                        "elapsed_seconds",
                        "epoch_elbo",
                        "epoch_recon",
                        "epoch_kl",
                        "epoch_examples",
                        "epoch_seconds",
                        "skipped_steps",
                        "rollbacks",
                        "adam_step",
                        "objective",
                        "kl_weight",
                        RunDirectory.RUN_ID);
        assertThat(metadata)
                .containsEntry("best_validation", "-Infinity")
                .containsEntry("learning_rate", "0.001")
                .containsEntry("epoch", "0")
                .containsEntry("kl_weight", "0.375");
    }

    @Test
    void readsACheckpointOfAnEarlierVersionWithTheDefaultsOfItsMissingKeys() throws Exception {
        Path file = dir.resolve("old.safetensors");
        checkpoint(distinctPosition()).write(file);
        Map<String, String> metadata =
                new LinkedHashMap<>(Safetensors.read(file).metadata());
        String best = metadata.remove("best_validation");
        metadata.put("best_valid_elbo", best);
        metadata.keySet().removeAll(List.of("best_epoch", "lr_reduced_epoch", "objective", "kl_weight"));
        Map<String, Tensor> tensors = Safetensors.read(file).tensors();
        Safetensors.write(file, tensors, metadata);
        TrainingPosition read = Checkpoint.read(file).position();
        assertThat(read.bestValidation()).isEqualTo(Double.parseDouble(best));
        assertThat(read.bestEpoch()).isEqualTo(read.epoch());
        assertThat(read.learningRateReducedEpoch()).isZero();
        assertThat(Checkpoint.read(file).objective()).isEqualTo(TrainingObjective.ELBO.describe());
        assertThat(Checkpoint.read(file).klWeight()).isEqualTo(1.0);
    }

    @Test
    void aMissingOrMalformedKeyIsNamed() {
        Path file = dir.resolve("c.safetensors");
        checkpoint(TrainingPosition.start(1e-3)).write(file);
        Map<String, Tensor> tensors = Safetensors.read(file).tensors();
        Map<String, String> metadata =
                new LinkedHashMap<>(Safetensors.read(file).metadata());
        metadata.remove("epoch_kl");
        Safetensors.write(file, tensors, metadata);
        assertThatThrownBy(() -> Checkpoint.read(file))
                .isInstanceOf(DataException.class)
                .hasMessageContaining(file.toString())
                .hasMessageContaining("epoch_kl");
        metadata.put("epoch_kl", "0.0");
        metadata.put("step", "twelve");
        Safetensors.write(file, tensors, metadata);
        assertThatThrownBy(() -> Checkpoint.read(file))
                .isInstanceOf(DataException.class)
                .hasMessageContaining("step");
    }

    @Test
    void aMetricsRowKeepsItsColumnsAndRoundTrips() throws Exception {
        EpochMetrics full =
                new EpochMetrics(3, 120, -101.25, -90.5, 10.75, 0.5, 1e-3, -102.0625, -99.5, 12.5, 1234.5, 256.25);
        EpochMetrics bare =
                new EpochMetrics(1, 40, -150.1, -140.2, 9.9, 1, 1e-3, Double.NaN, Double.NaN, 1.5, 999.0, Double.NaN);
        ObjectMapper json = new ObjectMapper();
        assertThat(json.readTree(full.toJson()).fieldNames())
                .toIterable()
                .containsExactly(
                        "epoch",
                        "step",
                        "elbo",
                        "recon",
                        "kl",
                        "beta",
                        "lr",
                        "valid_elbo",
                        "valid_iwae",
                        "seconds",
                        "samples_per_s",
                        "rss_mb");
        assertThat(json.readTree(bare.toJson()).fieldNames())
                .toIterable()
                .containsExactly(
                        "epoch", "step", "elbo", "recon", "kl", "beta", "lr", "valid_elbo", "seconds", "samples_per_s");
        assertThat(bare.toJson()).contains("\"valid_elbo\":null").contains("\"lr\":0.001");
        for (EpochMetrics row : List.of(full, bare)) {
            assertThat(EpochMetrics.fromJson(json.readTree(row.toJson()))).isEqualTo(row);
        }
    }
}
