package io.github.elbo4j.report;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Arrays;
import java.util.List;

/**
 * The rows of {@code metrics.jsonl} as columns. A missing or null field (no validation split, a
 * column older runs do not write, such as {@code beta}) reads as NaN, so plots can skip it.
 */
public final class MetricsTable {

    private final List<JsonNode> rows;

    /** A table over the given rows, oldest first. */
    public MetricsTable(List<JsonNode> rows) {
        this.rows = List.copyOf(rows);
    }

    /** Number of rows. */
    public int size() {
        return rows.size();
    }

    /** The values of {@code column}, NaN where a row lacks it or holds null. */
    public double[] column(String column) {
        double[] values = new double[rows.size()];
        for (int i = 0; i < values.length; i++) {
            JsonNode v = rows.get(i).get(column);
            values[i] = v != null && v.isNumber() ? v.asDouble() : Double.NaN;
        }
        return values;
    }

    /** True when at least one row holds a finite value of {@code column}. */
    public boolean has(String column) {
        return Arrays.stream(column(column)).anyMatch(Double::isFinite);
    }

    /** The last finite value of {@code column}, NaN when there is none. */
    public double last(String column) {
        double[] values = column(column);
        for (int i = values.length - 1; i >= 0; i--) {
            if (Double.isFinite(values[i])) {
                return values[i];
            }
        }
        return Double.NaN;
    }

    /**
     * The row a trainer keeps as its best: the first whose finite {@code column} value beats every
     * earlier best by more than {@code minImprovement} (see {@code Trainer.MIN_IMPROVEMENT}); −1
     * when the column has no finite value.
     */
    public int bestRow(String column, double minImprovement) {
        double[] values = column(column);
        int best = -1;
        for (int i = 0; i < values.length; i++) {
            if (Double.isFinite(values[i]) && (best < 0 || values[i] > values[best] + minImprovement)) {
                best = i;
            }
        }
        return best;
    }

    /** The row at {@code index}. */
    public JsonNode row(int index) {
        return rows.get(index);
    }
}
