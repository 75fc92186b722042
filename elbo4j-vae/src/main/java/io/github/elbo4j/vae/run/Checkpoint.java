package io.github.elbo4j.vae.run;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import io.github.elbo4j.data.DataException;
import io.github.elbo4j.vae.model.Tensor;
import io.github.elbo4j.vae.objective.TrainingObjective;
import io.github.elbo4j.vae.train.Seeds;
import io.github.elbo4j.vae.train.Trainer;
import io.github.elbo4j.vae.train.TrainingPosition;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Everything needed to continue training exactly: parameters, Adam moments and step count, the
 * {@link TrainingPosition}, and the objective with its KL schedule position. Random draws need no
 * saved state because they are pure functions of the seed and the position (see {@link Seeds}).
 * Stored as safetensors, written atomically, with the components of the position and of this
 * record's scalars in its metadata under their snake_case names ({@code epoch},
 * {@code batches_into_epoch}, …, {@code adam_step}, {@code objective}, {@code kl_weight}), written
 * and read by one codec ({@link StringMetadata}; doubles as decimal strings, which round-trip
 * exactly).
 *
 * @param position where the run stands
 * @param parameters flat parameter vector
 * @param adamFirstMoment Adam m
 * @param adamSecondMoment Adam v
 * @param adamStep Adam t
 * @param objective {@link TrainingObjective#describe()} of the run's objective, so that a resume
 *     under another objective is refused (checkpoints from before objectives existed read as the
 *     plain ELBO)
 * @param klWeight the KL weight w = β·a(t) of the last step taken: the schedule's position (it is
 *     a pure function of the step, recorded so that the checkpoint can be inspected on its own)
 */
