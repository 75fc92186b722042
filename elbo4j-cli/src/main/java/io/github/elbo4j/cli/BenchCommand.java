package io.github.elbo4j.cli;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.elbo4j.data.Batching;
import io.github.elbo4j.data.DataLocator;
import io.github.elbo4j.data.DataSource;
import io.github.elbo4j.data.Dataset;
import io.github.elbo4j.data.DatasetCatalog;
import io.github.elbo4j.vae.model.Architecture;
import io.github.elbo4j.vae.model.DataCompatibility;
import io.github.elbo4j.vae.model.LatentPrior;
import io.github.elbo4j.vae.model.Likelihood;
import io.github.elbo4j.vae.model.TabularLayout;
import io.github.elbo4j.vae.model.VaeConfig;
import io.github.elbo4j.vae.model.VaeModel;
import io.github.elbo4j.vae.objective.StepFactory;
import io.github.elbo4j.vae.train.EpochMetrics;
import io.github.elbo4j.vae.train.Trainer;
import io.github.elbo4j.vae.train.TrainingConfig;
import io.github.elbo4j.vae.train.TrainingListener;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code elbo4j bench}: training throughput of a VAE, optionally side by side with the PyTorch
 * reference implementation of the same model on the same data.
 */
@Command(
        name = "bench",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Measure training throughput in samples per second.",
            "Trains with the same step as train, on --threads threads (Adam 1e-3 on the single-sample ELBO), "
                    + "for one warm-up epoch and then --repeats epochs of --steps batches, and prints the median "
                    + "samples/s. Defaults: binarized MNIST, 784-200-200-8 tanh with a Bernoulli decoder, batch 100 "
                    + "(--latent 50 gives the standard model of BENCHMARKS.md). With --pytorch, the reference "
                    + "script trains the same model right after on as many threads, and the ratio is printed."
        })
