package io.github.elbo4j.data;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.zip.GZIPOutputStream;

/** Writes gzip-compressed IDX unsigned-byte files, the inverse of {@link IdxReader}. */
final class IdxWriter {

    private IdxWriter() {}

    /**
     * Writes {@code values} as IDX type {@code 0x08} with the given dimensions, through a temporary
     * file and an atomic rename.
     *
     * @param target the {@code .gz} file to create
     * @param dims the IDX dimensions; their product must be {@code values.length}
     * @param values integers 0 to 255
     * @param expectedContent the SHA-256 the uncompressed IDX bytes must have, or {@code null} for
     *     no check; on a mismatch nothing is written and a {@link DataException} is thrown
     * @return the SHA-256 of the uncompressed IDX bytes, as lowercase hex
     */
    static String writeUnsignedBytes(Path target, int[] dims, float[] values, Checksum expectedContent) {
        long count = 1;
        for (int dim : dims) {
            count *= dim;
        }
        if (count != values.length) {
            throw new IllegalArgumentException(
                    "dimensions hold " + count + " values but " + values.length + " were given");
        }
        byte[] data = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            float v = values[i];
            if (!(v >= 0 && v <= 255) || v != Math.rint(v)) {
                throw new DataException(
                        target, "value " + (i + 1), v + " cannot be stored as an unsigned byte (integers 0 to 255)");
            }
            data[i] = (byte) (int) v;
        }
        ByteBuffer header = ByteBuffer.allocate(4 + 4 * dims.length);
        header.put((byte) 0).put((byte) 0).put((byte) 0x08).put((byte) dims.length);
        for (int dim : dims) {
            header.putInt(dim);
        }
        Path folder = target.toAbsolutePath().getParent();
        Path temp = null;
        try {
            Files.createDirectories(folder);
            temp = Files.createTempFile(folder, target.getFileName() + ".", ".part");
            MessageDigest sha256 = Downloader.newDigest("SHA-256");
            try (OutputStream file = new BufferedOutputStream(Files.newOutputStream(temp), 1 << 16);
                    OutputStream gzip = new GZIPOutputStream(file, 1 << 16);
                    OutputStream out = new DigestOutputStream(gzip, sha256)) {
                out.write(header.array());
                out.write(data);
            }
            String actual = HexFormat.of().formatHex(sha256.digest());
            if (expectedContent != null && !expectedContent.matches(actual)) {
                throw new DataException(
                        target,
                        null,
                        "converted content does not match: expected " + expectedContent
                                + " of the uncompressed IDX bytes, got " + actual);
            }
            Downloader.moveIntoPlace(temp, target);
            temp = null;
            return actual;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + target + ": " + e.getMessage(), e);
        } finally {
            if (temp != null) {
                Downloader.deleteQuietly(temp);
            }
        }
    }
}
