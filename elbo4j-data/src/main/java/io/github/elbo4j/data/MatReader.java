package io.github.elbo4j.data;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * Reads the first real numeric 2-D matrix of a MATLAB level-5 MAT-file (the format of {@code
 * save} without {@code -v7.3}; see MathWorks, "MAT-File Format", 2013), compressed or not. Used to
 * convert the published binarized MNIST files; values are returned as stored, without scaling.
 */
final class MatReader {

    private static final int MI_MATRIX = 14;
    private static final int MI_COMPRESSED = 15;
    private static final int HEADER = 128;

    private MatReader() {}

    /**
     * Reads the first numeric matrix.
     *
     * @param file a MAT-file
     * @return its values row-major (MATLAB stores column-major), example shape {columns}, named after
     *     the variable
     */
    static Dataset readMatrix(Path file) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new DataException(file, null, "no such file");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
        if (bytes.length < HEADER || !new String(bytes, 0, 10, StandardCharsets.US_ASCII).equals("MATLAB 5.0")) {
            throw new DataException(file, "header", "not a MATLAB 5.0 MAT-file");
        }
        ByteOrder order;
        if (bytes[126] == 'I' && bytes[127] == 'M') {
            order = ByteOrder.LITTLE_ENDIAN;
        } else if (bytes[126] == 'M' && bytes[127] == 'I') {
            order = ByteOrder.BIG_ENDIAN;
        } else {
            throw new DataException(file, "header", "bad endian indicator in the MAT-file header");
        }
        ByteBuffer buffer = ByteBuffer.wrap(bytes).order(order);
        int position = HEADER;
        while (position + 8 <= bytes.length) {
            Element element = Element.at(buffer, position, file);
            Dataset matrix = element.type == MI_COMPRESSED
                    ? readCompressed(buffer, element, order, file)
                    : element.type == MI_MATRIX ? readMatrixElement(buffer, element, file) : null;
            if (matrix != null) {
                return matrix;
            }
            position = element.next;
        }
        throw new DataException(file, null, "holds no real numeric 2-D matrix");
    }

    /** One data element: its type, where its data lies and where the next element starts. */
    private record Element(int type, int start, int size, int next) {

        static Element at(ByteBuffer buffer, int position, Path file) {
            if (position + 8 > buffer.limit()) {
                throw new DataException(
                        file,
                        "element at byte " + position,
                        "truncated: the element" + " tag needs 8 bytes, " + Math.max(0, buffer.limit() - position)
                                + " left");
            }
            int tag = buffer.getInt(position);
            if ((tag >>> 16) != 0) {
                // Small data element: size and type share the first word, data sits in the second.
                return new Element(tag & 0xFFFF, position + 4, tag >>> 16, position + 8);
            }
            int size = buffer.getInt(position + 4);
            long end = (long) position + 8 + size;
            if (size < 0 || end > buffer.limit()) {
                throw new DataException(
                        file,
                        "element at byte " + position,
                        "truncated: declares "
                                + Integer.toUnsignedString(size) + " bytes, " + (buffer.limit() - position - 8)
                                + " left");
            }
            // Uncompressed elements are padded to 8 bytes; a compressed element's size is exact.
            int padded = ((size + 7) / 8) * 8;
            return new Element(tag, position + 8, size, (int) Math.min(buffer.limit(), (long) position + 8 + padded));
        }
    }

    private static Dataset readCompressed(ByteBuffer buffer, Element element, ByteOrder order, Path file) {
        Inflater inflater = new Inflater();
        ByteArrayOutputStream out = new ByteArrayOutputStream(1 << 20);
        try {
            inflater.setInput(buffer.array(), element.start, element.size);
            byte[] chunk = new byte[1 << 16];
            while (!inflater.finished()) {
                int n = inflater.inflate(chunk);
                if (n == 0 && (inflater.needsInput() || inflater.needsDictionary())) {
                    throw new DataException(
                            file, "element at byte " + (element.start - 8), "compressed data ends early");
                }
                out.write(chunk, 0, n);
            }
        } catch (DataFormatException e) {
            throw new DataException(
                    file,
                    "element at byte " + (element.start - 8),
                    "corrupt compressed data (" + e.getMessage() + ")",
                    e);
        } finally {
            inflater.end();
        }
        ByteBuffer inflated = ByteBuffer.wrap(out.toByteArray()).order(order);
        Element inner = Element.at(inflated, 0, file);
        return inner.type == MI_MATRIX ? readMatrixElement(inflated, inner, file) : null;
    }

    private static Dataset readMatrixElement(ByteBuffer buffer, Element matrix, Path file) {
        int end = matrix.start + matrix.size;
        Element flags = Element.at(buffer, matrix.start, file);
        int flagWord = buffer.getInt(flags.start);
        int matlabClass = flagWord & 0xFF;
        boolean complex = (flagWord & 0x0800) != 0;
        // Classes 6 to 15 are double, single and the integer types; others are cells, structs, etc.
        if (matlabClass < 6 || matlabClass > 15) {
            return null;
        }
        Element dims = Element.at(buffer, flags.next, file);
        Element name = Element.at(buffer, dims.next, file);
        String variable =
                new String(buffer.array(), buffer.arrayOffset() + name.start, name.size, StandardCharsets.US_ASCII);
        if (complex) {
            throw new DataException(file, "variable " + variable, "complex matrices are not supported");
        }
        if (dims.size != 8) {
            throw new DataException(
                    file, "variable " + variable, "has " + dims.size / 4 + " dimensions; expected a 2-D matrix");
        }
        int rows = buffer.getInt(dims.start);
        int cols = buffer.getInt(dims.start + 4);
        Element real = Element.at(buffer, name.next, file);
        if (real.start + real.size > end) {
            throw new DataException(file, "variable " + variable, "data runs past the matrix element");
        }
        int itemSize = itemSize(real.type);
        if (itemSize < 0) {
            throw new DataException(file, "variable " + variable, "unsupported data type " + real.type);
        }
        long count = (long) rows * cols;
        if (rows <= 0 || cols <= 0 || count > Bytes.MAX_ARRAY || (long) real.size != count * itemSize) {
            throw new DataException(
                    file,
                    "variable " + variable,
                    "a " + rows + " x " + cols + " matrix needs " + count * itemSize + " bytes of data, found "
                            + real.size);
        }
        float[] values = new float[(int) count];
        for (int c = 0; c < cols; c++) {
            for (int r = 0; r < rows; r++) {
                int index = c * rows + r;
                values[r * cols + c] = value(buffer, real.type, real.start + index * itemSize);
            }
        }
        return new Dataset(variable, values, rows, cols);
    }

    private static int itemSize(int type) {
        return switch (type) {
            case 1, 2 -> 1;
            case 3, 4 -> 2;
            case 5, 6, 7 -> 4;
            case 9, 12, 13 -> 8;
            default -> -1;
        };
    }

    private static float value(ByteBuffer buffer, int type, int at) {
        return switch (type) {
            case 1 -> buffer.get(at);
            case 2 -> buffer.get(at) & 0xFF;
            case 3 -> buffer.getShort(at);
            case 4 -> buffer.getShort(at) & 0xFFFF;
            case 5 -> buffer.getInt(at);
            case 6 -> buffer.getInt(at) & 0xFFFFFFFFL;
            case 7 -> buffer.getFloat(at);
            case 9 -> (float) buffer.getDouble(at);
            case 12 -> buffer.getLong(at);
            case 13 -> unsignedLongToFloat(buffer.getLong(at));
            default -> throw new IllegalStateException("type checked before: " + type);
        };
    }

    private static float unsignedLongToFloat(long bits) {
        float value = (float) (bits >>> 1) * 2f;
        return value + (bits & 1L);
    }
}
