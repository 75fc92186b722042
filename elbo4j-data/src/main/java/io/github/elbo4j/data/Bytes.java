package io.github.elbo4j.data;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

/** Bulk reading and conversion helpers shared by the binary readers. */
final class Bytes {

    /** Largest array the JVM reliably allocates. */
    static final int MAX_ARRAY = Integer.MAX_VALUE - 8;

    private static final float[] UNIT_SCALE = new float[256];

    static {
        for (int i = 0; i < 256; i++) {
            UNIT_SCALE[i] = i / 255f;
        }
    }

    private Bytes() {}

    /** The outcome of reading up to an expected number of bytes. */
    record Read(byte[] data, int count, boolean endedEarly) {}

    /**
     * Reads up to {@code expected} bytes. The buffer grows as data arrives instead of being
     * allocated at the size a header claims, so a corrupt or hostile header cannot exhaust memory
     * before the data runs out. A compressed stream that stops in the middle ({@link EOFException}
     * from the inflater) is reported as {@code endedEarly} with the count read so far.
     */
    static Read readUpTo(InputStream in, int expected) throws IOException {
        byte[] buffer = new byte[Math.min(expected, 1 << 20)];
        int count = 0;
        boolean endedEarly = false;
        try {
            while (count < expected) {
                if (count == buffer.length) {
                    buffer = Arrays.copyOf(buffer, (int) Math.min(expected, 2L * buffer.length));
                }
                int n = in.read(buffer, count, buffer.length - count);
                if (n < 0) {
                    break;
                }
                count += n;
            }
        } catch (EOFException e) {
            endedEarly = true;
        }
        return new Read(buffer, count, endedEarly);
    }

    /** Counts and discards what is left in the stream. */
    static long drain(InputStream in) throws IOException {
        long total = 0;
        byte[] scratch = new byte[1 << 16];
        int n;
        while ((n = in.read(scratch)) >= 0) {
            total += n;
        }
        return total;
    }

    /**
     * Unsigned bytes as pixel intensities: kept as they are when every value is 0 or 1 (statically
     * binarized data), otherwise divided by 255 into [0, 1].
     */
    static float[] unsignedToUnit(byte[] data, int offset, int length) {
        boolean binary = true;
        for (int i = offset, end = offset + length; i < end; i++) {
            if ((data[i] & 0xFE) != 0) {
                binary = false;
                break;
            }
        }
        float[] values = new float[length];
        if (binary) {
            for (int i = 0; i < length; i++) {
                values[i] = data[offset + i];
            }
        } else {
            for (int i = 0; i < length; i++) {
                values[i] = UNIT_SCALE[data[offset + i] & 0xFF];
            }
        }
        return values;
    }

    /** Product of dimensions, or -1 if it exceeds {@link #MAX_ARRAY}. */
    static long boundedProduct(long[] dims, int itemSize) {
        long product = itemSize;
        for (long dim : dims) {
            if (dim != 0 && product > MAX_ARRAY / dim) {
                return -1;
            }
            product *= dim;
        }
        return product;
    }

    /**
     * Rejects NaN and infinite values, which would silently poison every loss computed from them.
     */
    static void requireFinite(float[] values, int features, java.nio.file.Path file) {
        for (int i = 0; i < values.length; i++) {
            if (!Float.isFinite(values[i])) {
                throw new DataException(
                        file,
                        "row " + (i / features + 1) + ", value " + (i % features + 1),
                        values[i] + " is not a finite number");
            }
        }
    }

    /** True when the stream starts with the gzip magic bytes 1f 8b; the stream must support mark. */
    static boolean isGzip(InputStream in) throws IOException {
        in.mark(2);
        int first = in.read();
        int second = in.read();
        in.reset();
        return first == 0x1f && second == 0x8b;
    }
}
