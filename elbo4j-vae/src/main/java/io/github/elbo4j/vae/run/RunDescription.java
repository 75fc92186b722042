package io.github.elbo4j.vae.run;

import ai.djl.engine.Engine;
import io.github.elbo4j.data.Dataset;
import io.github.elbo4j.data.DatasetSplits;
import io.github.elbo4j.vae.model.VaeConfig;
import io.github.elbo4j.vae.train.Trainer;
import io.github.elbo4j.vae.train.TrainingConfig;
import java.time.Instant;

/**
 * The {@link RunManifest} ({@code config.json}) of a run trained by {@link Trainer}: versions, the
 * model, the training settings and the data. One description for the command line's
 * {@code train} and for programs, so that either reads the other's runs ({@code eval},
 * {@code report}, {@code --resume}).
 */
public final class RunDescription {

    private RunDescription() {}

    /**
     * A run of {@code model} trained with {@code training} on {@code data}, whose source
     * {@code dataSpec} names (a dataset name or a file's absolute path); {@code dataDir},
     * {@code validFraction} and {@code schemaOverrides} as in {@link RunManifest.Data} (may be null).
     */
    public static RunManifest describe(
            VaeConfig model,
            TrainingConfig training,
            String dataSpec,
            String dataDir,
            Double validFraction,
            String schemaOverrides,
            DatasetSplits data) {
        Engine engine = Engine.getInstance();
        return new RunManifest(
                Version.elbo4j(),
                Engine.getDjlVersion(),
                engine.getEngineName() + " " + engine.getVersion(),
                Instant.now().toString(),
                training.seed(),
                RunDirectory.describe(model),
                RunManifest.Training.of(training),
                new RunManifest.Data(
                        dataSpec,
                        dataDir,
                        validFraction,
                        schemaOverrides,
                        null,
                        split(data.train()),
                        split(data.valid()),
                        split(data.test())),
                null);
    }

    /** As the other {@code describe}, for data without a data folder, holdout or schema overrides. */
    public static RunManifest describe(VaeConfig model, TrainingConfig training, String dataSpec, DatasetSplits data) {
        return describe(model, training, dataSpec, null, null, null, data);
    }

    /** The record of {@code split}, or null when there is none. */
    public static RunManifest.Split split(Dataset split) {
        return split == null ? null : new RunManifest.Split(split.rows(), split.features(), split.fingerprint());
    }
}
