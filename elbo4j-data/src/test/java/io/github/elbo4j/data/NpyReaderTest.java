package io.github.elbo4j.data;

import static io.github.elbo4j.data.TestFiles.littleEndian;
import static io.github.elbo4j.data.TestFiles.npy;
import static io.github.elbo4j.data.TestFiles.write;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class NpyReaderTest {

    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(strings = {"<f4", "<f8", "<i4", "<i8"})
    void readsTwoDimensionalNumericArraysAsRowsAndColumns(String descr) {
        Path file = write(dir, "x.npy", npy(1, descr, false, "(2, 3)", littleEndian(descr, 1, -2, 3, 4, 5, -6)));

        Dataset d = NpyReader.readNpy(file);

        assertThat(d.name()).isEqualTo("x");
        assertThat(d.rows()).isEqualTo(2);
        assertThat(d.exampleShape()).containsExactly(3);
        assertThat(d.values()).containsExactly(1, -2, 3, 4, 5, -6);
    }

    @Test
    void readsUnsignedBytesAsPixelIntensitiesAndBooleansAsZeroOne() {
        Path bytes = write(dir, "u.npy", npy(1, "|u1", false, "(2, 2)", littleEndian("|u1", 0, 255, 51, 0)));
        Path binaryBytes = write(dir, "ub.npy", npy(1, "|u1", false, "(2, 2)", littleEndian("|u1", 0, 1, 1, 0)));
        Path bools = write(dir, "b.npy", npy(1, "|b1", false, "(3,)", littleEndian("|b1", 1, 0, 1)));

        assertThat(NpyReader.readNpy(bytes).values()).containsExactly(0f, 1f, 0.2f, 0f);
        assertThat(NpyReader.readNpy(binaryBytes).values()).containsExactly(0f, 1f, 1f, 0f);
        assertThat(NpyReader.readNpy(bools).values()).containsExactly(1f, 0f, 1f);
    }

    @Test
    void readsOneDimensionalArrayAsOneColumn() {
        Path file = write(dir, "v.npy", npy(1, "<f8", false, "(4,)", littleEndian("<f8", 1, 2, 3, 4)));

        Dataset d = NpyReader.readNpy(file);

        assertThat(d.rows()).isEqualTo(4);
        assertThat(d.exampleShape()).containsExactly(1);
    }

    @Test
    void readsHigherRankArraysAsExamplesOfTheTrailingShape() {
        double[] values = new double[2 * 3 * 4];
        Arrays.setAll(values, i -> i);
        Path file = write(dir, "img.npy", npy(2, "<f4", false, "(2, 3, 4)", littleEndian("<f4", values)));

        Dataset d = NpyReader.readNpy(file);

        assertThat(d.rows()).isEqualTo(2);
        assertThat(d.exampleShape()).containsExactly(3, 4);
        assertThat(d.row(1)[0]).isEqualTo(12f);
    }

    @Test
    void rejectsFortranOrder() {
        Path file = write(dir, "f.npy", npy(1, "<f4", true, "(2, 2)", littleEndian("<f4", 1, 2, 3, 4)));

        assertThatThrownBy(() -> NpyReader.readNpy(file))
                .isInstanceOf(DataException.class)
                .hasMessage(file + ": header: fortran_order is True: only C-order arrays are supported"
                        + " (save numpy.ascontiguousarray(a) instead)");
    }

    @Test
    void rejectsUnsupportedDtypeNamingIt() {
        Path complex = write(dir, "c.npy", npy(1, "<c16", false, "(1,)", new byte[16]));
        Path bigEndian = write(dir, "be.npy", npy(1, ">f4", false, "(1,)", new byte[4]));

        assertThatThrownBy(() -> NpyReader.readNpy(complex))
                .hasMessage(
                        complex + ": header: unsupported dtype '<c16' (supported: <f4, <f8, |u1," + " <i4, <i8, |b1)");
        assertThatThrownBy(() -> NpyReader.readNpy(bigEndian)).hasMessageContaining("unsupported dtype '>f4'");
    }

    @Test
    void rejectsDataSizeThatDoesNotMatchTheShape() {
        Path shortData = write(dir, "s.npy", npy(1, "<f4", false, "(2, 3)", new byte[20]));
        Path longData = write(dir, "l.npy", npy(1, "<f4", false, "(1, 1)", new byte[8]));

        assertThatThrownBy(() -> NpyReader.readNpy(shortData))
                .hasMessage(shortData + ": truncated: expected 24 bytes of data for shape (2, 3) and"
                        + " dtype <f4, found 20");
        assertThatThrownBy(() -> NpyReader.readNpy(longData))
                .hasMessage(longData + ": trailing bytes: expected 4 bytes of data for shape (1, 1) and"
                        + " dtype <f4, found 8");
    }

    @Test
    void rejectsHeaderLengthBeyondTheFile() {
        byte[] bytes = npy(1, "<f4", false, "(1,)", new byte[4]);
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).putShort(8, (short) 60000);
        Path file = write(dir, "h.npy", bytes);

        assertThatThrownBy(() -> NpyReader.readNpy(file))
                .hasMessage(file + ": header: header length 60000 exceeds the " + (bytes.length - 10)
                        + " bytes left in the file");
    }

    @Test
    void rejectsShapeTooLargeForAnArrayBeforeAllocating() {
        Path file = write(dir, "huge.npy", npy(1, "<f8", false, "(100000, 100000)", new byte[8]));

        assertThatThrownBy(() -> NpyReader.readNpy(file))
                .hasMessage(
                        file + ": header: shape (100000, 100000) holds more values than fit in one" + " Java array");
    }

    @Test
    void rejectsScalarsEmptyArraysAndNonNpyFiles() {
        Path scalar = write(dir, "s.npy", npy(1, "<f4", false, "()", new byte[4]));
        Path empty = write(dir, "e.npy", npy(1, "<f4", false, "(0, 3)", new byte[0]));
        Path text = TestFiles.writeText(dir, "t.npy", "not numpy at all");
        Path nothing = write(dir, "n.npy", new byte[0]);

        assertThatThrownBy(() -> NpyReader.readNpy(scalar))
                .hasMessage(scalar + ": header: 0-dimensional array (a scalar): expected at least one" + " dimension");
        assertThatThrownBy(() -> NpyReader.readNpy(empty))
                .hasMessage(empty + ": header: empty array of shape (0, 3): every dimension must be" + " positive");
        assertThatThrownBy(() -> NpyReader.readNpy(text))
                .hasMessage(text + ": header: not a .npy file: it does not start with \\x93NUMPY");
        assertThatThrownBy(() -> NpyReader.readNpy(nothing)).hasMessage(nothing + ": empty file");
    }

    @Test
    void rejectsNonFiniteValues() {
        Path file =
                write(dir, "inf.npy", npy(1, "<f8", false, "(1, 2)", littleEndian("<f8", 1, Double.POSITIVE_INFINITY)));

        assertThatThrownBy(() -> NpyReader.readNpy(file))
                .hasMessage(file + ": row 1, value 2: Infinity is not a finite number");
    }

    @Test
    void readsStoredAndDeflatedNpzArchivesInOrder() {
        Map<String, byte[]> entries = new LinkedHashMap<>();
        entries.put("x.npy", npy(1, "<f4", false, "(2, 2)", littleEndian("<f4", 1, 2, 3, 4)));
        entries.put("y.npy", npy(1, "<i8", false, "(2,)", littleEndian("<i8", 7, 8)));
        Path stored = write(dir, "stored.npz", TestFiles.zip(entries, false));
        Path deflated = write(dir, "deflated.npz", TestFiles.zip(entries, true));

        for (Path file : new Path[] {stored, deflated}) {
            Map<String, Dataset> arrays = NpyReader.readNpz(file);

            assertThat(arrays).containsOnlyKeys("x", "y");
            assertThat(arrays.keySet()).containsExactly("x", "y");
            assertThat(arrays.get("x").values()).containsExactly(1, 2, 3, 4);
            assertThat(arrays.get("y").values()).containsExactly(7, 8);
            assertThat(arrays.get("y").name()).isEqualTo("y");
        }
    }

    @Test
    void namesTheArchiveEntryInErrors() {
        Map<String, byte[]> entries = new LinkedHashMap<>();
        entries.put("bad.npy", npy(1, "<U4", false, "(1,)", new byte[16]));
        Path file = write(dir, "a.npz", TestFiles.zip(entries, true));

        assertThatThrownBy(() -> NpyReader.readNpz(file))
                .hasMessage(file + ": entry bad.npy, header: unsupported dtype '<U4' (supported: <f4,"
                        + " <f8, |u1, <i4, <i8, |b1)");
    }

    @Test
    void rejectsCorruptArchivesAndArchivesWithoutArrays() {
        Path notZip = TestFiles.writeText(dir, "x.npz", "this is not a zip");
        Map<String, byte[]> entries = new LinkedHashMap<>();
        entries.put("readme.txt", new byte[] {'h', 'i'});
        Path noArrays = write(dir, "y.npz", TestFiles.zip(entries, true));

        assertThatThrownBy(() -> NpyReader.readNpz(notZip))
                .isInstanceOf(DataException.class)
                .hasMessageStartingWith(notZip + ": not a valid .npz (zip) archive");
        assertThatThrownBy(() -> NpyReader.readNpz(noArrays)).hasMessage(noArrays + ": holds no .npy arrays");
    }
}
