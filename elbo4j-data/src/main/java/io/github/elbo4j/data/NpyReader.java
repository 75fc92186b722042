package io.github.elbo4j.data;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;

/**
 * Reads NumPy arrays: {@code .npy} files (format versions 1, 2 and 3, see the
 * <a href="https://numpy.org/doc/stable/reference/generated/numpy.lib.format.html">NumPy format
 * specification</a>) and {@code .npz} archives of them, stored or deflated.
 *
 * <p>Supported dtypes: {@code <f4}, {@code <f8}, {@code |u1}, {@code <i4}, {@code <i8}, {@code
 * |b1}, in C order. A 1-D array becomes one column, a 2-D array rows × columns, and a higher-rank
 * array examples of its trailing dimensions. {@code |u1} values are pixel intensities, scaled as
 * by {@link IdxReader}; booleans become 0 and 1. The header is validated, and the data length
 * checked against the shape, before any array of the declared size is allocated.
 */
public final class NpyReader {

    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    private static final int MAX_HEADER = 1 << 20;
    private static final String SUPPORTED = "<f4, <f8, |u1, <i4, <i8, |b1";
    private static final Pattern DESCR = Pattern.compile("'descr'\\s*:\\s*('([^']*)'|\\[)");
    private static final Pattern FORTRAN = Pattern.compile("'fortran_order'\\s*:\\s*(True|False)");
    private static final Pattern SHAPE = Pattern.compile("'shape'\\s*:\\s*\\(([^)]*)\\)");

    private NpyReader() {}

