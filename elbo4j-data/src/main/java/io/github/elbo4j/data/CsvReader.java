package io.github.elbo4j.data;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.IntFunction;

/**
 * Reads comma-separated tables with a header row of column names (UTF-8, optional byte-order
 * mark, {@code \n} or {@code \r\n} line ends).
 *
 * <p>Cells may be quoted with {@code "..."} ({@code ""} inside quotes is one quote); a quoted cell
 * cannot span lines. Blank lines are skipped. Every data row must have as many cells as the header
 * and the file must hold at least one data row. For {@link #read} every cell must be a finite
 * decimal number such as {@code 12}, {@code -0.5} or {@code 1.5e-3}; {@code NaN}, {@code Inf},
 * empty cells, hexadecimal and Java suffixes ({@code 1f}, {@code 2d}) are rejected with a message
 * that names the line, the column and the text.
 *
 * <p>Only regular files are read, one line at a time, and lines and rows are capped by {@link
 * InputLimits}: a file without line breaks, a device or a pipe is refused in one line instead of
 * exhausting memory or never ending.
 */
public final class CsvReader {

    private CsvReader() {}

    /**
     * Reads a numeric table: one example per row, one feature per column. The file is parsed as it
     * is read, so memory holds the parsed numbers (4 bytes each) and one line, never the text.
     *
     * @param file the CSV file
     * @return a dataset with example shape {@code {columns}}, the header names as columns, named after
     *     the file without {@code .csv}
     * @throws DataException on any malformed row or non-numeric cell, or a line or row beyond the
     *     {@link InputLimits}
     */
    public static Dataset read(Path file) {
        try (Rows rows = open(file)) {
            int features = rows.columns().size();
            float[] values = new float[Math.max(features, 1024)];
            long count = 0;
            while (rows.next()) {
                if (count + features > Bytes.MAX_ARRAY) {
                    throw new DataException(
                            file,
                            "line " + rows.line(),
                            "more values than fit in one Java array (" + Bytes.MAX_ARRAY + ")");
                }
                if (count + features > values.length) {
                    long grown = Math.max(count + features, values.length + (values.length >> 1));
                    values = Arrays.copyOf(values, (int) Math.min(grown, Bytes.MAX_ARRAY));
                }
                for (int c = 0; c < features; c++) {
                    values[(int) count + c] = rows.number(c);
                }
                count += features;
            }
            int n = (int) (count / features);
            return new Dataset(
                    stem(file), Arrays.copyOf(values, (int) count), n, new int[] {features}, null, rows.columns());
        }
    }

    /**
     * Reads a table as text, checking only its structure (header present, names unique and
     * non-empty, every row as wide as the header, at least one data row). It holds every cell as a
     * string; numeric readers should use {@link #read} or {@link #open} instead.
     *
     * @param file the CSV file
     * @return the table with the line number of every row
     * @throws DataException on a structural problem
     */
    public static Table readTable(Path file) {
        try (Rows rows = open(file)) {
            List<String[]> cells = new ArrayList<>();
            List<Integer> lines = new ArrayList<>();
            while (rows.next()) {
                cells.add(rows.cells);
                lines.add(rows.line());
            }
            return new Table(file, rows.columns(), cells, lines);
        }
    }

