package io.github.elbo4j.vae.run;

import io.github.elbo4j.vae.model.Tensor;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.StringJoiner;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * Writes NumPy {@code .npz} archives: a zip with one {@code NAME.npy} (format 1.0, little-endian
 * {@code <f4}, or {@code <i8} for indices, C order) per array, readable by {@code numpy.load}; and
 * single {@code .npy} files.
 */
public final class NpzWriter {

    private NpzWriter() {}

    /** The bytes of an {@code .npz} holding the given tensors. */
    public static byte[] encode(Map<String, Tensor> tensors) {
        Map<String, byte[]> files = new LinkedHashMap<>();
        tensors.forEach((name, tensor) -> files.put(name, npy(tensor)));
        return archive(files);
    }

    /** The bytes of an {@code .npz} holding the given {@code .npy} files, by array name. */
    public static byte[] archive(Map<String, byte[]> npyFiles) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
            for (Map.Entry<String, byte[]> e : npyFiles.entrySet()) {
                zip.putNextEntry(new ZipEntry(e.getKey() + ".npy"));
                zip.write(e.getValue());
                zip.closeEntry();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /** One tensor as {@code .npy} bytes (float32). */
    public static byte[] npy(Tensor tensor) {
        ByteBuffer buffer = header("<f4", tensor.shape(), 4L * tensor.data().length);
        buffer.asFloatBuffer().put(tensor.data());
        return buffer.array();
    }

    /** A vector of integers as {@code .npy} bytes (int64): indices that a float32 would round beyond 2^24. */
    public static byte[] npy(long[] values) {
        ByteBuffer buffer = header("<i8", new long[] {values.length}, 8L * values.length);
        buffer.asLongBuffer().put(values);
        return buffer.array();
    }

    /** A little-endian buffer holding the header, positioned at the start of {@code dataBytes} of data. */
    private static ByteBuffer header(String descr, long[] dims, long dataBytes) {
        StringJoiner shape = new StringJoiner(", ", "(", dims.length == 1 ? ",)" : ")");
        for (long d : dims) {
            shape.add(Long.toString(d));
        }
        String dict = "{'descr': '" + descr + "', 'fortran_order': False, 'shape': " + shape + ", }";
        // magic (6) + version (2) + header length (2) + dict + padding + '\n', a multiple of 64
        int unpadded = 10 + dict.length() + 1;
        int headerLength = (unpadded + 63) / 64 * 64 - 10;
        String header = dict + " ".repeat(headerLength - dict.length() - 1) + "\n";
        ByteBuffer buffer = ByteBuffer.allocate(Math.toIntExact(10 + headerLength + dataBytes))
                .order(ByteOrder.LITTLE_ENDIAN);
        buffer.put((byte) 0x93)
                .put("NUMPY".getBytes(StandardCharsets.US_ASCII))
                .put((byte) 1)
                .put((byte) 0);
        buffer.putShort((short) headerLength).put(header.getBytes(StandardCharsets.US_ASCII));
        // The typed views written next start at this position, just after the header.
        return buffer;
    }
}
