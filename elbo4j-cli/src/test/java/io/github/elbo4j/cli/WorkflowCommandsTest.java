package io.github.elbo4j.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.elbo4j.data.Dataset;
import io.github.elbo4j.data.NpyReader;
import io.github.elbo4j.data.Shapes;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The objective options of {@code train} and the workflow commands {@code diagnose}, {@code score},
 * {@code reconstruct}, {@code encode} and {@code interpolate}, end to end on small shapes data.
 */
class WorkflowCommandsTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path dir;

    private static Path data;
    /** A healthy run trained with a linear KL warm-up over 4 epochs. */
    private static Path healthy;
    /** A run made to collapse with β = 50. */
    private static Path collapsed;

    @BeforeAll
    static void trainTwoRuns() throws IOException {
        data = TestData.shapesFolder(dir.resolve("data"));
        healthy = dir.resolve("healthy");
        CliRunner.Result h = CliRunner.run(
                "train",
                "--data",
                data.toString(),
                "--out",
                healthy.toString(),
                "--epochs",
                "8",
                "--hidden",
                "64",
                "--latent",
                "8",
                "--batch-size",
                "50",
                "--lr",
                "3e-3",
                "--kl-schedule",
                "linear:4");
        assertThat(h.exitCode()).as(h.err()).isZero();
        collapsed = dir.resolve("collapsed");
        CliRunner.Result c = CliRunner.run(
                "train",
                "--data",
                data.toString(),
                "--out",
                collapsed.toString(),
                "--epochs",
                "8",
                "--hidden",
                "64",
                "--latent",
                "8",
                "--batch-size",
                "50",
                "--lr",
                "3e-3",
                "--beta",
                "50");
        assertThat(c.exitCode()).as(c.err()).isZero();
    }

    @Test
    void annealingShowsInTheBetaColumnAndTheObjectiveIsRecorded() throws IOException {
        List<String> rows = Files.readAllLines(healthy.resolve("metrics.jsonl"));
        double[] expected = {0.25, 0.5, 0.75, 1, 1, 1, 1, 1};
        for (int i = 0; i < rows.size(); i++) {
            assertThat(JSON.readTree(rows.get(i)).path("beta").asDouble())
                    .as("epoch %d", i + 1)
                    .isEqualTo(expected[i]);
        }
        JsonNode training =
                JSON.readTree(healthy.resolve("config.json").toFile()).path("training");
        assertThat(training.path("objective").asText()).isEqualTo("elbo");
        assertThat(training.path("kl_schedule").asText()).isEqualTo("linear:4");
        assertThat(training.path("beta").asDouble()).isEqualTo(1.0);
        assertThat(training.path("free_bits").asDouble()).isEqualTo(0.0);
        assertThat(training.path("reported_elbo").asText()).contains("beta = 1, no free bits");
        assertThat(JSON.readTree(Files.readAllLines(collapsed.resolve("metrics.jsonl"))
                                .get(0))
                        .path("beta")
                        .asDouble())
                .isEqualTo(50.0);
    }

    @Test
    void aResumedAnnealedRunContinuesItsSchedule() throws IOException {
        Path run = dir.resolve("annealed");
        assertThat(CliRunner.run(
                                "train",
                                "--data",
                                data.toString(),
                                "--out",
                                run.toString(),
                                "--epochs",
                                "2",
                                "--hidden",
                                "16",
                                "--latent",
                                "2",
                                "--kl-schedule",
                                "cyclical:2",
                                "--beta",
                                "2")
                        .exitCode())
                .isZero();
        CliRunner.Result changed = CliRunner.run("train", "--resume", run.toString(), "--epochs", "4", "--beta", "3");
        assertThat(changed.exitCode()).isEqualTo(2);
        assertThat(changed.err()).contains("cannot change on --resume");
        CliRunner.Result r = CliRunner.run("train", "--resume", run.toString(), "--epochs", "4", "--json");
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.json().path("objective").asText()).isEqualTo("elbo beta=2.0 kl_schedule=cyclical:2 free_bits=0.0");
        List<String> rows = Files.readAllLines(run.resolve("metrics.jsonl"));
        assertThat(rows).hasSize(4);
        // Cycles of 2 epochs: the ramp ends half-way through the first epoch, so every epoch ends at β.
        for (String row : rows) {
            assertThat(JSON.readTree(row).path("beta").asDouble()).isEqualTo(2.0);
        }
    }

    @Test
    void iwaeObjectiveTrainsAndIsRecorded() throws IOException {
        Path run = dir.resolve("iwae");
        CliRunner.Result r = CliRunner.run(
                "train",
                "--data",
                data.toString(),
                "--out",
                run.toString(),
                "--epochs",
                "1",
                "--hidden",
                "16",
                "--latent",
                "2",
                "--objective",
                "iwae",
                "--iwae-k",
                "3",
                "--iwae-gradient",
                "dreg",
                "--json");
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.json().path("elbo").asDouble()).isNegative();
        JsonNode training = JSON.readTree(run.resolve("config.json").toFile()).path("training");
        assertThat(training.path("objective").asText()).isEqualTo("iwae");
        assertThat(training.path("iwae_k").asInt()).isEqualTo(3);
        assertThat(training.path("iwae_gradient").asText()).isEqualTo("dreg");
        assertThat(r.json().path("objective").asText()).startsWith("iwae k=3 gradient=dreg");
        // Judged on its own validation bound: the IWAE-3 bound, recorded per epoch and in the report.
        assertThat(r.json().path("validation").asText()).isEqualTo("IWAE-3 bound");
        JsonNode row =
                JSON.readTree(Files.readAllLines(run.resolve("metrics.jsonl")).get(0));
        assertThat(row.path("valid_iwae").asDouble())
                .isEqualTo(r.json().path("best_validation").asDouble())
                .isGreaterThan(row.path("valid_elbo").asDouble());
        assertThat(Files.readString(run.resolve("report.html"))).contains("IWAE bound (validation)");
    }

    @Test
    void aVampPriorRunIsSavedLoadedEvaluatedDiagnosedAndSampled() throws IOException {
        Path run = trainTinyAndEvaluate("vamp", "--prior", "vamp", "--pseudo-inputs", "10");
        JsonNode model = JSON.readTree(run.resolve("model.json").toFile());
        assertThat(model.path("prior").asText()).isEqualTo("vamp");
        assertThat(model.path("pseudo_inputs").asInt()).isEqualTo(10);
        CliRunner.Result diagnose = CliRunner.run("diagnose", "--run", run.toString(), "--json");
        assertThat(diagnose.exitCode()).as(diagnose.err()).isZero();
        assertThat(diagnose.json().path("kl_per_dim").get(0).isNull()).isTrue();
        assertThat(diagnose.json().path("kl").asDouble()).isPositive();
        assertThat(CliRunner.run("sample", "--run", run.toString(), "--n", "4").exitCode())
                .isZero();
        assertThat(CliRunner.run("score", "--run", run.toString(), "--k", "5").exitCode())
                .isZero();
    }

    @Test
    void aConvolutionalRunIsSavedLoadedEvaluatedAndSampled() throws IOException {
        Path run = trainTinyAndEvaluate("conv", "--architecture", "conv", "--channels", "4,8");
        JsonNode model = JSON.readTree(run.resolve("model.json").toFile());
        assertThat(model.path("architecture").asText()).isEqualTo("conv");
        assertThat(model.path("weights").get(0).path("name").asText()).isEqualTo("encoder.conv.0.weight");
        assertThat(run.resolve("plots/samples.png")).isRegularFile();
        assertThat(CliRunner.run("reconstruct", "--run", run.toString(), "--n", "4")
                        .exitCode())
                .isZero();
    }

    @Test
    void aLearnedPerFeatureScaleIsSavedLoadedAndEvaluated() throws IOException {
        Path run = trainTinyAndEvaluate(
                "learned-scale", "--likelihood", "gaussian-per-feature", "--gaussian-scale", "0.5");
        JsonNode model = JSON.readTree(run.resolve("model.json").toFile());
        assertThat(model.path("likelihood").asText()).isEqualTo("gaussian-per-feature");
        JsonNode last = model.path("weights").get(model.path("weights").size() - 1);
        assertThat(last.path("name").asText()).isEqualTo("decoder.log_scale");
        assertThat(last.path("shape").get(0).asInt()).isEqualTo(784);
    }

    /**
     * Trains a tiny model for 2 epochs with {@code options} into {@code dir/name}, and checks that
     * {@code eval} gives an IWAE-20 bound above the ELBO.
     */
    private static Path trainTinyAndEvaluate(String name, String... options) {
        Path run = dir.resolve(name);
        List<String> args = new java.util.ArrayList<>(List.of(
                "train",
                "--data",
                data.toString(),
                "--out",
                run.toString(),
                "--epochs",
                "2",
                "--hidden",
                "16",
                "--latent",
                "2"));
        args.addAll(List.of(options));
        CliRunner.Result r = CliRunner.run(args.toArray(String[]::new));
        assertThat(r.exitCode()).as(r.err()).isZero();
        CliRunner.Result eval = CliRunner.run("eval", "--run", run.toString(), "--k", "20", "--json");
        assertThat(eval.exitCode()).as(eval.err()).isZero();
        assertThat(eval.json().path("loglik").asDouble())
                .isGreaterThan(eval.json().path("elbo").asDouble());
        return run;
    }

    @Test
    void diagnoseReportsCollapseOnlyForTheCollapsedRun() {
        CliRunner.Result bad = CliRunner.run("diagnose", "--run", collapsed.toString(), "--json");
        assertThat(bad.exitCode()).as(bad.err()).isZero();
        JsonNode b = bad.json();
        assertThat(b.path("collapsed").asBoolean()).isTrue();
        assertThat(b.path("kl_per_dim")).hasSize(8);
        assertThat(b.path("active_units").asInt()).isLessThanOrEqualTo(1);
        assertThat(b.path("message").asText()).startsWith("Posterior collapse");

        CliRunner.Result good = CliRunner.run("diagnose", "--run", healthy.toString(), "--json");
        assertThat(good.exitCode()).as(good.err()).isZero();
        JsonNode g = good.json();
        assertThat(g.path("collapsed").asBoolean()).isFalse();
        assertThat(g.path("active_units").asInt()).isGreaterThanOrEqualTo(4);
        double sum = 0;
        for (JsonNode kl : g.path("kl_per_dim")) {
            sum += kl.asDouble();
        }
        assertThat(sum).isCloseTo(g.path("kl").asDouble(), within(1e-6));

        CliRunner.Result human = CliRunner.run("diagnose", "--run", collapsed.toString());
        assertThat(human.out()).contains("Posterior collapse").contains("inactive");
    }

    @Test
    void scoreFlagsInvertedImagesAndWritesTheDocumentedColumns() throws IOException {
        Path inverted = dir.resolve("inverted-images-idx3-ubyte.gz");
        Dataset shapes = Shapes.generate(20, 99);
        float[] values = shapes.values().clone();
        for (int i = 0; i < values.length; i++) {
            values[i] = 1 - values[i];
        }
        Files.write(inverted, TestData.idx(new Dataset("inverted", values, 20, 28, 28)));
        Path csv = dir.resolve("scores.csv");
        CliRunner.Result r = CliRunner.run(
                "score",
                "--run",
                healthy.toString(),
                "--data",
                inverted.toString(),
                "--k",
                "10",
                "--out",
                csv.toString(),
                "--json");
        assertThat(r.exitCode()).as(r.err()).isZero();
        JsonNode json = r.json();
        assertThat(json.path("anomalies").asInt()).isEqualTo(20);
        assertThat(json.path("quantile").asDouble()).isEqualTo(0.99);
        assertThat(json.path("fitted_on").asInt()).isEqualTo(400);
        List<String> lines = Files.readAllLines(csv);
        assertThat(lines.get(0)).isEqualTo("index,neg_elbo,nll,recon_logprob,anomaly");
        assertThat(lines).hasSize(21);
        assertThat(lines.get(1)).startsWith("0,").endsWith(",1");

        CliRunner.Result normal = CliRunner.run("score", "--run", healthy.toString(), "--k", "10", "--json");
        assertThat(normal.exitCode()).as(normal.err()).isZero();
        // 100 test shapes like the training data: about 1% exceed the 99% quantile (binomial, sd ≈ 1).
        assertThat(normal.json().path("anomalies").asInt()).isLessThanOrEqualTo(8);
        assertThat(healthy.resolve("scores.csv")).isRegularFile();
    }

    @Test
    void reconstructWritesRecordsAndAGridOfInputsOverReconstructions() throws IOException {
        Path npz = dir.resolve("rec.npz");
        Path png = dir.resolve("rec.png");
        CliRunner.Result r = CliRunner.run(
                "reconstruct",
                "--run",
                healthy.toString(),
                "--n",
                "16",
                "--out",
                npz.toString(),
                "--png",
                png.toString(),
                "--json");
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.json().path("n").asInt()).isEqualTo(16);
        Map<String, Dataset> arrays = NpyReader.readNpz(npz);
        Dataset reconstructions = arrays.get("reconstruction");
        assertThat(reconstructions.rows()).isEqualTo(16);
        assertThat(reconstructions.features()).isEqualTo(784);
        // Which records of the test split these are: a random subset, kept as whole numbers.
        float[] index = arrays.get("index").values();
        java.util.Set<Float> distinct = new java.util.HashSet<>();
        for (float i : index) {
            assertThat(i).isBetween(0f, 99f).isEqualTo((float) Math.rint(i));
            distinct.add(i);
        }
        assertThat(distinct).hasSize(16);
        // An .npy holds one array: it would lose which records a subset is.
        CliRunner.Result npy = CliRunner.run(
                "reconstruct",
                "--run",
                healthy.toString(),
                "--n",
                "16",
                "--out",
                dir.resolve("rec.npy").toString());
        assertThat(npy.exitCode()).isEqualTo(2);
        assertThat(npy.err()).contains("rec.npy: an .npy holds one array", "write .npz");
        assertThat(dir.resolve("rec.npy")).doesNotExist();
        BufferedImage image = ImageIO.read(png.toFile());
        // 8 columns and 2 grid rows per 8 records (inputs over reconstructions), 56 px cells + 2 px gutters.
        assertThat(image.getWidth()).isEqualTo(8 * 58 + 2);
        assertThat(image.getHeight()).isEqualTo(4 * 58 + 2);

        CliRunner.Result csv = CliRunner.run("reconstruct", "--run", healthy.toString(), "--n", "3", "--json");
        assertThat(csv.exitCode()).as(csv.err()).isZero();
        List<String> lines = Files.readAllLines(healthy.resolve("reconstructions.csv"));
        assertThat(lines).hasSize(4);
        assertThat(lines.get(0)).startsWith("index,x0,x1,");
        // Beside the run, not in plots/, where report would overwrite it with its own grid.
        assertThat(healthy.resolve("reconstructions.png")).isRegularFile();
    }

    @Test
    void encodeWritesMeanAndLogVariancePerRecord() throws IOException {
        Path npz = dir.resolve("codes.npz");
        CliRunner.Result r = CliRunner.run("encode", "--run", healthy.toString(), "--out", npz.toString(), "--json");
        assertThat(r.exitCode()).as(r.err()).isZero();
        Map<String, Dataset> arrays = NpyReader.readNpz(npz);
        assertThat(arrays.get("mean").rows()).isEqualTo(100);
        assertThat(arrays.get("mean").features()).isEqualTo(8);
        assertThat(arrays.get("log_var").features()).isEqualTo(8);
        try (java.util.zip.ZipFile zip = new java.util.zip.ZipFile(npz.toFile())) {
            byte[] index = zip.getInputStream(zip.getEntry("index.npy")).readAllBytes();
            assertThat(new String(index, 0, 64, java.nio.charset.StandardCharsets.US_ASCII))
                    .as("the index is stored as int64")
                    .contains("'descr': '<i8'");
        }

        Path csv = dir.resolve("codes.csv");
        assertThat(CliRunner.run("encode", "--run", healthy.toString(), "--split", "train", "--out", csv.toString())
                        .exitCode())
                .isZero();
        List<String> lines = Files.readAllLines(csv);
        assertThat(lines).hasSize(401);
        assertThat(lines.get(0))
                .startsWith("index,mu_0,")
                .contains(",log_var_0,")
                .endsWith("log_var_7");
    }

    @Test
    void interpolationPathsStartAndEndAtTheReconstructionsOfTheTwoRecords() throws IOException {
        Path npy = dir.resolve("path.npy");
        Path png = dir.resolve("path.png");
        CliRunner.Result r = CliRunner.run(
                "interpolate",
                "--run",
                healthy.toString(),
                "--from",
                "3",
                "--to",
                "7",
                "--steps",
                "6",
                "--out",
                npy.toString(),
                "--png",
                png.toString(),
                "--json");
        assertThat(r.exitCode()).as(r.err()).isZero();
        float[] path = NpyReader.readNpy(npy).values();
        assertThat(path).hasSize(2 * 6 * 784);
        Path rec = dir.resolve("all.npy");
        assertThat(CliRunner.run(
                                "reconstruct",
                                "--run",
                                healthy.toString(),
                                "--n",
                                "100",
                                "--out",
                                rec.toString(),
                                "--png",
                                dir.resolve("all.png").toString())
                        .exitCode())
                .isZero();
        float[] reconstructions = NpyReader.readNpy(rec).values();
        for (int method = 0; method < 2; method++) {
            for (int p = 0; p < 784; p++) {
                assertThat(path[(method * 6) * 784 + p]).isCloseTo(reconstructions[3 * 784 + p], within(1e-4f));
                assertThat(path[(method * 6 + 5) * 784 + p]).isCloseTo(reconstructions[7 * 784 + p], within(1e-4f));
            }
        }
        BufferedImage image = ImageIO.read(png.toFile());
        assertThat(image.getWidth()).isEqualTo(6 * 58 + 2);
        assertThat(image.getHeight()).isEqualTo(2 * 58 + 2);
    }

    @Test
    void everyWorkflowCommandHasHelp() {
        for (String command : List.of("diagnose", "score", "reconstruct", "encode", "interpolate")) {
            CliRunner.Result r = CliRunner.run(command, "--help");
            assertThat(r.exitCode()).as(command).isZero();
            assertThat(r.out()).contains("Usage: elbo4j " + command).contains("--json");
        }
        assertThat(CliRunner.run("train", "--help").out())
                .contains("--beta")
                .contains("--kl-schedule")
                .contains("--free-bits")
                .contains("--objective")
                .contains("--iwae-k")
                .contains("--iwae-gradient")
                .contains("--condition");
    }
}
