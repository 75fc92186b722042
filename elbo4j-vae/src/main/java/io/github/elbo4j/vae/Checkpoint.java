package io.github.elbo4j.vae;

import io.github.elbo4j.data.DataException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Everything needed to continue training exactly: parameters, Adam moments and step count, the
 * {@link TrainingPosition}, and the objective with its KL schedule position. Random draws need no saved state because they are pure functions
 * of the seed and the position (see {@link Seeds}). Stored as safetensors with the position in
 * its metadata (doubles as decimal strings, which round-trip exactly), and written atomically.
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
        TrainingPosition position, float[] parameters, float[] adamFirstMoment, float[] adamSecondMoment, long adamStep,
        String objective, double klWeight) {

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
        TrainingPosition p = position;
        Map<String, String> metadata = new LinkedHashMap<>();
        metadata.put("format", "elbo4j-checkpoint");
        metadata.put("epoch", Integer.toString(p.epoch()));
        metadata.put("batches_into_epoch", Integer.toString(p.batchesIntoEpoch()));
        metadata.put("step", Long.toString(p.step()));
        metadata.put("learning_rate", Double.toString(p.learningRate()));
        metadata.put("best_validation", Double.toString(p.bestValidation()));
        metadata.put("best_epoch", Integer.toString(p.bestEpoch()));
        metadata.put("lr_reduced_epoch", Integer.toString(p.learningRateReducedEpoch()));
        metadata.put("elapsed_seconds", Double.toString(p.elapsedSeconds()));
        metadata.put("epoch_elbo", Double.toString(p.epochElbo()));
        metadata.put("epoch_recon", Double.toString(p.epochRecon()));
        metadata.put("epoch_kl", Double.toString(p.epochKl()));
        metadata.put("epoch_examples", Integer.toString(p.epochExamples()));
        metadata.put("epoch_seconds", Double.toString(p.epochSeconds()));
        metadata.put("skipped_steps", Long.toString(p.skippedSteps()));
        metadata.put("rollbacks", Integer.toString(p.rollbacks()));
        metadata.put("adam_step", Long.toString(adamStep));
        metadata.put("objective", objective);
        metadata.put("kl_weight", Double.toString(klWeight));
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
        if (!"elbo4j-checkpoint".equals(meta.get("format"))) {
            throw new DataException(file, "__metadata__", "not an elbo4j checkpoint");
        }
        float[] parameters = vector(file, contents, "parameters");
        float[] m = vector(file, contents, "adam.m");
        float[] v = vector(file, contents, "adam.v");
        if (m.length != parameters.length || v.length != parameters.length) {
            throw new DataException(file, "adam", "optimizer state does not match the parameter count");
        }
        try {
            int epoch = Integer.parseInt(meta.get("epoch"));
            TrainingPosition position = new TrainingPosition(
                    epoch,
                    Integer.parseInt(meta.get("batches_into_epoch")),
                    Long.parseLong(meta.get("step")),
                    Double.parseDouble(meta.get("learning_rate")),
                    // Checkpoints written before IWAE runs validated on their own bound called it the ELBO.
                    Double.parseDouble(meta.getOrDefault("best_validation", meta.get("best_valid_elbo"))),
                    // Checkpoints written before early stopping existed: patience counts from here.
                    Integer.parseInt(meta.getOrDefault("best_epoch", Integer.toString(epoch))),
                    // Checkpoints written before learning-rate schedules existed never lowered the rate.
                    Integer.parseInt(meta.getOrDefault("lr_reduced_epoch", "0")),
                    Double.parseDouble(meta.get("elapsed_seconds")),
                    Double.parseDouble(meta.get("epoch_elbo")),
                    Double.parseDouble(meta.get("epoch_recon")),
                    Double.parseDouble(meta.get("epoch_kl")),
                    Integer.parseInt(meta.get("epoch_examples")),
                    Double.parseDouble(meta.get("epoch_seconds")),
                    Long.parseLong(meta.get("skipped_steps")),
                    Integer.parseInt(meta.get("rollbacks")));
            long adamStep = Long.parseLong(meta.get("adam_step"));
            validate(file, position, adamStep);
            requireFinite(file, "parameters", parameters);
            requireFinite(file, "adam.m", m);
            requireFinite(file, "adam.v", v);
            return new Checkpoint(position, parameters, m, v, adamStep,
                    meta.getOrDefault("objective", TrainingObjective.ELBO.describe()),
                    Double.parseDouble(meta.getOrDefault("kl_weight", "1.0")));
        } catch (NumberFormatException | NullPointerException e) {
            throw new DataException(file, "__metadata__", "missing or malformed training position");
        }
    }

    private static void validate(Path file, TrainingPosition p, long adamStep) {
        String problem = p.epoch() < 0 ? "epoch " + p.epoch() + " is negative"
                : p.batchesIntoEpoch() < 0 ? "batches_into_epoch " + p.batchesIntoEpoch() + " is negative"
                : p.step() < 0 ? "step " + p.step() + " is negative"
                : adamStep < 0 ? "adam_step " + adamStep + " is negative"
                : !(p.learningRate() > 0 && Double.isFinite(p.learningRate()))
                        ? "learning_rate " + p.learningRate() + " is not a finite positive number"
                : p.bestEpoch() < 0 || p.bestEpoch() > p.epoch() ? "best_epoch " + p.bestEpoch() + " is outside [0, epoch " + p.epoch() + "]"
                : p.epochExamples() < 0 ? "epoch_examples " + p.epochExamples() + " is negative"
                : p.skippedSteps() < 0 || p.rollbacks() < 0 ? "skipped_steps and rollbacks must not be negative"
                : null;
        if (problem != null) {
            throw new DataException(file, "__metadata__", problem + "; the checkpoint is corrupt or forged");
        }
    }

    private static void requireFinite(Path file, String name, float[] values) {
        for (int i = 0; i < values.length; i++) {
            if (!Float.isFinite(values[i])) {
                throw new DataException(file, "tensor '" + name + "'", "value " + i + " is " + values[i]
                        + "; a checkpoint holds finite numbers only");
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
