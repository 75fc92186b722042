package io.github.elbo4j.vae.model;

import io.github.elbo4j.data.DataException;
import io.github.elbo4j.data.Dataset;
import java.nio.file.Path;

/** Checks that a dataset can be fed to a model before any work is done or file is written. */
public final class DataCompatibility {

    private DataCompatibility() {}

    /**
     * Throws a {@link DataException} naming {@code source} when the data's width differs from the
     * model's input, or when Bernoulli data lies outside [0, 1].
     */
    public static void check(VaeConfig config, Dataset data, Path source) {
        if (config.conditional()) {
            checkLabels(config, data, source);
        }
        if (data.features() != config.inputSize()) {
            throw new DataException(
                    source,
                    null,
                    "records have " + data.features() + " features but the model expects " + config.inputSize());
        }
        if (config.likelihood() == Likelihood.BERNOULLI && (data.min() < 0 || data.max() > 1)) {
            throw new DataException(
                    source,
                    null,
                    "values range over [" + data.min() + ", " + data.max()
                            + "] but the Bernoulli likelihood needs data in [0, 1]; scale the data or use the Gaussian likelihood");
        }
    }

    /** A conditional model needs a label in [0, C) for every record. */
    private static void checkLabels(VaeConfig config, Dataset data, Path source) {
        if (!data.hasLabels()) {
            throw new DataException(
                    source,
                    null,
                    "records have no labels but the model is conditional on " + config.conditions()
                            + " classes; give data with a labels file");
        }
        int[] labels = data.labels();
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] < 0 || labels[i] >= config.conditions()) {
                throw new DataException(
                        source,
                        "record " + (i + 1),
                        "unknown category: label " + labels[i]
                                + " is not one of the model's " + config.conditions() + " classes (0 to "
                                + (config.conditions() - 1) + ")");
            }
        }
    }
}
