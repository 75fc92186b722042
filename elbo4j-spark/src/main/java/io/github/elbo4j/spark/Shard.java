package io.github.elbo4j.spark;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.sql.Row;

/**
 * The rows of one partition packed into one row-major float array: the unit of distributed
 * training, cached once so that every round reads packed floats instead of decoding rows again.
 *
 * @param partition the partition index (seeds are derived from it)
 * @param values row-major values
 * @param rows number of rows
 * @param features values per row
 */
record Shard(int partition, float[] values, int rows, int features) implements Serializable {

    private static final long serialVersionUID = 1L;

    /** Packs a partition's rows, reading {@code column} (index {@code index}) of each. */
    static Shard pack(int partition, Iterator<Row> rows, int index, String column, int features) {
        List<float[]> list = new ArrayList<>();
        while (rows.hasNext()) {
            list.add(InputVectors.read(rows.next(), index, column, features));
        }
        float[] values = new float[Math.multiplyExact(list.size(), features)];
        for (int i = 0; i < list.size(); i++) {
            System.arraycopy(list.get(i), 0, values, i * features, features);
        }
        return new Shard(partition, values, list.size(), features);
    }

    /** Rows {@code order[from..to)} gathered into one array. */
    float[] gather(int[] order, int from, int to) {
        float[] batch = new float[(to - from) * features];
        for (int i = from; i < to; i++) {
            System.arraycopy(values, order[i] * features, batch, (i - from) * features, features);
        }
        return batch;
    }
}
