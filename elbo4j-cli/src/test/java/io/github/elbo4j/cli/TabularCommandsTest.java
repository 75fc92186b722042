package io.github.elbo4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.elbo4j.data.CsvReader;
import io.github.elbo4j.data.Table;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code train --likelihood tabular|categorical} on mixed-type CSV tables, end to end: the inferred
 * schema, the run files, anomaly scores, decoded reconstructions and samples, unknown categories,
 * {@code --schema} overrides and resuming.
 */
class TabularCommandsTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path dir;

    private static Path data;
    private static MixedTable.Generated generated;
    private static Path run;

    @BeforeAll
    static void trainOnAMixedTableWithInjectedAnomalies() throws IOException {
        data = dir.resolve("mixed.csv");
        generated = MixedTable.write(data, 2000, 0.05, 11);
        run = dir.resolve("run");
        CliRunner.Result r = CliRunner.run(
                "train",
                "--data",
                data.toString(),
                "--likelihood",
                "tabular",
                "--out",
                run.toString(),
                "--epochs",
                "40",
                "--hidden",
                "32",
                "--latent",
                "4",
                "--batch-size",
                "100",
                "--lr",
                "3e-3",
                "--json");
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.json().path("elbo").asDouble()).isFinite();
        assertThat(r.json().path("schema").asText())
                .isEqualTo(run.resolve("schema.json").toString());
    }

    /** {@code bench} reads a table as {@code train} does: the schema inferred, a conditional column taken out. */
    @Test
    void benchTrainsOnATableWithAColumnAsCondition() {
        CliRunner.Result r = CliRunner.run(
                "bench",
                "--data",
                data.toString(),
                "--likelihood",
                "tabular",
                "--condition",
                "region",
                "--hidden",
                "16",
                "--latent",
                "2",
                "--steps",
                "3",
                "--repeats",
                "1",
                "--threads",
                "1",
                "--json");
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.json().path("model").asText()).contains("likelihood=tabular", "conditions=3");
        assertThat(r.json().path("elbo4j_samples_per_s").asDouble()).isPositive();
    }

    @Test
    void negativeElboScoresFindTheInjectedAnomalies() throws IOException {
        Path scores = dir.resolve("scores.csv");
        CliRunner.Result r = CliRunner.run(
                "score", "--run", run.toString(), "--data", data.toString(), "--out", scores.toString(), "--json");
        assertThat(r.exitCode()).as(r.err()).isZero();
        Table table = CsvReader.readTable(scores);
        assertThat(table.columns()).containsExactly("index", "neg_elbo", "nll", "recon_logprob", "anomaly");
        float[] negElbo = table.numbers("neg_elbo");
        double[] s = new double[negElbo.length];
        for (int i = 0; i < s.length; i++) {
            s[i] = negElbo[i];
        }
        double auroc = MixedTable.auroc(s, generated.anomalous());
        System.out.printf(
                "tabular anomaly AUROC (neg_elbo, %d rows, %d anomalies): %.4f%n",
                s.length,
                java.util.stream.IntStream.range(0, s.length)
                        .filter(i -> generated.anomalous()[i])
                        .count(),
                auroc);
        assertThat(auroc).isGreaterThanOrEqualTo(0.9);
    }

    @Test
    void theRunStoresTheInferredSchemaAndDescribesTheLikelihood() throws IOException {
        JsonNode schema = JSON.readTree(run.resolve("schema.json").toFile());
        assertThat(schema.path("format").asText()).isEqualTo("elbo4j-tabular-schema");
        List<String> types = StreamSupport.stream(schema.path("columns").spliterator(), false)
                .map(c -> c.path("name").asText() + ":" + c.path("type").asText())
                .toList();
        assertThat(types)
                .containsExactly(
                        "age:numeric", "income:numeric", "visits:numeric", "smoker:binary", "region:categorical");
        JsonNode age = schema.path("columns").get(0);
        assertThat(age.path("mean").asDouble()).isBetween(43.0, 47.0);
        assertThat(age.path("scale").asDouble()).isBetween(10.5, 13.5);
        assertThat(schema.path("columns").get(3).path("categories").toString()).isEqualTo("[\"no\",\"yes\"]");
        assertThat(schema.path("columns").get(4).path("categories").toString())
                .isEqualTo("[\"center\",\"north\",\"south\"]");

        JsonNode model = JSON.readTree(run.resolve("model.json").toFile());
        assertThat(model.path("likelihood").asText()).isEqualTo("tabular");
        assertThat(model.path("columns").path("numeric").asInt()).isEqualTo(3);
        assertThat(model.path("columns").path("binary").asInt()).isEqualTo(1);
        assertThat(model.path("columns").path("categories").toString()).isEqualTo("[3]");
        assertThat(model.path("input_shape").toString()).isEqualTo("[7]");
        List<String> weights = StreamSupport.stream(model.path("weights").spliterator(), false)
                .map(w -> w.path("name").asText() + w.path("shape"))
                .toList();
        assertThat(weights).contains("decoder.out.weight[7,32]", "decoder.log_scale[3]");
    }

    @Test
    void evalReportsAFiniteLogLikelihood() {
        CliRunner.Result r = CliRunner.run("eval", "--run", run.toString(), "--k", "5", "--json");
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.json().path("loglik").asDouble()).isFinite();
        assertThat(r.json().path("n").asInt()).isEqualTo(2000);
    }

    @Test
    void reconstructionsAndSamplesComeBackInTheOriginalUnitsAndLabels() throws IOException {
        Path out = dir.resolve("reconstructions.csv");
        CliRunner.Result r =
                CliRunner.run("reconstruct", "--run", run.toString(), "--n", "200", "--out", out.toString());
        assertThat(r.exitCode()).as(r.err()).isZero();
        Table rec = CsvReader.readTable(out);
        assertThat(rec.columns()).containsExactly("index", "age", "income", "visits", "smoker", "region");
        assertThat(rec.strings("smoker")).isSubsetOf("yes", "no");
        assertThat(rec.strings("region")).isSubsetOf("north", "center", "south");
        Table original = CsvReader.readTable(data);
        float[] index = rec.numbers("index");
        float[] age = rec.numbers("age");
        double error = 0;
        int smokerAgrees = 0;
        for (int i = 0; i < index.length; i++) {
            int row = (int) index[i];
            error += Math.abs(age[i] - original.number(row, 0));
            smokerAgrees += rec.cell(i, 4).equals(original.cell(row, 3)) ? 1 : 0;
        }
        // age has sd 12; a reconstruction through 4 latents recovers it to within a few years.
        assertThat(error / index.length).isLessThan(4.0);
        assertThat(smokerAgrees).isGreaterThan(index.length * 3 / 4);

        Table samples = CsvReader.readTable(run.resolve("plots").resolve("samples.csv"));
        assertThat(samples.columns()).containsExactly("age", "income", "visits", "smoker", "region");
        assertThat(samples.strings("region")).isSubsetOf("north", "center", "south");
        float[] sampledAge = samples.numbers("age");
        double mean = 0;
        for (float a : sampledAge) {
            mean += a / sampledAge.length;
        }
        assertThat(mean).isBetween(35.0, 55.0);
    }

    @Test
    void anUnknownCategoryIsBadInputNamingFileLineAndColumn() throws IOException {
        Path bad = dir.resolve("unknown-category.csv");
        Files.writeString(bad, MixedTable.HEADER + "\n44.0,61.00,10.00,no,center\n50.0,62.00,9.00,yes,west\n");
        Path scores = dir.resolve("never.csv");
        CliRunner.Result r =
                CliRunner.run("score", "--run", run.toString(), "--data", bad.toString(), "--out", scores.toString());
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err().strip().lines()).hasSize(1);
        assertThat(r.err())
                .contains(
                        bad.toString(),
                        "line 3",
                        "column 5 (region)",
                        "unknown category 'west'",
                        "center, north, south");
        assertThat(r.out()).isEmpty();
        assertThat(scores).doesNotExist();
    }

    @Test
    void aSchemaFileOverridesInferredTypesAndTrainingResumes() throws IOException {
        Path overrides = dir.resolve("types.json");
        Files.writeString(overrides, "{\"columns\": {\"visits\": \"ignore\", \"smoker\": \"categorical\"}}");
        Path small = dir.resolve("small.csv");
        MixedTable.write(small, 300, 0, 5);
        Path resumed = dir.resolve("overridden");
        CliRunner.Result r = CliRunner.run(
                "train",
                "--data",
                small.toString(),
                "--likelihood",
                "tabular",
                "--schema",
                overrides.toString(),
                "--out",
                resumed.toString(),
                "--epochs",
                "1",
                "--hidden",
                "8",
                "--latent",
                "2");
        assertThat(r.exitCode()).as(r.err()).isZero();
        JsonNode model = JSON.readTree(resumed.resolve("model.json").toFile());
        assertThat(model.path("columns").path("numeric").asInt()).isEqualTo(2);
        assertThat(model.path("columns").path("binary").asInt()).isZero();
        assertThat(model.path("columns").path("categories").toString()).isEqualTo("[2,3]");
        assertThat(JSON.readTree(resumed.resolve("schema.json").toFile())
                        .path("columns")
                        .get(2)
                        .path("type")
                        .asText())
                .isEqualTo("ignore");

        CliRunner.Result more = CliRunner.run("train", "--resume", resumed.toString(), "--epochs", "2", "--json");
        assertThat(more.exitCode()).as(more.err()).isZero();
        assertThat(more.json().path("epochs").asInt()).isEqualTo(2);
        assertThat(Files.readAllLines(resumed.resolve("metrics.jsonl"))).hasSize(2);
    }

    @Test
    void theCategoricalLikelihoodModelsEveryColumnAsCategories() throws IOException {
        Path table = dir.resolve("categories.csv");
        StringBuilder csv = new StringBuilder("grade,colour,size\n");
        String[] colours = {"red", "green", "blue"};
        for (int i = 0; i < 120; i++) {
            csv.append(1 + i % 4)
                    .append(',')
                    .append(colours[i % 3])
                    .append(',')
                    .append(i % 2 == 0 ? "S" : "L")
                    .append('\n');
        }
        Files.writeString(table, csv.toString());
        Path out = dir.resolve("categorical");
        CliRunner.Result r = CliRunner.run(
                "train",
                "--data",
                table.toString(),
                "--likelihood",
                "categorical",
                "--out",
                out.toString(),
                "--epochs",
                "2",
                "--hidden",
                "8",
                "--latent",
                "2",
                "--batch-size",
                "20");
        assertThat(r.exitCode()).as(r.err()).isZero();
        JsonNode model = JSON.readTree(out.resolve("model.json").toFile());
        assertThat(model.path("likelihood").asText()).isEqualTo("categorical");
        assertThat(model.path("columns").path("categories").toString()).isEqualTo("[4,3,2]");
        assertThat(model.path("decoder_output").asText()).contains("logits of each one-hot group");
        Table samples = CsvReader.readTable(out.resolve("plots").resolve("samples.csv"));
        assertThat(samples.strings("grade")).isSubsetOf("1", "2", "3", "4");
        assertThat(samples.strings("size")).isSubsetOf("S", "L");
    }

    @Test
    void aConditionColumnTrainsAConditionalModelAndSamplesOfTheRequestedClass() throws IOException {
        Path out = dir.resolve("conditional");
        CliRunner.Result r = CliRunner.run(
                "train",
                "--data",
                data.toString(),
                "--likelihood",
                "tabular",
                "--condition",
                "region",
                "--out",
                out.toString(),
                "--epochs",
                "3",
                "--hidden",
                "16",
                "--latent",
                "2");
        assertThat(r.exitCode()).as(r.err()).isZero();
        JsonNode model = JSON.readTree(out.resolve("model.json").toFile());
        assertThat(model.path("conditions").asInt()).as("center, north, south").isEqualTo(3);
        assertThat(model.path("columns").path("categories").toString())
                .as("region is the condition, not modelled")
                .isEqualTo("[]");
        JsonNode region = StreamSupport.stream(
                        JSON.readTree(out.resolve("schema.json").toFile())
                                .path("columns")
                                .spliterator(),
                        false)
                .filter(c -> c.path("name").asText().equals("region"))
                .findFirst()
                .orElseThrow();
        assertThat(region.path("type").asText()).isEqualTo("condition");

        // The training samples cycle through the classes; --label 1 asks for the second, north.
        Table cycled = CsvReader.readTable(out.resolve("plots").resolve("samples.csv"));
        assertThat(cycled.strings("region").subList(0, 3)).containsExactly("center", "north", "south");
        Path north = dir.resolve("north.csv");
        r = CliRunner.run("sample", "--run", out.toString(), "--n", "5", "--label", "1", "--out", north.toString());
        assertThat(r.exitCode()).as(r.err()).isZero();
        Table samples = CsvReader.readTable(north);
        assertThat(samples.columns()).containsExactly("age", "income", "visits", "smoker", "region");
        assertThat(samples.strings("region")).containsOnly("north").hasSize(5);
        // The class may be named as well as numbered.
        r = CliRunner.run("sample", "--run", out.toString(), "--n", "3", "--label", "south", "--out", north.toString());
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(CsvReader.readTable(north).strings("region"))
                .containsOnly("south")
                .hasSize(3);
        r = CliRunner.run("sample", "--run", out.toString(), "--label", "west", "--out", north.toString());
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("--label west: unknown class", "center, north, south, or 0 to 2");

        // Scoring reads each record's region again through the run's schema.
        r = CliRunner.run(
                "score",
                "--run",
                out.toString(),
                "--data",
                data.toString(),
                "--k",
                "5",
                "--out",
                dir.resolve("conditional-scores.csv").toString());
        assertThat(r.exitCode()).as(r.err()).isZero();
    }
}
