package io.github.elbo4j.vae.run;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.elbo4j.data.DataException;
import io.github.elbo4j.io.AtomicFiles;
import io.github.elbo4j.vae.model.Tensor;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.CRC32C;

/**
 * Reads and writes the safetensors format (huggingface/safetensors): an 8-byte little-endian
 * header length N, N bytes of JSON mapping each tensor name to {@code dtype}, {@code shape} and
 * {@code data_offsets} (plus an optional {@code __metadata__} map of strings), then the raw
 * little-endian data. elbo4j writes float32 ({@code F32}) only.
 *
 * <p>Reading validates before it allocates: the header length is capped, every dtype, shape and
 * offset pair is checked, and every tensor must lie inside the file with a size matching its
 * shape — so a truncated or forged file gives a clean {@link DataException}, never an
 * out-of-memory error.
 *
 * <p>Files elbo4j writes carry a CRC32C checksum of their data bytes and their other metadata
 * entries under the metadata key {@value #CHECKSUM}; reading verifies it, so a flipped bit or a
 * zero-filled tail is refused rather than trained on. Files without the key (written by other
 * tools, or by elbo4j before it recorded checksums) are read unverified.
 */
public final class Safetensors {

    /** Largest header accepted (the format's own reference implementation uses 100 MB). */
    public static final long MAX_HEADER_BYTES = 100L << 20;

    /** The metadata key of the checksum: CRC32C of the data bytes, then of the other metadata entries. */
    public static final String CHECKSUM = "elbo4j_crc32c";

    private static final ObjectMapper JSON = new ObjectMapper();

    /** The tensors and string metadata of one file. */
    public record Contents(Map<String, Tensor> tensors, Map<String, String> metadata) {}

    private Safetensors() {}

