package io.github.elbo4j.data;

import static io.github.elbo4j.data.TestFiles.gzip;
import static io.github.elbo4j.data.TestFiles.idx;
import static io.github.elbo4j.data.TestFiles.idxUbyte;
import static io.github.elbo4j.data.TestFiles.write;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.zip.Deflater;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IdxReaderTest {

    @TempDir
    Path dir;

    @Test
    void readsGzipAndRawFilesAlikeWhateverTheirNames() {
        byte[] raw = idxUbyte(new int[] {2, 2, 3}, 0, 51, 102, 153, 204, 255, 255, 0, 0, 0, 0, 51);
        Path gz = write(dir, "images.bin", gzip(raw));
        Path plain = write(dir, "images.gz", raw);

        Dataset a = IdxReader.read(gz);
        Dataset b = IdxReader.read(plain);

        assertThat(a.rows()).isEqualTo(2);
        assertThat(a.exampleShape()).containsExactly(2, 3);
        assertThat(a.values()).containsExactly(0f, 0.2f, 0.4f, 0.6f, 0.8f, 1f, 1f, 0f, 0f, 0f, 0f, 0.2f);
        assertThat(b.values()).containsExactly(a.values());
        assertThat(b.name()).isEqualTo("images");
    }

    @Test
    void keepsStaticallyBinarizedBytesAsZeroAndOne() {
        Path file = write(dir, "bin-idx3-ubyte", idxUbyte(new int[] {2, 1, 2}, 0, 1, 1, 1));

        Dataset d = IdxReader.read(file);

        assertThat(d.values()).containsExactly(0f, 1f, 1f, 1f);
        assertThat(d.isBinary()).isTrue();
    }

    @Test
    void scalesGreyLevelsEvenWhenMostValuesAreBinary() {
        Path file = write(dir, "g", idxUbyte(new int[] {1, 4}, 0, 1, 1, 2));

        assertThat(IdxReader.read(file).values()).containsExactly(0f, 1 / 255f, 1 / 255f, 2 / 255f);
    }

    @Test
    void readsFloat32AndIntegerTypes() {
        Path floats =
                write(dir, "f.idx", idx(0x0D, new int[] {2, 2}, TestFiles.floatsBigEndian(0.25f, -1.5f, 3f, 1e-3f)));
        Path ints = write(dir, "i.idx", idx(0x0C, new int[] {1, 3}, TestFiles.intsBigEndian(-7, 0, 300)));

        assertThat(IdxReader.read(floats).values()).containsExactly(0.25f, -1.5f, 3f, 1e-3f);
        assertThat(IdxReader.read(floats).exampleShape()).containsExactly(2);
        assertThat(IdxReader.read(ints).values()).containsExactly(-7f, 0f, 300f);
    }

    @Test
    void rejectsNonFiniteFloats() {
        Path file =
                write(dir, "nan.idx", idx(0x0D, new int[] {2, 2}, TestFiles.floatsBigEndian(0f, 1f, 2f, Float.NaN)));

        assertThatThrownBy(() -> IdxReader.read(file))
                .isInstanceOf(DataException.class)
                .hasMessage(file + ": row 2, value 2: NaN is not a finite number");
    }

    @Test
    void readsLabels() {
        Path file = write(dir, "train-labels-idx1-ubyte.gz", gzip(idxUbyte(new int[] {4}, 5, 0, 9, 200)));

        assertThat(IdxReader.readLabels(file)).containsExactly(5, 0, 9, 200);
    }

    @Test
    void rejectsLabelsFilePassedAsImages() {
        Path file = write(dir, "labels.idx", idxUbyte(new int[] {3}, 1, 2, 3));

        assertThatThrownBy(() -> IdxReader.read(file))
                .isInstanceOf(DataException.class)
                .hasMessage(file + ": holds a 1-dimensional IDX array of 3 values, which is a labels"
                        + " file; pass the images file instead");
    }

    @Test
    void rejectsImagesFilePassedAsLabels() {
        Path file = write(dir, "images.idx", idxUbyte(new int[] {1, 1, 2}, 1, 2));

        assertThatThrownBy(() -> IdxReader.readLabels(file))
                .isInstanceOf(DataException.class)
                .hasMessage(file + ": expected a labels file with 1 dimension, found 3 dimensions"
                        + " [1, 1, 2] (an images file?)");
    }

    @Test
    void rejectsFloatLabels() {
        Path file = write(dir, "labels.idx", idx(0x0D, new int[] {1}, TestFiles.floatsBigEndian(1f)));

        assertThatThrownBy(() -> IdxReader.readLabels(file))
                .hasMessage(file + ": header: labels must be integers but the IDX type is 0x0D (float)");
    }

    @Test
    void rejectsTruncatedIdxNamingExpectedAndFoundBytes() {
        byte[] full = idxUbyte(new int[] {2, 2, 2}, 1, 2, 3, 4, 5, 6, 7, 8);
        Path raw = write(dir, "t.idx", Arrays.copyOf(full, full.length - 3));
        Path gz = write(dir, "t.idx.gz", gzip(Arrays.copyOf(full, full.length - 3)));

        assertThatThrownBy(() -> IdxReader.read(raw))
                .isInstanceOf(DataException.class)
                .hasMessage(raw + ": truncated: expected 8 bytes of data, found 5");
        assertThatThrownBy(() -> IdxReader.read(gz))
                .isInstanceOf(DataException.class)
                .hasMessage(gz + ": truncated: expected 8 bytes of data, found 5");
    }

    @Test
    void rejectsGzipStreamThatEndsEarlyAsTruncated() {
        byte[] data = new byte[4000];
        new SplittableRandom(3).nextBytes(data);
        byte[] compressed = gzip(idx(0x08, new int[] {40, 100}, data));
        Path file = write(dir, "cut.gz", Arrays.copyOf(compressed, compressed.length / 2));

        assertThatThrownBy(() -> IdxReader.read(file))
                .isInstanceOf(DataException.class)
                .hasMessageStartingWith(file + ": truncated: expected 4000 bytes of data, found ");
    }

    @Test
    void rejectsTrailingBytes() {
        byte[] full = idxUbyte(new int[] {1, 2}, 1, 2);
        Path file = write(dir, "long.idx", Arrays.copyOf(full, full.length + 5));

        assertThatThrownBy(() -> IdxReader.read(file))
                .hasMessage(file + ": trailing bytes: expected 2 bytes of data, found 7");
    }

    @Test
    void rejectsCorruptGzip() {
        byte[] compressed = gzip(idxUbyte(new int[] {4, 4}, new int[16]));
        for (int i = 12; i < compressed.length - 8; i++) {
            compressed[i] = (byte) 0xFF;
        }
        Path file = write(dir, "bad.gz", compressed);

        assertThatThrownBy(() -> IdxReader.read(file))
                .isInstanceOf(DataException.class)
                .hasMessageStartingWith(file + ": corrupt gzip data");
    }

    @Test
    void rejectsBadMagic() {
        Path file = write(dir, "x.idx", new byte[] {1, 2, 8, 1, 0, 0, 0, 1, 0});

        assertThatThrownBy(() -> IdxReader.read(file))
                .hasMessage(file + ": header: not an IDX file: starts with 0x01 0x02, expected 0x00 0x00"
                        + " followed by a type byte and a dimension count");
    }

    @Test
    void rejectsUnsupportedType() {
        Path file = write(dir, "x.idx", new byte[] {0, 0, 0x0A, 1, 0, 0, 0, 1, 0});

        assertThatThrownBy(() -> IdxReader.read(file))
                .hasMessageStartingWith(file + ": header: unsupported IDX data type 0x0A (supported:");
    }

    @Test
    void rejectsZeroDimensionsAndZeroSizes() {
        Path noDims = write(dir, "a.idx", new byte[] {0, 0, 8, 0});
        Path zeroSize = write(dir, "b.idx", idx(0x08, new int[] {0, 28, 28}, new byte[0]));

        assertThatThrownBy(() -> IdxReader.read(noDims)).hasMessage(noDims + ": header: declares 0 dimensions");
        assertThatThrownBy(() -> IdxReader.read(zeroSize))
                .hasMessage(zeroSize + ": header: dimension 1 has size 0; every dimension must be positive");
    }

    @Test
    void rejectsHeaderClaimingMoreThanAnArrayHoldsWithoutAllocating() {
        Path file = write(dir, "huge.gz", gzip(idx(0x08, new int[] {1 << 20, 1 << 20}, new byte[10])));

        assertThatThrownBy(() -> IdxReader.read(file))
                .hasMessage(
                        file + ": header: shape [1048576, 1048576] holds more values than fit in one" + " Java array");
    }

    @Test
    void rejectsEmptyAndShortFiles() {
        Path empty = write(dir, "empty.idx", new byte[0]);
        Path shortFile = write(dir, "short.idx", new byte[] {0, 0});
        Path shortDims = write(dir, "dims.idx", new byte[] {0, 0, 8, 3, 0, 0, 0, 2});

        assertThatThrownBy(() -> IdxReader.read(empty)).hasMessage(empty + ": empty file");
        assertThatThrownBy(() -> IdxReader.read(shortFile))
                .hasMessage(shortFile + ": header: file too short for an IDX header (2 bytes)");
        assertThatThrownBy(() -> IdxReader.read(shortDims))
                .hasMessage(shortDims + ": header: truncated: 3 dimension sizes need 12 bytes, found 4");
    }

    @Test
    void reportsMissingFile() {
        Path missing = dir.resolve("nope.gz");

        assertThatThrownBy(() -> IdxReader.read(missing)).hasMessage(missing + ": no such file");
    }

    @Test
    void readsFiftyThousandMnistSizedImagesQuickly() {
        int rows = 50_000;
        byte[] pixels = new byte[rows * 784];
        SplittableRandom random = new SplittableRandom(1);
        for (int i = 0; i < pixels.length; i++) {
            pixels[i] = (byte) (random.nextInt(8) == 0 ? 1 : 0);
        }
        Path file = write(
                dir,
                "train-images-idx3-ubyte.gz",
                gzip(idx(0x08, new int[] {rows, 28, 28}, pixels), Deflater.BEST_SPEED));
        IdxReader.read(file);

        long start = System.nanoTime();
        Dataset d = IdxReader.read(file);
        double seconds = (System.nanoTime() - start) / 1e9;

        assertThat(d.rows()).isEqualTo(rows);
        assertThat(d.isBinary()).isTrue();
        assertThat(d.values()[12345]).isEqualTo(pixels[12345]);
        assertThat(seconds).isLessThan(2.0);
        assertThat(d.values().length).isEqualTo(rows * 784);
        assertThat(d.max()).isCloseTo(1f, within(0f));
    }
}
