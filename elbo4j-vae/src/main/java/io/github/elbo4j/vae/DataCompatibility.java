package io.github.elbo4j.vae;

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
        if (data.features() != config.inputSize()) {
            throw new DataException(source, null, "records have " + data.features()
                    + " features but the model expects " + config.inputSize());
        }
        if (config.likelihood() == Likelihood.BERNOULLI && (data.min() < 0 || data.max() > 1)) {
            throw new DataException(source, null, "values range over [" + data.min() + ", " + data.max()
                    + "] but the Bernoulli likelihood needs data in [0, 1]; scale the data or use --likelihood gaussian");
        }
    }
}
