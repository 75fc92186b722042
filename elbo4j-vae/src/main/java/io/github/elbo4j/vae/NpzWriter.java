package io.github.elbo4j.vae;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.StringJoiner;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * Writes NumPy {@code .npz} archives: a zip with one {@code NAME.npy} (format 1.0, little-endian
 * {@code <f4}, C order) per tensor, readable by {@code numpy.load}; and single {@code .npy} files.
 */
public final class NpzWriter {

    private NpzWriter() {}

    /** The bytes of an {@code .npz} holding the given tensors. */
    public static byte[] encode(Map<String, Tensor> tensors) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
            for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
                zip.putNextEntry(new ZipEntry(e.getKey() + ".npy"));
                zip.write(npy(e.getValue()));
                zip.closeEntry();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /** One tensor as {@code .npy} bytes. */
    public static byte[] npy(Tensor tensor) {
        StringJoiner shape = new StringJoiner(", ", "(", tensor.shape().length == 1 ? ",)" : ")");
        for (long d : tensor.shape()) {
            shape.add(Long.toString(d));
        }
        String dict = "{'descr': '<f4', 'fortran_order': False, 'shape': " + shape + ", }";
        // magic (6) + version (2) + header length (2) + dict + padding + '\n', a multiple of 64
        int unpadded = 10 + dict.length() + 1;
        int headerLength = (unpadded + 63) / 64 * 64 - 10;
        String header = dict + " ".repeat(headerLength - dict.length() - 1) + "\n";
        ByteBuffer buffer = ByteBuffer.allocate(10 + headerLength + 4 * tensor.data().length)
                .order(ByteOrder.LITTLE_ENDIAN);
        buffer.put((byte) 0x93).put("NUMPY".getBytes(StandardCharsets.US_ASCII)).put((byte) 1).put((byte) 0);
        buffer.putShort((short) headerLength).put(header.getBytes(StandardCharsets.US_ASCII));
        buffer.asFloatBuffer().put(tensor.data());
        return buffer.array();
    }
}
