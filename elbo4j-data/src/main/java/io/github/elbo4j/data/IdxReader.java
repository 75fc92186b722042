package io.github.elbo4j.data;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * Reads IDX files, the format of MNIST and Fashion-MNIST (LeCun et al.,
 * <a href="http://yann.lecun.com/exdb/mnist/">yann.lecun.com/exdb/mnist</a>), gzip-compressed or
 * raw; compression is recognised by its magic bytes {@code 1f 8b}, not by the file name.
 *
 * <p>An IDX file is a big-endian header {@code 0x00 0x00 <type> <dims>} followed by {@code dims}
 * 32-bit sizes and the values in row-major order. Supported types: {@code 0x08} unsigned byte,
 * {@code 0x09} signed byte, {@code 0x0B} short, {@code 0x0C} int, {@code 0x0D} float, {@code 0x0E}
 * double. Unsigned bytes are pixel intensities: kept as they are when all are 0 or 1, otherwise
 * divided by 255. The data must be exactly as long as the header says.
 */
public final class IdxReader {

    private static final int BUFFER = 1 << 16;

    private IdxReader() {}

    /**
     * Reads an IDX array of at least two dimensions as a dataset: the first dimension is the
     * number of examples, the rest the example shape ({@code {28, 28}} for MNIST images).
     *
     * @param file the IDX file, gzip-compressed or raw
     * @return the dataset, named after the file without {@code .gz}
     * @throws DataException if the file is not a valid IDX array of supported type
     */
    public static Dataset read(Path file) {
        IdxArray array = readArray(file);
        int[] dims = array.dims();
        if (dims.length == 1) {
            throw new DataException(
                    file,
                    null,
                    "holds a 1-dimensional IDX array of " + dims[0]
                            + " values, which is a labels file; pass the images file instead");
        }
        int rows = dims[0];
        int[] exampleShape = Arrays.copyOfRange(dims, 1, dims.length);
        float[] values = toFloats(array);
        Bytes.requireFinite(values, Dataset.product(exampleShape), file);
        return new Dataset(stem(file), values, rows, exampleShape);
    }

    /**
     * Reads a 1-dimensional IDX array of integer class labels.
     *
     * @param file the IDX labels file, gzip-compressed or raw
     * @return one label per example
     * @throws DataException if the file is not a valid 1-dimensional integer IDX array
     */
    public static int[] readLabels(Path file) {
        IdxArray array = readArray(file);
        if (array.dims().length != 1) {
            throw new DataException(
                    file,
                    null,
                    "expected a labels file with 1 dimension, found "
                            + array.dims().length + " dimensions " + Arrays.toString(array.dims())
                            + " (an images file?)");
        }
        int n = array.dims()[0];
        ByteBuffer data = ByteBuffer.wrap(array.data()).order(ByteOrder.BIG_ENDIAN);
        int[] labels = new int[n];
        switch (array.type()) {
            case 0x08 -> {
                for (int i = 0; i < n; i++) {
                    labels[i] = data.get(i) & 0xFF;
                }
            }
            case 0x09 -> {
                for (int i = 0; i < n; i++) {
                    labels[i] = data.get(i);
                }
            }
            case 0x0B -> {
                for (int i = 0; i < n; i++) {
                    labels[i] = data.getShort(2 * i);
                }
            }
            case 0x0C -> data.asIntBuffer().get(labels);
            default ->
                throw new DataException(
                        file, "header", "labels must be integers but the IDX type" + " is " + typeName(array.type()));
        }
        return labels;
    }

    /** The header fields and the raw big-endian data bytes of an IDX file. */
    record IdxArray(int type, int[] dims, byte[] data) {}

