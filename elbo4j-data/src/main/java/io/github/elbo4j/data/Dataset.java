package io.github.elbo4j.data;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;

/**
 * An in-memory dataset: {@code rows} examples stored row-major in one {@code float[]}.
 *
 * <p>Example {@code i} occupies {@code values[i * features() .. (i + 1) * features())}; its shape
 * is {@code exampleShape} ({@code {28, 28}} for an MNIST image, {@code {k}} for a table row of
 * {@code k} columns). The arrays are not copied, for speed: treat them as read-only. {@link
 * #equals} and {@link #hashCode} compare contents, not array identity.
 *
 * @param name a short name used in logs and reports, e.g. {@code "binarized-mnist"}
 * @param values the example values, row-major, {@code rows * features()} of them
 * @param rows the number of examples (may be 0)
 * @param exampleShape the shape of one example; every dimension positive
 * @param labels one integer label per example (class index), or {@code null}
 * @param columns one name per feature (for tables), or {@code null}
 */
public record Dataset(String name, float[] values, int rows, int[] exampleShape, int[] labels, List<String> columns) {

    /** Validates that the shapes agree; see the class documentation. */
    public Dataset {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(values, "values");
        Objects.requireNonNull(exampleShape, "exampleShape");
        if (rows < 0) {
            throw new IllegalArgumentException("rows must be >= 0, got " + rows);
        }
        int features = product(exampleShape);
        if ((long) rows * features != values.length) {
            throw new IllegalArgumentException("rows * product(exampleShape) = " + rows + " * " + features + " = "
                    + (long) rows * features + " but values.length = " + values.length);
        }
        if (labels != null && labels.length != rows) {
            throw new IllegalArgumentException("labels.length = " + labels.length + " but rows = " + rows);
        }
        if (columns != null) {
            columns = List.copyOf(columns);
            if (columns.size() != features) {
                throw new IllegalArgumentException(
                        "columns.size() = " + columns.size() + " but features() = " + features);
            }
        }
    }

    /**
     * A dataset without labels or column names.
     *
     * @param name the dataset name
     * @param values row-major values
     * @param rows number of examples
     * @param exampleShape shape of one example
     */
    public Dataset(String name, float[] values, int rows, int... exampleShape) {
        this(name, values, rows, exampleShape, null, null);
    }

    /** Number of values in one example: the product of {@link #exampleShape()}. */
    public int features() {
        return product(exampleShape);
    }

    /** Whether the dataset carries labels. */
    public boolean hasLabels() {
        return labels != null;
    }

    /**
     * A copy of example {@code i}.
     *
     * @param i the row index, {@code 0 <= i < rows}
     * @return its {@link #features()} values
     */
    public float[] row(int i) {
        Objects.checkIndex(i, rows);
        int features = features();
        return Arrays.copyOfRange(values, i * features, (i + 1) * features);
    }

    /**
     * The examples at {@code indices}, in that order (repeats allowed), with their labels.
     *
     * @param indices row indices, each in {@code [0, rows)}
     * @return a new dataset with {@code indices.length} rows
     */
    public Dataset subset(int[] indices) {
        float[] picked = Batching.gather(this, indices, 0, indices.length);
        int[] pickedLabels = null;
        if (labels != null) {
            pickedLabels = new int[indices.length];
            for (int k = 0; k < indices.length; k++) {
                pickedLabels[k] = labels[indices[k]];
            }
        }
        return new Dataset(name, picked, indices.length, exampleShape.clone(), pickedLabels, columns);
    }

    /**
     * The first {@code n} examples. Beware of ordered files (the binarized MNIST test set is sorted
     * by digit): use {@link #subset} with a random permutation for a representative sample.
     *
     * @param n how many, {@code 0 <= n <= rows}
     * @return a new dataset with {@code n} rows
     */
    public Dataset head(int n) {
        if (n < 0 || n > rows) {
            throw new IllegalArgumentException("head(" + n + ") needs 0 <= n <= rows = " + rows);
        }
        return new Dataset(
                name,
                Arrays.copyOf(values, n * features()),
                n,
                exampleShape.clone(),
                labels == null ? null : Arrays.copyOf(labels, n),
                columns);
    }

