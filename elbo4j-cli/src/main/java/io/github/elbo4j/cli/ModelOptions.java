package io.github.elbo4j.cli;

import io.github.elbo4j.data.DataException;
import io.github.elbo4j.data.Dataset;
import io.github.elbo4j.vae.model.Activation;
import io.github.elbo4j.vae.model.Architecture;
import io.github.elbo4j.vae.model.LatentPrior;
import io.github.elbo4j.vae.model.Likelihood;
import io.github.elbo4j.vae.model.TabularLayout;
import io.github.elbo4j.vae.model.VaeConfig;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** Architecture options of {@code train}; defaults are the standard model of Burda et al. 2015. */
final class ModelOptions {

    @Option(
            names = "--hidden",
            split = ",",
            paramLabel = "W[,W...]",
            defaultValue = "200,200",
            description = "Hidden-layer widths of the encoder (the decoder mirrors them). Default: ${DEFAULT-VALUE}.")
    int[] hidden;

    // 8, not the 50 of the MNIST literature: the default data set, shapes, has a handful of factors
    // (figure, position, size), and a 50-dimensional code left 44 dimensions unused on the first run.
    @Option(
            names = "--latent",
            paramLabel = "D",
            defaultValue = "8",
            description =
                    "Latent dimension (the MNIST literature's standard model uses 50). Default: ${DEFAULT-VALUE}.")
    int latent;

    @Option(
            names = "--activation",
            paramLabel = "NAME",
            defaultValue = "tanh",
            description = "Hidden activation: tanh, relu or softplus. Default: ${DEFAULT-VALUE}.")
    String activation;

    @Option(
            names = "--likelihood",
            paramLabel = "NAME",
            defaultValue = "bernoulli",
            description =
                    "Observation model: bernoulli (data in [0, 1]), gaussian (fixed σ), gaussian-learned (one learned σ),"
                            + " gaussian-per-feature (a learned σ per feature), tabular (a mixed-type CSV: Gaussian, Bernoulli or"
                            + " categorical per column) or categorical (a CSV of categorical columns). Default: ${DEFAULT-VALUE}.")
    String likelihood;

    @Option(
            names = "--gaussian-scale",
            paramLabel = "SIGMA",
            description =
                    "σ of the gaussian likelihood (the initial σ of the learned ones). Default: 0.1; 1 for tabular"
                            + " (numeric columns are standardized).")
    Double gaussianScale;

    @Option(
            names = "--schema",
            paramLabel = "FILE",
            description = "Tabular data: JSON column types overriding the inferred ones,"
                    + " {\"columns\": {\"age\": \"numeric\", \"id\": \"ignore\"}} (numeric, binary, categorical, ignore,"
                    + " or condition: the column a conditional model is conditioned on, as --condition COLUMN).")
    Path schema;

    @Option(
            names = "--architecture",
            paramLabel = "NAME",
            defaultValue = "mlp",
            description =
                    "mlp, or conv for images [H, W] or [H, W, C] (stride-2 convolutions, then --hidden). Default: ${DEFAULT-VALUE}.")
    String architecture;

    @Option(
            names = "--channels",
            split = ",",
            paramLabel = "C[,C...]",
            defaultValue = "32,64",
            description = "Channels of the convolutions of --architecture conv. Default: ${DEFAULT-VALUE}.")
    int[] channels;

    @Option(
            names = "--prior",
            paramLabel = "NAME",
            defaultValue = "normal",
            description =
                    "Prior p(z): normal (N(0, I)) or vamp (VampPrior, Tomczak & Welling 2018). Default: ${DEFAULT-VALUE}.")
    String prior;

    @Option(
            names = "--pseudo-inputs",
            paramLabel = "N",
            defaultValue = "500",
            description = "Learned pseudo-inputs of --prior vamp. Default: ${DEFAULT-VALUE}.")
    int pseudoInputs;

    @Option(
            names = "--condition",
            paramLabel = "SOURCE",
            description = "Train a conditional VAE (one-hot condition fed to encoder and decoder): --condition labels"
                    + " for the dataset's labels, or --condition COLUMN for a column of a CSV table read with --likelihood"
                    + " tabular or categorical (its values are the classes, in sorted order, and it is not modelled).")
    String condition;

    /** The CSV column named by --condition, or null (no condition, or the dataset's labels). */
    String conditionColumn() {
        return condition == null || condition.equals("labels") ? null : condition;
    }

    /** The validated configuration for the training data {@code train} read from {@code source}. */
    VaeConfig toConfig(Dataset train, Path source) {
        return toConfig(train, source, null);
    }

    /** As {@link #toConfig(Dataset, Path)} for a table whose records have the given column groups (or null). */
    VaeConfig toConfig(Dataset train, Path source, TabularLayout columns) {
        return toConfig(train.exampleShape(), conditionClasses(train, source), columns);
    }

    /** The number of condition classes: 0 without --condition, else 1 + the largest training label. */
    private int conditionClasses(Dataset train, Path source) {
        if (condition == null) {
            return 0;
        }
        if (conditionColumn() != null && !likelihood().tabular()) {
            throw new IllegalArgumentException(
                    "--condition " + condition + " names a column of a CSV table, which needs"
                            + " --likelihood tabular or categorical; for a dataset's own labels use --condition labels");
        }
        if (!train.hasLabels()) {
            throw new DataException(
                    source,
                    null,
                    "has no labels, but --condition labels needs them"
                            + " (a folder with train-labels files, or a named dataset with labels such as shapes)");
        }
        int max = -1;
        for (int label : train.labels()) {
            if (label < 0) {
                throw new DataException(
                        source, null, "label " + label + " is negative; labels must be class indices 0, 1, ...");
            }
            max = Math.max(max, label);
        }
        return max + 1;
    }

    /** The parsed --likelihood, checked against --schema (which only a tabular likelihood reads). */
    Likelihood likelihood() {
        Likelihood parsed = Likelihood.parse(likelihood);
        if (schema != null && !parsed.tabular()) {
            throw new IllegalArgumentException(
                    "--schema applies to --likelihood tabular or categorical only; drop it or"
                            + " pass --likelihood tabular");
        }
        return parsed;
    }

    /** The validated configuration for examples of the given shape. */
    VaeConfig toConfig(int[] inputShape, int conditions) {
        return toConfig(inputShape, conditions, null);
    }

    /** The validated configuration for examples of the given shape, with a table's column groups. */
    VaeConfig toConfig(int[] inputShape, int conditions, TabularLayout columns) {
        Likelihood parsed = likelihood();
        return VaeConfig.builder()
                .tabular(columns)
                .conditions(conditions)
                .prior(LatentPrior.parse(prior), pseudoInputs)
                .architecture(Architecture.parse(architecture), channels)
                .inputShape(inputShape)
                .hidden(hidden)
                .latent(latent)
                .activation(Activation.parse(activation))
                .likelihood(parsed)
                .gaussianScale(gaussianScale != null ? gaussianScale : parsed.tabular() ? 1.0 : 0.1)
                .build();
    }
}
