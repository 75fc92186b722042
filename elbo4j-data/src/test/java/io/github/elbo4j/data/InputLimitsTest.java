package io.github.elbo4j.data;

import static io.github.elbo4j.data.TestFiles.writeText;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The readers' hard limits and the streaming CSV reader. */
class InputLimitsTest {

    @TempDir
    Path dir;

    @Test
    void rowsReportABadSecondLineWithoutReadingTheRest() throws IOException {
        // Line 2 is bad; far beyond it, bytes that are not UTF-8 would fail any reader that read on.
        Path file = dir.resolve("early.csv");
        try (OutputStream out = Files.newOutputStream(file)) {
            out.write("y,x\n7,1\n".getBytes(StandardCharsets.US_ASCII));
            out.write("1,2\n".repeat(100_000).getBytes(StandardCharsets.US_ASCII));
            out.write(new byte[] {(byte) 0xC3, (byte) 0x28, '\n'});
        }
        List<String> problems = new ArrayList<>();
        try (CsvReader.Rows rows = CsvReader.open(file)) {
            int y = rows.column("y");
            assertThat(rows.next()).isTrue();
            double value = rows.decimal(y);
            if (value != 0 && value != 1) {
                problems.add(rows.location(y) + ": " + value + " is not 0 or 1");
            }
        }
        assertThat(problems).containsExactly("line 2, column 1 (y): 7.0 is not 0 or 1");
        assertThatThrownBy(() -> CsvReader.read(file)).hasMessage(file + ": not UTF-8 text (is it a binary file?)");
    }

    @Test
    void readsEveryLineEnding() {
        Path file = writeText(dir, "ends.csv", "a,b\r\n1,2\r3,4\n\n5,6");
        Dataset d = CsvReader.read(file);
        assertThat(d.values()).containsExactly(1, 2, 3, 4, 5, 6);
        Table table = CsvReader.readTable(file);
        assertThat(table.lines()).containsExactly(2, 3, 5);
    }

    @Test
    void refusesALineBeyondTheLimitBeforeHoldingIt() throws IOException {
        Path file = dir.resolve("zeros.csv");
        try (RandomAccessFile raw = new RandomAccessFile(file.toFile(), "rw")) {
            raw.setLength(InputLimits.MAX_LINE_CHARS + 1L);
        }
        assertThatThrownBy(() -> CsvReader.read(file))
                .isInstanceOf(DataException.class)
                .hasMessage(file + ": line 1: longer than " + InputLimits.MAX_LINE_CHARS
                        + " characters: not a CSV file of numbers and labels?");
    }

    @Test
    void refusesARowOfTooManyCells() {
        Path file = writeText(dir, "wide.csv", "a" + ",a".repeat(InputLimits.MAX_COLUMNS) + "\n");
        assertThatThrownBy(() -> CsvReader.readTable(file))
                .hasMessage(file + ": line 1: more than " + InputLimits.MAX_COLUMNS + " cells in one row");
    }

    @Test
    void refusesDevicesBeforeOpeningThem() {
        Path zero = Path.of("/dev/zero");
        assumeTrue(Files.exists(zero), "no /dev/zero on this system");
        String message = zero + ": is not a regular file (a pipe or a device?); give a data file";
        assertThatThrownBy(() -> CsvReader.read(zero)).hasMessage(message);
        assertThatThrownBy(() -> DataSource.loadPath(zero)).hasMessage(message);
        assertThatThrownBy(() -> NpyReader.readNpy(zero)).hasMessage(message);
        assertThatThrownBy(() -> IdxReader.read(zero)).hasMessage(message);
        assertThatThrownBy(() -> TableSplits.load(zero)).hasMessage(message);
    }

    @Test
    void inflationLimitGrowsWithTheCompressedSize() {
        assertThat(InputLimits.inflatedLimit(1000)).isEqualTo(InputLimits.MIN_INFLATED_BYTES);
        assertThat(InputLimits.inflatedLimit(500_000)).isEqualTo(InputLimits.MIN_INFLATED_BYTES);
        assertThat(InputLimits.inflatedLimit(10_000_000)).isEqualTo(10_000_000 * InputLimits.MAX_INFLATION_RATIO);
        assertThat(InputLimits.inflatedLimit(Long.MAX_VALUE / 2)).isEqualTo(Long.MAX_VALUE);
    }
}