    /** Serializes tensors (in map order) and metadata, plus the {@value #CHECKSUM} entry, into safetensors bytes. */
    public static byte[] encode(Map<String, Tensor> tensors, Map<String, String> metadata) {
        long dataBytes = 0;
        for (Tensor t : tensors.values()) {
            dataBytes += 4L * t.data().length;
        }
        ByteBuffer data = ByteBuffer.allocate(Math.toIntExact(dataBytes)).order(ByteOrder.LITTLE_ENDIAN);
        for (Tensor t : tensors.values()) {
            data.asFloatBuffer().put(t.data());
            data.position(data.position() + 4 * t.data().length);
        }
        Map<String, String> withChecksum = new LinkedHashMap<>(metadata);
        withChecksum.remove(CHECKSUM);
        CRC32C crc = new CRC32C();
        crc.update(data.array());
        withChecksum.put(CHECKSUM, checksum(crc, withChecksum));
        ObjectNode header = JSON.createObjectNode();
        ObjectNode meta = header.putObject("__metadata__");
        withChecksum.forEach(meta::put);
        long offset = 0;
        for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
            ObjectNode t = header.putObject(e.getKey());
            t.put("dtype", "F32");
            var shape = t.putArray("shape");
            for (long d : e.getValue().shape()) {
                shape.add(d);
            }
            long bytes = 4L * e.getValue().data().length;
            t.putArray("data_offsets").add(offset).add(offset + bytes);
            offset += bytes;
        }
        byte[] headerBytes;
        try {
            headerBytes = JSON.writeValueAsBytes(header);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot encode safetensors header", e);
        }
        // Pad the header with spaces so the data starts 8-byte aligned, as the reference writer does.
        int padded = (headerBytes.length + 7) / 8 * 8;
        ByteBuffer buffer =
                ByteBuffer.allocate(Math.toIntExact(8 + padded + offset)).order(ByteOrder.LITTLE_ENDIAN);
        buffer.putLong(padded).put(headerBytes);
        for (int i = headerBytes.length; i < padded; i++) {
            buffer.put((byte) ' ');
        }
        buffer.put(data.array());
        return buffer.array();
    }

    /**
     * Finishes {@code crc} (already fed the data bytes) with the metadata entries other than the
     * checksum, in key order, so that the header's meaning is covered too.
     */
    private static String checksum(CRC32C crc, Map<String, String> metadata) {
        new TreeMap<>(metadata).forEach((key, value) -> {
            if (!key.equals(CHECKSUM)) {
                crc.update((key + "=" + value + "\n").getBytes(StandardCharsets.UTF_8));
            }
        });
        return String.format("%08x", crc.getValue());
    }

    /** Atomically writes a safetensors file. */
    public static void write(Path file, Map<String, Tensor> tensors, Map<String, String> metadata) {
        AtomicFiles.write(file, encode(tensors, metadata));
    }

    /** Reads and validates a safetensors file of float32 tensors. */
    public static Contents read(Path file) {
        try (FileChannel channel = FileChannel.open(file)) {
            long fileSize = channel.size();
            if (fileSize < 8) {
                throw new DataException(
                        file,
                        null,
                        "not a safetensors file: " + fileSize + " bytes, shorter than the 8-byte header length");
            }
            ByteBuffer lengthBuffer = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
            readFully(channel, lengthBuffer, 0);
            long headerLength = lengthBuffer.flip().getLong();
            if (headerLength < 2 || headerLength > MAX_HEADER_BYTES) {
                throw new DataException(
                        file, "header", "header length " + headerLength + " is outside [2, " + MAX_HEADER_BYTES + "]");
            }
            if (8 + headerLength > fileSize) {
                throw new DataException(
                        file,
                        "header",
                        "truncated: header needs " + headerLength + " bytes, the file has " + (fileSize - 8));
            }
            ByteBuffer headerBuffer = ByteBuffer.allocate((int) headerLength);
            readFully(channel, headerBuffer, 8);
            JsonNode header = parseHeader(file, headerBuffer.array());
            long dataStart = 8 + headerLength;
            long dataSize = fileSize - dataStart;
            Map<String, String> metadata = new LinkedHashMap<>();
            Map<String, Tensor> tensors = new LinkedHashMap<>();
            Iterator<Map.Entry<String, JsonNode>> fields = header.fields();
            while (fields.hasNext()) {
                Map.Entry<String, JsonNode> field = fields.next();
                if (field.getKey().equals("__metadata__")) {
                    readMetadata(file, field.getValue(), metadata);
                    continue;
                }
                tensors.put(
                        field.getKey(),
                        readTensor(file, channel, field.getKey(), field.getValue(), dataStart, dataSize));
            }
            verifyChecksum(file, channel, dataStart, dataSize, metadata);
            return new Contents(tensors, metadata);
        } catch (NoSuchFileException e) {
            throw new DataException(file, null, "file not found");
        } catch (IOException e) {
            throw new DataException(file, null, "cannot read: " + e.getMessage());
        }
    }

    private static void verifyChecksum(
            Path file, FileChannel channel, long dataStart, long dataSize, Map<String, String> metadata)
            throws IOException {
        String recorded = metadata.get(CHECKSUM);
        if (recorded == null) {
            return;
        }
        CRC32C crc = new CRC32C();
        ByteBuffer chunk = ByteBuffer.allocate(1 << 16);
        for (long at = 0; at < dataSize; ) {
            chunk.clear().limit((int) Math.min(chunk.capacity(), dataSize - at));
            readFully(channel, chunk, dataStart + at);
            chunk.flip();
            at += chunk.remaining();
            crc.update(chunk);
        }
        String actual = checksum(crc, metadata);
        if (!actual.equals(recorded)) {
            throw new DataException(
                    file,
                    CHECKSUM,
                    "checksum mismatch (recorded " + recorded + ", the contents give " + actual
                            + "): the file is corrupt");
        }
    }

    private static JsonNode parseHeader(Path file, byte[] bytes) {
        JsonNode header;
        try {
            header = JSON.readTree(new String(bytes, StandardCharsets.UTF_8).trim());
        } catch (JsonProcessingException e) {
            throw new DataException(file, "header", "header is not valid JSON: " + e.getOriginalMessage());
        }
        if (header == null || !header.isObject()) {
            throw new DataException(file, "header", "header is not a JSON object");
        }
        return header;
    }

    private static void readMetadata(Path file, JsonNode node, Map<String, String> metadata) {
        if (!node.isObject()) {
            throw new DataException(file, "__metadata__", "metadata must be a map of strings");
        }
        node.fields().forEachRemaining(e -> {
            if (!e.getValue().isTextual()) {
                throw new DataException(file, "__metadata__." + e.getKey(), "metadata values must be strings");
            }
            metadata.put(e.getKey(), e.getValue().asText());
        });
    }

    private static Tensor readTensor(
            Path file, FileChannel channel, String name, JsonNode node, long dataStart, long dataSize)
            throws IOException {
        String record = "tensor '" + name + "'";
        if (!node.isObject()) {
            throw new DataException(file, record, "entry is not an object");
        }
        String dtype = node.path("dtype").asText("");
        if (!dtype.equals("F32")) {
            throw new DataException(file, record, "dtype '" + dtype + "' is not supported (elbo4j reads F32)");
        }
        JsonNode shapeNode = node.path("shape");
        JsonNode offsets = node.path("data_offsets");
        if (!shapeNode.isArray() || !offsets.isArray() || offsets.size() != 2) {
            throw new DataException(file, record, "needs a shape array and two data_offsets");
        }
        long[] shape = new long[shapeNode.size()];
        long count = 1;
        for (int i = 0; i < shape.length; i++) {
            JsonNode d = shapeNode.get(i);
            if (!d.canConvertToLong() || d.asLong() < 0 || d.asLong() > Integer.MAX_VALUE) {
                throw new DataException(file, record, "shape " + shapeNode + " has an invalid dimension");
            }
            shape[i] = d.asLong();
            // dimensions are below 2^31, so the running product cannot overflow before it is capped
            count = count > Integer.MAX_VALUE ? count : count * shape[i];
        }
        long begin = offsets.get(0).asLong(-1);
        long end = offsets.get(1).asLong(-1);
        if (begin < 0 || end < begin || end > dataSize) {
            throw new DataException(
                    file,
                    record,
                    "data_offsets [" + begin + ", " + end + "] lie outside the " + dataSize + " data bytes");
        }
        if (end - begin != 4 * count || count > Integer.MAX_VALUE) {
            throw new DataException(
                    file,
                    record,
                    "data_offsets span " + (end - begin) + " bytes but shape " + shapeNode + " needs " + 4 * count);
        }
        ByteBuffer data = ByteBuffer.allocate((int) (end - begin)).order(ByteOrder.LITTLE_ENDIAN);
        readFully(channel, data, dataStart + begin);
        float[] values = new float[(int) count];
        data.flip().asFloatBuffer().get(values);
        return new Tensor(shape, values);
    }

    private static void readFully(FileChannel channel, ByteBuffer buffer, long position) throws IOException {
        while (buffer.hasRemaining()) {
            int n = channel.read(buffer, position + buffer.position());
            if (n < 0) {
                throw new IOException("unexpected end of file");
            }
        }
    }
}
