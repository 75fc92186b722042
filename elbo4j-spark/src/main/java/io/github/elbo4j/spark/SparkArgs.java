package io.github.elbo4j.spark;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.apache.spark.ml.feature.VectorAssembler;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StructField;

/**
 * The options of the {@code spark-submit} entry points ({@code --name value} pairs, repeatable
 * options collected in order) and what they share: the session and the input table.
 */
final class SparkArgs {

    private final String command;
    private final Map<String, List<String>> values = new LinkedHashMap<>();

    private SparkArgs(String command) {
        this.command = command;
    }

    /** Parses {@code args}, accepting only the names in {@code known}. */
    static SparkArgs parse(String command, String[] args, Set<String> known) {
        SparkArgs parsed = new SparkArgs(command);
        for (int i = 0; i < args.length; i++) {
            String name = args[i];
            if (!name.startsWith("--") || !known.contains(name.substring(2))) {
                throw new IllegalArgumentException(
                        command + ": unknown option '" + name + "'; options are --" + String.join(", --", known));
            }
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException(command + ": option " + name + " needs a value");
            }
            parsed.values
                    .computeIfAbsent(name.substring(2), k -> new ArrayList<>())
                    .add(args[++i]);
        }
        return parsed;
    }

    String get(String name, String fallback) {
        List<String> v = values.get(name);
        return v == null ? fallback : v.get(v.size() - 1);
    }

    String require(String name) {
        String v = get(name, null);
        if (v == null) {
            throw new IllegalArgumentException(command + ": --" + name + " is required");
        }
        return v;
    }

    List<String> all(String name) {
        return values.getOrDefault(name, List.of());
    }

    int integer(String name, int fallback) {
        String v = get(name, null);
        try {
            return v == null ? fallback : Integer.parseInt(v.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(command + ": --" + name + " must be an integer, got '" + v + "'");
        }
    }

    double number(String name, double fallback) {
        String v = get(name, null);
        try {
            return v == null ? fallback : Double.parseDouble(v.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(command + ": --" + name + " must be a number, got '" + v + "'");
        }
    }

    int[] integers(String name, int[] fallback) {
        String v = get(name, null);
        if (v == null) {
            return fallback;
        }
        try {
            return Arrays.stream(v.split(","))
                    .map(String::trim)
                    .mapToInt(Integer::parseInt)
                    .toArray();
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(
                    command + ": --" + name + " must be integers such as 200,200, got '" + v + "'");
        }
    }

    /**
     * The session: {@code --master} when given (else what spark-submit set, else local[*]); logs at
     * WARN unless {@code spark.log.level} is set (e.g. {@code --conf spark.log.level=INFO}).
     */
    SparkSession session() {
        SparkSession.Builder builder = SparkSession.builder().appName("elbo4j " + command);
        org.apache.spark.SparkConf conf = new org.apache.spark.SparkConf();
        String master = get("master", null);
        if (master != null) {
            builder.master(master);
        } else if (!conf.contains("spark.master")) {
            builder.master("local[*]");
        }
        if (!conf.contains("spark.log.level")) {
            builder.config("spark.log.level", "WARN");
        }
        return builder.getOrCreate();
    }

    /** The format of {@code --data}: {@code --format}, else {@code csv} for a .csv or .csv.gz path, else {@code parquet}. */
    String format() {
        String path = require("data").toLowerCase(Locale.ROOT);
        return get("format", path.endsWith(".csv") || path.endsWith(".csv.gz") ? "csv" : "parquet");
    }

    /** Reads {@code --data} as Parquet or CSV (by {@link #format()}). */
    Dataset<Row> read(SparkSession spark) {
        String path = require("data");
        String format = format();
        Dataset<Row> df = switch (format) {
            case "csv" ->
                spark.read()
                        .option("header", "true")
                        .option("inferSchema", "true")
                        .csv(path);
            case "parquet" -> spark.read().parquet(path);
            default ->
                throw new IllegalArgumentException(command + ": --format must be csv or parquet, got '" + format + "'");
        };
        int partitions = integer("partitions", 0);
        return partitions > 0 ? df.repartition(partitions) : df;
    }

    /**
     * The input as a DataFrame with a vector or array column: {@code --input-col} when the table has
     * one, else {@code --features} (comma-separated numeric columns, or every numeric column except
     * {@code exclude}) assembled into a column named {@code features}.
     */
    Dataset<Row> withFeatures(Dataset<Row> df, String exclude) {
        String inputCol = get("input-col", null);
        if (inputCol != null) {
            InputVectors.check(df.schema(), inputCol);
            return df;
        }
        String spec = get("features", null);
        List<String> columns = new ArrayList<>();
        if (spec == null) {
            for (StructField f : df.schema().fields()) {
                if (f.dataType() instanceof NumericType && !f.name().equals(exclude)) {
                    columns.add(f.name());
                }
            }
        } else {
            for (String c : spec.split(",")) {
                InputVectors.checkNumeric(df.schema(), c.trim());
                columns.add(c.trim());
            }
        }
        if (columns.isEmpty()) {
            throw new IllegalArgumentException(command + ": no numeric feature columns in " + get("data", "the data"));
        }
        return new VectorAssembler()
                .setInputCols(columns.toArray(String[]::new))
                .setOutputCol("features")
                .setHandleInvalid("error")
                .transform(df);
    }

    /** The column the estimators read: {@code --input-col}, or {@code features} when assembled. */
    String featuresColumn() {
        return get("input-col", "features");
    }

    /** The feature column names given by {@code --features}, or null. */
    List<String> featureNames(Dataset<Row> df, String exclude) {
        String spec = get("features", null);
        if (spec != null) {
            return Arrays.stream(spec.split(",")).map(String::trim).toList();
        }
        List<String> columns = new ArrayList<>();
        for (StructField f : df.schema().fields()) {
            if (f.dataType() instanceof NumericType && !f.name().equals(exclude)) {
                columns.add(f.name());
            }
        }
        return columns;
    }

    /** Runs a main body: one-line message and exit code 2 on bad input, 1 on other failures. */
    static void run(String command, ThrowingRunnable body) {
        try {
            body.run();
        } catch (IllegalArgumentException e) {
            System.err.println("elbo4j " + command + ": " + e.getMessage());
            System.exit(2);
        } catch (Exception e) {
            System.err.println("elbo4j " + command + ": " + e);
            System.exit(1);
        }
    }

    /** A main body. */
    @FunctionalInterface
    interface ThrowingRunnable {
        void run() throws Exception;
    }
}
