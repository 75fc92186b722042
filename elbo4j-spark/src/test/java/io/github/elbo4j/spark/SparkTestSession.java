package io.github.elbo4j.spark;

import io.github.elbo4j.data.Dataset;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * One local Spark session for every test class of the module: two executor threads and up to three
 * attempts per task ({@code local[2,3]}), so tests can inject a failure into a first attempt.
 */
final class SparkTestSession {

    private static SparkSession session;

    private SparkTestSession() {}

    static synchronized SparkSession get() {
        if (session == null) {
            session = SparkSession.builder()
                    .master("local[2,3]")
                    .appName("elbo4j-spark-tests")
                    .config("spark.ui.enabled", "false")
                    .config("spark.driver.host", "127.0.0.1")
                    .config("spark.driver.bindAddress", "127.0.0.1")
                    .config("spark.sql.shuffle.partitions", "2")
                    .config("spark.default.parallelism", "2")
                    .getOrCreate();
            Runtime.getRuntime().addShutdownHook(new Thread(session::stop));
        }
        return session;
    }

    /** A DataFrame with an {@code id} column and a {@code features} vector column, in 2 partitions. */
    static org.apache.spark.sql.Dataset<Row> vectors(Dataset data) {
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < data.rows(); i++) {
            float[] row = data.row(i);
            double[] values = new double[row.length];
            for (int j = 0; j < row.length; j++) {
                values[j] = row[j];
            }
            rows.add(RowFactory.create((long) i, Vectors.dense(values)));
        }
        StructType schema =
                new StructType().add("id", DataTypes.LongType, false).add("features", SQLDataTypes.VectorType(), false);
        org.apache.spark.api.java.JavaSparkContext jsc =
                org.apache.spark.api.java.JavaSparkContext.fromSparkContext(get().sparkContext());
        return get().createDataFrame(jsc.parallelize(rows, 2), schema);
    }
}
