package io.github.elbo4j.data;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import java.util.zip.DeflaterOutputStream;
import java.util.zip.GZIPOutputStream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/** Builds small binary fixtures byte by byte, independently of the code under test. */
final class TestFiles {

    private TestFiles() {}

    static Path write(Path dir, String name, byte[] bytes) {
        try {
            Path file = dir.resolve(name);
            Files.createDirectories(file.getParent());
            return Files.write(file, bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Path writeText(Path dir, String name, String text) {
        return write(dir, name, text.getBytes(StandardCharsets.UTF_8));
    }

    /** An IDX file: 0x00 0x00 type ndims, big-endian sizes, then the data as given. */
    static byte[] idx(int type, int[] dims, byte[] data) {
        ByteBuffer buffer =
                ByteBuffer.allocate(4 + 4 * dims.length + data.length).order(ByteOrder.BIG_ENDIAN);
        buffer.put((byte) 0).put((byte) 0).put((byte) type).put((byte) dims.length);
        for (int dim : dims) {
            buffer.putInt(dim);
        }
        buffer.put(data);
        return buffer.array();
    }

    static byte[] ubytes(int... values) {
        byte[] bytes = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            bytes[i] = (byte) values[i];
        }
        return bytes;
    }

    static byte[] idxUbyte(int[] dims, int... values) {
        return idx(0x08, dims, ubytes(values));
    }

    static byte[] gzip(byte[] raw) {
        return gzip(raw, Deflater.DEFAULT_COMPRESSION);
    }

    static byte[] gzip(byte[] raw, int level) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out, 1 << 16) {
            {
                def.setLevel(level);
            }
        }) {
            gz.write(raw);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    static byte[] floatsBigEndian(float... values) {
        ByteBuffer buffer = ByteBuffer.allocate(4 * values.length).order(ByteOrder.BIG_ENDIAN);
        for (float v : values) {
            buffer.putFloat(v);
        }
        return buffer.array();
    }

    static byte[] intsBigEndian(int... values) {
        ByteBuffer buffer = ByteBuffer.allocate(4 * values.length).order(ByteOrder.BIG_ENDIAN);
        for (int v : values) {
            buffer.putInt(v);
        }
        return buffer.array();
    }

    static byte[] littleEndian(String descr, double... values) {
        int size = descr.equals("|u1") || descr.equals("|b1") ? 1 : descr.endsWith("4") ? 4 : 8;
        ByteBuffer buffer = ByteBuffer.allocate(size * values.length).order(ByteOrder.LITTLE_ENDIAN);
        for (double v : values) {
            switch (descr) {
                case "<f4" -> buffer.putFloat((float) v);
                case "<f8" -> buffer.putDouble(v);
                case "<i4" -> buffer.putInt((int) v);
                case "<i8" -> buffer.putLong((long) v);
                case "|u1", "|b1" -> buffer.put((byte) v);
                default -> throw new IllegalArgumentException(descr);
            }
        }
        return buffer.array();
    }

    /** A .npy file as NumPy writes it: header padded with spaces to a multiple of 64 bytes. */
    static byte[] npy(int major, String descr, boolean fortran, String shape, byte[] data) {
        String dict = "{'descr': '" + descr + "', 'fortran_order': " + (fortran ? "True" : "False") + ", 'shape': "
                + shape + ", }";
        int prefix = 6 + 2 + (major == 1 ? 2 : 4);
        int total = prefix + dict.length() + 1;
        int padded = (total + 63) / 64 * 64;
        String header = dict + " ".repeat(padded - total) + "\n";
        ByteBuffer buffer =
                ByteBuffer.allocate(prefix + header.length() + data.length).order(ByteOrder.LITTLE_ENDIAN);
        buffer.put((byte) 0x93).put("NUMPY".getBytes(StandardCharsets.US_ASCII));
        buffer.put((byte) major).put((byte) 0);
        if (major == 1) {
            buffer.putShort((short) header.length());
        } else {
            buffer.putInt(header.length());
        }
        buffer.put(header.getBytes(StandardCharsets.ISO_8859_1)).put(data);
        return buffer.array();
    }

    static byte[] zip(Map<String, byte[]> entries, boolean deflate) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(out)) {
            for (Map.Entry<String, byte[]> e : entries.entrySet()) {
                ZipEntry entry = new ZipEntry(e.getKey());
                if (!deflate) {
                    CRC32 crc = new CRC32();
                    crc.update(e.getValue());
                    entry.setMethod(ZipEntry.STORED);
                    entry.setSize(e.getValue().length);
                    entry.setCompressedSize(e.getValue().length);
                    entry.setCrc(crc.getValue());
                }
                zip.putNextEntry(entry);
                zip.write(e.getValue());
                zip.closeEntry();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /**
     * A little-endian MATLAB 5.0 MAT-file holding one uint8 matrix {@code name} (at most four
     * characters, stored as a small data element), optionally inside a compressed element.
     */
    static byte[] mat(String name, int rows, int cols, byte[] columnMajor, boolean compressed) {
        ByteBuffer body = ByteBuffer.allocate(8 + 16 + 16 + 8 + 8 + pad8(columnMajor.length))
                .order(ByteOrder.LITTLE_ENDIAN);
        int matrixSize = body.capacity() - 8;
        body.putInt(14).putInt(matrixSize);
        body.putInt(6).putInt(8).putInt(9).putInt(0);
        body.putInt(5).putInt(8).putInt(rows).putInt(cols);
        byte[] nameBytes = name.getBytes(StandardCharsets.US_ASCII);
        body.putInt((nameBytes.length << 16) | 1).put(nameBytes).put(new byte[4 - nameBytes.length]);
        body.putInt(2).putInt(columnMajor.length).put(columnMajor);
        byte[] element = body.array();
        if (compressed) {
            ByteArrayOutputStream deflated = new ByteArrayOutputStream();
            try (DeflaterOutputStream z = new DeflaterOutputStream(deflated)) {
                z.write(element);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            byte[] data = deflated.toByteArray();
            element = ByteBuffer.allocate(8 + data.length)
                    .order(ByteOrder.LITTLE_ENDIAN)
                    .putInt(15)
                    .putInt(data.length)
                    .put(data)
                    .array();
        }
        byte[] header = new byte[128];
        byte[] text = String.format("%-116s", "MATLAB 5.0 MAT-file, written by a test")
                .getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(text, 0, header, 0, 116);
        header[124] = 0x00;
        header[125] = 0x01;
        header[126] = 'I';
        header[127] = 'M';
        return ByteBuffer.allocate(128 + element.length)
                .put(header)
                .put(element)
                .array();
    }

    static String sha256(byte[] bytes) {
        try {
            return java.util.HexFormat.of()
                    .formatHex(
                            java.security.MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static int pad8(int n) {
        return (n + 7) / 8 * 8;
    }
}
