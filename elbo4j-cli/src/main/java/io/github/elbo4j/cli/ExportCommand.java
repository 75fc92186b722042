package io.github.elbo4j.cli;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.elbo4j.io.AtomicFiles;
import io.github.elbo4j.vae.model.Tensor;
import io.github.elbo4j.vae.model.VaeModel;
import io.github.elbo4j.vae.run.NpzWriter;
import io.github.elbo4j.vae.run.RunDirectory;
import io.github.elbo4j.vae.run.RunLock;
import io.github.elbo4j.vae.run.Safetensors;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code elbo4j export}: writes a run's weights for NumPy or PyTorch. */
@Command(
        name = "export",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Export a trained model's weights (safetensors or NumPy).",
            "Export a trained model's weights as safetensors or NumPy .npz, with the names of model.json "
                    + "([out, in] layout like torch.nn.Linear), e.g. numpy.load('model.npz')['encoder.loc.weight']."
        })
final class ExportCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    RunOption run = new RunOption();

    @Option(
            names = "--format",
            paramLabel = "FORMAT",
            defaultValue = "npz",
            description = "npz or safetensors. Default: ${DEFAULT-VALUE}.")
    String format;

    @Option(
            names = "--out",
            paramLabel = "FILE",
            description =
                    "Output file, named .npz or .safetensors as --format (default: RUN/model.npz or RUN/export.safetensors).")
    Path out;

    @Mixin
    CommonOptions common = new CommonOptions();

    @Override
    public Integer call() {
        common.configureEngine();
        if (!format.equals("npz") && !format.equals("safetensors")) {
            throw new IllegalArgumentException("--format must be npz or safetensors, got '" + format + "'");
        }
        RunDirectory runDirectory = RunDirectory.open(run.path());
        // The default never lands on the run's own model.safetensors, which the run reads back.
        Path target =
                out != null ? out : runDirectory.root().resolve((format.equals("npz") ? "model." : "export.") + format);
        CommonOptions.checkOutputFile(target);
        ArrayFiles.format(target, "--out", format);
        Map<String, Tensor> weights;
        // The default target lies inside the run: one writer at a time.
        try (RunLock lock = RunLock.acquireIfInside(runDirectory.root(), "export", target)) {
            try (NDManager manager = NDManager.newBaseManager();
                    VaeModel model = runDirectory.loadModel(manager)) {
                weights = model.namedWeights();
            }
            if (format.equals("npz")) {
                AtomicFiles.write(target, NpzWriter.encode(weights));
            } else {
                Safetensors.write(target, weights, Map.of("format", "elbo4j-vae"));
            }
        }
        ObjectNode json = Output.object();
        json.put("out", target.toString());
        json.put("format", format);
        json.put("tensors", weights.size());
        Output.print(
                spec.commandLine().getOut(), common.json, json, "Wrote " + weights.size() + " tensors to " + target);
        return 0;
    }
}
