package io.github.elbo4j.data;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Hard limits that keep a hostile or damaged data file from exhausting memory: every reader checks
 * them before it allocates what the file asks for, and reports a breach as one {@link
 * DataException} naming the file and the limit.
 */
public final class InputLimits {

    /**
     * Most bytes one byte of compressed data may inflate to. Real data sets stay far below it (the
     * MNIST gzip files inflate about 5:1, binarized images about 20:1), while a decompression bomb of
     * zeros reaches 1000:1, so a 2 MB bomb is stopped at 200 MB instead of filling 2 GB.
     */
    public static final long MAX_INFLATION_RATIO = 100;

    /**
     * Inflated size allowed whatever the ratio: small files of constant values (fixtures, masks)
     * compress beyond any ratio and are harmless at this size.
     */
    public static final long MIN_INFLATED_BYTES = 64L << 20;

    /**
     * Longest CSV line, in characters. A line is held whole while its cells are split, so a file
     * without line breaks ({@code /dev/zero}, a binary file named {@code .csv}) must stop here; 16 Mi
     * characters still allow a million columns of 15-digit numbers.
     */
    public static final int MAX_LINE_CHARS = 1 << 24;

    /** Most cells in one CSV row: each costs a string while the row is split. */
    public static final int MAX_COLUMNS = 1 << 20;

    private InputLimits() {}

    /**
     * How many bytes compressed data of the given size may inflate to.
     *
     * @param compressedBytes the size of the compressed data
     * @return the limit, at least {@link #MIN_INFLATED_BYTES}
     */
    public static long inflatedLimit(long compressedBytes) {
        long ratio = compressedBytes > Long.MAX_VALUE / MAX_INFLATION_RATIO
                ? Long.MAX_VALUE
                : compressedBytes * MAX_INFLATION_RATIO;
        return Math.max(MIN_INFLATED_BYTES, ratio);
    }

    /**
     * Refuses a path that is not a regular file (a FIFO, a character device such as {@code
     * /dev/zero}, a socket) before it is opened: reading one may never end.
     *
     * @param file the data file
     * @throws DataException if it exists but is not a regular file
     */
    public static void requireRegularFile(Path file) {
        if (Files.exists(file) && !Files.isRegularFile(file) && !Files.isDirectory(file)) {
            throw new DataException(file, null, "is not a regular file (a pipe or a device?); give a data file");
        }
    }

    /**
     * A stream that fails with a {@link DataException} once more than {@code limit} bytes have been
     * read from it: wraps an inflating stream so that a bomb stops at the limit.
     */
    static InputStream limited(InputStream in, long limit, Path file, String record, long compressedBytes) {
        return new FilterInputStream(in) {
            private long count;

            @Override
            public int read() throws IOException {
                int b = super.read();
                if (b >= 0) {
                    count(1);
                }
                return b;
            }

            @Override
            public int read(byte[] buffer, int offset, int length) throws IOException {
                int n = super.read(buffer, offset, length);
                if (n > 0) {
                    count(n);
                }
                return n;
            }

            private void count(int n) {
                count += n;
                if (count > limit) {
                    throw inflationError(file, record, "inflates to more than " + limit, compressedBytes);
                }
            }
        };
    }

    /**
     * Refuses compressed data whose header declares more bytes than its compressed size allows.
     *
     * @param declared the bytes the header promises
     * @param limit the {@link #inflatedLimit} of the compressed data
     */
    static void checkDeclared(long declared, long limit, Path file, String record, long compressedBytes) {
        if (declared > limit) {
            throw inflationError(file, record, "declares " + declared + " bytes of data", compressedBytes);
        }
    }

    private static DataException inflationError(Path file, String record, String what, long compressedBytes) {
        return new DataException(
                file,
                record,
                "compressed data of " + compressedBytes + " bytes " + what
                        + ", beyond the limit of " + inflatedLimit(compressedBytes) + " bytes (" + MAX_INFLATION_RATIO
                        + " times the compressed size, at least " + MIN_INFLATED_BYTES + "): a decompression bomb or a"
                        + " corrupt header");
    }
}
