package io.github.elbo4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import io.github.elbo4j.data.Dataset;
import io.github.elbo4j.data.NpyReader;
import io.github.elbo4j.data.Shapes;
import io.github.elbo4j.vae.model.VaeModel;
import io.github.elbo4j.vae.run.Checkpoint;
import io.github.elbo4j.vae.run.RunDirectory;
import io.github.elbo4j.vae.run.Safetensors;
import java.awt.image.BufferedImage;
import java.awt.image.Raster;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The documented workflow, end to end: train → eval → sample → export, and resume. */
class CommandLineTest {

    @TempDir
    static Path dir;

    private static Path data;
    private static Path run;
    private static CliRunner.Result trained;

    @BeforeAll
    static void trainOnce() throws IOException {
        data = TestData.shapesFolder(dir.resolve("data"));
        run = dir.resolve("run");
        trained = CliRunner.run(
                "train",
                "--data",
                data.toString(),
                "--out",
                run.toString(),
                "--epochs",
                "2",
                "--hidden",
                "32",
                "--latent",
                "4",
                "--batch-size",
                "50",
                "--json");
    }

    @Test
    void trainWritesTheRunDirectoryAndReportsJson() throws IOException {
        assertThat(trained.exitCode()).as(trained.err()).isZero();
        JsonNode json = trained.json();
        for (String key : List.of("run", "epochs", "elbo", "valid_elbo", "samples_per_s", "seconds")) {
            assertThat(json.has(key)).as(key).isTrue();
        }
        assertThat(json.path("epochs").asInt()).isEqualTo(2);
        assertThat(json.path("elbo").asDouble()).isNegative();
        for (String file : List.of(
                "config.json",
                "metrics.jsonl",
                "model.safetensors",
                "model.json",
                "checkpoints/latest.safetensors",
                "checkpoints/best.safetensors",
                "plots/samples.png")) {
            assertThat(run.resolve(file)).as(file).isRegularFile();
        }
        assertThat(Files.readAllLines(run.resolve("metrics.jsonl"))).hasSize(2);
        JsonNode config = new com.fasterxml.jackson.databind.ObjectMapper()
                .readTree(run.resolve("config.json").toFile());
        assertThat(config.path("data").path("train").path("rows").asInt()).isEqualTo(400);
        assertThat(config.path("data").path("train").path("fingerprint").asText())
                .hasSize(64);
        assertThat(config.path("model").path("latent").asInt()).isEqualTo(4);
    }

    @Test
    void samplesPngIsADecodableNonBlankGrid() throws IOException {
        BufferedImage image = ImageIO.read(run.resolve("plots/samples.png").toFile());
        assertThat(image.getWidth()).isGreaterThan(8 * 56);
        Raster raster = image.getRaster();
        java.util.Set<Integer> levels = new java.util.HashSet<>();
        double sum = 0;
        double squares = 0;
        int n = image.getWidth() * image.getHeight();
        for (int y = 0; y < image.getHeight(); y++) {
            for (int x = 0; x < image.getWidth(); x++) {
                int v = raster.getSample(x, y, 0);
                levels.add(v);
                sum += v;
                squares += (double) v * v;
            }
        }
        double sd = Math.sqrt(squares / n - (sum / n) * (sum / n));
        assertThat(levels.size()).as("distinct gray levels").isGreaterThan(20);
        assertThat(sd).as("pixel standard deviation").isGreaterThan(10);
    }

