package io.github.elbo4j.spark;

import java.io.Serializable;
import java.util.Map;
import java.util.TreeMap;

/**
 * Per-partition result vectors gathered by {@code treeAggregate} and summed on the driver in
 * partition order, so that the total is the same however Spark combines the partial results (for
 * small vectors, where keeping them apart costs nothing).
 */
final class PartialSums implements Serializable {

    private static final long serialVersionUID = 1L;

    private final TreeMap<Integer, double[]> parts = new TreeMap<>();

    /** Records partition {@code partition}'s vector; returns this. */
    PartialSums put(int partition, double[] values) {
        parts.put(partition, values);
        return this;
    }

    /** Merges another set of partitions into this one; returns this. */
    PartialSums merge(PartialSums other) {
        parts.putAll(other.parts);
        return this;
    }

    /** The vectors in partition order. */
    java.util.Collection<double[]> parts() {
        return parts.values();
    }

    /** The elementwise sum in partition order ({@code size} zeros when empty). */
    double[] total(int size) {
        double[] sum = new double[size];
        for (Map.Entry<Integer, double[]> e : parts.entrySet()) {
            double[] v = e.getValue();
            for (int i = 0; i < size; i++) {
                sum[i] += v[i];
            }
        }
        return sum;
    }
}
