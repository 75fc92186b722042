package io.github.elbo4j.data;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A CSV table as text: the header's column names and each data row's cells, unparsed, with the
 * line each row came from so that later conversions can report errors precisely.
 *
 * @param file the file it was read from
 * @param columns the column names from the header row
 * @param rows the data rows; each has exactly {@code columns.size()} cells, already unquoted and
 *     trimmed
 * @param lines for each row, its 1-based line number in the file (the header is line 1 unless
 *     blank lines precede it)
 */
public record Table(Path file, List<String> columns, List<String[]> rows, List<Integer> lines) {

    /** Checks that rows and line numbers correspond. */
    public Table {
        Objects.requireNonNull(file, "file");
        columns = List.copyOf(columns);
        rows = List.copyOf(rows);
        lines = List.copyOf(lines);
        if (rows.size() != lines.size()) {
            throw new IllegalArgumentException(rows.size() + " rows but " + lines.size() + " line numbers");
        }
    }

    /** The number of data rows. */
    public int rowCount() {
        return rows.size();
    }

    /**
     * The 0-based index of a column.
     *
     * @param name the column name as written in the header
     * @return its index
     * @throws DataException naming the available columns if there is no such column
     */
    public int column(String name) {
        int index = columns.indexOf(name);
        if (index < 0) {
            throw new DataException(
                    file, "header", "no column named '" + name + "'; columns are " + String.join(", ", columns));
        }
        return index;
    }

    /**
     * The raw text of one cell.
     *
     * @param row 0-based data row
     * @param column 0-based column
     * @return the cell text
     */
    public String cell(int row, int column) {
        return rows.get(row)[Objects.checkIndex(column, columns.size())];
    }

    /**
     * One cell as a finite 32-bit number.
     *
     * @param row 0-based data row
     * @param column 0-based column
     * @return its value
     * @throws DataException naming line, column and text if it is empty, not a number, NaN,
     *     infinite or out of float range
     */
    public float number(int row, int column) {
        return CsvReader.parseNumber(cell(row, column), file, c -> location(row, c), column);
    }

    /**
     * One cell as a finite 64-bit number.
     *
     * @param row 0-based data row
     * @param column 0-based column
     * @return its value
     * @throws DataException naming line, column and text if it is empty, not a number, NaN or
     *     infinite
     */
    public double decimal(int row, int column) {
        return CsvReader.parseDecimal(cell(row, column), file, c -> location(row, c), column);
    }

    /**
     * A whole column as numbers.
     *
     * @param name the column name
     * @return one value per row
     */
    public float[] numbers(String name) {
        int column = column(name);
        float[] values = new float[rows.size()];
        for (int r = 0; r < values.length; r++) {
            values[r] = number(r, column);
        }
        return values;
    }

    /**
     * A whole column as text.
     *
     * @param name the column name
     * @return one string per row
     */
    public List<String> strings(String name) {
        int column = column(name);
        List<String> cells = new ArrayList<>(rows.size());
        for (String[] row : rows) {
            cells.add(row[column]);
        }
        return cells;
    }

    /**
     * Where a cell is, for messages: {@code "line 17, column 3 (mom_iq)"}.
     *
     * @param row 0-based data row
     * @param column 0-based column
     * @return the location text
     */
    public String location(int row, int column) {
        return "line " + lines.get(row) + ", column " + (column + 1) + " (" + columns.get(column) + ")";
    }
}
