package io.github.elbo4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.elbo4j.vae.run.RunDirectory;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** What a new user meets in the first hour: usage, help texts, single-file data, resuming, plain logs. */
class FirstHourCommandsTest {

    @TempDir
    Path dir;

    /** ViCommand's texts are rewritten on the VI branch; this test covers the other commands. */
    private static final String VI_OWNED_ELSEWHERE = "vi";

    private static final String[] SMALL = {"--likelihood", "tabular", "--hidden", "8", "--latent", "2", "--threads", "1"
    };

    @Test
    void withoutACommandTheUsageGoesToStandardErrorAsAUsageError() {
        CliRunner.Result r = CliRunner.run();
        assertThat(r.exitCode()).isEqualTo(Main.BAD_INPUT);
        assertThat(r.err()).contains("Usage: elbo4j", "train");
        assertThat(r.out()).isEmpty();
    }

    @Test
    void everyCommandSummaryIsOneWholeSentenceAndNoDescriptionBreaksASentence() {
        CommandLine cli = Main.newCommandLine();
        for (var entry : cli.getSubcommands().entrySet()) {
            if (entry.getKey().equals(VI_OWNED_ELSEWHERE) || entry.getKey().equals("help")) {
                continue;
            }
            String[] description =
                    entry.getValue().getCommandSpec().usageMessage().description();
            assertThat(description).as(entry.getKey()).isNotEmpty();
            for (String paragraph : description) {
                assertThat(paragraph.strip())
                        .as("%s: '%s'", entry.getKey(), paragraph)
                        .endsWith(".");
            }
        }
        StringWriter usage = new StringWriter();
        cli.usage(new PrintWriter(usage), CommandLine.Help.Ansi.OFF);
        // At the default 80 columns each command's summary is whole (picocli wraps it): nothing is
        // cut mid-sentence.
        String list = usage.toString().substring(usage.toString().indexOf("Commands:"));
        for (String entry : list.split("\\n  (?=\\S)")) {
            String command = entry.strip().split("\\s+")[0];
            if (cli.getSubcommands().containsKey(command) && !command.equals(VI_OWNED_ELSEWHERE)) {
                assertThat(entry.strip()).as(entry).endsWith(".");
            }
        }
    }

    @Test
    void threadsIsOfferedWhereItChangesSomethingAndNowhereElse() {
        CommandLine cli = Main.newCommandLine();
        Set<String> withThreads = Set.of("train", "eval", "report", "score", "diagnose", "bench");
        for (var entry : cli.getSubcommands().entrySet()) {
            boolean has = entry.getValue().getCommandSpec().findOption("--threads") != null;
            assertThat(has).as(entry.getKey()).isEqualTo(withThreads.contains(entry.getKey()));
        }
        String help = cli.getSubcommands().get("train").getUsageMessage(CommandLine.Help.Ansi.OFF);
        assertThat(help).doesNotContain("training steps run on one thread");
    }

    @Test
    void aSingleFileTrainsWithAHeldOutValidationSplitAndBadOptionsLeaveNothing() throws IOException {
        Path data = table();
        Path run = dir.resolve("pat");
        CliRunner.Result noSplit = train(data, run, "--patience", "2");
        assertThat(noSplit.exitCode()).isEqualTo(Main.BAD_INPUT);
        assertThat(noSplit.err()).contains("--patience", "no validation split", "--valid-fraction");
        assertThat(run).as("bad input leaves no run directory behind").doesNotExist();

        CliRunner.Result held = train(data, run, "--patience", "2", "--valid-fraction", "0.2", "--json");
        assertThat(held.exitCode()).as(held.err()).isZero();
        assertThat(held.json().path("valid_elbo").isNumber()).isTrue();
        assertThat(RunDirectory.open(run)
                        .readConfig()
                        .path("data")
                        .path("valid")
                        .path("rows")
                        .asInt())
                .isEqualTo(60);
        assertThat(RunDirectory.open(run)
                        .readConfig()
                        .path("data")
                        .path("train")
                        .path("rows")
                        .asInt())
                .isEqualTo(240);

        CliRunner.Result bad = train(data, dir.resolve("half"), "--valid-fraction", "0.7");
        assertThat(bad.exitCode()).isEqualTo(Main.BAD_INPUT);
        assertThat(bad.err()).contains("--valid-fraction must be above 0 and at most 0.5");
        assertThat(dir.resolve("half")).doesNotExist();
    }

