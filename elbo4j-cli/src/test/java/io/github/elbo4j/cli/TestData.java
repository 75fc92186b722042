package io.github.elbo4j.cli;

import io.github.elbo4j.data.Dataset;
import io.github.elbo4j.data.Shapes;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;

/** Writes small datasets in the formats users bring. */
final class TestData {

    private TestData() {}

    /** Gzipped IDX bytes (type ubyte) of a 28×28 image dataset with 0/1 values. */
    static byte[] idx(Dataset images) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(new GZIPOutputStream(bytes))) {
            out.writeInt(0x00000803);
            out.writeInt(images.rows());
            out.writeInt(28);
            out.writeInt(28);
            for (float v : images.values()) {
                out.writeByte(Math.round(v));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /** Gzipped IDX bytes (type ubyte, 1 dimension) of class labels. */
    static byte[] labelsIdx(int[] labels) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(new GZIPOutputStream(bytes))) {
            out.writeInt(0x00000801);
            out.writeInt(labels.length);
            for (int label : labels) {
                out.writeByte(label);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /** A folder with train/valid/test IDX image and label files of procedural shapes. */
    static Path labelledShapesFolder(Path dir) throws IOException {
        Files.createDirectories(dir);
        String[] splits = {"train", "valid", "test"};
        int[] sizes = {400, 100, 100};
        for (int s = 0; s < splits.length; s++) {
            Dataset shapes = Shapes.generate(sizes[s], s + 1);
            Files.write(dir.resolve(splits[s] + "-images-idx3-ubyte.gz"), idx(shapes));
            Files.write(dir.resolve(splits[s] + "-labels-idx1-ubyte.gz"), labelsIdx(shapes.labels()));
        }
        return dir;
    }

    /** A folder with train/valid/test IDX files of procedural shapes. */
    static Path shapesFolder(Path dir) throws IOException {
        Files.createDirectories(dir);
        Files.write(dir.resolve("train-images-idx3-ubyte.gz"), idx(Shapes.generate(400, 1)));
        Files.write(dir.resolve("valid-images-idx3-ubyte.gz"), idx(Shapes.generate(100, 2)));
        Files.write(dir.resolve("test-images-idx3-ubyte.gz"), idx(Shapes.generate(100, 3)));
        return dir;
    }
}
