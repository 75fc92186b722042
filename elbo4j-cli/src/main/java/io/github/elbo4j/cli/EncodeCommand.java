package io.github.elbo4j.cli;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.elbo4j.vae.eval.LatentSpace;
import io.github.elbo4j.vae.model.Tensor;
import io.github.elbo4j.vae.model.VaeModel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code elbo4j encode}: the posterior mean and log-variance of every record. */
@Command(
        name = "encode",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Encode records into the parameters of q(z|x).",
            "Encode records with a trained VAE: the mean μ(x) and log-variance log σ²(x) of q(z|x) = N(μ, "
                    + "diag σ²) per record. CSV: index, mu_0..mu_{D-1}, log_var_0..log_var_{D-1}; NPZ: arrays mean and "
                    + "log_var of shape [N, D] and index (int64); NPY: one array [N, 2, D] ([:, 0] the mean, [:, 1] the "
                    + "log-variance)."
        })
final class EncodeCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    RunInput input = new RunInput();

    @Option(names = "--out", paramLabel = "FILE", description = ".csv, .npz or .npy (default: RUN/encodings.csv).")
    Path out;

    @Mixin
    CommonOptions common = new CommonOptions();

    @Override
    public Integer call() {
        common.configureEngine();
        RunInput.Loaded loaded = input.load();
        Path target = out != null ? out : loaded.run().root().resolve("encodings.csv");
        String format = ArrayFiles.format(target, "--out", "csv", "npz", "npy");
        LatentSpace.Encodings e;
        try (NDManager manager = NDManager.newBaseManager();
                VaeModel model = loaded.run().loadModel(manager);
                Progress progress = new Progress("encode", "records")) {
            e = new LatentSpace(model, manager).encode(loaded.records(), progress);
        }
        int n = e.rows();
        int d = e.latent();
        switch (format) {
            case "npy" -> {
                float[] both = new float[n * 2 * d];
                for (int i = 0; i < n; i++) {
                    System.arraycopy(e.mean(), i * d, both, 2 * i * d, d);
                    System.arraycopy(e.logVariance(), i * d, both, (2 * i + 1) * d, d);
                }
                ArrayFiles.writeNpy(target, new long[] {n, 2, d}, both);
            }
            case "npz" -> {
                Map<String, Tensor> arrays = new LinkedHashMap<>();
                arrays.put("mean", new Tensor(new long[] {n, d}, e.mean()));
                arrays.put("log_var", new Tensor(new long[] {n, d}, e.logVariance()));
                ArrayFiles.writeNpz(target, arrays, loaded.indices());
            }
            default -> {
                List<String> header = new ArrayList<>(List.of("index"));
                for (int j = 0; j < d; j++) {
                    header.add("mu_" + j);
                }
                for (int j = 0; j < d; j++) {
                    header.add("log_var_" + j);
                }
                List<double[]> rows = new ArrayList<>(n);
                for (int i = 0; i < n; i++) {
                    double[] row = new double[1 + 2 * d];
                    row[0] = loaded.indices()[i];
                    for (int j = 0; j < d; j++) {
                        row[1 + j] = e.mean()[i * d + j];
                        row[1 + d + j] = e.logVariance()[i * d + j];
                    }
                    rows.add(row);
                }
                ArrayFiles.writeCsv(target, header, rows);
            }
        }
        ObjectNode json = Output.object();
        json.put("run", loaded.run().root().toString());
        json.put("split", loaded.selection().split());
        json.put("n", n);
        json.put("latent", d);
        json.put("out", target.toString());
        json.put("scale_parameter", "log_var (log σ²)");
        Output.print(
                spec.commandLine().getOut(),
                common.json,
                json,
                "Encoded " + n + " " + loaded.selection().split() + " records (" + d
                        + " latent dimensions, mean and log σ²): " + target);
        return 0;
    }
}
