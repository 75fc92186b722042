package io.github.elbo4j.spark;

import com.univocity.parsers.common.TextParsingException;
import com.univocity.parsers.csv.CsvParser;
import com.univocity.parsers.csv.CsvParserSettings;
import io.github.elbo4j.vi.glm.GlmFamily;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;

/**
 * A CSV file (or a folder of part files) with a header row, read by Spark as lines of text and
 * parsed into {@link GlmShard}s on the executors, for {@link SparkVi} when the predictors are named:
 * no schema has to be inferred and Spark SQL is not involved. For a small table most of a fit's
 * time would otherwise go to Spark SQL (the two passes of schema inference, query planning and
 * code generation in a cold JVM), not to the fit.
 *
 * <p>Lines are split by univocity's CSV parser, which Spark's own CSV reader uses: comma-separated,
 * optionally double-quoted cells, trimmed. Blank lines, and lines equal to the header (each part
 * file of a folder starts with one), are skipped. A quoted cell cannot span lines.
 */
final class CsvTable {

    /** The widest row read; the parser allocates this many cells per row it parses. */
    private static final int MAX_COLUMNS = 20_000;

    private final String path;
    private final String header;
    private final List<String> columns;

    private CsvTable(String path, String header, List<String> columns) {
        this.path = path;
        this.header = header;
        this.columns = columns;
    }

    /**
     * Reads the header row (one job over the first split).
     *
     * @throws IllegalArgumentException if the path does not exist or the file is empty
     */
    static CsvTable open(JavaSparkContext sc, String path) {
        List<String> first;
        try {
            first = sc.textFile(path).take(1);
        } catch (Exception e) {
            // Hadoop's InvalidInputException, a checked exception that Scala code throws undeclared.
            if (e instanceof org.apache.hadoop.mapred.InvalidInputException) {
                throw new IllegalArgumentException(path + ": " + e.getMessage(), e);
            }
            throw e;
        }
        if (first.isEmpty() || first.get(0).isBlank()) {
            throw new IllegalArgumentException(path + ": no header row (the first line is empty)");
        }
        String header = first.get(0);
        List<String> columns = Arrays.stream(parser().parseLine(header))
                .map(name -> name == null ? "" : name.trim())
                .toList();
        return new CsvTable(path, header, columns);
    }

    /**
     * The regression's records, one {@link GlmShard} per input split (or per partition of {@code
     * partitions}, after a shuffle, when positive), not yet computed. A bad record (a missing or
     * non-numeric cell, a row of another width, a response the family does not allow) packs into a
     * shard that carries the problem, naming the file, the column and the row.
     *
     * @throws IllegalArgumentException if a column is not in the header, or y is also a predictor
     */
    JavaRDD<GlmShard> shards(JavaSparkContext sc, String y, List<String> x, GlmFamily family, int partitions) {
        if (x.contains(y)) {
            throw new IllegalArgumentException("column '" + y + "' is both the response and a predictor");
        }
        int yColumn = column(y);
        int[] xColumns = x.stream().mapToInt(this::column).toArray();
        String file = path;
        String headerLine = header;
        List<String> names = columns;
        JavaRDD<String> lines = sc.textFile(path);
        if (partitions > 0) {
            lines = lines.repartition(partitions);
        }
        return lines.mapPartitionsWithIndex(
                (Integer partition, Iterator<String> it) -> List.of(
                                pack(partition, it, file, headerLine, names, yColumn, xColumns, family))
                        .iterator(),
                true);
    }

    private int column(String name) {
        int index = columns.indexOf(name);
        if (index < 0) {
            throw new IllegalArgumentException(
                    path + ": no column named '" + name + "'; columns are " + String.join(", ", columns));
        }
        return index;
    }

    private static CsvParser parser() {
        CsvParserSettings settings = new CsvParserSettings();
        settings.setMaxColumns(MAX_COLUMNS);
        return new CsvParser(settings);
    }

    private static GlmShard pack(
            int partition,
            Iterator<String> lines,
            String file,
            String header,
            List<String> columns,
            int yColumn,
            int[] xColumns,
            GlmFamily family) {
        CsvParser parser = parser();
        GlmShard.Packer packer = new GlmShard.Packer(xColumns.length, family);
        double[] x = new double[xColumns.length];
        try {
            while (lines.hasNext()) {
                String line = lines.next();
                if (line.isBlank() || line.equals(header)) {
                    continue;
                }
                String[] cells = parser.parseLine(line);
                if (cells.length != columns.size()) {
                    throw new IllegalArgumentException("the row '" + line + "' has " + cells.length
                            + " cells where the header has " + columns.size());
                }
                for (int j = 0; j < xColumns.length; j++) {
                    x[j] = number(cells[xColumns[j]], columns.get(xColumns[j]), line);
                }
                packer.add(x, number(cells[yColumn], columns.get(yColumn), line), columns.get(yColumn));
            }
        } catch (IllegalArgumentException e) {
            return GlmShard.invalid(partition, file + ": " + e.getMessage());
        } catch (TextParsingException e) {
            return GlmShard.invalid(partition, file + ": a row cannot be parsed as CSV (" + e.getMessage() + ")");
        }
        return packer.pack(partition);
    }

    private static double number(String cell, String column, String line) {
        if (cell == null || cell.isEmpty()) {
            throw new IllegalArgumentException(
                    "column '" + column + "' is empty in the row '" + line + "'; drop or fill missing values first");
        }
        double value;
        try {
            value = Double.parseDouble(cell);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(
                    "column '" + column + "': '" + cell + "' is not a number (row '" + line + "')");
        }
        if (!Double.isFinite(value)) {
            throw new IllegalArgumentException(
                    "column '" + column + "': '" + cell + "' is not a finite number (row '" + line + "')");
        }
        return value;
    }
}