public record Checkpoint(
        TrainingPosition position,
        float[] parameters,
        float[] adamFirstMoment,
        float[] adamSecondMoment,
        long adamStep,
        String objective,
        double klWeight) {

    private static final String FORMAT = "elbo4j-checkpoint";
    private static final StringMetadata METADATA = new StringMetadata();

    /** The checkpoint's own metadata besides the position. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    private record Fields(long adamStep, String objective, double klWeight) {}

    /** Atomically writes the checkpoint; refuses non-finite parameters so none reach the disk. */
    public void write(Path file) {
        write(file, null);
    }

    /**
     * As {@link #write(Path)}, recording the id of the run it belongs to (see
     * {@link RunDirectory#runId()}; null records none).
     */
    public void write(Path file, String runId) {
        for (float p : parameters) {
            if (!Float.isFinite(p)) {
                throw new IllegalStateException("refusing to checkpoint non-finite parameters to " + file);
            }
        }
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        tensors.put("parameters", new Tensor(new long[] {parameters.length}, parameters));
        tensors.put("adam.m", new Tensor(new long[] {adamFirstMoment.length}, adamFirstMoment));
        tensors.put("adam.v", new Tensor(new long[] {adamSecondMoment.length}, adamSecondMoment));
        Map<String, String> metadata = new LinkedHashMap<>();
        metadata.put("format", FORMAT);
        metadata.putAll(METADATA.encode(position));
        metadata.putAll(METADATA.encode(new Fields(adamStep, objective, klWeight)));
        if (runId != null) {
            metadata.put(RunDirectory.RUN_ID, runId);
        }
        Safetensors.write(file, tensors, metadata);
    }

    /** Reads and validates a checkpoint written by {@link #write}. */
    public static Checkpoint read(Path file) {
        return read(file, null);
    }

    /**
     * Reads a checkpoint and validates everything a resume relies on: the checksum of its data (see
     * {@link Safetensors#read}), its run id against {@code expectedRunId} (when both are known), a
     * position that can occur (epochs, batches and steps not negative, a finite positive learning
     * rate) and finite parameters and optimizer moments. Whether the batch position lies inside an
     * epoch depends on the data; {@link Trainer#train} checks that.
     *
     * @throws DataException naming the file and what is wrong
     */
    public static Checkpoint read(Path file, String expectedRunId) {
        Safetensors.Contents contents = Safetensors.read(file);
        Map<String, String> meta = contents.metadata();
        RunDirectory.requireSameRun(file, meta.get(RunDirectory.RUN_ID), expectedRunId);
        if (!FORMAT.equals(meta.get("format"))) {
            throw new DataException(file, "__metadata__", "not an elbo4j checkpoint");
        }
        float[] parameters = vector(file, contents, "parameters");
        float[] m = vector(file, contents, "adam.m");
        float[] v = vector(file, contents, "adam.v");
        if (m.length != parameters.length || v.length != parameters.length) {
            throw new DataException(file, "adam", "optimizer state does not match the parameter count");
        }
        Map<String, String> current = upgrade(meta);
        TrainingPosition position = METADATA.decode(file, current, TrainingPosition.class);
        Fields fields = METADATA.decode(file, current, Fields.class);
        validate(file, position, fields.adamStep());
        requireFinite(file, "parameters", parameters);
        requireFinite(file, "adam.m", m);
        requireFinite(file, "adam.v", v);
        return new Checkpoint(position, parameters, m, v, fields.adamStep(), fields.objective(), fields.klWeight());
    }

    /**
     * The metadata of a checkpoint written by an earlier elbo4j, with the defaults of the keys it
     * lacked (a current checkpoint has them all and is returned unchanged).
     */
    private static Map<String, String> upgrade(Map<String, String> meta) {
        Map<String, String> upgraded = new LinkedHashMap<>(meta);
        // Written before early stopping existed: patience counts from the checkpoint's epoch.
        if (meta.containsKey("epoch")) {
            upgraded.putIfAbsent("best_epoch", meta.get("epoch"));
        }
        // Written before learning-rate schedules existed: the rate was never lowered.
        upgraded.putIfAbsent("lr_reduced_epoch", "0");
        // Written before objectives existed: the plain ELBO, whose KL weight is 1.
        upgraded.putIfAbsent("objective", TrainingObjective.ELBO.describe());
        upgraded.putIfAbsent("kl_weight", "1.0");
        return upgraded;
    }

    private static void validate(Path file, TrainingPosition p, long adamStep) {
        String problem = p.epoch() < 0
                ? "epoch " + p.epoch() + " is negative"
                : p.batchesIntoEpoch() < 0
                        ? "batches_into_epoch " + p.batchesIntoEpoch() + " is negative"
                        : p.step() < 0
                                ? "step " + p.step() + " is negative"
                                : adamStep < 0
                                        ? "adam_step " + adamStep + " is negative"
                                        : !(p.learningRate() > 0 && Double.isFinite(p.learningRate()))
                                                ? "learning_rate " + p.learningRate()
                                                        + " is not a finite positive number"
                                                : p.bestEpoch() < 0 || p.bestEpoch() > p.epoch()
                                                        ? "best_epoch " + p.bestEpoch() + " is outside [0, epoch "
                                                                + p.epoch() + "]"
                                                        : p.epochExamples() < 0
                                                                ? "epoch_examples " + p.epochExamples() + " is negative"
                                                                : p.skippedSteps() < 0 || p.rollbacks() < 0
                                                                        ? "skipped_steps and rollbacks must not be negative"
                                                                        : null;
        if (problem != null) {
            throw new DataException(file, "__metadata__", problem + "; the checkpoint is corrupt or forged");
        }
    }

    private static void requireFinite(Path file, String name, float[] values) {
        for (int i = 0; i < values.length; i++) {
            if (!Float.isFinite(values[i])) {
                throw new DataException(
                        file,
                        "tensor '" + name + "'",
                        "value " + i + " is " + values[i] + "; a checkpoint holds finite numbers only");
            }
        }
    }

    private static float[] vector(Path file, Safetensors.Contents contents, String name) {
        Tensor t = contents.tensors().get(name);
        if (t == null || t.shape().length != 1) {
            throw new DataException(file, "tensor '" + name + "'", "missing or not a vector");
        }
        return t.data();
    }
}
