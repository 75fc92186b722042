package io.github.elbo4j.cli;

import io.github.elbo4j.data.DataSource;
import io.github.elbo4j.data.Dataset;
import io.github.elbo4j.data.DatasetSplits;
import io.github.elbo4j.data.TabularSchema;
import io.github.elbo4j.vae.run.RunDirectory;
import io.github.elbo4j.vae.run.RunManifest;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Resolves the data a command over an existing run reads: {@code --data} or the run's own. */
final class RunData {

    private RunData() {}

    /**
     * Where the data came from, for messages, and the chosen split.
     *
     * @param split test, valid, train, or all (data given with --data that is not split)
     * @param changedData a one-line warning when the run's own data no longer has the fingerprints
     *     recorded in its {@code config.json}, else null
     */
    record Selection(Path source, Dataset dataset, String split, String changedData) {}

    /**
     * Loads {@code spec} (or, when null, the dataset the run was trained on) and picks
     * {@code split}: test, valid or train; "test" falls back to valid, then train, when absent. The
     * CSV tables of a tabular run are encoded with its {@code schema.json} (an unseen category is
     * bad input).
     */
    static Selection load(RunDirectory run, String spec, Path dataDir, String split, boolean allowDownload) {
        String resolvedSpec = spec;
        Path resolvedDir = dataDir;
        RunManifest manifest = run.manifest();
        RunManifest.Data saved = manifest.data();
        if (resolvedSpec == null) {
            resolvedSpec = saved.spec();
            if (resolvedSpec.isEmpty()) {
                throw new IllegalArgumentException(run.configFile() + ": records no dataset; pass --data");
            }
            if (resolvedDir == null && !saved.dataDir().isEmpty()) {
                resolvedDir = Path.of(saved.dataDir());
            }
        }
        // A tabular run encodes its CSV tables with the schema fitted at training time.
        TabularSchema schema = run.readSchema();
        DatasetSplits splits = schema != null
                ? TabularInput.load(resolvedSpec, schema)
                : DataSource.load(resolvedSpec, resolvedDir, allowDownload);
        if (spec == null && saved.validFraction() != null) {
            // The run's own data: its validation records are the ones train held out.
            splits = Holdout.apply(
                    splits, saved.validFraction(), manifest.training().seed(), resolvedSpec);
        }
        String wanted = split.toLowerCase(Locale.ROOT);
        Dataset chosen = switch (wanted) {
            case "test" -> splits.evaluationSplit();
            case "valid" -> require(splits.valid(), resolvedSpec, "valid");
            case "train" -> splits.train();
            default -> throw new IllegalArgumentException("--split must be test, valid or train, got '" + split + "'");
        };
        List<String> changed = spec == null ? changedSplits(manifest, splits) : List.of();
        String warning = changed.isEmpty()
                ? null
                : "elbo4j: warning: " + run.configFile() + ": the " + String.join(", ", changed) + " split of "
                        + resolvedSpec + " differs from the data the run was trained on (fingerprint changed)";
        // Data given with --data that is not split (a single file) is no training split: "all" of it.
        boolean unsplit = spec != null && splits.valid() == null && splits.test() == null;
        return new Selection(Path.of(resolvedSpec), chosen, unsplit ? "all" : splitName(splits, chosen), warning);
    }

    /**
     * The splits (train, valid, test) whose fingerprint differs from the one recorded in the run's
     * {@code manifest} (a split the run did not record, or data that lacks it, is not compared).
     */
    static List<String> changedSplits(RunManifest manifest, DatasetSplits splits) {
        List<String> changed = new ArrayList<>();
        Map<String, Dataset> byName = new LinkedHashMap<>();
        byName.put("train", splits.train());
        byName.put("valid", splits.valid());
        byName.put("test", splits.test());
        byName.forEach((name, split) -> {
            RunManifest.Split recorded = manifest.data().split(name);
            if (split != null
                    && recorded != null
                    && recorded.fingerprint() != null
                    && !recorded.fingerprint().equals(split.fingerprint())) {
                changed.add(name);
            }
        });
        return changed;
    }

    /** The name of {@code chosen} among {@code splits}: test, valid or train. */
    static String splitName(DatasetSplits splits, Dataset chosen) {
        return chosen == splits.test() ? "test" : chosen == splits.valid() ? "valid" : "train";
    }

    /** How a message names the records of {@code selection}: "test records", "all 120 records of x.csv". */
    static String describe(Selection selection, int records) {
        return selection.split().equals("all")
                ? "all " + records + " records of " + selection.source().getFileName()
                : records + " " + selection.split() + " records";
    }

    private static Dataset require(Dataset split, String spec, String name) {
        if (split == null) {
            throw new IllegalArgumentException(spec + ": has no " + name + " split");
        }
        return split;
    }
}
