package io.github.elbo4j.cli;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.elbo4j.report.ImageGrid;
import io.github.elbo4j.vae.eval.LatentSpace;
import io.github.elbo4j.vae.model.VaeModel;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code elbo4j interpolate}: decoded paths between the codes of two records. */
@Command(
        name = "interpolate",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Decode a path through latent space between two records.",
            "Interpolate between two records in latent space: from z_a = μ(a) to z_b = μ(b) (posterior "
                    + "means), linearly, (1 − t) z_a + t z_b, and spherically (slerp, which keeps the norm typical of "
                    + "prior samples), decoding each point to the mean of p(x|z). Writes an NPY of the decoded strips "
                    + "[methods, steps, features] and, for image data, a PNG with one strip per method."
        })
final class InterpolateCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    RunInput input = new RunInput();

    @Option(
            names = "--from",
            paramLabel = "I",
            defaultValue = "0",
            description = "Index of the first record in the split. Default: ${DEFAULT-VALUE}.")
    int from;

    @Option(
            names = "--to",
            paramLabel = "J",
            defaultValue = "1",
            description = "Index of the second record in the split. Default: ${DEFAULT-VALUE}.")
    int to;

    @Option(
            names = "--steps",
            paramLabel = "S",
            defaultValue = "10",
            description = "Points on each path, endpoints included. Default: ${DEFAULT-VALUE}.")
    int steps;

    @Option(
            names = "--method",
            paramLabel = "M",
            defaultValue = "both",
            description = "linear, spherical or both (one strip each). Default: ${DEFAULT-VALUE}.")
    String method;

    @Option(
            names = "--out",
            paramLabel = "FILE",
            description = "Decoded strips, .npy (default: RUN/interpolation.npy).")
    Path out;

    @Option(
            names = "--png",
            paramLabel = "FILE",
            description = "Strips as a PNG, image data only (default: RUN/plots/interpolation.png).")
    Path png;

    @Mixin
    CommonOptions common = new CommonOptions();

    @Override
    public Integer call() {
        common.configureEngine();
        List<Boolean> spherical = switch (method.toLowerCase(Locale.ROOT)) {
            case "linear" -> List.of(false);
            case "spherical" -> List.of(true);
            case "both" -> List.of(false, true);
            default ->
                throw new IllegalArgumentException("--method must be linear, spherical or both, got '" + method + "'");
        };
        if (steps < 2) {
            throw new IllegalArgumentException("--steps must be at least 2 (the two endpoints), got " + steps);
        }
        RunInput.Loaded loaded = input.load();
        int rows = loaded.records().rows();
        for (int index : new int[] {from, to}) {
            if (index < 0 || index >= rows) {
                throw new IllegalArgumentException("--from/--to " + index + " is not a record of the "
                        + loaded.selection().split() + " split of "
                        + loaded.selection().source() + ", which has "
                        + rows + " records (0 to " + (rows - 1) + ")");
            }
        }
        int[] shape = loaded.config().inputShape();
        boolean image = shape.length == 2;
        Path target = out != null ? out : loaded.run().root().resolve("interpolation.npy");
        ArrayFiles.format(target, "--out", "npy");
        if (png != null && !image) {
            throw new IllegalArgumentException("--png " + png + ": the run's records are not images (shape "
                    + Arrays.toString(shape) + "); drop --png");
        }
        Path strip = png != null ? png : image ? loaded.run().plotsDirectory().resolve("interpolation.png") : null;
        if (strip != null) {
            ArrayFiles.format(strip, "--png", "png");
        }
        int features = loaded.records().features();
        float[] decoded = new float[spherical.size() * steps * features];
        try (NDManager manager = NDManager.newBaseManager();
                VaeModel model = loaded.run().loadModel(manager)) {
            LatentSpace latents = new LatentSpace(model, manager);
            for (int m = 0; m < spherical.size(); m++) {
                // A conditional model encodes each record given its label and decodes along both paths.
                int[] labels = loaded.config().conditional() ? loaded.records().labels() : null;
                LatentSpace.Interpolation path = latents.interpolate(
                        loaded.records().row(from),
                        labels == null ? -1 : labels[from],
                        loaded.records().row(to),
                        labels == null ? -1 : labels[to],
                        steps,
                        spherical.get(m));
                System.arraycopy(path.decoded(), 0, decoded, m * steps * features, steps * features);
            }
        }
        ArrayFiles.writeNpy(target, new long[] {spherical.size(), steps, features}, decoded);
        if (strip != null) {
            float[][] images = new float[spherical.size() * steps][];
            for (int i = 0; i < images.length; i++) {
                images[i] = Arrays.copyOfRange(decoded, i * features, (i + 1) * features);
            }
            ImageGrid.write(images, shape[0], shape[1], steps, 2, strip);
        }
        ObjectNode json = Output.object();
        json.put("run", loaded.run().root().toString());
        json.put("split", loaded.selection().split());
        json.put("from", from);
        json.put("to", to);
        json.put("steps", steps);
        json.putArray("methods")
                .addAll(spherical.stream()
                        .map(s -> json.textNode(s ? "spherical" : "linear"))
                        .toList());
        json.put("out", target.toString());
        if (strip != null) {
            json.put("png", strip.toString());
        }
        Output.print(
                spec.commandLine().getOut(),
                common.json,
                json,
                "Interpolated records " + from + " → " + to + " (" + method + ", " + steps + " steps): " + target
                        + (strip != null ? "\nStrip: " + strip : ""));
        return 0;
    }
}
