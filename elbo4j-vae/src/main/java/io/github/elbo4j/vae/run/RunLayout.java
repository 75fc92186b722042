package io.github.elbo4j.vae.run;

import io.github.elbo4j.data.DataException;
import io.github.elbo4j.vae.model.TabularSchemaJson;
import io.github.elbo4j.vae.train.EpochMetrics;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The file names of a run directory and nothing else: what a reader that only shows a run's files
 * (the dashboard) needs, without the model, the engine or the codecs of {@link RunDirectory}.
 *
 * <pre>
 * config.json                   how the run was made ({@link RunManifest})
 * model.json                    the architecture and its weight names and shapes
 * model.safetensors             the final weights
 * schema.json                   the column schema of a tabular run
 * metrics.jsonl                 one {@link EpochMetrics} row per completed epoch
 * checkpoints/latest.safetensors, checkpoints/best.safetensors   ({@link Checkpoint})
 * plots/                        figures and samples
 * .lock                         held by the process writing the run ({@link RunLock})
 * </pre>
 *
 * @param root the run directory
 */
public record RunLayout(Path root) {

    /**
     * The layout of the existing run directory {@code root}.
     *
     * @throws DataException if it is not a folder holding a {@code model.json}
     */
    public static RunLayout open(Path root) {
        if (!Files.isDirectory(root)) {
            throw new DataException(root, null, "run directory not found");
        }
        RunLayout layout = new RunLayout(root);
        if (!Files.isRegularFile(layout.modelDescriptionFile())) {
            throw new DataException(root, null, "not an elbo4j run directory (no model.json)");
        }
        return layout;
    }

    /** {@code config.json}: how the run was made ({@link RunManifest}). */
    public Path configFile() {
        return root.resolve("config.json");
    }

    /** {@code metrics.jsonl}: one {@link EpochMetrics} row per completed epoch. */
    public Path metricsFile() {
        return root.resolve("metrics.jsonl");
    }

    /** {@code model.safetensors}: the final weights. */
    public Path modelFile() {
        return root.resolve("model.safetensors");
    }

    /** {@code model.json}: the architecture and its weight names and shapes. */
    public Path modelDescriptionFile() {
        return root.resolve("model.json");
    }

    /** The column schema of a tabular or categorical run (see {@link TabularSchemaJson}). */
    public Path schemaFile() {
        return root.resolve("schema.json");
    }

    /** {@code checkpoints/latest.safetensors}: the most recent checkpoint, which a resumed run continues from. */
    public Path latestCheckpoint() {
        return root.resolve("checkpoints").resolve("latest.safetensors");
    }

    /** {@code checkpoints/best.safetensors}: the weights of the best validation score so far (of the latest epoch without a validation split). */
    public Path bestCheckpoint() {
        return root.resolve("checkpoints").resolve("best.safetensors");
    }

    /** {@code plots/}: the figures and samples the commands write. */
    public Path plotsDirectory() {
        return root.resolve("plots");
    }
}
