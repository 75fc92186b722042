package io.github.elbo4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.elbo4j.cli.BadInputSuiteTest.Case;
import io.github.elbo4j.cli.BadInputSuiteTest.Invocation;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * The bad inputs of tabular data for {@link BadInputSuiteTest}: unknown categories, cells that do not
 * parse, missing columns, malformed {@code --schema} files and damaged {@code schema.json} files.
 */
final class TabularBadInputCases {

    private static Path tabularRun;
    private static Path conditionalRun;

    private TabularBadInputCases() {}

    /** One small tabular run, trained on first use and deleted when the JVM exits. */
    static synchronized Path run() throws IOException {
        if (tabularRun == null) {
            tabularRun = trainSmallRun("elbo4j-tabular-bad-input");
        }
        return tabularRun;
    }

    /** One small tabular run conditioned on its region column, trained on first use. */
    static synchronized Path conditionalRun() throws IOException {
        if (conditionalRun == null) {
            conditionalRun = trainSmallRun("elbo4j-conditional-tabular-bad-input", "--condition", "region");
        }
        return conditionalRun;
    }

    private static Path trainSmallRun(String prefix, String... options) throws IOException {
        Path root = Files.createTempDirectory(prefix);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> delete(root)));
        Path data = root.resolve("mixed.csv");
        MixedTable.write(data, 200, 0, 3);
        Path run = root.resolve("run");
        List<String> args = new ArrayList<>(List.of(
                "train",
                "--data",
                data.toString(),
                "--likelihood",
                "tabular",
                "--out",
                run.toString(),
                "--epochs",
                "1",
                "--hidden",
                "8",
                "--latent",
                "2",
                "--batch-size",
                "50"));
        args.addAll(List.of(options));
        CliRunner.Result r = CliRunner.run(args.toArray(String[]::new));
        assertThat(r.exitCode()).as(r.err()).isZero();
        return run;
    }

    private static void delete(Path root) {
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Path write(Path dir, String name, String text) throws IOException {
        Path file = dir.resolve(name);
        Files.writeString(file, text);
        return file;
    }

    private static Path table(Path dir, String name, String... rows) throws IOException {
        return write(dir, name, MixedTable.HEADER + "\n" + String.join("\n", rows) + "\n");
    }

    private static final String GOOD_ROW = "44.0,61.00,10.00,no,center";

    /** {@code train --likelihood tabular} of a small mixed table into {@code dir/out}. */
    private static Invocation train(Path dir, String... options) throws IOException {
        Path data = dir.resolve("train.csv");
        MixedTable.write(data, 60, 0, 1);
        Path out = dir.resolve("out");
        List<String> args = new ArrayList<>(List.of(
                "train",
                "--data",
                data.toString(),
                "--out",
                out.toString(),
                "--epochs",
                "1",
                "--hidden",
                "8",
                "--latent",
                "2"));
        if (!List.of(options).contains("--likelihood")) {
            args.addAll(List.of("--likelihood", "tabular"));
        }
        args.addAll(List.of(options));
        return new Invocation(args.toArray(String[]::new)).absent(out);
    }

    private static Invocation onConditionalRun(String command, Path dir, String... options) throws IOException {
        List<String> args = new ArrayList<>(List.of(
                command,
                "--run",
                BadInputSuiteTest.copyRun(conditionalRun(), dir).toString()));
        args.addAll(List.of(options));
        return new Invocation(args.toArray(String[]::new));
    }

    private static Invocation onRun(String command, Path dir, String... options) throws IOException {
        List<String> args = new ArrayList<>(
                List.of(command, "--run", BadInputSuiteTest.copyRun(run(), dir).toString()));
        args.addAll(List.of(options));
        return new Invocation(args.toArray(String[]::new));
    }

    static List<Case> cases() {
        List<Case> cases = new ArrayList<>();
        for (String command : List.of("score", "eval", "encode", "reconstruct")) {
            cases.add(new Case(command + ": tabular --data with an unknown category", dir -> {
                Path file = table(dir, "new.csv", GOOD_ROW, "50.0,62.00,9.00,yes,west");
                return onRun(command, dir, "--data", file.toString())
                        .names(file, "line 3, column 5 (region)", "unknown category 'west'", "center, north, south");
            }));
        }
        cases.addAll(List.of(
                new Case("score: tabular --data with a word in a numeric column", dir -> {
                    Path file = table(dir, "new.csv", "abc,61.00,10.00,no,center");
                    return onRun("score", dir, "--data", file.toString())
                            .names(file, "line 2, column 1 (age)", "'abc' is not a number");
                }),
                new Case("score: tabular --data with an unknown binary value", dir -> {
                    Path file = table(dir, "new.csv", "44.0,61.00,10.00,maybe,center");
                    return onRun("score", dir, "--data", file.toString())
                            .names(file, "line 2, column 4 (smoker)", "unknown category 'maybe'", "no, yes");
                }),
                new Case("encode: tabular --data without the region column", dir -> {
                    Path file = write(dir, "new.csv", "age,income,visits,smoker\n44.0,61.00,10.00,no\n");
                    return onRun("encode", dir, "--data", file.toString())
                            .names(file, "header", "no column named 'region'");
                }),
                new Case(
                        "train: --condition names no column of the table",
                        dir -> train(dir, "--condition", "zip")
                                .names(
                                        dir.resolve("train.csv"),
                                        "header",
                                        "--condition zip",
                                        "no column of that name")),
                new Case("score: conditional tabular run, --data without the condition column", dir -> {
                    Path file = write(dir, "new.csv", "age,income,visits,smoker\n44.0,61.00,10.00,no\n");
                    return onConditionalRun("score", dir, "--data", file.toString())
                            .names(file, "header", "no column named 'region'");
                }),
                new Case(
                        "sample: conditional tabular run, --label out of range",
                        dir -> onConditionalRun("sample", dir, "--label", "3").names("--label 3", "3 classes")),
                new Case("score: tabular run without schema.json", dir -> {
                    Invocation i = onRun("score", dir);
                    Path schema = dir.resolve("run").resolve("schema.json");
                    Files.delete(schema);
                    return i.names(schema, "no such file", "column schema");
                }),
                new Case("sample: tabular run whose schema.json lost a category", dir -> {
                    Invocation i = onRun("sample", dir);
                    Path schema = dir.resolve("run").resolve("schema.json");
                    Files.writeString(schema, Files.readString(schema).replace("\"center\",", ""));
                    return i.names(schema, "columns", "model.json describes");
                }),
                new Case("reconstruct: tabular run whose schema.json is not JSON", dir -> {
                    Invocation i = onRun("reconstruct", dir);
                    Path schema = dir.resolve("run").resolve("schema.json");
                    Files.writeString(schema, "{\"format\": ");
                    return i.names(schema, "not valid JSON");
                }),
                new Case("train: tabular data with an empty cell", dir -> {
                    Path file = table(dir, "train.csv", GOOD_ROW, "50.0,,9.00,yes,north");
                    Path out = dir.resolve("out");
                    return new Invocation(
                                    "train",
                                    "--data",
                                    file.toString(),
                                    "--likelihood",
                                    "tabular",
                                    "--out",
                                    out.toString(),
                                    "--epochs",
                                    "1")
                            .absent(out)
                            .names(file, "line 3, column 2 (income)", "empty cell");
                }),
                new Case("train: --likelihood tabular on a named dataset", dir -> {
                    Path out = dir.resolve("out");
                    return new Invocation(
                                    "train", "--data", "shapes", "--likelihood", "tabular", "--out", out.toString())
                            .absent(out)
                            .names("shapes", "no such file or folder", ".csv file");
                }),
                new Case("train: --schema naming a column the table lacks", dir -> {
                    Path schema = write(dir, "types.json", "{\"columns\": {\"town\": \"categorical\"}}");
                    return train(dir, "--schema", schema.toString())
                            .names(schema, "column 'town'", "not in the header");
                }),
                new Case("train: --schema with an unknown type", dir -> {
                    Path schema = write(dir, "types.json", "{\"columns\": {\"age\": \"float\"}}");
                    return train(dir, "--schema", schema.toString())
                            .names(schema, "columns.age", "unknown column type 'float'");
                }),
                new Case("train: --schema that is not JSON", dir -> {
                    Path schema = write(dir, "types.json", "age: numeric\n");
                    return train(dir, "--schema", schema.toString()).names(schema, "not valid JSON");
                }),
                new Case("train: --schema marking a three-valued column binary", dir -> {
                    Path schema = write(dir, "types.json", "{\"columns\": {\"region\": \"binary\"}}");
                    return train(dir, "--schema", schema.toString())
                            .names("column 5 (region)", "marked binary but holds 3 distinct values");
                }),
                new Case("train: --likelihood categorical with a numeric --schema column", dir -> {
                    Path schema = write(dir, "types.json", "{\"columns\": {\"age\": \"numeric\"}}");
                    return train(dir, "--likelihood", "categorical", "--schema", schema.toString())
                            .names(
                                    schema,
                                    "column 'age'",
                                    "--likelihood categorical models every column as categorical");
                }),
                new Case("train: --schema without a tabular likelihood", dir -> {
                    Path schema = write(dir, "types.json", "{\"columns\": {}}");
                    return train(dir, "--likelihood", "gaussian", "--schema", schema.toString())
                            .names("--schema applies to --likelihood tabular or categorical only");
                }),
                new Case(
                        "train: --likelihood tabular with --prior vamp",
                        dir -> train(dir, "--prior", "vamp")
                                .names("--likelihood tabular cannot be combined with --prior vamp"))));
        return cases;
    }
}
