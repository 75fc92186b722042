package io.github.elbo4j.cli;

import io.github.elbo4j.data.Batching;
import io.github.elbo4j.data.Dataset;
import io.github.elbo4j.vae.model.DataCompatibility;
import io.github.elbo4j.vae.model.VaeConfig;
import io.github.elbo4j.vae.run.RunDirectory;
import java.nio.file.Path;
import java.util.Arrays;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * The options of a command that applies a trained run to data: {@code --run}, {@code --data},
 * {@code --data-dir}, {@code --split}. Loading checks that the data fits the model before any work
 * is done or any file is written.
 */
final class RunInput {

    @Mixin
    RunOption run = new RunOption();

    @Option(names = "--data", paramLabel = "DATA", description = "Dataset to use (default: the run's own).")
    String data;

    @Option(names = "--data-dir", paramLabel = "DIR", description = "Where named datasets live.")
    Path dataDir;

    @Option(
            names = "--split",
            paramLabel = "SPLIT",
            defaultValue = "test",
            description = "test, valid or train (test falls back to valid, then train). Default: ${DEFAULT-VALUE}.")
    String split;

    /**
     * The selected records and their indices in the split.
     *
     * @param run the run directory
     * @param config the run's architecture
     * @param selection the split the records come from
     * @param records the records (all of the split, or a seeded random subset)
     * @param indices index in the split of each record
     */
    record Loaded(RunDirectory run, VaeConfig config, RunData.Selection selection, Dataset records, int[] indices) {}

    /** Opens the run and loads the split, all of it. */
    Loaded load() {
        return load(Integer.MAX_VALUE, 0, "--n");
    }

    /**
     * Opens the run and loads at most {@code limit} records of the split (the value of
     * {@code option}): all of them when it has no more, else a random subset drawn from
     * {@code seed}, in the order drawn (some splits are ordered by class, so never the first N).
     */
    Loaded load(int limit, long seed, String option) {
        if (limit < 1) {
            throw new IllegalArgumentException(option + " must be at least 1, got " + limit);
        }
        RunDirectory runDirectory = RunDirectory.open(run.path());
        VaeConfig config = runDirectory.readModelConfig();
        RunData.Selection selection = RunData.load(runDirectory, data, dataDir, split, false);
        Dataset all = selection.dataset();
        DataCompatibility.check(config, all, selection.source());
        int[] indices;
        if (limit >= all.rows()) {
            indices = new int[all.rows()];
            Arrays.setAll(indices, i -> i);
        } else {
            indices = Arrays.copyOf(Batching.permutation(all.rows(), seed, 0), limit);
        }
        Dataset records = indices.length == all.rows() ? all : all.subset(indices);
        return new Loaded(runDirectory, config, selection, records, indices);
    }
}