    @Test
    void evalReportsTheDocumentedKeysAndABoundAboveTheElbo() {
        CliRunner.Result r = CliRunner.run("eval", "--run", run.toString(), "--k", "50", "--json");
        assertThat(r.exitCode()).as(r.err()).isZero();
        JsonNode json = r.json();
        for (String key : List.of("n", "elbo", "recon", "kl", "loglik", "k", "active_units", "seconds")) {
            assertThat(json.has(key)).as(key).isTrue();
        }
        assertThat(json.path("n").asInt()).isEqualTo(100);
        assertThat(json.path("k").asInt()).isEqualTo(50);
        assertThat(json.path("loglik").asDouble())
                .isGreaterThan(json.path("elbo").asDouble());
        assertThat(json.path("elbo").asDouble())
                .isCloseTo(
                        json.path("recon").asDouble() - json.path("kl").asDouble(),
                        org.assertj.core.api.Assertions.within(1e-3));
    }

    @Test
    void exportWritesWeightsThatNumpyAndSafetensorsReadersLoad() {
        Path npz = dir.resolve("w.npz");
        assertThat(CliRunner.run("export", "--run", run.toString(), "--out", npz.toString())
                        .exitCode())
                .isZero();
        Map<String, Dataset> arrays = NpyReader.readNpz(npz);
        assertThat(arrays)
                .containsKeys(
                        "encoder.hidden.0.weight",
                        "encoder.loc.weight",
                        "encoder.log_var.bias",
                        "decoder.hidden.0.weight",
                        "decoder.out.weight",
                        "decoder.out.bias");
        assertThat(arrays.get("decoder.out.weight").rows()).isEqualTo(784);

        Path st = dir.resolve("w.safetensors");
        assertThat(CliRunner.run("export", "--run", run.toString(), "--format", "safetensors", "--out", st.toString())
                        .exitCode())
                .isZero();
        assertThat(Safetensors.read(st).tensors().get("encoder.loc.weight").shape())
                .containsExactly(4, 32);
    }

