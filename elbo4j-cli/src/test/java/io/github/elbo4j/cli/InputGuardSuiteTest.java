package io.github.elbo4j.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fault cases for inputs and outputs: an output that would land on an input (the data, a run's own
 * files, a file of the wrong format) is refused with exit 2 and leaves every byte as it was; a
 * decompression bomb, a file without line breaks, a device or a pipe as data ends within seconds
 * with exit 2, one line, and a small resident memory.
 */
class InputGuardSuiteTest {

    /** Peak resident memory a refused bomb may reach, the JVM's own included. */
    private static final long MAX_RSS_KB = 1L << 20;

    private static final long MAX_SECONDS = 5;

    @TempDir
    static Path shared;

    private static Path data;
    private static Path run;

    @BeforeAll
    static void trainOnCsv() throws IOException {
        StringBuilder csv = new StringBuilder("y,x1,x2,x3\n");
        Random random = new Random(7);
        for (int i = 0; i < 60; i++) {
            double x = random.nextGaussian();
            csv.append(String.format(
                    java.util.Locale.ROOT,
                    "%.4f,%.4f,%.4f,%.4f%n",
                    1 + 2 * x + 0.1 * random.nextGaussian(),
                    x,
                    random.nextGaussian(),
                    random.nextGaussian()));
        }
        data = Files.writeString(shared.resolve("data.csv"), csv);
        run = shared.resolve("run");
        CliRunner.Result r = CliRunner.run(
                "train",
                "--data",
                data.toString(),
                "--likelihood",
                "gaussian",
                "--out",
                run.toString(),
                "--epochs",
                "1",
                "--hidden",
                "8",
                "--latent",
                "2",
                "--batch-size",
                "20",
                "--threads",
                "1");
        assertThat(r.exitCode()).as(r.err()).isZero();
    }

    // ---- outputs never clobber inputs --------------------------------------------------------

    @Test
    void viDrawsOntoItsOwnDataIsRefused() throws IOException {
        refusedAndUntouched(
                data,
                "is the input",
                "vi",
                "linear",
                "--data",
                data.toString(),
                "--y",
                "y",
                "--x",
                "x1",
                "--draws",
                data.toString());
    }

    @Test
    void viDrawsThroughASymbolicLinkToTheDataIsRefused() throws IOException {
        Path link = shared.resolve("draws-link.csv");
        Files.deleteIfExists(link);
        Files.createSymbolicLink(link, data);
        refusedAndUntouched(
                link,
                "is the input",
                "vi",
                "linear",
                "--data",
                data.toString(),
                "--y",
                "y",
                "--x",
                "x1",
                "--draws",
                link.toString());
    }

    @Test
    void exportOfTheWrongFormatOntoTheModelIsRefused() throws IOException {
        Path model = run.resolve("model.safetensors");
        refusedAndUntouched(
                model,
                "run file model.safetensors",
                "export",
                "--run",
                run.toString(),
                "--format",
                "npz",
                "--out",
                model.toString());
    }

    @Test
    void exportOntoTheRunsOwnModelIsRefused() throws IOException {
        Path model = run.resolve("model.safetensors");
        refusedAndUntouched(
                model,
                "run file model.safetensors",
                "export",
                "--run",
                run.toString(),
                "--format",
                "safetensors",
                "--out",
                model.toString());
    }

    @Test
    void exportNamedForAnotherFormatIsRefused() throws IOException {
        Path out = shared.resolve("weights.safetensors");
        refusedAndUntouched(
                out, "must end in .npz", "export", "--run", run.toString(), "--format", "npz", "--out", out.toString());
        assertThat(out).doesNotExist();
    }

    @Test
    void scoreOntoTheDataTheRunWasTrainedOnIsRefused() throws IOException {
        // --data is not given: the run's config.json names the data, and that file is an input too.
        refusedAndUntouched(data, "is the input", "score", "--run", run.toString(), "--out", data.toString());
    }

    @Test
    void reconstructOntoItsDataIsRefused() throws IOException {
        refusedAndUntouched(
                data,
                "is the input",
                "reconstruct",
                "--run",
                run.toString(),
                "--data",
                data.toString(),
                "--out",
                data.toString());
    }

    @Test
    void encodeIntoTheCheckpointsFolderIsRefused() throws IOException {
        Path out = run.resolve("checkpoints").resolve("encodings.csv");
        refusedAndUntouched(out, "run file checkpoints", "encode", "--run", run.toString(), "--out", out.toString());
        assertThat(out).doesNotExist();
    }

    @Test
    void writingNextToTheInputsIsStillAllowed() {
        Path out = shared.resolve("elsewhere").resolve("scores.csv");
        CliRunner.Result r = CliRunner.run("score", "--run", run.toString(), "--out", out.toString());
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(out).isRegularFile();
    }