    static IdxArray readArray(Path file) {
        InputLimits.requireRegularFile(file);
        try (InputStream raw = new BufferedInputStream(Files.newInputStream(file), BUFFER)) {
            long size = Files.size(file);
            if (!Bytes.isGzip(raw)) {
                return readArray(file, raw, size, size);
            }
            long limit = InputLimits.inflatedLimit(size);
            try (InputStream in = InputLimits.limited(new GZIPInputStream(raw, BUFFER), limit, file, null, size)) {
                try {
                    return readArray(file, in, -1, size);
                } catch (DataException e) {
                    // Damaged compressed data can inflate to garbage that fails the header checks before
                    // the gzip checksum is reached; reading on reveals whether the stream itself is bad.
                    if ("header".equals(e.record())) {
                        Bytes.drain(in);
                    }
                    throw e;
                }
            } catch (ZipException | EOFException e) {
                String detail = e.getMessage() == null ? "unexpected end of file" : e.getMessage();
                throw new DataException(file, null, "corrupt gzip data (" + detail + ")", e);
            }
        } catch (NoSuchFileException e) {
            throw new DataException(file, null, "no such file");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * Reads the header and data from {@code in}: {@code fileSize} is the size of the uncompressed
     * file, or -1 when {@code in} inflates {@code compressedSize} bytes of gzip data.
     */
    private static IdxArray readArray(Path file, InputStream in, long fileSize, long compressedSize)
            throws IOException {
        Bytes.Read magic = Bytes.readUpTo(in, 4);
        if (magic.count() == 0) {
            throw new DataException(file, null, "empty file");
        }
        if (magic.count() < 4) {
            throw new DataException(file, "header", "file too short for an IDX header (" + magic.count() + " bytes)");
        }
        byte[] m = magic.data();
        if (m[0] != 0 || m[1] != 0) {
            throw new DataException(
                    file,
                    "header",
                    String.format(
                            "not an IDX file: starts with 0x%02X 0x%02X, expected 0x00 0x00 followed by a type byte"
                                    + " and a dimension count",
                            m[0] & 0xFF, m[1] & 0xFF));
        }
        int type = m[2] & 0xFF;
        int itemSize = itemSize(type);
        if (itemSize < 0) {
            throw new DataException(
                    file,
                    "header",
                    String.format(
                            "unsupported IDX data type 0x%02X"
                                    + " (supported: 0x08 unsigned byte, 0x09 signed byte, 0x0B short, 0x0C int,"
                                    + " 0x0D float, 0x0E double)",
                            type));
        }
        int ndims = m[3] & 0xFF;
        if (ndims == 0) {
            throw new DataException(file, "header", "declares 0 dimensions");
        }
        Bytes.Read sizes = Bytes.readUpTo(in, 4 * ndims);
        if (sizes.count() < 4 * ndims) {
            throw new DataException(
                    file,
                    "header",
                    "truncated: " + ndims + " dimension sizes need " + 4 * ndims + " bytes, found " + sizes.count());
        }
        ByteBuffer sizeBuffer = ByteBuffer.wrap(sizes.data()).order(ByteOrder.BIG_ENDIAN);
        int[] dims = new int[ndims];
        long[] longDims = new long[ndims];
        for (int d = 0; d < ndims; d++) {
            dims[d] = sizeBuffer.getInt();
            if (dims[d] <= 0) {
                throw new DataException(
                        file,
                        "header",
                        "dimension " + (d + 1) + " has size " + Integer.toUnsignedString(dims[d])
                                + "; every dimension must be positive");
            }
            longDims[d] = dims[d];
        }
        long expected = Bytes.boundedProduct(longDims, itemSize);
        if (expected < 0) {
            throw new DataException(
                    file, "header", "shape " + Arrays.toString(dims) + " holds more values than fit in one Java array");
        }
        if (fileSize >= 0) {
            long found = fileSize - 4 - 4L * ndims;
            if (found != expected) {
                throw new DataException(file, null, lengthProblem(expected, found));
            }
        } else {
            InputLimits.checkDeclared(
                    expected, InputLimits.inflatedLimit(compressedSize), file, "header", compressedSize);
        }
        Bytes.Read data = Bytes.readUpTo(in, (int) expected);
        if (data.count() < expected) {
            throw new DataException(file, null, lengthProblem(expected, data.count()));
        }
        long extra = Bytes.drain(in);
        if (extra > 0) {
            throw new DataException(file, null, lengthProblem(expected, expected + extra));
        }
        return new IdxArray(type, dims, data.data());
    }

    private static String lengthProblem(long expected, long found) {
        return (found < expected ? "truncated: " : "trailing bytes: ") + "expected " + expected
                + " bytes of data, found " + found;
    }

    private static float[] toFloats(IdxArray array) {
        byte[] bytes = array.data();
        ByteBuffer data = ByteBuffer.wrap(bytes).order(ByteOrder.BIG_ENDIAN);
        int n = bytes.length / itemSize(array.type());
        float[] values;
        switch (array.type()) {
            case 0x08 -> values = Bytes.unsignedToUnit(bytes, 0, n);
            case 0x09 -> {
                values = new float[n];
                for (int i = 0; i < n; i++) {
                    values[i] = bytes[i];
                }
            }
            case 0x0B -> {
                values = new float[n];
                for (int i = 0; i < n; i++) {
                    values[i] = data.getShort(2 * i);
                }
            }
            case 0x0C -> {
                values = new float[n];
                for (int i = 0; i < n; i++) {
                    values[i] = data.getInt(4 * i);
                }
            }
            case 0x0D -> {
                values = new float[n];
                data.asFloatBuffer().get(values);
            }
            case 0x0E -> {
                values = new float[n];
                for (int i = 0; i < n; i++) {
                    values[i] = (float) data.getDouble(8 * i);
                }
            }
            default -> throw new IllegalStateException("type checked in the header: " + array.type());
        }
        return values;
    }

    private static int itemSize(int type) {
        return switch (type) {
            case 0x08, 0x09 -> 1;
            case 0x0B -> 2;
            case 0x0C, 0x0D -> 4;
            case 0x0E -> 8;
            default -> -1;
        };
    }

    private static String typeName(int type) {
        return switch (type) {
            case 0x0D -> "0x0D (float)";
            case 0x0E -> "0x0E (double)";
            default -> String.format("0x%02X", type);
        };
    }

    static String stem(Path file) {
        String name = file.getFileName().toString();
        return name.endsWith(".gz") ? name.substring(0, name.length() - 3) : name;
    }
}