    /**
     * Opens a CSV file for reading row by row: the header is read and checked here, each {@link
     * Rows#next()} reads and checks one more row. A caller that validates cells as they arrive
     * reports a bad line 2 without reading the rest of the file.
     *
     * @param file the CSV file, a regular file
     * @return the rows, to be closed
     * @throws DataException if the file is missing, not a regular file or has no valid header
     */
    public static Rows open(Path file) {
        InputLimits.requireRegularFile(file);
        Reader reader;
        try {
            reader = Files.newBufferedReader(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new DataException(file, null, "no such file");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
        Rows rows = new Rows(file, reader);
        try {
            rows.readHeader();
            return rows;
        } catch (RuntimeException e) {
            rows.close();
            throw e;
        }
    }

    /**
     * The data rows of an open CSV file, read one at a time ({@link #next()}), with the header's
     * column names and messages that name the line and column of a bad cell.
     */
    public static final class Rows implements AutoCloseable {

        private final Path file;
        private final Reader reader;
        private final char[] buffer = new char[1 << 16];
        private int position;
        private int end;
        private boolean skipNewline;
        private final StringBuilder text = new StringBuilder();
        private int lineNumber;
        private int headerLine;
        private List<String> columns;
        private String[] cells;
        private int rowLine;
        private long count;

        private Rows(Path file, Reader reader) {
            this.file = file;
            this.reader = reader;
        }

        /** The column names from the header row. */
        public List<String> columns() {
            return columns;
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
         * Reads the next data row.
         *
         * @return false at the end of the file
         * @throws DataException if the row is malformed or not as wide as the header, or the file
         *     ends without any data row
         */
        public boolean next() {
            String line;
            while ((line = nextLine()) != null) {
                String[] split = splitCells(line, file, lineNumber);
                if (split.length != columns.size()) {
                    throw new DataException(
                            file,
                            "line " + lineNumber,
                            "expected " + columns.size() + " cells as in the header, found " + split.length);
                }
                cells = split;
                rowLine = lineNumber;
                count++;
                return true;
            }
            if (count == 0) {
                throw new DataException(file, null, "no data rows after the header on line " + headerLine);
            }
            cells = null;
            return false;
        }

        /** The 1-based line number of the current row. */
        public int line() {
            return rowLine;
        }

        /**
         * The raw text of a cell of the current row.
         *
         * @param column 0-based column
         * @return the cell, unquoted and trimmed
         */
        public String cell(int column) {
            return cells[Objects.checkIndex(column, columns.size())];
        }

        /**
         * A cell of the current row as a finite 64-bit number.
         *
         * @param column 0-based column
         * @return its value
         * @throws DataException naming line, column and text if it is empty, not a number, NaN or
         *     infinite
         */
        public double decimal(int column) {
            return parseDecimal(cell(column), file, this::location, column);
        }

        /**
         * A cell of the current row as a finite 32-bit number.
         *
         * @param column 0-based column
         * @return its value
         * @throws DataException naming line, column and text if it is not a number in float range
         */
        public float number(int column) {
            return parseNumber(cell(column), file, this::location, column);
        }

        /**
         * Where a cell of the current row is, for messages: {@code "line 17, column 3 (mom_iq)"}.
         *
         * @param column 0-based column
         * @return the location text
         */
        public String location(int column) {
            return "line " + rowLine + ", column " + (column + 1) + " (" + columns.get(column) + ")";
        }

        @Override
        public void close() {
            try {
                reader.close();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot close " + file + ": " + e.getMessage(), e);
            }
        }

        private void readHeader() {
            String line = nextLine();
            if (line == null) {
                throw new DataException(file, null, "empty file: expected a header row of column names");
            }
            headerLine = lineNumber;
            columns = header(splitCells(line, file, lineNumber), file, lineNumber);
        }

        /**
         * The next non-blank line without its line end ({@code \n}, {@code \r\n} or {@code \r}), or
         * null at the end; a line longer than {@link InputLimits#MAX_LINE_CHARS} is refused before it
         * is held whole.
         */
        private String nextLine() {
            try {
                while (true) {
                    text.setLength(0);
                    boolean any = false;
                    while (true) {
                        if (position == end) {
                            end = reader.read(buffer, 0, buffer.length);
                            position = 0;
                            if (end <= 0) {
                                end = 0;
                                break;
                            }
                        }
                        if (skipNewline) {
                            skipNewline = false;
                            if (buffer[position] == '\n') {
                                position++;
                                continue;
                            }
                        }
                        any = true;
                        int start = position;
                        while (position < end && buffer[position] != '\n' && buffer[position] != '\r') {
                            position++;
                        }
                        if (text.length() + (position - start) > InputLimits.MAX_LINE_CHARS) {
                            throw new DataException(
                                    file,
                                    "line " + (lineNumber + 1),
                                    "longer than " + InputLimits.MAX_LINE_CHARS
                                            + " characters: not a CSV file of numbers and labels?");
                        }
                        text.append(buffer, start, position - start);
                        if (position < end) {
                            skipNewline = buffer[position++] == '\r';
                            break;
                        }
                    }
                    if (!any && text.length() == 0) {
                        return null;
                    }
                    lineNumber++;
                    if (lineNumber == 1 && text.length() > 0 && text.charAt(0) == '\uFEFF') {
                        text.deleteCharAt(0);
                    }
                    if (!isBlankLine(text)) {
                        return text.toString();
                    }
                }
            } catch (CharacterCodingException e) {
                throw new DataException(file, null, "not UTF-8 text (is it a binary file?)");
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
            }
        }
    }

    private static boolean isBlankLine(CharSequence line) {
        for (int i = 0; i < line.length(); i++) {
            if (!Character.isWhitespace(line.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    private static List<String> header(String[] cells, Path file, int lineNumber) {
        Map<String, Integer> seen = new HashMap<>();
        for (int c = 0; c < cells.length; c++) {
            String name = cells[c].trim();
            if (name.isEmpty()) {
                throw new DataException(
                        file, "line " + lineNumber + ", column " + (c + 1), "empty column name in the header");
            }
            Integer previous = seen.putIfAbsent(name, c);
            if (previous != null) {
                throw new DataException(
                        file,
                        "line " + lineNumber,
                        "duplicate column name '" + name + "' (columns " + (previous + 1) + " and " + (c + 1) + ")");
            }
            cells[c] = name;
        }
        return List.of(cells);
    }

    private static String[] splitCells(String line, Path file, int lineNumber) {
        int commas = 0;
        for (int i = line.indexOf(','); i >= 0; i = line.indexOf(',', i + 1)) {
            if (++commas >= InputLimits.MAX_COLUMNS) {
                throw new DataException(
                        file, "line " + lineNumber, "more than " + InputLimits.MAX_COLUMNS + " cells in one row");
            }
        }
        if (line.indexOf('"') < 0) {
            String[] cells = line.split(",", -1);
            for (int c = 0; c < cells.length; c++) {
                cells[c] = cells[c].trim();
            }
            return cells;
        }
        List<String> cells = new ArrayList<>();
        int n = line.length();
        int i = 0;
        while (true) {
            int start = i;
            while (i < n && isBlank(line.charAt(i))) {
                i++;
            }
            if (i < n && line.charAt(i) == '"') {
                StringBuilder cell = new StringBuilder();
                i++;
                while (true) {
                    if (i >= n) {
                        throw new DataException(
                                file,
                                "line " + lineNumber + ", column " + (cells.size() + 1),
                                "unterminated quoted cell (a quoted cell cannot span lines)");
                    }
                    char ch = line.charAt(i++);
                    if (ch != '"') {
                        cell.append(ch);
                    } else if (i < n && line.charAt(i) == '"') {
                        cell.append('"');
                        i++;
                    } else {
                        break;
                    }
                }
                while (i < n && isBlank(line.charAt(i))) {
                    i++;
                }
                if (i < n && line.charAt(i) != ',') {
                    throw new DataException(
                            file,
                            "line " + lineNumber + ", column " + (cells.size() + 1),
                            "unexpected text after the closing quote");
                }
                cells.add(cell.toString());
            } else {
                int comma = line.indexOf(',', i);
                int end = comma < 0 ? n : comma;
                cells.add(line.substring(start, end).trim());
                i = end;
            }
            if (i >= n) {
                return cells.toArray(String[]::new);
            }
            i++;
            if (i == n) {
                cells.add("");
                return cells.toArray(String[]::new);
            }
        }
    }

    private static boolean isBlank(char ch) {
        return ch == ' ' || ch == '\t';
    }

    static float parseNumber(String text, Path file, IntFunction<String> location, int column) {
        double value = parseDecimal(text, file, location, column);
        float f = (float) value;
        if (!Float.isFinite(f)) {
            throw new DataException(
                    file, location.apply(column), "'" + text + "' is outside the range of a 32-bit float");
        }
        return f;
    }

    /** Parses a plain finite decimal in double precision, naming the cell if it is not one. */
    static double parseDecimal(String text, Path file, IntFunction<String> location, int column) {
        String s = text.trim();
        if (s.isEmpty()) {
            throw new DataException(file, location.apply(column), "empty cell");
        }
        // Double.parseDouble also accepts NaN, Infinity, hex floats and 'd'/'f' suffixes; a data file
        // should hold plain decimals, so anything else is rejected before parsing.
        for (int i = 0; i < s.length(); i++) {
            char ch = s.charAt(i);
            boolean allowed = (ch >= '0' && ch <= '9') || ch == '.' || ch == '-' || ch == '+' || ch == 'e' || ch == 'E';
            if (!allowed) {
                String problem = isNonFinite(s) ? "' is not a finite number" : "' is not a number";
                throw new DataException(file, location.apply(column), "'" + text + problem);
            }
        }
        double value;
        try {
            value = Double.parseDouble(s);
        } catch (NumberFormatException e) {
            throw new DataException(file, location.apply(column), "'" + text + "' is not a number");
        }
        if (!Double.isFinite(value)) {
            throw new DataException(
                    file, location.apply(column), "'" + text + "' is outside the range of a 64-bit float");
        }
        return value;
    }

    private static boolean isNonFinite(String s) {
        String unsigned = s.startsWith("-") || s.startsWith("+") ? s.substring(1) : s;
        String lower = unsigned.toLowerCase(Locale.ROOT);
        return lower.equals("nan") || lower.equals("inf") || lower.equals("infinity");
    }

    private static String stem(Path file) {
        String name = file.getFileName().toString();
        return name.toLowerCase(Locale.ROOT).endsWith(".csv") ? name.substring(0, name.length() - 4) : name;
    }
}
