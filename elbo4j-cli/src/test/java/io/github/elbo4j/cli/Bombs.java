package io.github.elbo4j.cli;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.CRC32;
import java.util.zip.Deflater;

/**
 * Decompression bombs built in a fraction of a second: one megabyte of zeros is deflated once and
 * its output repeated, which is a valid deflate stream (each copy refers only to zeros), so a file
 * of about 1 KB per inflated megabyte is written without deflating gigabytes.
 */
final class Bombs {

    private static final int MIB = 1 << 20;

    private Bombs() {}

    /** A gzip file: {@code header}, then {@code zeroMiB} MiB of zeros. */
    static Path gzip(Path file, byte[] header, int zeroMiB) throws IOException {
        try (OutputStream out = Files.newOutputStream(file)) {
            out.write(new byte[] {0x1f, (byte) 0x8b, 8, 0, 0, 0, 0, 0, 0, (byte) 0xff});
            Stream data = deflate(out, header, zeroMiB);
            out.write(littleEndian(8, (int) data.crc, (int) data.size));
        }
        return file;
    }

    /** An {@code .npz} archive with one deflated entry {@code name}: {@code header}, then zeros. */
    static Path npz(Path file, String name, byte[] header, int zeroMiB) throws IOException {
        byte[] nameBytes = name.getBytes(StandardCharsets.US_ASCII);
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        Stream data = deflate(body, header, zeroMiB);
        try (OutputStream out = Files.newOutputStream(file)) {
            ByteBuffer local = ByteBuffer.allocate(30).order(ByteOrder.LITTLE_ENDIAN);
            local.putInt(0x04034b50)
                    .putShort((short) 20)
                    .putShort((short) 0)
                    .putShort((short) 8)
                    .putInt(0)
                    .putInt((int) data.crc)
                    .putInt(body.size())
                    .putInt((int) data.size)
                    .putShort((short) nameBytes.length)
                    .putShort((short) 0);
            out.write(local.array());
            out.write(nameBytes);
            body.writeTo(out);
            long centralOffset = 30L + nameBytes.length + body.size();
            ByteBuffer central = ByteBuffer.allocate(46).order(ByteOrder.LITTLE_ENDIAN);
            central.putInt(0x02014b50)
                    .putShort((short) 20)
                    .putShort((short) 20)
                    .putShort((short) 0)
                    .putShort((short) 8)
                    .putInt(0)
                    .putInt((int) data.crc)
                    .putInt(body.size())
                    .putInt((int) data.size)
                    .putShort((short) nameBytes.length)
                    .putShort((short) 0)
                    .putShort((short) 0)
                    .putShort((short) 0)
                    .putShort((short) 0)
                    .putInt(0)
                    .putInt(0);
            out.write(central.array());
            out.write(nameBytes);
            ByteBuffer end = ByteBuffer.allocate(22).order(ByteOrder.LITTLE_ENDIAN);
            end.putInt(0x06054b50)
                    .putShort((short) 0)
                    .putShort((short) 0)
                    .putShort((short) 1)
                    .putShort((short) 1)
                    .putInt(46 + nameBytes.length)
                    .putInt((int) centralOffset)
                    .putShort((short) 0);
            out.write(end.array());
        }
        return file;
    }

    private record Stream(long crc, long size) {}

    private static Stream deflate(OutputStream out, byte[] header, int zeroMiB) throws IOException {
        CRC32 crc = new CRC32();
        crc.update(header);
        out.write(flushed(header));
        byte[] zeros = new byte[MIB];
        byte[] chunk = flushed(zeros);
        for (int i = 0; i < zeroMiB; i++) {
            out.write(chunk);
            crc.update(zeros);
        }
        Deflater last = new Deflater(Deflater.BEST_COMPRESSION, true);
        last.finish();
        byte[] buffer = new byte[64];
        out.write(buffer, 0, last.deflate(buffer));
        last.end();
        return new Stream(crc.getValue(), header.length + (long) zeroMiB * MIB);
    }

    /** Raw deflate of {@code data} ending in a sync flush, so that more blocks may follow. */
    private static byte[] flushed(byte[] data) {
        Deflater deflater = new Deflater(Deflater.BEST_COMPRESSION, true);
        deflater.setInput(data);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buffer = new byte[1 << 16];
        int n;
        do {
            n = deflater.deflate(buffer, 0, buffer.length, Deflater.SYNC_FLUSH);
            out.write(buffer, 0, n);
        } while (n == buffer.length || !deflater.needsInput());
        deflater.end();
        return out.toByteArray();
    }

    /** Big-endian IDX header of unsigned bytes with the given dimensions. */
    static byte[] idxHeader(int... dims) {
        ByteBuffer header = ByteBuffer.allocate(4 + 4 * dims.length);
        header.put((byte) 0).put((byte) 0).put((byte) 0x08).put((byte) dims.length);
        for (int d : dims) {
            header.putInt(d);
        }
        return header.array();
    }

    /** A version-1 {@code .npy} header of unsigned bytes with the given shape. */
    static byte[] npyHeader(long rows, long columns) {
        String dict = "{'descr': '|u1', 'fortran_order': False, 'shape': (" + rows + ", " + columns + "), }";
        int total = 10 + dict.length() + 1;
        int padded = (total + 63) / 64 * 64;
        String text = dict + " ".repeat(padded - total) + "\n";
        ByteBuffer header = ByteBuffer.allocate(10 + text.length()).order(ByteOrder.LITTLE_ENDIAN);
        header.put(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0}).putShort((short) text.length());
        header.put(text.getBytes(StandardCharsets.US_ASCII));
        return header.array();
    }

    private static byte[] littleEndian(int bytes, int... values) {
        ByteBuffer buffer = ByteBuffer.allocate(bytes).order(ByteOrder.LITTLE_ENDIAN);
        for (int v : values) {
            buffer.putInt(v);
        }
        return buffer.array();
    }
}
