package io.github.elbo4j.vae.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.elbo4j.data.DataException;
import io.github.elbo4j.data.Dataset;
import io.github.elbo4j.data.NpyReader;
import io.github.elbo4j.vae.model.Tensor;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SafetensorsTest {

    @TempDir
    Path dir;

    private static Map<String, Tensor> sample() {
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        tensors.put("a.weight", new Tensor(new long[] {2, 3}, new float[] {1, 2, 3, 4, 5, -6.5f}));
        tensors.put("a.bias", new Tensor(new long[] {2}, new float[] {Float.MIN_VALUE, -0f}));
        return tensors;
    }

    @Test
    void roundTripsTensorsAndMetadataExactly() {
        Path file = dir.resolve("m.safetensors");
        Safetensors.write(file, sample(), Map.of("format", "test"));
        Safetensors.Contents read = Safetensors.read(file);
        assertThat(read.metadata()).containsEntry("format", "test");
        assertThat(read.tensors().keySet()).containsExactly("a.weight", "a.bias");
        assertThat(read.tensors().get("a.weight").shape()).containsExactly(2, 3);
        assertThat(read.tensors().get("a.weight").data()).containsExactly(1, 2, 3, 4, 5, -6.5f);
        assertThat(read.tensors().get("a.bias").data()).containsExactly(Float.MIN_VALUE, -0f);
    }

    @Test
    void headerIsLittleEndianLengthThenJsonPaddedToEightBytes() throws IOException {
        byte[] bytes = Safetensors.encode(sample(), Map.of());
        long headerLength =
                ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).getLong();
        assertThat(headerLength % 8).isZero();
        String header = new String(bytes, 8, (int) headerLength, StandardCharsets.UTF_8);
        assertThat(header).contains("\"dtype\":\"F32\"").contains("\"data_offsets\":[0,24]");
        assertThat(bytes.length).isEqualTo(8 + headerLength + 4 * 8);
    }

    @Test
    void rejectsATruncatedFileNamingTheTensor() throws IOException {
        Path file = dir.resolve("t.safetensors");
        byte[] bytes = Safetensors.encode(sample(), Map.of());
        Files.write(file, Arrays.copyOf(bytes, bytes.length - 4));
        assertThatThrownBy(() -> Safetensors.read(file))
                .isInstanceOf(DataException.class)
                .hasMessageContaining(file.toString())
                .hasMessageContaining("tensor 'a.bias'")
                .hasMessageContaining("outside");
    }

    @Test
    void rejectsAForgedHeaderLengthWithoutAllocatingIt() throws IOException {
        Path file = dir.resolve("f.safetensors");
        ByteBuffer forged =
                ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putLong(Long.MAX_VALUE / 2);
        Files.write(file, forged.array());
        assertThatThrownBy(() -> Safetensors.read(file))
                .isInstanceOf(DataException.class)
                .hasMessageContaining("header length");
    }

    @Test
    void rejectsOffsetsThatDisagreeWithTheShape() throws IOException {
        String header = "{\"w\":{\"dtype\":\"F32\",\"shape\":[1000000,1000000],\"data_offsets\":[0,8]}}";
        Path file = dir.resolve("s.safetensors");
        ByteBuffer b = ByteBuffer.allocate(8 + header.length() + 8).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(header.length()).put(header.getBytes(StandardCharsets.UTF_8));
        Files.write(file, b.array());
        assertThatThrownBy(() -> Safetensors.read(file))
                .isInstanceOf(DataException.class)
                .hasMessageContaining("needs");
    }

    @Test
    void rejectsUnsupportedDtypes() throws IOException {
        String header = "{\"w\":{\"dtype\":\"F16\",\"shape\":[2],\"data_offsets\":[0,4]}}";
        Path file = dir.resolve("d.safetensors");
        ByteBuffer b = ByteBuffer.allocate(8 + header.length() + 4).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(header.length()).put(header.getBytes(StandardCharsets.UTF_8));
        Files.write(file, b.array());
        assertThatThrownBy(() -> Safetensors.read(file)).hasMessageContaining("dtype 'F16'");
    }

    @Test
    void survivesRandomCorruptionWithOnlyCleanErrors() throws IOException {
        byte[] good = Safetensors.encode(sample(), Map.of("format", "x"));
        SplittableRandom random = new SplittableRandom(42);
        Path file = dir.resolve("fuzz.safetensors");
        for (int trial = 0; trial < 3000; trial++) {
            byte[] bad = good.clone();
            int flips = 1 + random.nextInt(4);
            for (int i = 0; i < flips; i++) {
                bad[random.nextInt(bad.length)] = (byte) random.nextInt(256);
            }
            if (random.nextBoolean()) {
                bad = Arrays.copyOf(bad, random.nextInt(bad.length));
            }
            Files.write(file, bad);
            try {
                Safetensors.read(file);
            } catch (DataException expected) {
                assertThat(expected.getMessage()).doesNotContain("\n");
            }
        }
    }

    @Test
    void npzReaderSurvivesRandomCorruptionWithOnlyCleanErrors() throws IOException {
        byte[] good = NpzWriter.encode(sample());
        SplittableRandom random = new SplittableRandom(7);
        Path file = dir.resolve("fuzz.npz");
        for (int trial = 0; trial < 1000; trial++) {
            byte[] bad = good.clone();
            for (int i = 0, flips = 1 + random.nextInt(4); i < flips; i++) {
                bad[random.nextInt(bad.length)] = (byte) random.nextInt(256);
            }
            if (random.nextBoolean()) {
                bad = Arrays.copyOf(bad, random.nextInt(bad.length));
            }
            Files.write(file, bad);
            try {
                NpyReader.readNpz(file);
            } catch (DataException expected) {
                assertThat(expected.getMessage()).doesNotContain("\n");
            }
        }
    }

    @Test
    void npzExportIsReadableAsNumpyArrays() throws IOException {
        Path file = dir.resolve("w.npz");
        Files.write(file, NpzWriter.encode(sample()));
        Map<String, Dataset> arrays = NpyReader.readNpz(file);
        assertThat(arrays).containsKeys("a.weight", "a.bias");
        assertThat(arrays.get("a.weight").values()).containsExactly(1, 2, 3, 4, 5, -6.5f);
        assertThat(arrays.get("a.weight").rows()).isEqualTo(2);
        assertThat(arrays.get("a.bias").values()).containsExactly(Float.MIN_VALUE, -0f);
    }
}