    /**
     * The same data under another name.
     *
     * @param newName the new name
     * @return a dataset sharing this one's arrays
     */
    public Dataset withName(String newName) {
        return new Dataset(newName, values, rows, exampleShape, labels, columns);
    }

    /**
     * The same examples with labels attached.
     *
     * @param newLabels one label per row, or {@code null} to drop them
     * @return a dataset sharing this one's values
     */
    public Dataset withLabels(int[] newLabels) {
        return new Dataset(name, values, rows, exampleShape, newLabels, columns);
    }

    /**
     * A content fingerprint: the lowercase hex SHA-256 of the row count, the example shape and the
     * IEEE-754 bits of every value (all big-endian 32-bit). Names and labels are not included, so
     * the same pixels give the same fingerprint wherever they were read from. Computed on demand
     * (a fraction of a second for 50,000 × 784 values), not cached.
     *
     * @return 64 hex digits
     */
    public String fingerprint() {
        MessageDigest sha256;
        try {
            sha256 = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform provides SHA-256", e);
        }
        ByteBuffer buffer = ByteBuffer.allocate(1 << 16).order(ByteOrder.BIG_ENDIAN);
        buffer.putInt(rows).putInt(exampleShape.length);
        for (int dim : exampleShape) {
            buffer.putInt(dim);
        }
        for (float value : values) {
            if (!buffer.hasRemaining()) {
                sha256.update(buffer.array(), 0, buffer.position());
                buffer.clear();
            }
            buffer.putFloat(value);
        }
        sha256.update(buffer.array(), 0, buffer.position());
        return HexFormat.of().formatHex(sha256.digest());
    }

    /** Whether every value is exactly 0 or 1 (what a Bernoulli likelihood needs). */
    public boolean isBinary() {
        for (float value : values) {
            if (value != 0f && value != 1f) {
                return false;
            }
        }
        return true;
    }

    /**
     * The smallest value.
     *
     * @throws IllegalStateException if the dataset holds no values
     */
    public float min() {
        requireValues("min");
        float min = Float.POSITIVE_INFINITY;
        for (float value : values) {
            min = Math.min(min, value);
        }
        return min;
    }

    /**
     * The largest value.
     *
     * @throws IllegalStateException if the dataset holds no values
     */
    public float max() {
        requireValues("max");
        float max = Float.NEGATIVE_INFINITY;
        for (float value : values) {
            max = Math.max(max, value);
        }
        return max;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Dataset that
                && rows == that.rows
                && name.equals(that.name)
                && Arrays.equals(exampleShape, that.exampleShape)
                && Arrays.equals(values, that.values)
                && Arrays.equals(labels, that.labels)
                && Objects.equals(columns, that.columns);
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, rows, Arrays.hashCode(exampleShape));
    }

    @Override
    public String toString() {
        return "Dataset[name=" + name + ", rows=" + rows + ", exampleShape="
                + Arrays.toString(exampleShape) + ", labels=" + (labels != null)
                + (columns == null ? "" : ", columns=" + columns) + "]";
    }

    private void requireValues(String what) {
        if (values.length == 0) {
            throw new IllegalStateException(what + "() of dataset '" + name + "' which holds no values");
        }
    }

    static int product(int[] shape) {
        if (shape.length == 0) {
            throw new IllegalArgumentException("exampleShape must have at least one dimension");
        }
        long product = 1;
        for (int dim : shape) {
            if (dim <= 0) {
                throw new IllegalArgumentException(
                        "exampleShape dimensions must be positive, got " + Arrays.toString(shape));
            }
            product *= dim;
            if (product > Integer.MAX_VALUE) {
                throw new IllegalArgumentException(
                        "exampleShape " + Arrays.toString(shape) + " has more than 2^31 - 1 values");
            }
        }
        return (int) product;
    }
}
