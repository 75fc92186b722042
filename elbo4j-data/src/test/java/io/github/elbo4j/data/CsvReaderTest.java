package io.github.elbo4j.data;

import static io.github.elbo4j.data.TestFiles.writeText;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CsvReaderTest {

    @TempDir
    Path dir;

    @Test
    void readsNumericTableWithHeaderNames() {
        Path file =
                writeText(dir, "kidiq.csv", "kid_score,mom_hs,mom_iq\n65,1,121.117528602603\n98,1,89.36\n-3,0,1.5e2\n");

        Dataset d = CsvReader.read(file);

        assertThat(d.name()).isEqualTo("kidiq");
        assertThat(d.rows()).isEqualTo(3);
        assertThat(d.exampleShape()).containsExactly(3);
        assertThat(d.columns()).containsExactly("kid_score", "mom_hs", "mom_iq");
        assertThat(d.row(0)).containsExactly(65f, 1f, 121.117528602603f);
        assertThat(d.row(2)).containsExactly(-3f, 0f, 150f);
    }

    @Test
    void acceptsQuotedHeaderNamesCrLfByteOrderMarkAndBlankLines() {
        Path file = writeText(
                dir, "q.csv", "\uFEFF\"x, the first\",\"y \"\"two\"\"\" , z\r\n\r\n1, 2 ,\"3\"\r\n4,5,6\r\n\r\n");

        Dataset d = CsvReader.read(file);

        assertThat(d.columns()).containsExactly("x, the first", "y \"two\"", "z");
        assertThat(d.values()).containsExactly(1, 2, 3, 4, 5, 6);
    }

    @Test
    void rejectsNonNumericCellNamingLineColumnAndText() {
        Path file = writeText(dir, "train.csv", "a,b,c\n1,2,3\n\n4,5,abc\n");

        assertThatThrownBy(() -> CsvReader.read(file))
                .isInstanceOf(DataException.class)
                .hasMessage(file + ": line 4, column 3 (c): 'abc' is not a number");
    }

    @Test
    void rejectsNanAndInfinity() {
        Path nan = writeText(dir, "nan.csv", "a,b\n1,NaN\n");
        Path inf = writeText(dir, "inf.csv", "a,b\n-Infinity,1\n");
        Path overflow = writeText(dir, "big.csv", "a\n1e39\n");

        assertThatThrownBy(() -> CsvReader.read(nan))
                .hasMessage(nan + ": line 2, column 2 (b): 'NaN' is not a finite number");
        assertThatThrownBy(() -> CsvReader.read(inf))
                .hasMessage(inf + ": line 2, column 1 (a): '-Infinity' is not a finite number");
        assertThatThrownBy(() -> CsvReader.read(overflow))
                .hasMessage(overflow + ": line 2, column 1 (a): '1e39' is outside the range of a 32-bit" + " float");
    }

    @Test
    void rejectsJavaOnlyNumberSyntax() {
        Path hex = writeText(dir, "hex.csv", "a\n0x1p3\n");
        Path suffix = writeText(dir, "suffix.csv", "a\n1.5f\n");
        Path malformed = writeText(dir, "dots.csv", "a\n1.2.3\n");

        assertThatThrownBy(() -> CsvReader.read(hex)).hasMessageEndingWith("'0x1p3' is not a number");
        assertThatThrownBy(() -> CsvReader.read(suffix)).hasMessageEndingWith("'1.5f' is not a number");
        assertThatThrownBy(() -> CsvReader.read(malformed))
                .hasMessage(malformed + ": line 2, column 1 (a): '1.2.3' is not a number");
    }

    @Test
    void rejectsEmptyCell() {
        Path file = writeText(dir, "e.csv", "a,b,c\n1,,3\n");

        assertThatThrownBy(() -> CsvReader.read(file)).hasMessage(file + ": line 2, column 2 (b): empty cell");
    }

    @Test
    void rejectsEmptyLastCellAfterTrailingComma() {
        Path file = writeText(dir, "t.csv", "a,b\n1,\n");

        assertThatThrownBy(() -> CsvReader.read(file)).hasMessage(file + ": line 2, column 2 (b): empty cell");
    }

    @Test
    void rejectsRaggedRowNamingTheLine() {
        Path file = writeText(dir, "r.csv", "a,b,c\n1,2,3\n4,5\n");

        assertThatThrownBy(() -> CsvReader.read(file))
                .isInstanceOf(DataException.class)
                .hasMessage(file + ": line 3: expected 3 cells as in the header, found 2");
    }

    @Test
    void rejectsEmptyFileAndHeaderOnly() {
        Path empty = writeText(dir, "empty.csv", "");
        Path blank = writeText(dir, "blank.csv", "\n  \n");
        Path headerOnly = writeText(dir, "h.csv", "a,b\n");

        assertThatThrownBy(() -> CsvReader.read(empty))
                .hasMessage(empty + ": empty file: expected a header row of column names");
        assertThatThrownBy(() -> CsvReader.read(blank))
                .hasMessage(blank + ": empty file: expected a header row of column names");
        assertThatThrownBy(() -> CsvReader.read(headerOnly))
                .hasMessage(headerOnly + ": no data rows after the header on line 1");
    }

    @Test
    void rejectsEmptyAndDuplicateColumnNames() {
        Path empty = writeText(dir, "e.csv", "a,,c\n1,2,3\n");
        Path dup = writeText(dir, "d.csv", "a,b,a\n1,2,3\n");

        assertThatThrownBy(() -> CsvReader.read(empty))
                .hasMessage(empty + ": line 1, column 2: empty column name in the header");
        assertThatThrownBy(() -> CsvReader.read(dup))
                .hasMessage(dup + ": line 1: duplicate column name 'a' (columns 1 and 3)");
    }

    @Test
    void rejectsUnterminatedQuoteAndTextAfterQuote() {
        Path open = writeText(dir, "o.csv", "a,\"b\n1,2\n");
        Path after = writeText(dir, "x.csv", "a,\"b\"x\n1,2\n");

        assertThatThrownBy(() -> CsvReader.readTable(open))
                .hasMessage(
                        open + ": line 1, column 2: unterminated quoted cell (a quoted cell cannot" + " span lines)");
        assertThatThrownBy(() -> CsvReader.readTable(after))
                .hasMessage(after + ": line 1, column 2: unexpected text after the closing quote");
    }

    @Test
    void rejectsBinaryFile() {
        Path file = TestFiles.write(dir, "bin.csv", new byte[] {(byte) 0xC3, (byte) 0x28, 10});

        assertThatThrownBy(() -> CsvReader.read(file)).hasMessage(file + ": not UTF-8 text (is it a binary file?)");
    }

    @Test
    void readTableKeepsTextAndLineNumbers() {
        Path file = writeText(dir, "mixed.csv", "name,score\n\nann,1.5\n\"bo, jr\",x\n");

        Table table = CsvReader.readTable(file);

        assertThat(table.columns()).containsExactly("name", "score");
        assertThat(table.rowCount()).isEqualTo(2);
        assertThat(table.lines()).containsExactly(3, 4);
        assertThat(table.strings("name")).containsExactly("ann", "bo, jr");
        assertThat(table.number(0, 1)).isEqualTo(1.5f);
        assertThatThrownBy(() -> table.numbers("score"))
                .hasMessage(file + ": line 4, column 2 (score): 'x' is not a number");
        assertThatThrownBy(() -> table.column("age"))
                .hasMessage(file + ": header: no column named 'age'; columns are name, score");
    }

    @Test
    void reportsMissingFile() {
        Path missing = dir.resolve("none.csv");

        assertThatThrownBy(() -> CsvReader.read(missing)).hasMessage(missing + ": no such file");
    }
}