    @Test
    void sampleWritesTheRequestedNumberOfImages() {
        Path png = dir.resolve("s.png");
        CliRunner.Result r =
                CliRunner.run("sample", "--run", run.toString(), "--n", "9", "--out", png.toString(), "--json");
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.json().path("n").asInt()).isEqualTo(9);
        assertThat(png).isRegularFile();
    }

    @Test
    void resumeContinuesTheMetricsWithoutDuplicates() throws IOException {
        Path resumed = dir.resolve("resumed");
        assertThat(CliRunner.run(
                                "train",
                                "--data",
                                data.toString(),
                                "--out",
                                resumed.toString(),
                                "--epochs",
                                "1",
                                "--hidden",
                                "16",
                                "--latent",
                                "2")
                        .exitCode())
                .isZero();
        CliRunner.Result r = CliRunner.run("train", "--resume", resumed.toString(), "--epochs", "2", "--json");
        assertThat(r.exitCode()).as(r.err()).isZero();
        List<String> rows = Files.readAllLines(resumed.resolve("metrics.jsonl"));
        assertThat(rows).hasSize(2);
        assertThat(rows.get(1)).contains("\"epoch\":2");
    }

    @Test
    void patienceStopsEarlyKeepsTheBestEpochAsTheModelAndRefusesAPlainResume() throws IOException {
        Path folder = invertedValidationFolder();
        Path early = dir.resolve("early");
        CliRunner.Result r = CliRunner.run(
                "train",
                "--data",
                folder.toString(),
                "--out",
                early.toString(),
                "--epochs",
                "30",
                "--hidden",
                "32",
                "--latent",
                "4",
                "--batch-size",
                "50",
                "--lr",
                "3e-3",
                "--patience",
                "2",
                "--json");
        assertThat(r.exitCode()).as(r.err()).isZero();
        JsonNode json = r.json();
        int best = json.path("best_epoch").asInt();
        assertThat(json.path("stopped_early").asBoolean()).isTrue();
        assertThat(json.path("epochs").asInt()).isEqualTo(best + 2).isLessThan(30);
        assertThat(json.path("model_epoch").asInt()).isEqualTo(best);
        RunDirectory run = RunDirectory.open(early);
        try (NDManager manager = NDManager.newBaseManager();
                VaeModel model = run.loadModel(manager)) {
            assertThat(model.parameterValues())
                    .isEqualTo(Checkpoint.read(run.bestCheckpoint()).parameters());
        }
        assertThat(Files.readString(early.resolve("report.html")))
                .contains("Early stopping (patience 2 epochs): the model holds the weights of epoch " + best + ",");

        CliRunner.Result again = CliRunner.run("train", "--resume", early.toString(), "--epochs", "40");
        assertThat(again.exitCode()).isEqualTo(2);
        assertThat(again.err()).contains("stopped early after epoch " + (best + 2), "--patience");
    }

    /** Shapes whose validation images are inverted: the model learns dark backgrounds, so their ELBO peaks early. */
    private Path invertedValidationFolder() throws IOException {
        Path folder = TestData.shapesFolder(dir.resolve("inverted-valid"));
        Dataset valid = Shapes.generate(100, 2);
        float[] inverted = valid.values().clone();
        for (int i = 0; i < inverted.length; i++) {
            inverted[i] = 1 - inverted[i];
        }
        Files.write(
                folder.resolve("valid-images-idx3-ubyte.gz"),
                TestData.idx(new Dataset("inverted", inverted, 100, 28, 28)));
        return folder;
    }

    @Test
    void aPlateauScheduleLowersTheRateSaysSoInTheReportAndKeepsItOnResume() throws IOException {
        Path folder = invertedValidationFolder();
        Path out = dir.resolve("plateau");
        CliRunner.Result r = CliRunner.run(
                "train",
                "--data",
                folder.toString(),
                "--out",
                out.toString(),
                "--epochs",
                "6",
                "--hidden",
                "32",
                "--latent",
                "4",
                "--batch-size",
                "50",
                "--lr",
                "3e-3",
                "--lr-schedule",
                "plateau:1:0.5");
        assertThat(r.exitCode()).as(r.err()).isZero();
        RunDirectory run = RunDirectory.open(out);
        assertThat(run.readConfig().path("training").path("lr_schedule").asText())
                .isEqualTo("plateau:1:0.5");
        List<Double> rates =
                run.readMetrics().stream().map(row -> row.path("lr").asDouble()).toList();
        int firstLower = rates.indexOf(1.5e-3);
        assertThat(firstLower)
                .as("the rate halves after an epoch without improvement: %s", rates)
                .isPositive();
        assertThat(r.err())
                .contains("no validation improvement by epoch " + firstLower + "; learning rate lowered to 0.00150");
        assertThat(Files.readString(out.resolve("report.html")))
                .contains("<p>Learning rate: 0.00300 to epoch " + firstLower + ", then 0.00150");

        CliRunner.Result resumed = CliRunner.run("train", "--resume", out.toString(), "--epochs", "8");
        assertThat(resumed.exitCode()).as(resumed.err()).isZero();
        assertThat(run.readConfig().path("training").path("lr_schedule").asText())
                .isEqualTo("plateau:1:0.5");
        assertThat(run.readMetrics()).hasSize(8);
    }

    @Test
    void datasetsListsTheCatalogWithShapesAlwaysPresent() {
        CliRunner.Result r = CliRunner.run("datasets", "--json");
        assertThat(r.exitCode()).isZero();
        JsonNode list = r.json().path("datasets");
        assertThat(list)
                .extracting(n -> n.path("name").asText())
                .contains("shapes", "binarized-mnist", "mnist", "fashion-mnist");
        for (JsonNode n : list) {
            if (n.path("name").asText().equals("shapes")) {
                assertThat(n.path("present").asBoolean()).isTrue();
            }
        }
    }

    @Test
    void everyCommandHasHelp() {
        for (String command : List.of("train", "eval", "sample", "export", "datasets", "bench")) {
            CliRunner.Result r = CliRunner.run(command, "--help");
            assertThat(r.exitCode()).as(command).isZero();
            assertThat(r.out()).contains("Usage: elbo4j " + command);
        }
    }
}
