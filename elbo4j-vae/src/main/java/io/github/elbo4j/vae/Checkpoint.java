package io.github.elbo4j.vae;

import io.github.elbo4j.data.DataException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Everything needed to continue training exactly: parameters, Adam moments and step count, and
 * the position in the schedule. Random draws need no saved state because they are pure functions
 * of the seed and the position (see {@link Seeds}). Stored as safetensors with the scalars in its
 * metadata, and written atomically.
 *
 * @param epoch epochs completed
 * @param step optimizer steps completed
 * @param bestValidElbo best validation ELBO so far (−∞ when none)
 * @param elapsedSeconds training wall time so far
 * @param parameters flat parameter vector
 * @param adamFirstMoment Adam m
 * @param adamSecondMoment Adam v
 * @param adamStep Adam t
 */
public record Checkpoint(
        int epoch,
        long step,
        double bestValidElbo,
        double elapsedSeconds,
        float[] parameters,
        float[] adamFirstMoment,
        float[] adamSecondMoment,
        long adamStep) {

    /** Atomically writes the checkpoint; refuses non-finite parameters so none reach the disk. */
    public void write(Path file) {
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
        metadata.put("format", "elbo4j-checkpoint");
        metadata.put("epoch", Integer.toString(epoch));
        metadata.put("step", Long.toString(step));
        metadata.put("best_valid_elbo", Double.toString(bestValidElbo));
        metadata.put("elapsed_seconds", Double.toString(elapsedSeconds));
        metadata.put("adam_step", Long.toString(adamStep));
        Safetensors.write(file, tensors, metadata);
    }

    /** Reads and validates a checkpoint written by {@link #write}. */
    public static Checkpoint read(Path file) {
        Safetensors.Contents contents = Safetensors.read(file);
        Map<String, String> meta = contents.metadata();
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
            return new Checkpoint(
                    Integer.parseInt(meta.get("epoch")),
                    Long.parseLong(meta.get("step")),
                    Double.parseDouble(meta.get("best_valid_elbo")),
                    Double.parseDouble(meta.get("elapsed_seconds")),
                    parameters, m, v,
                    Long.parseLong(meta.get("adam_step")));
        } catch (NumberFormatException | NullPointerException e) {
            throw new DataException(file, "__metadata__", "missing or malformed training position");
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