    /**
     * Reads one {@code .npy} file.
     *
     * @param file the file
     * @return the array as a dataset, named after the file without {@code .npy}
     * @throws DataException if the file is malformed or uses an unsupported dtype or order
     */
    public static Dataset readNpy(Path file) {
        InputLimits.requireRegularFile(file);
        try (InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
            long size = Files.size(file);
            return parse(
                    in,
                    size,
                    Long.MAX_VALUE,
                    size,
                    file,
                    null,
                    stem(file.getFileName().toString()));
        } catch (NoSuchFileException e) {
            throw new DataException(file, null, "no such file");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * Reads every array of an {@code .npz} archive (as written by {@code numpy.savez} or {@code
     * numpy.savez_compressed}); entries that are not {@code .npy} files are ignored.
     *
     * @param file the archive
     * @return the arrays keyed by name without {@code .npy}, in archive order
     * @throws DataException if the archive or one of its arrays is malformed, or it holds no array
     */
    public static Map<String, Dataset> readNpz(Path file) {
        InputLimits.requireRegularFile(file);
        Map<String, Dataset> arrays = new LinkedHashMap<>();
        try (ZipFile zip = new ZipFile(file.toFile())) {
            for (ZipEntry entry : Collections.list(zip.entries())) {
                if (entry.isDirectory() || !entry.getName().endsWith(".npy")) {
                    continue;
                }
                String key = entry.getName().substring(0, entry.getName().length() - ".npy".length());
                // A deflated entry is read through a limit on its inflated size: the sizes in the zip
                // directory are the archive's word and a bomb can state anything there.
                long compressed = entry.getCompressedSize();
                boolean deflated = entry.getMethod() != ZipEntry.STORED;
                long limit = deflated ? InputLimits.inflatedLimit(compressed) : Long.MAX_VALUE;
                InputStream entryStream = zip.getInputStream(entry);
                if (deflated) {
                    entryStream = InputLimits.limited(entryStream, limit, file, "entry " + entry.getName(), compressed);
                }
                try (InputStream in = new BufferedInputStream(entryStream, 1 << 16)) {
                    arrays.put(key, parse(in, entry.getSize(), limit, compressed, file, entry.getName(), key));
                } catch (ZipException e) {
                    throw new DataException(
                            file, "entry " + entry.getName(), "corrupt compressed data (" + e.getMessage() + ")", e);
                }
            }
        } catch (NoSuchFileException e) {
            throw new DataException(file, null, "no such file");
        } catch (ZipException e) {
            throw new DataException(file, null, "not a valid .npz (zip) archive (" + e.getMessage() + ")", e);
        } catch (EOFException e) {
            // a truncated archive: the zip directory or an entry ends early
            throw new DataException(file, null, "not a valid .npz (zip) archive (unexpected end of file)", e);
        } catch (IOException e) {
            if (!Files.exists(file)) {
                throw new DataException(file, null, "no such file");
            }
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
        if (arrays.isEmpty()) {
            throw new DataException(file, null, "holds no .npy arrays");
        }
        return arrays;
    }

    /**
     * Parses one array from {@code in}, whose size is {@code size} (-1 if unknown); data that
     * inflates from {@code compressed} bytes may declare at most {@code inflatedLimit} bytes.
     */
    private static Dataset parse(
            InputStream in, long size, long inflatedLimit, long compressed, Path file, String entry, String name)
            throws IOException {
        Bytes.Read prefix = Bytes.readUpTo(in, MAGIC.length + 2);
        if (prefix.count() == 0) {
            throw error(file, entry, null, "empty file");
        }
        if (prefix.count() < MAGIC.length + 2
                || !Arrays.equals(prefix.data(), 0, MAGIC.length, MAGIC, 0, MAGIC.length)) {
            throw error(file, entry, "header", "not a .npy file: it does not start with \\x93NUMPY");
        }
        int major = prefix.data()[MAGIC.length] & 0xFF;
        int minor = prefix.data()[MAGIC.length + 1] & 0xFF;
        int lengthBytes;
        if (major == 1) {
            lengthBytes = 2;
        } else if (major == 2 || major == 3) {
            lengthBytes = 4;
        } else {
            throw error(
                    file,
                    entry,
                    "header",
                    "unsupported .npy format version " + major + "." + minor + " (supported: 1, 2 and 3)");
        }
        Bytes.Read lengthField = Bytes.readUpTo(in, lengthBytes);
        if (lengthField.count() < lengthBytes) {
            throw error(file, entry, "header", "truncated before the header length");
        }
        ByteBuffer lengthBuffer = ByteBuffer.wrap(lengthField.data()).order(ByteOrder.LITTLE_ENDIAN);
        long headerLength = lengthBytes == 2 ? lengthBuffer.getShort() & 0xFFFF : lengthBuffer.getInt() & 0xFFFFFFFFL;
        long offset = MAGIC.length + 2L + lengthBytes;
        if (size >= 0 && headerLength > size - offset) {
            throw error(
                    file,
                    entry,
                    "header",
                    "header length " + headerLength + " exceeds the " + (size - offset) + " bytes left in the file");
        }
        if (headerLength > MAX_HEADER) {
            throw error(
                    file,
                    entry,
                    "header",
                    "header length " + headerLength + " is implausibly large (more than " + MAX_HEADER + " bytes)");
        }
        Bytes.Read headerBytes = Bytes.readUpTo(in, (int) headerLength);
        if (headerBytes.count() < headerLength) {
            throw error(
                    file,
                    entry,
                    "header",
                    "truncated: header length is " + headerLength + " bytes, found " + headerBytes.count());
        }
        String header = new String(
                headerBytes.data(),
                0,
                headerBytes.count(),
                major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
        Header parsed = parseHeader(header, file, entry);
        long expected = Bytes.boundedProduct(parsed.shape(), parsed.itemSize());
        if (expected < 0) {
            throw error(
                    file,
                    entry,
                    "header",
                    "shape " + shapeText(parsed.shape()) + " holds more values than fit in one Java array");
        }
        InputLimits.checkDeclared(
                expected, inflatedLimit, file, entry == null ? "header" : "entry " + entry + ", header", compressed);
        String what = "for shape " + shapeText(parsed.shape()) + " and dtype " + parsed.descr();
        long dataOffset = offset + headerLength;
        if (size >= 0 && size - dataOffset != expected) {
            throw error(file, entry, null, lengthProblem(expected, size - dataOffset, what));
        }
        Bytes.Read data = Bytes.readUpTo(in, (int) expected);
        if (data.count() < expected) {
            throw error(file, entry, null, lengthProblem(expected, data.count(), what));
        }
        long extra = Bytes.drain(in);
        if (extra > 0) {
            throw error(file, entry, null, lengthProblem(expected, expected + extra, what));
        }
        return toDataset(parsed, data.data(), name, file);
    }

    private record Header(String descr, int itemSize, long[] shape) {}

    private static Header parseHeader(String header, Path file, String entry) {
        Matcher descr = DESCR.matcher(header);
        if (!descr.find()) {
            throw error(file, entry, "header", "no 'descr' (dtype) in header " + header.trim());
        }
        if (descr.group(2) == null) {
            throw error(
                    file,
                    entry,
                    "header",
                    "unsupported dtype: structured arrays are not supported" + " (supported: " + SUPPORTED + ")");
        }
        String dtype = descr.group(2);
        int itemSize = switch (dtype) {
            case "|u1", "|b1" -> 1;
            case "<f4", "<i4" -> 4;
            case "<f8", "<i8" -> 8;
            default ->
                throw error(file, entry, "header", "unsupported dtype '" + dtype + "' (supported: " + SUPPORTED + ")");
        };
        Matcher fortran = FORTRAN.matcher(header);
        if (!fortran.find()) {
            throw error(file, entry, "header", "no 'fortran_order' in header " + header.trim());
        }
        if (fortran.group(1).equals("True")) {
            throw error(
                    file,
                    entry,
                    "header",
                    "fortran_order is True: only C-order arrays are"
                            + " supported (save numpy.ascontiguousarray(a) instead)");
        }
        Matcher shapeMatch = SHAPE.matcher(header);
        if (!shapeMatch.find()) {
            throw error(file, entry, "header", "no 'shape' tuple in header " + header.trim());
        }
        List<Long> dims = new ArrayList<>();
        for (String part : shapeMatch.group(1).split(",")) {
            String text = part.trim().replaceFirst("[lL]$", "");
            if (text.isEmpty()) {
                continue;
            }
            try {
                dims.add(Long.parseLong(text));
            } catch (NumberFormatException e) {
                throw error(file, entry, "header", "bad shape (" + shapeMatch.group(1) + ")");
            }
        }
        long[] shape = dims.stream().mapToLong(Long::longValue).toArray();
        if (shape.length == 0) {
            throw error(file, entry, "header", "0-dimensional array (a scalar): expected at least one" + " dimension");
        }
        for (long dim : shape) {
            if (dim <= 0) {
                throw error(
                        file,
                        entry,
                        "header",
                        "empty array of shape " + shapeText(shape) + ": every dimension must be positive");
            }
        }
        return new Header(dtype, itemSize, shape);
    }

    private static Dataset toDataset(Header header, byte[] bytes, String name, Path file) {
        long[] shape = header.shape();
        int rows = (int) shape[0];
        int[] exampleShape;
        if (shape.length == 1) {
            exampleShape = new int[] {1};
        } else {
            exampleShape = new int[shape.length - 1];
            for (int d = 1; d < shape.length; d++) {
                exampleShape[d - 1] = (int) shape[d];
            }
        }
        int n = bytes.length / header.itemSize();
        ByteBuffer data = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        float[] values;
        switch (header.descr()) {
            case "<f4" -> {
                values = new float[n];
                data.asFloatBuffer().get(values);
            }
            case "<f8" -> {
                values = new float[n];
                for (int i = 0; i < n; i++) {
                    values[i] = (float) data.getDouble(8 * i);
                }
            }
            case "<i4" -> {
                values = new float[n];
                for (int i = 0; i < n; i++) {
                    values[i] = data.getInt(4 * i);
                }
            }
            case "<i8" -> {
                values = new float[n];
                for (int i = 0; i < n; i++) {
                    values[i] = data.getLong(8 * i);
                }
            }
            case "|u1" -> values = Bytes.unsignedToUnit(bytes, 0, n);
            case "|b1" -> {
                values = new float[n];
                for (int i = 0; i < n; i++) {
                    values[i] = bytes[i] != 0 ? 1f : 0f;
                }
            }
            default -> throw new IllegalStateException("dtype checked in the header: " + header.descr());
        }
        Bytes.requireFinite(values, Dataset.product(exampleShape), file);
        return new Dataset(name, values, rows, exampleShape);
    }

    private static String lengthProblem(long expected, long found, String what) {
        return (found < expected ? "truncated: " : "trailing bytes: ") + "expected " + expected + " bytes of data "
                + what + ", found " + found;
    }

    private static String shapeText(long[] shape) {
        StringBuilder text = new StringBuilder("(");
        for (int d = 0; d < shape.length; d++) {
            text.append(d == 0 ? "" : ", ").append(shape[d]);
        }
        return text.append(shape.length == 1 ? ",)" : ")").toString();
    }

    private static DataException error(Path file, String entry, String part, String problem) {
        String record;
        if (entry == null) {
            record = part;
        } else {
            record = part == null ? "entry " + entry : "entry " + entry + ", " + part;
        }
        return new DataException(file, record, problem);
    }

    private static String stem(String name) {
        return name.endsWith(".npy") ? name.substring(0, name.length() - 4) : name;
    }
}
