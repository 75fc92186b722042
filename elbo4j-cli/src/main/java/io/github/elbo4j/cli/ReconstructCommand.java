package io.github.elbo4j.cli;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.elbo4j.data.TabularSchema;
import io.github.elbo4j.report.ImageGrid;
import io.github.elbo4j.vae.eval.LatentSpace;
import io.github.elbo4j.vae.model.Tensor;
import io.github.elbo4j.vae.model.VaeModel;
import io.github.elbo4j.vae.run.RunLock;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code elbo4j reconstruct}: records next to their reconstructions. */
@Command(
        name = "reconstruct",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Reconstruct records through a trained VAE.",
            "Reconstruct records through a trained VAE: x → μ(x), the mean of q(z|x) → the mean of p(x|z = "
                    + "μ(x)). Writes the reconstructions (CSV or NPY, one row per record, with the record's index in "
                    + "the split) and, for image data, a PNG grid of input rows over reconstruction rows. A tabular "
                    + "run's CSV has its columns in the original units and labels (the most probable category); its "
                    + "NPY holds the encoded means (standardized numbers, probabilities)."
        })
final class ReconstructCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    RunInput input = new RunInput();

    @Option(
            names = "--n",
            paramLabel = "N",
            defaultValue = "64",
            description =
                    "Records to reconstruct: a seeded random subset of the split (all when it has fewer). Default: ${DEFAULT-VALUE}.")
    int n;

    @Option(
            names = "--out",
            paramLabel = "FILE",
            description = "Reconstructions: .csv (with an index column), .npz (arrays reconstruction and index) or,"
                    + " for the whole split in order, .npy. Default: RUN/reconstructions.csv.")
    Path out;

    @Option(
            names = "--png",
            paramLabel = "FILE",
            description = "Grid of inputs over reconstructions, image data only (default: RUN/reconstructions.png;"
                    + " RUN/plots/ holds the report's own).")
    Path png;

    @Option(
            names = "--columns",
            paramLabel = "C",
            defaultValue = "8",
            description = "Images per grid row. Default: ${DEFAULT-VALUE}.")
    int columns;

    @Option(
            names = "--seed",
            paramLabel = "SEED",
            defaultValue = "0",
            description = "Seed of the subset. Default: ${DEFAULT-VALUE}.")
    long seed;

    @Mixin
    CommonOptions common = new CommonOptions();

    @Override
    public Integer call() {
        common.configureEngine();
        if (columns < 1) {
            throw new IllegalArgumentException("--columns must be at least 1, got " + columns);
        }
        RunInput.Loaded loaded = input.load(n, seed, "--n");
        int[] shape = loaded.config().inputShape();
        boolean image = shape.length == 2;
        Path target = out != null ? out : loaded.run().root().resolve("reconstructions.csv");
        String format = ArrayFiles.format(target, "--out", "csv", "npz", "npy");
        if (png != null && !image) {
            throw new IllegalArgumentException("--png " + png + ": the run's records are not images (shape "
                    + java.util.Arrays.toString(shape) + "); drop --png");
        }
        if (format.equals("npy")) {
            ArrayFiles.requireWholeSplit(target, loaded.indices());
        }
        // Not RUN/plots/reconstructions.png: report redraws that one, and would overwrite this grid.
        Path grid = png != null ? png : image ? loaded.run().root().resolve("reconstructions.png") : null;
        if (grid != null) {
            ArrayFiles.format(grid, "--png", "png");
        }
        int rows = loaded.records().rows();
        int features = loaded.records().features();
        float[] reconstructions;
        try (NDManager manager = NDManager.newBaseManager();
                VaeModel model = loaded.run().loadModel(manager);
                Progress progress = new Progress("reconstruct", "records")) {
            reconstructions = new LatentSpace(model, manager).reconstruct(loaded.records(), progress);
        }
        // Writing into the run (the defaults do): one writer at a time.
        try (RunLock lock = RunLock.acquireIfInside(loaded.run().root(), "reconstruct", target, grid)) {
            TabularSchema schema = loaded.run().readSchema();
            if (schema != null && format.equals("csv")) {
                TabularInput.writeDecoded(
                        target,
                        schema,
                        reconstructions,
                        rows,
                        loaded.indices(),
                        loaded.records().labels());
            } else if (format.equals("npy")) {
                ArrayFiles.writeNpy(target, new long[] {rows, features}, reconstructions);
            } else if (format.equals("npz")) {
                ArrayFiles.writeNpz(
                        target,
                        Map.of("reconstruction", new Tensor(new long[] {rows, features}, reconstructions)),
                        loaded.indices());
            } else {
                List<String> header = new ArrayList<>(List.of("index"));
                for (int j = 0; j < features; j++) {
                    header.add("x" + j);
                }
                List<double[]> lines = new ArrayList<>(rows);
                for (int i = 0; i < rows; i++) {
                    double[] line = new double[features + 1];
                    line[0] = loaded.indices()[i];
                    for (int j = 0; j < features; j++) {
                        line[j + 1] = reconstructions[i * features + j];
                    }
                    lines.add(line);
                }
                ArrayFiles.writeCsv(target, header, lines);
            }
            if (grid != null) {
                ImageGrid.write(
                        interleave(loaded.records().values(), reconstructions, rows, features, columns),
                        shape[0],
                        shape[1],
                        columns,
                        2,
                        grid);
            }
        }
        ObjectNode json = Output.object();
        json.put("run", loaded.run().root().toString());
        json.put("split", loaded.selection().split());
        json.put("n", rows);
        json.put("out", target.toString());
        if (grid != null) {
            json.put("png", grid.toString());
        }
        json.put("method", "mean of p(x|z) at z = mean of q(z|x)");
        Output.print(
                spec.commandLine().getOut(),
                common.json,
                json,
                "Reconstructed " + rows + " " + loaded.selection().split() + " records: " + target
                        + (grid != null ? "\nGrid: " + grid : ""));
        return 0;
    }

    /** Rows of {@code columns} inputs, each followed by the row of their reconstructions. */
    static float[][] interleave(float[] inputs, float[] reconstructions, int rows, int features, int columns) {
        List<float[]> images = new ArrayList<>();
        for (int start = 0; start < rows; start += columns) {
            for (float[] source : new float[][] {inputs, reconstructions}) {
                for (int c = 0; c < columns; c++) {
                    int i = start + c;
                    float[] image = new float[features];
                    if (i < rows) {
                        System.arraycopy(source, i * features, image, 0, features);
                    }
                    images.add(image);
                }
            }
        }
        return images.toArray(new float[0][]);
    }
}
