package io.github.elbo4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.elbo4j.data.Shapes;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bad input gets one line naming the file, record and problem, exit code 2, no stack trace, and
 * no partial run directory.
 */
class BadInputTest {

    @TempDir
    static Path dir;

    private static Path goodData;

    @BeforeAll
    static void writeGoodData() throws IOException {
        goodData = TestData.shapesFolder(dir.resolve("good"));
    }

    private static void assertRejected(CliRunner.Result r, Path out, String... fragments) {
        assertThat(r.exitCode()).as(r.err()).isEqualTo(2);
        String err = r.err().strip();
        assertThat(err.lines().count()).as(err).isEqualTo(err.contains("--help") ? 2 : 1);
        assertThat(err).doesNotContain("Exception").doesNotContain("\tat ");
        for (String f : fragments) {
            assertThat(err).contains(f);
        }
        if (out != null) {
            assertThat(out).doesNotExist();
        }
    }

    private static CliRunner.Result train(String data, Path out, String... extra) {
        String[] base = {
            "train", "--data", data, "--out", out.toString(), "--epochs", "1", "--hidden", "8", "--latent", "2"
        };
        String[] args = Arrays.copyOf(base, base.length + extra.length);
        System.arraycopy(extra, 0, args, base.length, extra.length);
        return CliRunner.run(args);
    }

    @Test
    void truncatedIdxFile() throws IOException {
        byte[] good = TestData.idx(Shapes.generate(50, 1));
        Path file = dir.resolve("truncated-images-idx3-ubyte.gz");
        Files.write(file, Arrays.copyOf(good, good.length / 2));
        Path out = dir.resolve("run-truncated");
        assertRejected(train(file.toString(), out), out, file.toString());
    }

    @Test
    void corruptIdxMagic() throws IOException {
        Path file = dir.resolve("bad-magic-idx3-ubyte");
        Files.write(file, new byte[] {0x12, 0x34, 0x08, 0x03, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1, 5});
        Path out = dir.resolve("run-magic");
        assertRejected(train(file.toString(), out), out, file.toString(), "magic");
    }

    @Test
    void csvWithANonNumericCell() throws IOException {
        Path file = dir.resolve("bad.csv");
        Files.writeString(file, "a,b,c\n0,1,0\n1,oops,0\n");
        Path out = dir.resolve("run-csv");
        assertRejected(train(file.toString(), out), out, file.toString(), "line 3", "oops");
    }

    @Test
    void latentZero() {
        Path out = dir.resolve("run-latent");
        CliRunner.Result r =
                CliRunner.run("train", "--data", goodData.toString(), "--out", out.toString(), "--latent", "0");
        assertRejected(r, out, "--latent must be at least 1");
    }

    @Test
    void missingFile() {
        Path out = dir.resolve("run-missing");
        Path missing = dir.resolve("nowhere/train.csv");
        assertRejected(train(missing.toString(), out), out, missing.toString());
    }

    @Test
    void bernoulliDataOutsideTheUnitInterval() throws IOException {
        Path file = dir.resolve("wide.csv");
        Files.writeString(file, "a,b\n0,3\n1,0\n");
        Path out = dir.resolve("run-wide");
        assertRejected(train(file.toString(), out), out, file.toString(), "[0, 1]");
    }

    @Test
    void evalOnDataOfTheWrongWidth() throws IOException {
        Path run = dir.resolve("run-for-eval");
        assertThat(train(goodData.toString(), run).exitCode()).isZero();
        Path narrow = dir.resolve("narrow.csv");
        Files.writeString(narrow, "a,b,c\n0,1,0\n1,1,0\n");
        assertRejected(
                CliRunner.run("eval", "--run", run.toString(), "--data", narrow.toString(), "--k", "2"),
                null,
                narrow.toString(),
                "3 features",
                "784");
    }

    @Test
    void evalOfAFolderThatIsNotARun() throws IOException {
        Path notRun = Files.createDirectories(dir.resolve("not-a-run"));
        assertRejected(CliRunner.run("eval", "--run", notRun.toString()), null, notRun.toString(), "model.json");
    }

    @Test
    void outputDirectoryThatAlreadyHoldsARun() throws IOException {
        Path taken = Files.createDirectories(dir.resolve("taken"));
        Files.writeString(taken.resolve("keep.txt"), "precious");
        assertRejected(train(goodData.toString(), taken), null, "already exists");
        assertThat(Files.readString(taken.resolve("keep.txt"))).isEqualTo("precious");
    }

    @Test
    void unknownOption() {
        assertRejected(CliRunner.run("train", "--no-such-option"), null, "--no-such-option");
    }
}
