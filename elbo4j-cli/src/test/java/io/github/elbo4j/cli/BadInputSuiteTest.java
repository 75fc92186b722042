package io.github.elbo4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.elbo4j.data.Shapes;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * One named case per bad input, over every reader and command: each must exit with code 2 and
 * one line on stderr (plus picocli's "Try ... --help" line for usage errors) naming the file, the
 * record where there is one, and the problem; no stack trace, nothing on stdout, and nothing
 * written — the case's folder (its inputs, a copied run directory, the {@code --out} target) is
 * byte-for-byte what it was before the command ran.
 */
class BadInputSuiteTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path shared;

    /** A folder of small shape images (train, valid, test) the option cases train on. */
    private static Path goodData;
    /** One small trained run; the run-damage cases damage copies of it. */
    private static Path trainedRun;

    @BeforeAll
    static void trainOnce() throws IOException {
        goodData = Files.createDirectories(shared.resolve("data"));
        Files.write(goodData.resolve("train-images-idx3-ubyte.gz"), TestData.idx(Shapes.generate(80, 1)));
        Files.write(goodData.resolve("valid-images-idx3-ubyte.gz"), TestData.idx(Shapes.generate(20, 2)));
        Files.write(goodData.resolve("test-images-idx3-ubyte.gz"), TestData.idx(Shapes.generate(20, 3)));
        trainedRun = shared.resolve("run");
        CliRunner.Result r = CliRunner.run(
                "train",
                "--data",
                goodData.toString(),
                "--out",
                trainedRun.toString(),
                "--epochs",
                "1",
                "--hidden",
                "8",
                "--latent",
                "2",
                "--batch-size",
                "40");
        assertThat(r.exitCode()).as(r.err()).isZero();
    }

    // ---- the table --------------------------------------------------------------------------

    static Stream<Case> cases() {
        List<Case> all = new ArrayList<>();
        all.addAll(idxCases());
        all.addAll(csvCases());
        all.addAll(npyCases());
        all.addAll(folderAndSpecCases());
        all.addAll(trainOptionCases());
        all.addAll(evalCases());
        all.addAll(runDamageCases());
        all.addAll(sampleExportAndResumeCases());
        all.addAll(viCases());
        all.addAll(objectiveCases());
        all.addAll(workflowCases());
        all.addAll(TabularBadInputCases.cases());
        return all.stream();
    }

    private static List<Case> idxCases() {
        return List.of(
                new Case("train: IDX gzip truncated half-way", dir -> {
                    byte[] good = TestData.idx(Shapes.generate(50, 1));
                    Path file = write(dir, "train-images-idx3-ubyte.gz", Arrays.copyOf(good, good.length / 2));
                    return train(file, dir).names(file, "truncated", "39200 bytes");
                }),
                new Case("train: IDX gzip cut inside its gzip header", dir -> {
                    byte[] good = TestData.idx(Shapes.generate(5, 1));
                    Path file = write(dir, "train-images-idx3-ubyte.gz", Arrays.copyOf(good, 5));
                    return train(file, dir).names(file, "corrupt gzip data (unexpected end of file)");
                }),
                new Case("train: IDX gzip cut inside its trailer", dir -> {
                    byte[] good = TestData.idx(Shapes.generate(5, 1));
                    Path file = write(dir, "train-images-idx3-ubyte.gz", Arrays.copyOf(good, good.length - 4));
                    return train(file, dir).names(file, "corrupt gzip data (unexpected end of file)");
                }),
                new Case("train: IDX gzip with a corrupt checksum", dir -> {
                    byte[] gz = TestData.idx(Shapes.generate(50, 1));
                    gz[gz.length - 8] ^= (byte) 0xFF;
                    Path file = write(dir, "train-images-idx3-ubyte.gz", gz);
                    return train(file, dir).names(file, "corrupt gzip");
                }),
                new Case("train: IDX named .gz but plain text", dir -> {
                    Path file = write(
                            dir, "train-images-idx3-ubyte.gz", "hello, world\n".getBytes(StandardCharsets.US_ASCII));
                    return train(file, dir).names(file, "header", "not an IDX file");
                }),
                new Case("train: IDX wrong magic", dir -> {
                    byte[] raw = idx(0x08, new int[] {1, 1, 1}, new byte[] {1});
                    raw[0] = 0x12;
                    raw[1] = 0x34;
                    Path file = write(dir, "train-images-idx3-ubyte.gz", gzip(raw));
                    return train(file, dir).names(file, "header", "not an IDX file", "0x12 0x34");
                }),
                new Case("train: IDX unsupported type byte 0x0A", dir -> {
                    Path file =
                            write(dir, "train-images-idx3-ubyte.gz", gzip(idx(0x0A, new int[] {1, 2, 2}, new byte[4])));
                    return train(file, dir).names(file, "header", "unsupported IDX data type 0x0A");
                }),
                new Case("train: IDX zero-size dimension", dir -> {
                    Path file = write(
                            dir, "train-images-idx3-ubyte.gz", gzip(idx(0x08, new int[] {0, 28, 28}, new byte[0])));
                    return train(file, dir).names(file, "header", "dimension 1 has size 0");
                }),
                new Case("train: IDX with no dimensions", dir -> {
                    Path file = write(dir, "train-images-idx3-ubyte", idx(0x08, new int[0], new byte[0]));
                    return train(file, dir).names(file, "header", "0 dimensions");
                }),
                new Case("train: IDX header cut inside the dimension sizes", dir -> {
                    byte[] raw = idx(0x08, new int[] {5, 28, 28}, new byte[0]);
                    Path file = write(dir, "train-images-idx3-ubyte", Arrays.copyOf(raw, 8));
                    return train(file, dir).names(file, "header", "truncated", "3 dimension sizes need 12 bytes");
                }),
                new Case("train: IDX header promising more images than present", dir -> {
                    Path file =
                            write(dir, "train-images-idx3-ubyte", idx(0x08, new int[] {10, 28, 28}, new byte[5 * 784]));
                    return train(file, dir).names(file, "truncated", "expected 7840 bytes", "found 3920");
                }),
                new Case("train: IDX gzip header promising more images than present", dir -> {
                    Path file = write(
                            dir,
                            "train-images-idx3-ubyte.gz",
                            gzip(idx(0x08, new int[] {10, 28, 28}, new byte[5 * 784])));
                    return train(file, dir).names(file, "truncated", "expected 7840 bytes", "found 3920");
                }),
                new Case("train: IDX trailing garbage", dir -> {
                    byte[] raw = idx(0x08, new int[] {5, 28, 28}, new byte[5 * 784 + 3]);
                    Path file = write(dir, "train-images-idx3-ubyte", raw);
                    return train(file, dir).names(file, "trailing bytes", "found 3923");
                }),
                new Case("train: IDX labels file given as images", dir -> {
                    Path file = write(
                            dir, "train-labels-idx1-ubyte.gz", gzip(idx(0x08, new int[] {5}, new byte[] {0, 1, 2, 3, 4
                            })));
                    return train(file, dir).names(file, "1-dimensional", "labels file");
                }),
                new Case("train: IDX empty file", dir -> {
                    Path file = write(dir, "train-images-idx3-ubyte", new byte[0]);
                    return train(file, dir).names(file, "empty file");
                }),
                new Case("train: IDX float images holding NaN", dir -> {
                    byte[] values = bigEndianFloats(0, 1, 0, 1, 1, Float.NaN, 0, 0);
                    Path file = write(dir, "train-images-idx3-ubyte", idx(0x0D, new int[] {2, 2, 2}, values));
                    return train(file, dir).names(file, "row 2, value 2", "not a finite number");
                }),
                new Case("train: IDX int images outside [0, 1] for Bernoulli", dir -> {
                    ByteBuffer values = ByteBuffer.allocate(4 * 8);
                    for (int i = 0; i < 8; i++) {
                        values.putInt(i);
                    }
                    Path file = write(dir, "train-images-idx3-ubyte", idx(0x0C, new int[] {2, 2, 2}, values.array()));
                    return train(file, dir).names(file, "[0.0, 7.0]", "Bernoulli", "[0, 1]");
                }));
    }

    private static List<Case> csvCases() {
        return List.of(
                new Case("train: CSV empty file", dir -> {
                    Path file = writeText(dir, "train.csv", "");
                    return train(file, dir).names(file, "empty file");
                }),
                new Case("train: CSV header only", dir -> {
                    Path file = writeText(dir, "train.csv", "a,b,c\n");
                    return train(file, dir).names(file, "no data rows");
                }),
                new Case("train: CSV ragged row", dir -> {
                    Path file = writeText(dir, "train.csv", "a,b,c\n0,1,0\n1,0\n");
                    return train(file, dir).names(file, "line 3", "expected 3 cells", "found 2");
                }),
                new Case("train: CSV text cell", dir -> {
                    Path file = writeText(dir, "train.csv", "a,b,c\n0,1,0\n1,abc,0\n");
                    return train(file, dir).names(file, "line 3, column 2 (b)", "'abc' is not a number");
                }),
                new Case("train: CSV NaN cell", dir -> {
                    Path file = writeText(dir, "train.csv", "a,b\n0,NaN\n");
                    return train(file, dir).names(file, "line 2, column 2 (b)", "'NaN' is not a finite number");
                }),
                new Case("train: CSV Inf cell", dir -> {
                    Path file = writeText(dir, "train.csv", "a,b\n0,1\n-Inf,0\n");
                    return train(file, dir).names(file, "line 3, column 1 (a)", "'-Inf' is not a finite number");
                }),
                new Case("train: CSV empty cell", dir -> {
                    Path file = writeText(dir, "train.csv", "a,b,c\n0,,1\n");
                    return train(file, dir).names(file, "line 2, column 2 (b)", "empty cell");
                }),
                new Case("train: CSV text after a closing quote", dir -> {
                    Path file = writeText(dir, "train.csv", "a,b\n\"0\"x,1\n");
                    return train(file, dir).names(file, "line 2, column 1", "after the closing quote");
                }),
                new Case("train: CSV unterminated quote", dir -> {
                    Path file = writeText(dir, "train.csv", "a,b\n0,\"1\n");
                    return train(file, dir).names(file, "line 2", "unterminated quoted cell");
                }),
                new Case("train: CSV quoted text cell", dir -> {
                    Path file = writeText(dir, "train.csv", "a,b\n\"zero, or so\",1\n");
                    return train(file, dir).names(file, "line 2, column 1 (a)", "'zero, or so' is not a number");
                }),
                new Case("train: CSV hexadecimal number", dir -> {
                    Path file = writeText(dir, "train.csv", "a,b\n0,0x1p3\n");
                    return train(file, dir).names(file, "line 2, column 2 (b)", "'0x1p3' is not a number");
                }),
                new Case("train: CSV number beyond float range", dir -> {
                    Path file = writeText(dir, "train.csv", "a,b\n0,1e39\n");
                    return train(file, dir).names(file, "line 2, column 2 (b)", "outside the range of a 32-bit float");
                }),
                new Case("train: CSV duplicate column name", dir -> {
                    Path file = writeText(dir, "train.csv", "a,b,a\n0,1,0\n");
                    return train(file, dir).names(file, "line 1", "duplicate column name 'a'");
                }),
                new Case("train: CSV that is not UTF-8", dir -> {
                    Path file = write(
                            dir, "train.csv", new byte[] {'a', ',', 'b', '\n', (byte) 0xC3, (byte) 0x28, ',', '1', '\n'
                            });
                    return train(file, dir).names(file, "not UTF-8");
                }),
                new Case("train: CSV values outside [0, 1] for Bernoulli", dir -> {
                    Path file = writeText(dir, "train.csv", "a,b\n0,-0.5\n1,0\n");
                    return train(file, dir).names(file, "[-0.5, 1.0]", "Bernoulli", "[0, 1]");
                }),
                new Case("train: CSV folder whose valid file has an unknown column", dir -> {
                    Path folder = Files.createDirectories(dir.resolve("table"));
                    writeText(folder, "train.csv", "a,b\n0,1\n1,0\n");
                    writeText(folder, "valid.csv", "a,c\n0,1\n");
                    return train(folder, dir).names(folder, "valid columns [a, c]", "differ", "[a, b]");
                }));
    }

    private static List<Case> npyCases() {
        return List.of(
                new Case("train: NPY bad magic", dir -> {
                    Path file = writeText(dir, "train.npy", "NUMPY? no, just text\n");
                    return train(file, dir).names(file, "header", "not a .npy file");
                }),
                new Case("train: NPY unsupported dtype <c8", dir -> {
                    Path file = write(dir, "train.npy", npy("<c8", false, "(2, 2)", new byte[32]));
                    return train(file, dir).names(file, "header", "unsupported dtype '<c8'");
                }),
                new Case("train: NPY big-endian dtype >f4", dir -> {
                    Path file = write(dir, "train.npy", npy(">f4", false, "(2, 2)", new byte[16]));
                    return train(file, dir).names(file, "header", "unsupported dtype '>f4'");
                }),
                new Case("train: NPY fortran order", dir -> {
                    Path file = write(dir, "train.npy", npy("<f4", true, "(2, 2)", littleEndianFloats(0, 1, 1, 0)));
                    return train(file, dir).names(file, "header", "fortran_order is True");
                }),
                new Case("train: NPY truncated data", dir -> {
                    Path file = write(dir, "train.npy", npy("<f4", false, "(3, 4)", littleEndianFloats(0, 1, 0, 1, 1)));
                    return train(file, dir).names(file, "truncated", "expected 48 bytes", "(3, 4)", "found 20");
                }),
                new Case("train: NPY unsupported format version", dir -> {
                    byte[] bytes = npy("<f4", false, "(1, 1)", littleEndianFloats(0));
                    bytes[6] = 9;
                    Path file = write(dir, "train.npy", bytes);
                    return train(file, dir).names(file, "header", "format version 9.0");
                }),
                new Case("train: NPY header length beyond the end of the file", dir -> {
                    byte[] bytes = npy("<f4", false, "(1, 1)", littleEndianFloats(0));
                    bytes[8] = (byte) 0xFF;
                    bytes[9] = (byte) 0xFF;
                    Path file = write(dir, "train.npy", bytes);
                    return train(file, dir).names(file, "header", "header length 65535 exceeds");
                }),
                new Case("train: NPY scalar", dir -> {
                    Path file = write(dir, "train.npy", npy("<f4", false, "()", littleEndianFloats(0)));
                    return train(file, dir).names(file, "header", "0-dimensional");
                }),
                new Case("train: NPY float64 holding NaN", dir -> {
                    ByteBuffer values = ByteBuffer.allocate(8 * 4).order(ByteOrder.LITTLE_ENDIAN);
                    values.putDouble(0).putDouble(1).putDouble(Double.NaN).putDouble(0);
                    Path file = write(dir, "train.npy", npy("<f8", false, "(2, 2)", values.array()));
                    return train(file, dir).names(file, "row 2, value 1", "not a finite number");
                }),
                new Case("train: NPZ that is not a zip", dir -> {
                    Path file = writeText(dir, "train.npz", "this is not a zip archive\n");
                    return train(file, dir).names(file, "not a valid .npz");
                }),
                new Case("train: NPZ truncated", dir -> {
                    Map<String, byte[]> entries = new LinkedHashMap<>();
                    entries.put("train.npy", npy("<f4", false, "(2, 2)", littleEndianFloats(0, 1, 1, 0)));
                    byte[] archive = zip(entries);
                    Path file = write(dir, "train.npz", Arrays.copyOf(archive, archive.length / 2));
                    return train(file, dir).names(file, "not a valid .npz");
                }),
                new Case("train: NPZ with no arrays", dir -> {
                    Map<String, byte[]> entries = new LinkedHashMap<>();
                    entries.put("README.txt", "no arrays here".getBytes(StandardCharsets.US_ASCII));
                    Path file = write(dir, "train.npz", zip(entries));
                    return train(file, dir).names(file, "holds no .npy arrays");
                }),
                new Case("train: NPZ entry of an unsupported dtype", dir -> {
                    Map<String, byte[]> entries = new LinkedHashMap<>();
                    entries.put("x.npy", npy("<c8", false, "(2, 2)", new byte[32]));
                    Path file = write(dir, "data.npz", zip(entries));
                    return train(file, dir).names(file, "entry x.npy, header", "unsupported dtype '<c8'");
                }),
                new Case("train: NPZ with arrays not named by split", dir -> {
                    Map<String, byte[]> entries = new LinkedHashMap<>();
                    entries.put("x.npy", npy("<f4", false, "(1, 2)", littleEndianFloats(0, 1)));
                    entries.put("y.npy", npy("<f4", false, "(1, 2)", littleEndianFloats(1, 0)));
                    Path file = write(dir, "data.npz", zip(entries));
                    return train(file, dir).names(file, "holds 2 arrays (x, y)", "train...");
                }),
                new Case("train: NPZ labels count differing from the images", dir -> {
                    Map<String, byte[]> entries = new LinkedHashMap<>();
                    entries.put("train_images.npy", npy("<f4", false, "(2, 2)", littleEndianFloats(0, 1, 1, 0)));
                    entries.put("train_labels.npy", npy("<i4", false, "(3,)", littleEndianInts(0, 1, 2)));
                    Path file = write(dir, "data.npz", zip(entries));
                    return train(file, dir).names(file, "train labels have 3 entries", "2 rows");
                }));
    }

    private static List<Case> folderAndSpecCases() {
        return List.of(
                new Case("train: folder without a train file", dir -> {
                    Path folder = Files.createDirectories(dir.resolve("data"));
                    write(folder, "valid-images-idx3-ubyte.gz", TestData.idx(Shapes.generate(5, 1)));
                    return train(folder, dir).names(folder, "no training data", "valid-images-idx3-ubyte.gz");
                }),
                new Case("train: folder whose valid images have another size", dir -> {
                    Path folder = Files.createDirectories(dir.resolve("data"));
                    write(folder, "train-images-idx3-ubyte.gz", TestData.idx(Shapes.generate(5, 1)));
                    write(
                            folder,
                            "valid-images-idx3-ubyte.gz",
                            gzip(idx(0x08, new int[] {3, 14, 14}, new byte[3 * 196])));
                    return train(folder, dir)
                            .names(folder, "valid examples (valid-images-idx3-ubyte.gz)", "shape [14, 14]", "[28, 28]");
                }),
                new Case("train: folder with fewer labels than images", dir -> {
                    Path folder = Files.createDirectories(dir.resolve("data"));
                    write(folder, "train-images-idx3-ubyte.gz", TestData.idx(Shapes.generate(5, 1)));
                    Path labels = write(
                            folder, "train-labels-idx1-ubyte.gz", gzip(idx(0x08, new int[] {3}, new byte[] {0, 1, 2})));
                    return train(folder, dir).names(labels, "has 3 labels", "5 examples");
                }),
                new Case("train: folder whose labels file holds images", dir -> {
                    Path folder = Files.createDirectories(dir.resolve("data"));
                    write(folder, "train-images-idx3-ubyte.gz", TestData.idx(Shapes.generate(5, 1)));
                    Path labels = write(folder, "train-labels-idx1-ubyte.gz", TestData.idx(Shapes.generate(5, 2)));
                    return train(folder, dir).names(labels, "expected a labels file with 1 dimension", "3 dimensions");
                }),
                new Case("train: file of an unsupported type", dir -> {
                    Path file = writeText(dir, "train.txt", "0 1 0\n");
                    return train(file, dir).names(file, "unsupported file type");
                }),
                new Case("train: missing data file", dir -> {
                    Path file = dir.resolve("nowhere").resolve("train.csv");
                    return train(file, dir).names(file, "no such file or folder");
                }),
                new Case(
                        "train: unknown dataset name",
                        dir -> trainOn("no-such-dataset", dir).names("unknown dataset 'no-such-dataset'", "shapes")),
                new Case("train: empty --data", dir -> trainOn(" ", dir).names("no data given")));
    }

    private static List<Case> trainOptionCases() {
        return List.of(
                new Case(
                        "train: --latent 0",
                        dir -> train(goodData, dir, "--latent", "0").names("--latent must be at least 1", "got 0")),
                new Case(
                        "train: --hidden 0",
                        dir -> train(goodData, dir, "--hidden", "0").names("--hidden widths must be positive", "[0]")),
                new Case(
                        "train: --hidden 8,-4",
                        dir -> train(goodData, dir, "--hidden", "8,-4")
                                .names("--hidden widths must be positive", "[8, -4]")),
                new Case(
                        "train: --batch-size 0",
                        dir -> train(goodData, dir, "--batch-size", "0")
                                .names("--batch-size must be at least 1", "got 0")),
                new Case(
                        "train: --epochs 0",
                        dir -> train(goodData, dir, "--epochs", "0").names("--epochs must be at least 1", "got 0")),
                new Case(
                        "train: --lr -1",
                        dir -> train(goodData, dir, "--lr", "-1").names("--lr must be a positive number", "-1")),
                new Case(
                        "train: --lr NaN",
                        dir -> train(goodData, dir, "--lr", "NaN").names("--lr must be a positive number", "NaN")),
                new Case(
                        "train: --activation nope",
                        dir -> train(goodData, dir, "--activation", "nope").names("unknown activation 'nope'", "tanh")),
                new Case(
                        "train: --likelihood nope",
                        dir -> train(goodData, dir, "--likelihood", "nope")
                                .names("unknown likelihood 'nope'", "bernoulli")),
                new Case(
                        "train: --gaussian-scale 0",
                        dir -> train(goodData, dir, "--likelihood", "gaussian", "--gaussian-scale", "0")
                                .names("--gaussian-scale must be a positive number")),
                new Case(
                        "train: --threads 0",
                        dir -> train(goodData, dir, "--threads", "0").names("--threads must be at least 1")),
                new Case(
                        "train: --latent abc (usage error)",
                        dir -> train(goodData, dir, "--latent", "abc").usage().names("--latent", "'abc'")),
                new Case(
                        "train: --hidden 8,x (usage error)",
                        dir -> train(goodData, dir, "--hidden", "8,x").usage().names("--hidden", "'x'")),
                new Case("train: --out under a regular file", dir -> {
                    Path file = writeText(dir, "notes.txt", "a file, not a folder\n");
                    Path out = file.resolve("run");
                    return new Invocation(
                                    "train",
                                    "--data",
                                    goodData.toString(),
                                    "--out",
                                    out.toString(),
                                    "--epochs",
                                    "1",
                                    "--hidden",
                                    "8",
                                    "--latent",
                                    "2")
                            .absent(out)
                            .names(out, "cannot create the run directory");
                }),
                new Case("train: --out is an existing file", dir -> {
                    Path out = writeText(dir, "run", "precious\n");
                    return new Invocation(
                                    "train",
                                    "--data",
                                    goodData.toString(),
                                    "--out",
                                    out.toString(),
                                    "--epochs",
                                    "1",
                                    "--hidden",
                                    "8",
                                    "--latent",
                                    "2")
                            .names(out, "already exists");
                }));
    }

    private static List<Case> evalCases() {
        return List.of(
                new Case("eval: --k 0", dir -> eval(copyRun(dir), "--k", "0").names("--k must be at least 1", "got 0")),
                new Case(
                        "eval: --split nope",
                        dir -> eval(copyRun(dir), "--split", "nope")
                                .names("--split must be test, valid or train", "'nope'")),
                new Case(
                        "eval: --limit 0",
                        dir -> eval(copyRun(dir), "--limit", "0").names("--limit must be at least 1")),
                new Case(
                        "eval: --threads 0",
                        dir -> eval(copyRun(dir), "--threads", "0").names("--threads must be at least 1")),
                new Case(
                        "eval: missing --run (usage error)",
                        dir -> new Invocation("eval", "--k", "2").usage().names("Missing required option", "--run")),
                new Case("eval: --data of 14x14 images (dimension mismatch)", dir -> {
                    Path file = write(
                            dir,
                            "small-images-idx3-ubyte.gz",
                            gzip(idx(0x08, new int[] {4, 14, 14}, new byte[4 * 196])));
                    return eval(copyRun(dir), "--data", file.toString()).names(file, "196 features", "784");
                }),
                new Case("eval: --data CSV holding NaN", dir -> {
                    Path file = writeText(dir, "test.csv", "a,b\n0,1\n1,nan\n");
                    return eval(copyRun(dir), "--data", file.toString())
                            .names(file, "line 3, column 2 (b)", "not a finite number");
                }),
                new Case("eval: --data NPY truncated", dir -> {
                    Path file = write(dir, "test.npy", npy("|u1", false, "(2, 784)", new byte[784]));
                    return eval(copyRun(dir), "--data", file.toString())
                            .names(file, "truncated", "expected 1568 bytes");
                }),
                new Case("eval: --data outside [0, 1] for the run's Bernoulli model", dir -> {
                    ByteBuffer values = ByteBuffer.allocate(4 * 2 * 784);
                    values.putInt(3);
                    Path file = write(dir, "test-images-idx3-ubyte", idx(0x0C, new int[] {2, 28, 28}, values.array()));
                    return eval(copyRun(dir), "--data", file.toString()).names(file, "[0.0, 3.0]", "[0, 1]");
                }),
                new Case("eval: --split valid of a file without one", dir -> {
                    Path file = write(dir, "test-images-idx3-ubyte.gz", TestData.idx(Shapes.generate(4, 7)));
                    return eval(copyRun(dir), "--data", file.toString(), "--split", "valid")
                            .names(file, "no valid split");
                }),
                new Case("eval: --data missing file", dir -> {
                    Path file = dir.resolve("gone").resolve("test.npy");
                    return eval(copyRun(dir), "--data", file.toString()).names(file, "no such file or folder");
                }));
    }

    private static List<Case> runDamageCases() {
        return List.of(
                new Case("eval: --run that does not exist", dir -> {
                    Path run = dir.resolve("no-run");
                    return eval(run).names(run, "run directory not found");
                }),
                new Case("eval: run without model.json", dir -> {
                    Path run = copyRun(dir);
                    Files.delete(run.resolve("model.json"));
                    return eval(run).names(run, "no model.json");
                }),
                new Case("eval: model.json not JSON", dir -> {
                    Path run = copyRun(dir);
                    Path file = writeText(run, "model.json", "{\"format\": \"elbo4j-vae\", \"hidden\": [8,");
                    return eval(run).names(file, "not valid JSON");
                }),
                new Case("eval: model.json of another format", dir -> {
                    Path run = copyRun(dir);
                    Path file = editModelJson(run, m -> m.put("format", "something-else"));
                    return eval(run).names(file, "format", "not an elbo4j VAE description");
                }),
                new Case("eval: model.json without input_shape", dir -> {
                    Path run = copyRun(dir);
                    Path file = editModelJson(run, m -> m.remove("input_shape"));
                    return eval(run).names(file, "input_shape", "missing or not an array");
                }),
                new Case("eval: model.json with an unknown activation", dir -> {
                    Path run = copyRun(dir);
                    Path file = editModelJson(run, m -> m.put("activation", "swish"));
                    return eval(run).names(file, "unknown activation 'swish'");
                }),
                new Case("eval: model.json of wider hidden layers than the weights", dir -> {
                    Path run = copyRun(dir);
                    editModelJson(run, m -> m.putArray("hidden").add(16));
                    return eval(run)
                            .names(
                                    run.resolve("model.safetensors"),
                                    "does not match model.json",
                                    "weight 'encoder.hidden.0.weight' has shape [8, 784]",
                                    "[16, 784]");
                }),
                new Case("eval: model.json of another latent size than the weights", dir -> {
                    Path run = copyRun(dir);
                    editModelJson(run, m -> m.put("latent", 3));
                    return eval(run)
                            .names(
                                    run.resolve("model.safetensors"),
                                    "does not match model.json",
                                    "weight 'encoder.loc.weight' has shape [2, 8]",
                                    "[3, 8]");
                }),
                new Case("eval: model.safetensors missing", dir -> {
                    Path run = copyRun(dir);
                    Files.delete(run.resolve("model.safetensors"));
                    return eval(run).names(run.resolve("model.safetensors"), "no trained weights");
                }),
                new Case("eval: model.safetensors truncated inside its last tensor", dir -> {
                    Path run = copyRun(dir);
                    Path file = run.resolve("model.safetensors");
                    SafetensorsFile st = SafetensorsFile.read(file);
                    String last = st.lastTensor();
                    long begin =
                            st.header().path(last).path("data_offsets").get(0).asLong();
                    byte[] bytes = Files.readAllBytes(file);
                    Files.write(file, Arrays.copyOf(bytes, (int) (st.dataStart() + begin + 2)));
                    return eval(run).names(file, "tensor '" + last + "'", "lie outside");
                }),
                new Case("eval: model.safetensors with a forged header length", dir -> {
                    Path run = copyRun(dir);
                    Path file = run.resolve("model.safetensors");
                    byte[] bytes = Files.readAllBytes(file);
                    ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).putLong(0, 1L << 40);
                    Files.write(file, bytes);
                    return eval(run).names(file, "header", "header length " + (1L << 40), "outside");
                }),
                new Case("eval: model.safetensors header longer than the file", dir -> {
                    Path run = copyRun(dir);
                    Path file = run.resolve("model.safetensors");
                    byte[] bytes = Files.readAllBytes(file);
                    ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).putLong(0, bytes.length);
                    Files.write(file, bytes);
                    return eval(run).names(file, "header", "truncated", "needs " + bytes.length + " bytes");
                }),
                new Case("eval: model.safetensors header not JSON", dir -> {
                    Path run = copyRun(dir);
                    Path file = run.resolve("model.safetensors");
                    byte[] bytes = Files.readAllBytes(file);
                    bytes[8] = '[';
                    bytes[9] = '[';
                    Files.write(file, bytes);
                    return eval(run).names(file, "header", "not valid JSON");
                }),
                new Case("eval: model.safetensors shorter than its length field", dir -> {
                    Path run = copyRun(dir);
                    Path file = write(run, "model.safetensors", new byte[] {1, 2, 3});
                    return eval(run).names(file, "not a safetensors file", "3 bytes");
                }),
                new Case("eval: model.safetensors with an F16 tensor", dir -> {
                    Path run = copyRun(dir);
                    Path file = run.resolve("model.safetensors");
                    SafetensorsFile st = SafetensorsFile.read(file);
                    ((ObjectNode) st.header().path("decoder.out.bias")).put("dtype", "F16");
                    st.write(file);
                    return eval(run).names(file, "tensor 'decoder.out.bias'", "dtype 'F16'", "not supported");
                }),
                new Case("eval: model.safetensors with a shape its data_offsets do not cover", dir -> {
                    Path run = copyRun(dir);
                    Path file = run.resolve("model.safetensors");
                    SafetensorsFile st = SafetensorsFile.read(file);
                    ((ObjectNode) st.header().path("decoder.out.bias"))
                            .putArray("shape")
                            .add(785);
                    st.write(file);
                    return eval(run).names(file, "tensor 'decoder.out.bias'", "span 3136 bytes", "needs 3140");
                }),
                new Case("eval: model.safetensors missing a tensor", dir -> {
                    Path run = copyRun(dir);
                    Path file = run.resolve("model.safetensors");
                    SafetensorsFile st = SafetensorsFile.read(file);
                    ObjectNode header = st.header();
                    header.set("decoder.out.offset", header.remove("decoder.out.bias"));
                    st.write(file);
                    return eval(run).names(file, "does not match model.json", "missing weight 'decoder.out.bias'");
                }),
                new Case("eval: run without config.json and no --data", dir -> {
                    Path run = copyRun(dir);
                    Files.delete(run.resolve("config.json"));
                    return eval(run).names(run.resolve("config.json"), "no such file");
                }),
                new Case("eval: config.json not JSON", dir -> {
                    Path run = copyRun(dir);
                    Path file = writeText(run, "config.json", "not json at all");
                    return eval(run).names(file, "not valid JSON");
                }),
                new Case("eval: config.json that records no dataset", dir -> {
                    Path run = copyRun(dir);
                    Path file = run.resolve("config.json");
                    ObjectNode config = (ObjectNode) JSON.readTree(file.toFile());
                    config.remove("data");
                    Files.writeString(file, config.toString());
                    return eval(run).names(file, "records no dataset", "--data");
                }),
                new Case("eval: config.json naming data that is gone", dir -> {
                    Path run = copyRun(dir);
                    Path file = run.resolve("config.json");
                    Path gone = dir.resolve("deleted-data");
                    ObjectNode config = (ObjectNode) JSON.readTree(file.toFile());
                    ((ObjectNode) config.path("data")).put("spec", gone.toString());
                    Files.writeString(file, config.toString());
                    return eval(run).names(gone, "no such file or folder");
                }));
    }

    private static List<Case> sampleExportAndResumeCases() {
        return List.of(
                new Case("sample: run without model.safetensors", dir -> {
                    Path run = copyRun(dir);
                    Files.delete(run.resolve("model.safetensors"));
                    return new Invocation("sample", "--run", run.toString())
                            .names(run.resolve("model.safetensors"), "no trained weights");
                }),
                new Case("sample: model.json not JSON", dir -> {
                    Path run = copyRun(dir);
                    Path file = writeText(run, "model.json", "<model/>");
                    return new Invocation("sample", "--run", run.toString()).names(file, "not valid JSON");
                }),
                new Case("sample: --n 0", dir -> {
                    Path run = copyRun(dir);
                    return new Invocation("sample", "--run", run.toString(), "--n", "0")
                            .names("--n must be at least 1");
                }),
                new Case("sample: --out under a regular file", dir -> {
                    Path run = copyRun(dir);
                    Path file = writeText(dir, "notes.txt", "a file, not a folder\n");
                    Path out = file.resolve("samples.png");
                    return new Invocation("sample", "--run", run.toString(), "--out", out.toString())
                            .names(out, "not a folder");
                }),
                new Case("sample: --out an existing folder", dir -> {
                    Path run = copyRun(dir);
                    Path out = Files.createDirectories(dir.resolve("pictures"));
                    return new Invocation("sample", "--run", run.toString(), "--out", out.toString())
                            .names(out, "is a folder");
                }),
                new Case("sample: run whose default samples.png is a folder", dir -> {
                    // sample writes beside the run, not into plots/, which report redraws.
                    Path run = copyRun(dir);
                    Path target = Files.createDirectories(run.resolve("samples.png"));
                    return new Invocation("sample", "--run", run.toString()).names(target, "is a folder");
                }),
                new Case("export: --format nope", dir -> {
                    Path run = copyRun(dir);
                    return new Invocation("export", "--run", run.toString(), "--format", "nope")
                            .names("--format must be npz or safetensors", "'nope'");
                }),
                new Case("export: --out under a regular file", dir -> {
                    Path run = copyRun(dir);
                    Path file = writeText(dir, "notes.txt", "a file, not a folder\n");
                    Path out = file.resolve("model.npz");
                    return new Invocation("export", "--run", run.toString(), "--out", out.toString())
                            .names(out, "not a folder");
                }),
                new Case("export: --out an existing folder", dir -> {
                    Path run = copyRun(dir);
                    Path out = Files.createDirectories(dir.resolve("exports"));
                    return new Invocation("export", "--run", run.toString(), "--out", out.toString())
                            .names(out, "is a folder");
                }),
                new Case("export: run with an F16 tensor", dir -> {
                    Path run = copyRun(dir);
                    Path file = run.resolve("model.safetensors");
                    SafetensorsFile st = SafetensorsFile.read(file);
                    ((ObjectNode) st.header().path("encoder.loc.weight")).put("dtype", "F16");
                    st.write(file);
                    return new Invocation("export", "--run", run.toString(), "--format", "safetensors")
                            .names(file, "tensor 'encoder.loc.weight'", "dtype 'F16'");
                }),
                new Case("export: run that does not exist", dir -> {
                    Path run = dir.resolve("missing-run");
                    return new Invocation("export", "--run", run.toString()).names(run, "run directory not found");
                }),
                new Case("train --resume: checkpoint that is a model file", dir -> {
                    Path run = copyRun(dir);
                    Path checkpoint = run.resolve("checkpoints").resolve("latest.safetensors");
                    Files.copy(run.resolve("model.safetensors"), checkpoint, StandardCopyOption.REPLACE_EXISTING);
                    // with best intact, resume would fall back to it (see RunIntegrityTest)
                    Files.delete(run.resolve("checkpoints").resolve("best.safetensors"));
                    return new Invocation("train", "--resume", run.toString(), "--epochs", "2")
                            .names(checkpoint, "__metadata__", "not an elbo4j checkpoint");
                }),
                new Case("train --resume: checkpoint truncated", dir -> {
                    Path run = copyRun(dir);
                    Path checkpoint = run.resolve("checkpoints").resolve("latest.safetensors");
                    SafetensorsFile st = SafetensorsFile.read(checkpoint);
                    Files.write(checkpoint, Arrays.copyOf(Files.readAllBytes(checkpoint), (int) st.dataStart() + 16));
                    // with best intact, resume would fall back to it (see RunIntegrityTest)
                    Files.delete(run.resolve("checkpoints").resolve("best.safetensors"));
                    return new Invocation("train", "--resume", run.toString(), "--epochs", "2")
                            .names(checkpoint, "tensor 'parameters'", "lie outside");
                }));
    }

    private static final String REGRESSION_CSV = "y,x1,x2\n1,0.5,-1.2\n0,1.5,0.3\n1,-0.2,0.8\n0,0.9,-0.4\n";

    private static List<Case> viCases() {
        return List.of(
                new Case("vi: predictor column missing", dir -> {
                    Path file = writeText(dir, "data.csv", REGRESSION_CSV);
                    return new Invocation("vi", "linear", "--data", file.toString(), "--y", "y", "--x", "x1,x3")
                            .names(file, "header", "no column named 'x3'", "columns are y, x1, x2");
                }),
                new Case("vi: non-numeric predictor cell", dir -> {
                    Path file = writeText(dir, "data.csv", REGRESSION_CSV.replace("1.5,0.3", "1.5,abc"));
                    return new Invocation("vi", "linear", "--data", file.toString(), "--y", "y", "--x", "x1,x2")
                            .names(file, "line 3, column 3 (x2)", "'abc' is not a number");
                }),
                new Case("vi: logistic response not 0 or 1", dir -> {
                    Path file = writeText(dir, "data.csv", REGRESSION_CSV.replace("\n0,0.9", "\n2,0.9"));
                    return new Invocation("vi", "logistic", "--data", file.toString(), "--y", "y", "--x", "x1")
                            .names(file, "line 5, column 1 (y)", "not 0 or 1");
                }),
                new Case("vi: Poisson response negative", dir -> {
                    Path file = writeText(dir, "data.csv", REGRESSION_CSV.replace("\n0,1.5", "\n-3,1.5"));
                    return new Invocation("vi", "poisson", "--data", file.toString(), "--y", "y", "--x", "x1")
                            .names(file, "line 3, column 1 (y)", "not a non-negative whole count");
                }),
                new Case("vi: Poisson response not a whole number", dir -> {
                    Path file = writeText(dir, "data.csv", REGRESSION_CSV.replace("\n0,1.5", "\n2.5,1.5"));
                    return new Invocation("vi", "poisson", "--data", file.toString(), "--y", "y")
                            .names(file, "line 3, column 1 (y)", "2.5", "whole count");
                }),
                new Case("vi: malformed prior", dir -> {
                    Path file = writeText(dir, "data.csv", REGRESSION_CSV);
                    return new Invocation(
                                    "vi",
                                    "linear",
                                    "--data",
                                    file.toString(),
                                    "--y",
                                    "y",
                                    "--x",
                                    "x1",
                                    "--prior",
                                    "beta=normal(0)")
                            .names("--prior beta", "takes 2 arguments, got 1");
                }),
                new Case("vi: prior for an unknown parameter", dir -> {
                    Path file = writeText(dir, "data.csv", REGRESSION_CSV);
                    return new Invocation(
                                    "vi",
                                    "logistic",
                                    "--data",
                                    file.toString(),
                                    "--y",
                                    "y",
                                    "--x",
                                    "x1",
                                    "--prior",
                                    "sigma=exponential(1)")
                            .names("unknown parameter 'sigma'", "intercept, x1");
                }),
                new Case("vi: unknown model", dir -> {
                    Path file = writeText(dir, "data.csv", REGRESSION_CSV);
                    return new Invocation("vi", "probit", "--data", file.toString(), "--y", "y")
                            .names("unknown model 'probit'", "linear, logistic, poisson");
                }),
                new Case("vi: unknown guide family", dir -> {
                    Path file = writeText(dir, "data.csv", REGRESSION_CSV);
                    return new Invocation("vi", "linear", "--data", file.toString(), "--y", "y", "--family", "dense")
                            .names("unknown guide family 'dense'", "mean-field");
                }),
                new Case("vi: draws file is a folder", dir -> {
                    Path file = writeText(dir, "data.csv", REGRESSION_CSV);
                    Path folder = Files.createDirectories(dir.resolve("draws"));
                    return new Invocation(
                                    "vi", "linear", "--data", file.toString(), "--y", "y", "--draws", folder.toString())
                            .names(folder, "is a folder");
                }));
    }

    private static List<Case> objectiveCases() {
        return List.of(
                new Case(
                        "train: --kl-schedule foo:3",
                        dir -> train(goodData, dir, "--kl-schedule", "foo:3")
                                .names("--kl-schedule must be constant, linear:N or cyclical:N", "'foo:3'")),
                new Case(
                        "train: --kl-schedule linear:0",
                        dir -> train(goodData, dir, "--kl-schedule", "linear:0")
                                .names("--kl-schedule linear:N needs N ≥ 1 epochs", "got 0")),
                new Case(
                        "train: --kl-schedule cyclical (no length)",
                        dir -> train(goodData, dir, "--kl-schedule", "cyclical")
                                .names("--kl-schedule cyclical needs a length in epochs", "cyclical:10")),
                new Case(
                        "train: --kl-schedule linear:x",
                        dir -> train(goodData, dir, "--kl-schedule", "linear:x")
                                .names("needs a whole number of epochs", "'linear:x'")),
                new Case(
                        "train: --beta -1",
                        dir -> train(goodData, dir, "--beta", "-1").names("--beta must be a finite number ≥ 0", "-1")),
                new Case(
                        "train: --beta NaN",
                        dir -> train(goodData, dir, "--beta", "NaN")
                                .names("--beta must be a finite number ≥ 0", "NaN")),
                new Case(
                        "train: --beta abc (usage error)",
                        dir -> train(goodData, dir, "--beta", "abc").usage().names("--beta", "'abc'")),
                new Case(
                        "train: --free-bits -0.5",
                        dir -> train(goodData, dir, "--free-bits", "-0.5")
                                .names("--free-bits must be a finite number of nats ≥ 0", "-0.5")),
                new Case(
                        "train: --objective nope",
                        dir -> train(goodData, dir, "--objective", "nope")
                                .names("--objective must be elbo or iwae", "'nope'")),
                new Case(
                        "train: --objective iwae --iwae-k 0",
                        dir -> train(goodData, dir, "--objective", "iwae", "--iwae-k", "0")
                                .names("--iwae-k must be between 1 and 5000", "got 0")),
                new Case(
                        "train: --iwae-k without --objective iwae",
                        dir -> train(goodData, dir, "--iwae-k", "5").names("--iwae-k needs --objective iwae")),
                new Case(
                        "train: --objective iwae with --free-bits",
                        dir -> train(goodData, dir, "--objective", "iwae", "--free-bits", "1")
                                .names("--free-bits applies to the analytic KL", "--objective elbo")),
                new Case(
                        "train: --iwae-gradient dreg without --objective iwae",
                        dir -> train(goodData, dir, "--iwae-gradient", "dreg")
                                .names("--iwae-gradient dreg needs --objective iwae")),
                new Case(
                        "train: --iwae-gradient nope",
                        dir -> train(goodData, dir, "--objective", "iwae", "--iwae-gradient", "nope")
                                .names("--iwae-gradient must be standard or dreg", "'nope'")),
                new Case(
                        "train: --iwae-gradient dreg with --beta 2",
                        dir -> train(goodData, dir, "--objective", "iwae", "--iwae-gradient", "dreg", "--beta", "2")
                                .names("drop --beta and --kl-schedule")),
                new Case(
                        "train: --architecture nope",
                        dir -> train(goodData, dir, "--architecture", "nope")
                                .names("--architecture must be one of [mlp, conv]", "'nope'")),
                new Case(
                        "train: --architecture conv --channels 8,0",
                        dir -> train(goodData, dir, "--architecture", "conv", "--channels", "8,0")
                                .names("--channels must be positive integers", "[8, 0]")),
                new Case("train: --architecture conv on CSV records", dir -> {
                    Path file = writeText(dir, "train.csv", "a,b,c\n0,1,0\n1,0,1\n");
                    return train(file, dir, "--architecture", "conv")
                            .names("needs images of shape [H, W] or [H, W, C]", "[3]");
                }),
                new Case(
                        "train: --architecture conv with too many layers for 28x28",
                        dir -> train(goodData, dir, "--architecture", "conv", "--channels", "2,2,2,2,2,2")
                                .names("below 1 pixel", "fewer convolution layers")),
                new Case(
                        "train: --prior nope",
                        dir -> train(goodData, dir, "--prior", "nope")
                                .names("--prior must be one of [normal, vamp]", "'nope'")),
                new Case(
                        "train: --prior vamp --pseudo-inputs 0",
                        dir -> train(goodData, dir, "--prior", "vamp", "--pseudo-inputs", "0")
                                .names("--pseudo-inputs must be at least 1", "got 0")),
                new Case(
                        "train: --prior vamp --prior-warmup -1",
                        dir -> train(goodData, dir, "--prior", "vamp", "--pseudo-inputs", "4", "--prior-warmup", "-1")
                                .names("--prior-warmup must be", "got -1")),
                new Case(
                        "train: --patience -1",
                        dir -> train(goodData, dir, "--patience", "-1").names("--patience must be", "got -1")),
                new Case(
                        "train: --lr-schedule step:3",
                        dir -> train(goodData, dir, "--lr-schedule", "step:3")
                                .names("--lr-schedule must be constant, plateau:N or plateau:N:F", "got 'step:3'")),
                new Case(
                        "train: --lr-schedule plateau:5 --patience 5",
                        dir -> train(goodData, dir, "--lr-schedule", "plateau:5", "--patience", "5")
                                .names("--patience 5 would stop training", "larger than 5")),
                new Case(
                        "train: --prior vamp with --free-bits",
                        dir -> train(goodData, dir, "--prior", "vamp", "--pseudo-inputs", "4", "--free-bits", "0.5")
                                .names("--free-bits", "needs --prior normal")),
                new Case(
                        "train: --condition COLUMN on data that is not read as a table",
                        dir -> train(goodData, dir, "--condition", "colour")
                                .names("--condition colour", "--likelihood tabular or categorical")),
                new Case(
                        "train: --condition labels on data without labels",
                        dir -> train(goodData, dir, "--condition", "labels")
                                .names(goodData, "has no labels", "--condition labels needs them")),
                new Case(
                        "sample: --label on a run that is not conditional",
                        dir -> workflow("sample", dir, "--label", "1")
                                .names("--label 1", "not a conditional model", "--condition labels")),
                new Case("train --resume: --beta changes the objective", dir -> {
                    Path run = copyRun(dir);
                    return new Invocation("train", "--resume", run.toString(), "--epochs", "2", "--beta", "2")
                            .names("cannot change on --resume", "config.json");
                }),
                new Case("train --resume: config.json records an unknown KL schedule", dir -> {
                    Path run = copyRun(dir);
                    Path config = run.resolve("config.json");
                    ObjectNode node = (ObjectNode) JSON.readTree(config.toFile());
                    ((ObjectNode) node.path("training")).put("kl_schedule", "wobbly:2");
                    Files.writeString(config, JSON.writeValueAsString(node));
                    return new Invocation("train", "--resume", run.toString(), "--epochs", "2")
                            .names(config, "training", "bad recorded objective", "'wobbly:2'");
                }));
    }

    private static List<Case> workflowCases() {
        List<Case> cases = new ArrayList<>();
        for (String command : List.of("diagnose", "score", "reconstruct", "encode", "interpolate")) {
            cases.add(new Case(command + ": --run that does not exist", dir -> {
                Path run = dir.resolve("no-run");
                return new Invocation(command, "--run", run.toString()).names(run, "run directory not found");
            }));
            cases.add(new Case(command + ": --data of 14x14 images (wrong image size)", dir -> {
                Path file = write(
                        dir, "small-images-idx3-ubyte.gz", gzip(idx(0x08, new int[] {4, 14, 14}, new byte[4 * 196])));
                return new Invocation(command, "--run", copyRun(dir).toString(), "--data", file.toString())
                        .names(file, "196 features", "784");
            }));
            cases.add(new Case(
                    command + ": --split nope",
                    dir -> new Invocation(command, "--run", copyRun(dir).toString(), "--split", "nope")
                            .names("--split must be test, valid or train", "'nope'")));
            cases.add(new Case(
                    command + ": missing --run (usage error)",
                    dir -> new Invocation(command).usage().names("Missing required option", "--run")));
        }
        cases.addAll(List.of(
                new Case(
                        "score: --quantile 1.5",
                        dir -> workflow("score", dir, "--quantile", "1.5")
                                .names("--quantile must be between 0 and 1", "1.5")),
                new Case(
                        "score: --quantile 0",
                        dir -> workflow("score", dir, "--quantile", "0").names("--quantile must be between 0 and 1")),
                new Case(
                        "score: --k 0",
                        dir -> workflow("score", dir, "--k", "0").names("--k must be at least 1", "got 0")),
                new Case(
                        "score: --by nope",
                        dir -> workflow("score", dir, "--by", "nope")
                                .names("--by must be neg_elbo, nll or recon_logprob", "'nope'")),
                new Case(
                        "score: --fit-limit 0",
                        dir -> workflow("score", dir, "--fit-limit", "0").names("--fit-limit must be at least 1")),
                new Case("score: --out with another extension", dir -> {
                    Path out = dir.resolve("scores.txt");
                    return workflow("score", dir, "--out", out.toString()).names(out, "must end in .csv");
                }),
                new Case("score: --out an existing folder", dir -> {
                    Path out = Files.createDirectories(dir.resolve("scores.csv"));
                    return workflow("score", dir, "--out", out.toString()).names(out, "is a folder");
                }),
                new Case(
                        "reconstruct: --n 0",
                        dir -> workflow("reconstruct", dir, "--n", "0").names("--n must be at least 1")),
                new Case(
                        "reconstruct: --columns 0",
                        dir -> workflow("reconstruct", dir, "--columns", "0").names("--columns must be at least 1")),
                new Case("reconstruct: --out with another extension", dir -> {
                    Path out = dir.resolve("rec.json");
                    return workflow("reconstruct", dir, "--out", out.toString())
                            .names(out, "must end in .csv, .npz, .npy");
                }),
                new Case("reconstruct: --png under a regular file", dir -> {
                    Path file = writeText(dir, "notes.txt", "a file, not a folder\n");
                    Path png = file.resolve("rec.png");
                    return workflow("reconstruct", dir, "--png", png.toString()).names(png, "not a folder");
                }),
                new Case("encode: --out with another extension", dir -> {
                    Path out = dir.resolve("codes.parquet");
                    return workflow("encode", dir, "--out", out.toString()).names(out, "must end in .csv, .npz, .npy");
                }),
                new Case("encode: --data NPY truncated", dir -> {
                    Path file = write(dir, "test.npy", npy("|u1", false, "(2, 784)", new byte[784]));
                    return workflow("encode", dir, "--data", file.toString())
                            .names(file, "truncated", "expected 1568 bytes");
                }),
                new Case(
                        "interpolate: --from outside the split",
                        dir -> workflow("interpolate", dir, "--from", "1000")
                                .names("--from/--to 1000 is not a record of the test split", "20 records (0 to 19)")),
                new Case(
                        "interpolate: --to -1",
                        dir -> workflow("interpolate", dir, "--to", "-1").names("--from/--to -1 is not a record")),
                new Case(
                        "interpolate: --steps 1",
                        dir -> workflow("interpolate", dir, "--steps", "1")
                                .names("--steps must be at least 2", "got 1")),
                new Case(
                        "interpolate: --method nope",
                        dir -> workflow("interpolate", dir, "--method", "nope")
                                .names("--method must be linear, spherical or both", "'nope'")),
                new Case("interpolate: --out a PNG", dir -> {
                    Path out = dir.resolve("path.png");
                    return workflow("interpolate", dir, "--out", out.toString()).names(out, "must end in .npy");
                })));
        return cases;
    }

    /** A workflow command on a copy of the trained run. */
    private static Invocation workflow(String command, Path dir, String... options) throws IOException {
        List<String> args =
                new ArrayList<>(List.of(command, "--run", copyRun(dir).toString()));
        args.addAll(List.of(options));
        return new Invocation(args.toArray(String[]::new));
    }

    // ---- running and judging one case ---------------------------------------------------------

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void rejected(Case c, @TempDir Path dir) throws IOException {
        Invocation invocation = c.scenario().prepare(dir);
        Map<String, String> before = snapshot(dir);

        CliRunner.Result r = CliRunner.run(invocation.args());

        assertThat(r.exitCode()).as("exit code; stderr: %s", r.err()).isEqualTo(2);
        String err = r.err().strip();
        List<String> lines = err.lines().toList();
        assertThat(lines).as("stderr lines").hasSize(invocation.usage ? 2 : 1);
        assertThat(lines.get(0)).startsWith("elbo4j: ");
        if (invocation.usage) {
            assertThat(lines.get(1)).startsWith("Try 'elbo4j ").endsWith(" --help' for usage.");
        }
        assertThat(err)
                .doesNotContain("Exception")
                .doesNotContain("\tat ")
                .as("a detail that is null")
                .doesNotContainPattern("\\(null\\)|: null\\b");
        for (String fragment : invocation.fragments) {
            assertThat(lines.get(0)).contains(fragment);
        }
        assertThat(r.out()).as("stdout").isEmpty();
        if (invocation.absent != null) {
            // Files.exists, not notExists: below a regular file neither holds, yet nothing is there.
            assertThat(Files.exists(invocation.absent))
                    .as("%s exists", invocation.absent)
                    .isFalse();
        }
        assertThat(snapshot(dir))
                .as("files under the case folder after the command")
                .isEqualTo(before);
    }

    /** One named bad input. */
    record Case(String name, Scenario scenario) {
        @Override
        public String toString() {
            return name;
        }
    }

    /** Builds a case's input in its own folder and says how to run it and what to expect. */
    @FunctionalInterface
    interface Scenario {
        Invocation prepare(Path dir) throws IOException;
    }

    /** A command line and what its one-line message must contain. */
    static final class Invocation {
        private final String[] args;
        private final List<String> fragments = new ArrayList<>();
        private Path absent;
        private boolean usage;

        Invocation(String... args) {
            this.args = args;
        }

        String[] args() {
            return args.clone();
        }

        /** Fragments the message must contain: the file (a path), the record and the problem. */
        Invocation names(Object... parts) {
            for (Object part : parts) {
                fragments.add(part.toString());
            }
            return this;
        }

        /** A path the command must not create (the {@code --out} run directory). */
        Invocation absent(Path path) {
            this.absent = path;
            return this;
        }

        /** A picocli usage error, answered with a second "Try ... --help" line. */
        Invocation usage() {
            this.usage = true;
            return this;
        }
    }

    // ---- command builders ---------------------------------------------------------------------

    private static Invocation train(Path data, Path dir, String... options) {
        return trainOn(data.toString(), dir, options);
    }

    /** {@code train} into {@code dir/out} with a tiny model unless the options say otherwise. */
    private static Invocation trainOn(String data, Path dir, String... options) {
        Path out = dir.resolve("out");
        List<String> args = new ArrayList<>(List.of("train", "--data", data, "--out", out.toString()));
        args.addAll(List.of(options));
        Map<String, String> defaults = new LinkedHashMap<>();
        defaults.put("--epochs", "1");
        defaults.put("--hidden", "8");
        defaults.put("--latent", "2");
        defaults.put("--batch-size", "20");
        defaults.forEach((option, value) -> {
            if (!args.contains(option)) {
                args.add(option);
                args.add(value);
            }
        });
        return new Invocation(args.toArray(String[]::new)).absent(out);
    }

    /** {@code eval} of a run with K = 2 unless the options say otherwise. */
    private static Invocation eval(Path run, String... options) {
        List<String> args = new ArrayList<>(List.of("eval", "--run", run.toString()));
        args.addAll(List.of(options));
        if (!args.contains("--k")) {
            args.add("--k");
            args.add("2");
        }
        return new Invocation(args.toArray(String[]::new));
    }

    // ---- inputs -------------------------------------------------------------------------------

    private static Path write(Path dir, String name, byte[] bytes) throws IOException {
        Path file = dir.resolve(name);
        Files.write(file, bytes);
        return file;
    }

    private static Path writeText(Path dir, String name, String text) throws IOException {
        return write(dir, name, text.getBytes(StandardCharsets.UTF_8));
    }

    /** A copy of the trained run in the case's folder. */
    private static Path copyRun(Path dir) throws IOException {
        return copyRun(trainedRun, dir);
    }

    /** A copy of {@code run} in the case's folder. */
    static Path copyRun(Path run, Path dir) throws IOException {
        Path target = dir.resolve("run");
        try (Stream<Path> files = Files.walk(run)) {
            for (Path source : files.toList()) {
                Path copy = target.resolve(run.relativize(source).toString());
                if (Files.isDirectory(source)) {
                    Files.createDirectories(copy);
                } else {
                    Files.copy(source, copy);
                }
            }
        }
        return target;
    }

    @FunctionalInterface
    interface Edit {
        void apply(ObjectNode node);
    }

    private static Path editModelJson(Path run, Edit edit) throws IOException {
        Path file = run.resolve("model.json");
        ObjectNode node = (ObjectNode) JSON.readTree(file.toFile());
        edit.apply(node);
        Files.writeString(file, node.toString());
        return file;
    }

    /** Raw IDX bytes: {@code 00 00 type ndims}, big-endian sizes, then the data as given. */
    private static byte[] idx(int type, int[] dims, byte[] data) {
        ByteBuffer buffer = ByteBuffer.allocate(4 + 4 * dims.length + data.length);
        buffer.put((byte) 0).put((byte) 0).put((byte) type).put((byte) dims.length);
        for (int d : dims) {
            buffer.putInt(d);
        }
        return buffer.put(data).array();
    }

    private static byte[] gzip(byte[] raw) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (GZIPOutputStream out = new GZIPOutputStream(bytes)) {
            out.write(raw);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /** A version 1.0 {@code .npy} file; {@code shape} is the Python tuple text, e.g. {@code (3, 4)}. */
    private static byte[] npy(String descr, boolean fortranOrder, String shape, byte[] data) {
        StringBuilder header = new StringBuilder("{'descr': '" + descr + "', 'fortran_order': "
                + (fortranOrder ? "True" : "False") + ", 'shape': " + shape + ", }");
        while ((10 + header.length() + 1) % 64 != 0) {
            header.append(' ');
        }
        header.append('\n');
        byte[] text = header.toString().getBytes(StandardCharsets.US_ASCII);
        ByteBuffer buffer = ByteBuffer.allocate(10 + text.length + data.length).order(ByteOrder.LITTLE_ENDIAN);
        buffer.put(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0});
        buffer.putShort((short) text.length).put(text).put(data);
        return buffer.array();
    }

    private static byte[] zip(Map<String, byte[]> entries) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream out = new ZipOutputStream(bytes)) {
            for (Map.Entry<String, byte[]> entry : entries.entrySet()) {
                out.putNextEntry(new ZipEntry(entry.getKey()));
                out.write(entry.getValue());
                out.closeEntry();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    private static byte[] bigEndianFloats(float... values) {
        ByteBuffer buffer = ByteBuffer.allocate(4 * values.length);
        for (float v : values) {
            buffer.putFloat(v);
        }
        return buffer.array();
    }

    private static byte[] littleEndianFloats(float... values) {
        ByteBuffer buffer = ByteBuffer.allocate(4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : values) {
            buffer.putFloat(v);
        }
        return buffer.array();
    }

    private static byte[] littleEndianInts(int... values) {
        ByteBuffer buffer = ByteBuffer.allocate(4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        for (int v : values) {
            buffer.putInt(v);
        }
        return buffer.array();
    }

    /** A safetensors file taken apart: its JSON header and the data bytes after it. */
    record SafetensorsFile(ObjectNode header, long dataStart, byte[] data) {

        static SafetensorsFile read(Path file) throws IOException {
            byte[] bytes = Files.readAllBytes(file);
            long length = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).getLong(0);
            ObjectNode header =
                    (ObjectNode) JSON.readTree(new String(bytes, 8, (int) length, StandardCharsets.UTF_8).trim());
            return new SafetensorsFile(header, 8 + length, Arrays.copyOfRange(bytes, (int) (8 + length), bytes.length));
        }

        /** The tensor whose data comes last in the file. */
        String lastTensor() {
            String last = null;
            long end = -1;
            for (Iterator<Map.Entry<String, JsonNode>> it = header.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> field = it.next();
                if (!field.getKey().equals("__metadata__")
                        && field.getValue().path("data_offsets").get(1).asLong() > end) {
                    last = field.getKey();
                    end = field.getValue().path("data_offsets").get(1).asLong();
                }
            }
            return last;
        }

        void write(Path file) throws IOException {
            byte[] text = header.toString().getBytes(StandardCharsets.UTF_8);
            ByteBuffer buffer =
                    ByteBuffer.allocate(8 + text.length + data.length).order(ByteOrder.LITTLE_ENDIAN);
            buffer.putLong(text.length).put(text).put(data);
            Files.write(file, buffer.array());
        }
    }

    /** Every file under {@code dir} with the SHA-256 of its content (folders map to "dir"). */
    private static Map<String, String> snapshot(Path dir) throws IOException {
        Map<String, String> files = new TreeMap<>();
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.toList()) {
                String key = dir.relativize(p).toString();
                files.put(key, Files.isDirectory(p) ? "dir" : sha256(Files.readAllBytes(p)));
            }
        }
        return files;
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
