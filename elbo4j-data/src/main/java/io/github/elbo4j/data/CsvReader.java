package io.github.elbo4j.data;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

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
 */
public final class CsvReader {

  private CsvReader() {}

  /**
   * Reads a numeric table: one example per row, one feature per column.
   *
   * @param file the CSV file
   * @return a dataset with example shape {@code {columns}}, the header names as columns, named after
   *     the file without {@code .csv}
   * @throws DataException on any malformed row or non-numeric cell
   */
  public static Dataset read(Path file) {
    Table table = readTable(file);
    int features = table.columns().size();
    int rows = table.rowCount();
    if ((long) rows * features > Bytes.MAX_ARRAY) {
      throw new DataException(file, null, rows + " rows of " + features
          + " columns are more values than fit in one Java array");
    }
    float[] values = new float[rows * features];
    for (int r = 0; r < rows; r++) {
      String[] cells = table.rows().get(r);
      for (int c = 0; c < features; c++) {
        values[r * features + c] = parseNumber(cells[c], table, r, c);
      }
    }
    return new Dataset(stem(file), values, rows, new int[] {features}, null, table.columns());
  }

  /**
   * Reads a table as text, checking only its structure (header present, names unique and
   * non-empty, every row as wide as the header, at least one data row).
   *
   * @param file the CSV file
   * @return the table with the line number of every row
   * @throws DataException on a structural problem
   */
  public static Table readTable(Path file) {
    try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      List<String> columns = null;
      List<String[]> rows = new ArrayList<>();
      List<Integer> lines = new ArrayList<>();
      int headerLine = 0;
      int lineNumber = 0;
      String line;
      while ((line = reader.readLine()) != null) {
        lineNumber++;
        if (lineNumber == 1 && line.startsWith("\uFEFF")) {
          line = line.substring(1);
        }
        if (line.isBlank()) {
          continue;
        }
        String[] cells = splitCells(line, file, lineNumber);
        if (columns == null) {
          columns = header(cells, file, lineNumber);
          headerLine = lineNumber;
        } else if (cells.length != columns.size()) {
          throw new DataException(file, "line " + lineNumber, "expected " + columns.size()
              + " cells as in the header, found " + cells.length);
        } else {
          rows.add(cells);
          lines.add(lineNumber);
        }
      }
      if (columns == null) {
        throw new DataException(file, null, "empty file: expected a header row of column names");
      }
      if (rows.isEmpty()) {
        throw new DataException(file, null, "no data rows after the header on line " + headerLine);
      }
      return new Table(file, columns, rows, lines);
    } catch (NoSuchFileException e) {
      throw new DataException(file, null, "no such file");
    } catch (CharacterCodingException e) {
      throw new DataException(file, null, "not UTF-8 text (is it a binary file?)");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
    }
  }

  private static List<String> header(String[] cells, Path file, int lineNumber) {
    Map<String, Integer> seen = new HashMap<>();
    for (int c = 0; c < cells.length; c++) {
      String name = cells[c].trim();
      if (name.isEmpty()) {
        throw new DataException(file, "line " + lineNumber + ", column " + (c + 1),
            "empty column name in the header");
      }
      Integer previous = seen.putIfAbsent(name, c);
      if (previous != null) {
        throw new DataException(file, "line " + lineNumber, "duplicate column name '" + name
            + "' (columns " + (previous + 1) + " and " + (c + 1) + ")");
      }
      cells[c] = name;
    }
    return List.of(cells);
  }

  private static String[] splitCells(String line, Path file, int lineNumber) {
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
            throw new DataException(file, "line " + lineNumber + ", column " + (cells.size() + 1),
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
          throw new DataException(file, "line " + lineNumber + ", column " + (cells.size() + 1),
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

  static float parseNumber(String text, Table table, int row, int column) {
    double value = parseDecimal(text, table, row, column);
    float f = (float) value;
    if (!Float.isFinite(f)) {
      throw new DataException(table.file(), table.location(row, column),
          "'" + text + "' is outside the range of a 32-bit float");
    }
    return f;
  }

  /** Parses a plain finite decimal in double precision, naming the cell if it is not one. */
  static double parseDecimal(String text, Table table, int row, int column) {
    String s = text.trim();
    if (s.isEmpty()) {
      throw new DataException(table.file(), table.location(row, column), "empty cell");
    }
    // Double.parseDouble also accepts NaN, Infinity, hex floats and 'd'/'f' suffixes; a data file
    // should hold plain decimals, so anything else is rejected before parsing.
    for (int i = 0; i < s.length(); i++) {
      char ch = s.charAt(i);
      boolean allowed = (ch >= '0' && ch <= '9') || ch == '.' || ch == '-' || ch == '+'
          || ch == 'e' || ch == 'E';
      if (!allowed) {
        String problem = isNonFinite(s) ? "' is not a finite number" : "' is not a number";
        throw new DataException(table.file(), table.location(row, column), "'" + text + problem);
      }
    }
    double value;
    try {
      value = Double.parseDouble(s);
    } catch (NumberFormatException e) {
      throw new DataException(table.file(), table.location(row, column),
          "'" + text + "' is not a number");
    }
    if (!Double.isFinite(value)) {
      throw new DataException(table.file(), table.location(row, column),
          "'" + text + "' is outside the range of a 64-bit float");
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
    return name.toLowerCase(Locale.ROOT).endsWith(".csv")
        ? name.substring(0, name.length() - 4) : name;
  }
}