final class BenchCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(
            names = "--data",
            paramLabel = "DATA",
            defaultValue = "binarized-mnist",
            description = "Default: ${DEFAULT-VALUE}.")
    String data;

    @Option(names = "--data-dir", paramLabel = "DIR", description = "Where named datasets live.")
    Path dataDir;

    @Mixin
    ModelOptions model = new ModelOptions();

    @Option(names = "--batch-size", paramLabel = "B", defaultValue = "100", description = "Default: ${DEFAULT-VALUE}.")
    int batchSize;

    @Option(
            names = "--steps",
            paramLabel = "N",
            defaultValue = "500",
            description = "Measured steps per repeat. Default: ${DEFAULT-VALUE}.")
    int steps;

    @Option(
            names = "--repeats",
            paramLabel = "R",
            defaultValue = "3",
            description = "Measured repeats after one warm-up pass; the median is reported. Default: ${DEFAULT-VALUE}.")
    int repeats;

    @Option(
            names = "--pytorch",
            paramLabel = "SCRIPT",
            description =
                    "Also run this PyTorch reference script (elbo4j-bench/python/reference_vae.py) with the same settings.")
    Path pytorchScript;

    @Option(
            names = "--python",
            paramLabel = "EXE",
            defaultValue = "/usr/bin/python3",
            description = "Interpreter with torch for --pytorch. Default: ${DEFAULT-VALUE}.")
    String python;

    @Mixin
    ThreadOptions parallel = new ThreadOptions();

    @Mixin
    CommonOptions common = new CommonOptions();

    @Override
    public Integer call() throws IOException, InterruptedException {
        common.configureEngine();
        int threads = parallel.count();
        if (steps < 1 || repeats < 1) {
            throw new IllegalArgumentException("--steps and --repeats must be at least 1");
        }
        Dataset train;
        VaeConfig config;
        if (model.likelihood().tabular()) {
            // A CSV table, its schema inferred and fitted as train does.
            TabularInput.Prepared prepared =
                    TabularInput.fit(data, model.schema, model.likelihood(), model.conditionColumn());
            train = prepared.splits().train();
            config = model.toConfig(train, Path.of(data), TabularLayout.of(prepared.schema()));
        } else {
            train = DataSource.load(data, dataDir, false).train();
            config = model.toConfig(train, Path.of(data));
        }
        DataCompatibility.check(config, train, Path.of(data));
        TrainingConfig training = new TrainingConfig(1 + repeats, batchSize, 1e-3, 0);
        int intraOp = ThreadOptions.intraOpThreads(
                StepFactory.trainingBackend(config, training.objective(), batchSize) == StepFactory.Backend.FUSED,
                threads);
        CommonOptions.setIntraOpThreads(intraOp);
        int rows = Math.min(train.rows(), steps * batchSize);
        Dataset subset = train.subset(Arrays.copyOf(Batching.permutation(train.rows(), 0, 0), rows));
        List<Double> rates = new ArrayList<>();
        TrainingListener recorder = new TrainingListener() {
            @Override
            public void onEpoch(EpochMetrics m) {
                if (m.epoch() > 1) {
                    rates.add(m.samplesPerS());
                }
            }
        };
        try (NDManager manager = NDManager.newBaseManager();
                VaeModel vae = VaeModel.initialize(config, manager, 0)) {
            new Trainer(training, recorder, ThreadOptions.workers(threads, intraOp))
                    .train(vae, subset, null, null, null);
        }
        double elbo4j = median(rates);
        ObjectNode json = Output.object();
        json.put("model", config.toString());
        json.put("batch_size", batchSize);
        json.put("elbo4j_threads", threads);
        json.put("pytorch_threads", threads);
        json.put("steps", rows / batchSize);
        json.put("elbo4j_samples_per_s", elbo4j);
        json.put("engine", Versions.engine());
        StringBuilder human = new StringBuilder(String.format(
                "%s, batch %d%n  elbo4j   %10.0f samples/s (median of %d, %d threads)",
                config, batchSize, elbo4j, repeats, threads));
        if (pytorchScript != null) {
            JsonNode reference = runReference(threads, config);
            double torch = reference.path("samples_per_s").asDouble();
            json.put("pytorch_samples_per_s", torch);
            json.put("pytorch_version", reference.path("torch_version").asText());
            json.put("ratio", elbo4j / torch);
            human.append(String.format(
                    "%n  PyTorch  %10.0f samples/s (torch %s, %d threads)%n  ratio    %10.2f×",
                    torch, reference.path("torch_version").asText(), threads, elbo4j / torch));
        }
        Output.print(spec.commandLine().getOut(), common.json, json, human.toString());
        return 0;
    }

    private JsonNode runReference(int threads, VaeConfig config) throws IOException, InterruptedException {
        Path dataFolder = DatasetCatalog.builtIn()
                .find(data)
                .flatMap(info -> DataLocator.fromEnvironment(dataDir).locate(info))
                .orElse(Path.of(data));
        List<String> command = new ArrayList<>(List.of(
                python,
                pytorchScript.toString(),
                "bench",
                "--data",
                dataFolder.toString(),
                "--steps",
                Integer.toString(steps * repeats),
                "--batch-size",
                Integer.toString(batchSize),
                "--threads",
                Integer.toString(threads),
                "--hidden",
                String.join(
                        ",",
                        Arrays.stream(config.hidden())
                                .mapToObj(Integer::toString)
                                .toList()),
                "--latent",
                Integer.toString(config.latent()),
                "--activation",
                config.activation().id(),
                "--json"));
        if (config.architecture() == Architecture.CONV) {
            command.addAll(List.of(
                    "--architecture",
                    config.architecture().id(),
                    "--channels",
                    String.join(
                            ",",
                            Arrays.stream(config.channels())
                                    .mapToObj(Integer::toString)
                                    .toList())));
        }
        if (config.prior() == LatentPrior.VAMP) {
            command.addAll(List.of("--prior", "vamp", "--pseudo-inputs", Integer.toString(config.pseudoInputs())));
        }
        // The model families beyond the standard one: the reference builds the same network.
        if (config.likelihood() != Likelihood.BERNOULLI) {
            command.addAll(List.of(
                    "--likelihood",
                    config.likelihood().id(),
                    "--gaussian-scale",
                    Double.toString(config.gaussianScale())));
        }
        if (model.condition != null) {
            command.addAll(List.of("--condition", model.condition));
        }
        Process process = new ProcessBuilder(command)
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (process.waitFor() != 0) {
            throw new IllegalStateException("the PyTorch reference failed: " + String.join(" ", command));
        }
        String last = output.strip().lines().reduce((a, b) -> b).orElse("{}");
        return new ObjectMapper().readTree(last);
    }

    private static double median(List<Double> values) {
        List<Double> sorted = values.stream().sorted().toList();
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }
}
