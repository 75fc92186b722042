package io.github.elbo4j.cli;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.elbo4j.data.TabularSchema;
import io.github.elbo4j.io.AtomicFiles;
import io.github.elbo4j.report.ClassNames;
import io.github.elbo4j.report.ImageGrid;
import io.github.elbo4j.vae.eval.Generator;
import io.github.elbo4j.vae.model.VaeModel;
import io.github.elbo4j.vae.run.RunDirectory;
import io.github.elbo4j.vae.run.RunLock;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code elbo4j sample}: decodes draws from the prior into an image grid (or a CSV). */
@Command(
        name = "sample",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Generate new records from a trained VAE.",
            "Generate from a trained VAE: z ~ N(0, I), then the mean of p(x|z) — for a conditional model "
                    + "p(x|z, c), with c the --label (default: cycling through the classes). Image data gives a PNG "
                    + "grid; other data a CSV with one sample per row."
        })
final class SampleCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    RunOption run = new RunOption();

    @Option(
            names = "--n",
            paramLabel = "N",
            defaultValue = "64",
            description = "Number of samples. Default: ${DEFAULT-VALUE}.")
    int n;

    @Option(
            names = "--out",
            paramLabel = "FILE",
            description =
                    "Output file (default: RUN/samples.png, or RUN/samples.csv for non-image data; RUN/plots/ holds"
                            + " the report's own).")
    Path out;

    @Mixin
    SeedOption seed = new SeedOption();

    @Option(
            names = "--label",
            paramLabel = "CLASS",
            description =
                    "Conditional models: generate samples of this class, by name (e.g. north, triangle) or number (0 to C-1).")
    String label;

    @Mixin
    CommonOptions common = new CommonOptions();

    @Override
    public Integer call() {
        common.configureEngine();
        RunDirectory runDirectory = RunDirectory.open(run.path());
        Path written;
        int chosen = -1;
        TabularSchema schema = runDirectory.readSchema();
        // Writing into the run (the default does): one writer at a time.
        try (RunLock lock = RunLock.acquireIfInside(
                        runDirectory.root(), "sample", out != null ? out : runDirectory.plotsDirectory());
                NDManager manager = NDManager.newBaseManager();
                VaeModel model = runDirectory.loadModel(manager)) {
            boolean image = model.config().inputShape().length == 2;
            // Not RUN/plots/samples.*, which train and report draw with the run's seed: report would overwrite these.
            Path target = out != null ? out : runDirectory.root().resolve(image ? "samples.png" : "samples.csv");
            CommonOptions.checkOutputFile(target);
            if (label == null) {
                written = writeSamples(model, manager, n, seed.value(), target, schema);
            } else {
                chosen = parseLabel(model.config().conditions(), ClassNames.of(runDirectory));
                if (n < 1) {
                    throw new IllegalArgumentException("--n must be at least 1, got " + n);
                }
                int[] labels = new int[n];
                java.util.Arrays.fill(labels, chosen);
                written = writeRows(
                        Generator.sampleConditional(model, manager, labels, seed.value()),
                        labels,
                        model.config().inputShape(),
                        target,
                        schema);
            }
        }
        ObjectNode json = Output.object();
        json.put("out", written.toString());
        json.put("n", n);
        json.put("seed", seed.value());
        if (label != null) {
            json.put("label", chosen);
        }
        Output.print(spec.commandLine().getOut(), common.json, json, "Wrote " + n + " samples to " + written);
        return 0;
    }

    /**
     * Decodes {@code n} prior samples into {@code target}: a PNG grid for images, else a CSV — for a
     * tabular run ({@code schema} not null) with the column names, numbers in the original units
     * and the most probable labels.
     */
    static Path writeSamples(VaeModel model, NDManager manager, int n, long seed, Path target, TabularSchema schema) {
        return writeRows(
                Generator.samplePrior(model, manager, n, seed),
                Generator.priorLabels(model.config(), n),
                model.config().inputShape(),
                target,
                schema);
    }

    /** The class --label names, by its name or its number. */
    private int parseLabel(int classes, List<String> names) {
        if (classes == 0) {
            throw new IllegalArgumentException("--label " + label + ": the run is not a conditional model"
                    + " (train with --condition labels or --condition COLUMN); drop --label");
        }
        int byName = names.indexOf(label);
        if (byName >= 0 && byName < classes) {
            return byName;
        }
        if (label.matches("-?[0-9]{1,9}")) {
            int number = Integer.parseInt(label);
            if (number >= 0 && number < classes) {
                return number;
            }
        }
        String known = names.size() == classes
                ? String.join(", ", names) + ", or 0 to " + (classes - 1)
                : "0 to " + (classes - 1);
        throw new IllegalArgumentException(
                "--label " + label + ": unknown class; the model has " + classes + " classes: " + known);
    }

    /**
     * Writes decoded rows into {@code target}: a PNG grid for images, else a CSV (decoded by a tabular
     * schema, with each row's class in the condition column when {@code labels} is given).
     */
    static Path writeRows(float[][] samples, int[] labels, int[] shape, Path target, TabularSchema schema) {
        int n = samples.length;
        if (schema != null && !target.toString().endsWith(".png")) {
            float[] flat = new float[n * schema.features()];
            for (int i = 0; i < n; i++) {
                System.arraycopy(samples[i], 0, flat, i * schema.features(), schema.features());
            }
            TabularInput.writeDecoded(target, schema, flat, n, null, labels);
            return target;
        }
        if (target.toString().endsWith(".png")) {
            if (shape.length != 2) {
                throw new IllegalArgumentException(
                        target + ": PNG output needs image data (height × width); use a .csv file");
            }
            int columns = (int) Math.ceil(Math.sqrt(n));
            ImageGrid.write(samples, shape[0], shape[1], columns, 2, target);
        } else {
            StringBuilder csv = new StringBuilder();
            for (int j = 0; j < samples[0].length; j++) {
                csv.append(j == 0 ? "" : ",").append('x').append(j);
            }
            csv.append('\n');
            for (float[] row : samples) {
                for (int j = 0; j < row.length; j++) {
                    csv.append(j == 0 ? "" : ",").append(row[j]);
                }
                csv.append('\n');
            }
            AtomicFiles.writeString(target, csv.toString());
        }
        return target;
    }
}
