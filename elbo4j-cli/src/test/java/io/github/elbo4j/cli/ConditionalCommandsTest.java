package io.github.elbo4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code train --condition labels} and the commands applied to a conditional run. */
class ConditionalCommandsTest {

    @TempDir
    static Path dir;

    private static Path run;

    @BeforeAll
    static void trainConditional() throws IOException {
        Path data = TestData.labelledShapesFolder(dir.resolve("data"));
        run = dir.resolve("cvae");
        CliRunner.Result r = CliRunner.run(
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
                "--condition",
                "labels");
        assertThat(r.exitCode()).as(r.err()).isZero();
    }

    @Test
    void unknownCategoriesAndMissingLabelsAreBadInput() throws IOException {
        Path unlabelled = TestData.shapesFolder(dir.resolve("unlabelled"));
        Path outOfRange = java.nio.file.Files.createDirectories(dir.resolve("six-classes"));
        java.nio.file.Files.write(
                outOfRange.resolve("train-images-idx3-ubyte.gz"),
                TestData.idx(io.github.elbo4j.data.Shapes.generate(6, 9)));
        java.nio.file.Files.write(
                outOfRange.resolve("train-labels-idx1-ubyte.gz"), TestData.labelsIdx(new int[] {0, 1, 2, 3, 4, 5}));
        String[][] cases = {
            {
                "sample --label 9",
                "unknown class; the model has 4 classes",
                "sample",
                "--run",
                run.toString(),
                "--label",
                "9"
            },
            {
                "eval on data without labels",
                "records have no labels",
                "eval",
                "--run",
                run.toString(),
                "--data",
                unlabelled.toString(),
                "--k",
                "2"
            },
            {
                "encode on data with a fifth class",
                "unknown category: label 4",
                "encode",
                "--run",
                run.toString(),
                "--data",
                outOfRange.toString()
            },
        };
        for (String[] c : cases) {
            CliRunner.Result r = CliRunner.run(java.util.Arrays.copyOfRange(c, 2, c.length));
            assertThat(r.exitCode()).as(c[0]).isEqualTo(2);
            assertThat(r.err().strip().lines().toList()).as(c[0]).hasSize(1);
            assertThat(r.err()).as(c[0]).contains(c[1]).doesNotContain("Exception");
        }
    }

    @Test
    void trainingWritesTheReportAndEveryPlotWithTheLabels() {
        // The reconstructions, interpolations and latent scatter encode each record given its label.
        for (String plot : new String[] {
            "samples.png",
            "reconstructions.png",
            "interpolation.png",
            "latent.png",
            "kl-per-dimension.png",
            "anomaly-scores.png"
        }) {
            assertThat(run.resolve("plots").resolve(plot)).as(plot).isRegularFile();
        }
        assertThat(run.resolve("report.html")).isRegularFile();
    }

    @Test
    void theRunRecordsItsConditionsAndEveryCommandUsesTheLabels() throws IOException {
        JsonNode model = new ObjectMapper().readTree(run.resolve("model.json").toFile());
        assertThat(model.path("conditions").asInt()).isEqualTo(4);
        JsonNode weights = model.path("weights");
        assertThat(weights.get(0).path("name").asText()).isEqualTo("encoder.hidden.0.weight");
        assertThat(weights.get(0).path("shape").get(1).asInt())
                .as("784 pixels + 4 classes")
                .isEqualTo(788);
        for (String[] command : new String[][] {
            {"eval", "--k", "5"},
            {"diagnose"},
            {"score", "--k", "5"},
            {"encode"},
            {"reconstruct", "--n", "8"},
            {"interpolate", "--steps", "4"},
            {"sample", "--n", "8", "--label", "2"},
            {"sample", "--n", "8"}
        }) {
            String[] args = new String[command.length + 3];
            args[0] = command[0];
            args[1] = "--run";
            args[2] = run.toString();
            System.arraycopy(command, 1, args, 3, command.length - 1);
            args[args.length - 1] = "--json";
            CliRunner.Result r = CliRunner.run(args);
            assertThat(r.exitCode()).as("%s: %s", command[0], r.err()).isZero();
        }
    }
}