    private static void refusedAndUntouched(Path named, String problem, String... args) throws IOException {
        Map<String, String> before = hashes(shared);
        CliRunner.Result r = CliRunner.run(args);
        assertThat(r.exitCode()).as(r.err()).isEqualTo(Main.BAD_INPUT);
        assertThat(r.err().lines().toList()).as(r.err()).hasSize(1);
        assertThat(r.err()).contains(named.toString()).contains(problem);
        assertThat(hashes(shared)).as("every file byte-identical").isEqualTo(before);
    }

    private static Map<String, String> hashes(Path root) throws IOException {
        Map<String, String> hashes = new TreeMap<>();
        try (Stream<Path> files = Files.walk(root)) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                hashes.put(root.relativize(file).toString(), sha256(Files.readAllBytes(file)));
            }
        }
        return hashes;
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }

    // ---- errors that name the right thing ----------------------------------------------------

    @Test
    void resumeOfAConfigWithoutItsBatchSizeNamesTheFileAndField(@TempDir Path dir) throws IOException {
        Path copy = dir.resolve("run");
        try (Stream<Path> files = Files.walk(run)) {
            for (Path file : files.toList()) {
                Files.copy(file, copy.resolve(run.relativize(file).toString()));
            }
        }
        Path config = copy.resolve("config.json");
        com.fasterxml.jackson.databind.node.ObjectNode json = (com.fasterxml.jackson.databind.node.ObjectNode)
                new com.fasterxml.jackson.databind.ObjectMapper().readTree(config.toFile());
        ((com.fasterxml.jackson.databind.node.ObjectNode) json.path("training")).remove("batch_size");
        Files.writeString(config, json.toString());
        CliRunner.Result r = CliRunner.run("train", "--resume", copy.toString(), "--epochs", "2");
        assertThat(r.exitCode()).as(r.err()).isEqualTo(Main.BAD_INPUT);
        assertThat(r.err().strip())
                .isEqualTo("elbo4j: " + config + ": training.batch_size: missing; the run's config is"
                        + " incomplete or damaged");
    }

    @Test
    void aFolderThatCannotBeWrittenIsBadInputForEveryCommand() {
        // Running as root, permissions cannot be taken away here; what every command's failure
        // carries when the run or output folder is read-only is checked instead.
        Path file = Path.of("run", "metrics.jsonl");
        assertThat(Main.isBadInput(new java.io.UncheckedIOException(
                        "cannot write " + file, new java.nio.file.AccessDeniedException(file.toString()))))
                .isTrue();
        assertThat(Main.isBadInput(new java.io.UncheckedIOException(
                        "cannot write " + file,
                        new java.nio.file.FileSystemException(file.toString(), null, "Read-only file system"))))
                .isTrue();
        assertThat(Main.isBadInput(new java.io.UncheckedIOException(
                        "cannot write " + file,
                        new java.nio.file.FileSystemException(file.toString(), null, "No space left on device"))))
                .isFalse();
    }

    // ---- inputs with hard limits -------------------------------------------------------------

    @Test
    void gzipBombIsRefusedQuicklyAndSmall(@TempDir Path dir) throws Exception {
        // 2,000 MiB of zeros behind an IDX header that declares exactly that: about 2 MB on disk.
        Path bomb = Bombs.gzip(dir.resolve("train-images-idx3-ubyte.gz"), Bombs.idxHeader(2000, 1024, 1024), 2000);
        assertThat(Files.size(bomb)).isLessThan(4L << 20);
        refusedInProcess(
                dir,
                bomb,
                "decompression bomb",
                "train",
                "--data",
                bomb.toString(),
                "--out",
                dir.resolve("run").toString());
    }

    @Test
    void npzBombIsRefusedQuicklyAndSmall(@TempDir Path dir) throws Exception {
        Path bomb = Bombs.npz(dir.resolve("bomb.npz"), "train.npy", Bombs.npyHeader(2000, 1L << 20), 2000);
        assertThat(Files.size(bomb)).isLessThan(4L << 20);
        refusedInProcess(
                dir,
                bomb,
                "decompression bomb",
                "train",
                "--data",
                bomb.toString(),
                "--out",
                dir.resolve("run").toString());
    }

    @Test
    void csvWithoutLineBreaksIsRefusedQuicklyAndSmall(@TempDir Path dir) throws Exception {
        // Two gigabytes of NUL bytes, like /dev/zero, as a sparse regular file.
        Path zeros = dir.resolve("zeros.csv");
        try (RandomAccessFile file = new RandomAccessFile(zeros.toFile(), "rw")) {
            file.setLength(2L << 30);
        }
        refusedInProcess(
                dir,
                zeros,
                "longer than",
                "train",
                "--data",
                zeros.toString(),
                "--out",
                dir.resolve("run").toString());
    }

    @Test
    void devZeroAsCsvIsRefused() {
        Path zero = Path.of("/dev/zero");
        assumeTrue(Files.exists(zero), "no /dev/zero on this system");
        CliRunner.Result r = CliRunner.run("vi", "linear", "--data", zero.toString(), "--y", "y", "--x", "x");
        assertThat(r.exitCode()).as(r.err()).isEqualTo(Main.BAD_INPUT);
        assertThat(r.err().lines().toList()).as(r.err()).hasSize(1);
        assertThat(r.err()).contains("/dev/zero", "not a regular file");
    }

    @Test
    void pipeAsDataIsRefusedWithoutOpeningIt(@TempDir Path dir) throws Exception {
        Path fifo = dir.resolve("data.csv");
        Process mkfifo = new ProcessBuilder("mkfifo", fifo.toString()).start();
        assumeTrue(mkfifo.waitFor(5, TimeUnit.SECONDS) && mkfifo.exitValue() == 0, "mkfifo is not available");
        for (String[] args : List.of(
                new String[] {
                    "train",
                    "--data",
                    fifo.toString(),
                    "--out",
                    dir.resolve("run").toString()
                },
                new String[] {
                    "train",
                    "--data",
                    fifo.toString(),
                    "--likelihood",
                    "tabular",
                    "--out",
                    dir.resolve("t").toString()
                },
                new String[] {"vi", "linear", "--data", fifo.toString(), "--y", "y", "--x", "x"})) {
            CliRunner.Result r = CliRunner.run(args);
            assertThat(r.exitCode()).as(r.err()).isEqualTo(Main.BAD_INPUT);
            assertThat(r.err().lines().toList()).as(r.err()).hasSize(1);
            assertThat(r.err()).contains(fifo.toString(), "not a regular file");
        }
    }

    /**
     * Runs the command in a fresh JVM with the default heap, under {@code /usr/bin/time} for its peak
     * resident memory and CPU time, and checks: exit 2, one line naming the file and the problem, at
     * most {@link #MAX_SECONDS} of CPU time (JVM start included) and peak resident memory under 1 GiB.
     */
    private static void refusedInProcess(Path dir, Path file, String problem, String... args) throws Exception {
        Path time = Path.of("/usr/bin/time");
        Path rss = dir.resolve("rss.txt");
        Path err = dir.resolve("stderr.txt");
        List<String> command = new ArrayList<>();
        boolean measured = Files.isExecutable(time);
        if (measured) {
            command.addAll(List.of(time.toString(), "-f", "%M %U %S", "-o", rss.toString()));
        }
        command.addAll(List.of(
                ProcessHandle.current().info().command().orElse("java"),
                "--add-modules",
                "jdk.incubator.vector",
                "-cp",
                System.getProperty("java.class.path"),
                Main.class.getName()));
        command.addAll(List.of(args));
        long start = System.nanoTime();
        Process process = new ProcessBuilder(command)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(err.toFile())
                .start();
        boolean ended = process.waitFor(30, TimeUnit.SECONDS);
        double seconds = (System.nanoTime() - start) / 1e9;
        if (!ended) {
            process.destroyForcibly().waitFor();
        }
        String stderr = Files.readString(err, StandardCharsets.UTF_8);
        assertThat(ended).as("ended; stderr: " + stderr).isTrue();
        assertThat(process.exitValue()).as(stderr).isEqualTo(Main.BAD_INPUT);
        List<String> lines = stderr.lines()
                .filter(l -> !l.startsWith("WARNING: Using incubator modules"))
                .toList();
        assertThat(lines).as(stderr).hasSize(1);
        assertThat(lines.get(0)).contains(file.toString(), problem);
        if (measured) {
            String[] usage = Files.readString(rss)
                    .strip()
                    .lines()
                    .reduce((a, b) -> b)
                    .orElseThrow()
                    .split(" ");
            long peakKb = Long.parseLong(usage[0]);
            double cpuSeconds = Double.parseDouble(usage[1]) + Double.parseDouble(usage[2]);
            System.out.printf(
                    "%s: %.1f s wall, %.1f s CPU, %d KB peak resident%n",
                    file.getFileName(), seconds, cpuSeconds, peakKb);
            assertThat(peakKb).as("peak resident memory, KB").isLessThan(MAX_RSS_KB);
            // CPU time, not wall time: on a loaded CI machine the wall clock mostly measures the queue.
            assertThat(cpuSeconds).as("CPU seconds").isLessThan(MAX_SECONDS);
        } else {
            assertThat(seconds).as("seconds").isLessThan(MAX_SECONDS);
        }
    }
}
