package io.github.elbo4j.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MatReaderTest {

    @TempDir
    Path dir;

    // A 2 x 3 matrix [[1 2 3]; [4 5 6]] in MATLAB's column-major order.
    private static final byte[] COLUMN_MAJOR = TestFiles.ubytes(1, 4, 2, 5, 3, 6);

    @Test
    void readsCompressedAndPlainMatricesInRowMajorOrder() {
        for (boolean compressed : new boolean[] {true, false}) {
            Path file =
                    TestFiles.write(dir, "m" + compressed + ".mat", TestFiles.mat("X", 2, 3, COLUMN_MAJOR, compressed));

            Dataset m = MatReader.readMatrix(file);

            assertThat(m.name()).isEqualTo("X");
            assertThat(m.rows()).isEqualTo(2);
            assertThat(m.exampleShape()).containsExactly(3);
            assertThat(m.values()).containsExactly(1, 2, 3, 4, 5, 6);
        }
    }

    @Test
    void rejectsFilesThatAreNotMatFiles() {
        Path file = TestFiles.writeText(dir, "x.amat", "0 1 0 1\n".repeat(40));

        assertThatThrownBy(() -> MatReader.readMatrix(file))
                .isInstanceOf(DataException.class)
                .hasMessage(file + ": header: not a MATLAB 5.0 MAT-file");
    }

    @Test
    void rejectsTruncatedElements() {
        byte[] full = TestFiles.mat("X", 2, 3, COLUMN_MAJOR, true);
        Path file = TestFiles.write(dir, "cut.mat", Arrays.copyOf(full, full.length - 5));

        assertThatThrownBy(() -> MatReader.readMatrix(file))
                .isInstanceOf(DataException.class)
                .hasMessageStartingWith(file + ": element at byte 128: truncated");
    }

    @Test
    void idxWriterRoundTripsThroughIdxReader() throws IOException {
        Path target = dir.resolve("out/train-images-idx3-ubyte.gz");

        String sha = IdxWriter.writeUnsignedBytes(target, new int[] {2, 1, 3}, new float[] {0, 1, 1, 0, 0, 1}, null);

        Dataset d = IdxReader.read(target);
        assertThat(d.exampleShape()).containsExactly(1, 3);
        assertThat(d.values()).containsExactly(0, 1, 1, 0, 0, 1);
        byte[] raw;
        try (GZIPInputStream in = new GZIPInputStream(Files.newInputStream(target))) {
            raw = in.readAllBytes();
        }
        assertThat(sha).isEqualTo(TestFiles.sha256(raw));
    }

    @Test
    void idxWriterRefusesContentWithTheWrongChecksumAndWritesNothing() throws IOException {
        Path target = dir.resolve("t.gz");

        assertThatThrownBy(() -> IdxWriter.writeUnsignedBytes(
                        target, new int[] {1, 2}, new float[] {0, 1}, Checksum.sha256("00".repeat(32))))
                .isInstanceOf(DataException.class)
                .hasMessageStartingWith(target + ": converted content does not match: expected SHA-256 "
                        + "00".repeat(32) + " of the uncompressed IDX bytes, got ");
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files).isEmpty();
        }
    }

    @Test
    void idxWriterRejectsValuesThatAreNotBytes() {
        Path target = dir.resolve("t.gz");

        assertThatThrownBy(() -> IdxWriter.writeUnsignedBytes(target, new int[] {1, 2}, new float[] {0, 0.5f}, null))
                .hasMessage(target + ": value 2: 0.5 cannot be stored as an unsigned byte (integers 0 to" + " 255)");
    }
}