    @Test
    void resumingWithFewerEpochsThanTrainedExplainsThatEpochsIsTheTotal() throws IOException {
        Path run = dir.resolve("run");
        CliRunner.Result first = train(table(), run);
        assertThat(first.exitCode()).as(first.err()).isZero();
        // Without a validation split the human output says n/a where the JSON says null.
        assertThat(first.out()).contains("n/a nats (validation").doesNotContain("NaN");
        CliRunner.Result fewer = CliRunner.run("train", "--resume", run.toString(), "--epochs", "1");
        assertThat(fewer.exitCode()).isEqualTo(Main.BAD_INPUT);
        assertThat(fewer.err()).contains("already trained for 2 epochs", "--epochs is the total", "pass --epochs 22");
        CliRunner.Result more = CliRunner.run("train", "--resume", run.toString(), "--epochs", "3");
        assertThat(more.exitCode()).as(more.err()).isZero();
        assertThat(more.out()).contains("Resumed at step", "trained to epoch 3");
    }

    @Test
    void scoringAFileScoresAllOfItNotATrainingSplit() throws IOException {
        Path data = table();
        Path run = dir.resolve("run");
        assertThat(train(data, run).exitCode()).isZero();
        CliRunner.Result r =
                CliRunner.run("score", "--run", run.toString(), "--data", data.toString(), "--k", "2", "--json");
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.json().path("split").asText()).isEqualTo("all");
        CliRunner.Result human = CliRunner.run("score", "--run", run.toString(), "--data", data.toString(), "--k", "2");
        assertThat(human.out()).contains("Scored all 300 records of table.csv").doesNotContain("train records (");
    }

    @Test
    void aGaussianRunsSamplesHaveAHeader() throws IOException {
        Path run = dir.resolve("gaussian");
        CliRunner.Result r = CliRunner.run(
                "train",
                "--data",
                examples().resolve("regression.csv").toString(),
                "--likelihood",
                "gaussian",
                "--epochs",
                "1",
                "--hidden",
                "8",
                "--latent",
                "2",
                "--threads",
                "1",
                "--out",
                run.toString());
        assertThat(r.exitCode()).as(r.err()).isZero();
        List<String> samples = Files.readAllLines(run.resolve("plots/samples.csv"));
        assertThat(samples.get(0)).isEqualTo("x0,x1,x2");
        assertThat(samples).hasSize(65);
    }

    @Test
    void theExampleTableAndItsGroundTruthAreTheGeneratorsOwn() throws IOException {
        Path examples = examples();
        MixedTable.Generated generated = MixedTable.generate(1000, 0.05, 2026);
        assertThat(Files.readString(examples.resolve("tabular.csv"))).isEqualTo(generated.csv());
        List<String> truth = Files.readAllLines(examples.resolve("tabular-truth.csv"));
        assertThat(truth.get(0)).isEqualTo("index,anomaly");
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < generated.anomalous().length; i++) {
            expected.add(i + "," + (generated.anomalous()[i] ? 1 : 0));
        }
        assertThat(truth.subList(1, truth.size())).isEqualTo(expected);
    }

    @Test
    void aLogOfStandardErrorHoldsPlainCompleteLinesEachOnce() throws Exception {
        Path data = table();
        Path log = dir.resolve("stderr.log");
        List<String> args = new ArrayList<>(List.of(
                "train",
                "--data",
                data.toString(),
                "--out",
                dir.resolve("logged").toString(),
                "--epochs",
                "3"));
        args.addAll(List.of(SMALL));
        Process process = CliRunner.start(log, args.toArray(String[]::new));
        assertThat(process.waitFor()).isZero();
        String text = Files.readString(log, StandardCharsets.UTF_8);
        assertThat(text).doesNotContain("\r").doesNotContain("\u001b");
        List<String> lines = text.lines().filter(l -> !l.startsWith("WARNING")).toList();
        assertThat(lines).filteredOn(l -> l.startsWith("epoch ")).hasSize(3);
        assertThat(lines).as("no line printed twice").doesNotHaveDuplicates();
        assertThat(lines).anyMatch(l -> l.startsWith("train: 9/9 steps (100%)"));
        // The report's K is chosen by its time budget and named on the line.
        assertThat(lines).anyMatch(l -> l.startsWith("report: IWAE:") && l.contains("K="));
    }

    private CliRunner.Result train(Path data, Path out, String... extra) {
        List<String> args =
                new ArrayList<>(List.of("train", "--data", data.toString(), "--out", out.toString(), "--epochs", "2"));
        args.addAll(List.of(SMALL));
        args.addAll(List.of(extra));
        return CliRunner.run(args.toArray(String[]::new));
    }

    /** 300 rows of the mixed table: one CSV file, no splits. */
    private Path table() throws IOException {
        Path file = dir.resolve("table.csv");
        if (!Files.exists(file)) {
            MixedTable.write(file, 300, 0.05, 4);
        }
        return file;
    }

    /** The repository's examples/ folder, found from the module's working directory. */
    private static Path examples() {
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.isRegularFile(p.resolve("examples/tabular.csv"))) {
                return p.resolve("examples");
            }
        }
        throw new AssertionError("no examples/tabular.csv above " + Path.of("").toAbsolutePath());
    }
}
