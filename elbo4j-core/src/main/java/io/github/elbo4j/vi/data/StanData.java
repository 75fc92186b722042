package io.github.elbo4j.vi.data;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * A data set in Stan's JSON data format (the format of CmdStan's {@code data} files and of
 * posteriordb's {@code data.json}): one JSON object whose fields are the data block's variables.
 * Scalars are JSON numbers, vectors and one-dimensional arrays are JSON arrays, matrices are arrays
 * of rows; infinities and not-a-number are the strings {@code "Inf"}, {@code "-Inf"}, {@code
 * "Infinity"}, {@code "-Infinity"} and {@code "NaN"}.
 *
 * <p>Each accessor reads a field as the type a model declares for it, so that a model reads its data
 * the way its Stan data block declares it: {@code data.vector("y", data.integer("N"))}. A missing
 * field, a field of another type (a string where a number belongs, a real where an integer belongs,
 * a ragged matrix) or of another length throws an {@link IllegalArgumentException} whose one-line
 * message names the file and the field. A real with an integral value (such as {@code 2.0}) is
 * accepted where an integer belongs, since several JSON writers cannot tell the two apart.
 *
 * <p>Instances are immutable; every array returned is a fresh copy.
 */
public final class StanData {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final String source;
    private final JsonNode root;

    private StanData(String source, JsonNode root) {
        this.source = source;
        this.root = root;
    }

    /**
     * Reads a data file.
     *
     * @param file a JSON file holding one object
     * @return its data
     * @throws IOException if the file cannot be read
     * @throws IllegalArgumentException if the file is not JSON or not a JSON object
     */
    public static StanData read(Path file) throws IOException {
        return parse(Files.readString(file), file.toString());
    }

    /**
     * Parses data held in a string.
     *
     * @param json the JSON text: one object
     * @param source what to call the data in error messages, usually its file name
     * @return the data
     * @throws IllegalArgumentException if the text is not JSON or not a JSON object
     */
    public static StanData parse(String json, String source) {
        JsonNode root;
        try {
            root = JSON.readTree(json);
        } catch (JsonProcessingException e) {
            String where = e.getLocation() == null
                    ? ""
                    : " at line " + e.getLocation().getLineNr() + ", column "
                            + e.getLocation().getColumnNr();
            throw new IllegalArgumentException(source + ": not valid JSON" + where + ": "
                    + e.getOriginalMessage().lines().findFirst().orElse(""));
        }
        if (root == null || !root.isObject()) {
            throw new IllegalArgumentException(source + ": Stan data must be one JSON object, found "
                    + (root == null ? "nothing" : describe(root)));
        }
        return new StanData(source, root);
    }

    /** @return what the data is called in error messages, usually its file name */
    public String source() {
        return source;
    }

    /** @return the names of the fields, in the file's order */
    public Set<String> names() {
        Set<String> names = new LinkedHashSet<>();
        root.fieldNames().forEachRemaining(names::add);
        return Collections.unmodifiableSet(names);
    }

    /**
     * @param name a field name
     * @return whether the data has the field
     */
    public boolean contains(String name) {
        return root.has(name);
    }

    /**
     * Reads an {@code int}.
     *
     * @param name the field
     * @return its value
     * @throws IllegalArgumentException if the field is missing or not an integer
     */
    public int integer(String name) {
        return toInt(field(name), name, "an integer");
    }

    /**
     * Reads a {@code real}.
     *
     * @param name the field
     * @return its value
     * @throws IllegalArgumentException if the field is missing or not a number
     */
    public double real(String name) {
        return toDouble(field(name), name, "a real");
    }

    /**
     * Reads a {@code vector} or {@code array[] real} of any length.
     *
     * @param name the field
     * @return its values
     * @throws IllegalArgumentException if the field is missing or not an array of numbers
     */
    public double[] vector(String name) {
        JsonNode node = array(field(name), name, "an array of reals");
        double[] values = new double[node.size()];
        for (int i = 0; i < values.length; i++) {
            values[i] = toDouble(node.get(i), name, "an array of reals");
        }
        return values;
    }

    /**
     * Reads a {@code vector[length]} or {@code array[length] real}.
     *
     * @param name the field
     * @param length the length the model declares
     * @return its values
     * @throws IllegalArgumentException if the field is missing, not an array of numbers or of
     *     another length
     */
    public double[] vector(String name, int length) {
        double[] values = vector(name);
        checkLength(name, values.length, length);
        return values;
    }

    /**
     * Reads an {@code array[] int} of any length.
     *
     * @param name the field
     * @return its values
     * @throws IllegalArgumentException if the field is missing or not an array of integers
     */
    public int[] intArray(String name) {
        JsonNode node = array(field(name), name, "an array of integers");
        int[] values = new int[node.size()];
        for (int i = 0; i < values.length; i++) {
            values[i] = toInt(node.get(i), name, "an array of integers");
        }
        return values;
    }

    /**
     * Reads an {@code array[length] int}.
     *
     * @param name the field
     * @param length the length the model declares
     * @return its values
     * @throws IllegalArgumentException if the field is missing, not an array of integers or of
     *     another length
     */
    public int[] intArray(String name, int length) {
        int[] values = intArray(name);
        checkLength(name, values.length, length);
        return values;
    }

    /**
     * Reads a {@code matrix} (or a two-dimensional real array) of any shape, as rows.
     *
     * @param name the field
     * @return its rows; an empty JSON array gives no rows
     * @throws IllegalArgumentException if the field is missing, not an array of arrays of numbers or
     *     ragged
     */
    public double[][] matrix(String name) {
        String expected = "a matrix (an array of rows of reals)";
        JsonNode node = array(field(name), name, expected);
        double[][] rows = new double[node.size()][];
        for (int i = 0; i < rows.length; i++) {
            JsonNode row = array(node.get(i), name, expected);
            if (i > 0 && row.size() != rows[0].length) {
                throw new IllegalArgumentException(source + ": field '" + name + "' is ragged: row " + (i + 1) + " has "
                        + row.size() + " entries, row 1 has " + rows[0].length);
            }
            rows[i] = new double[row.size()];
            for (int j = 0; j < rows[i].length; j++) {
                rows[i][j] = toDouble(row.get(j), name, expected);
            }
        }
        return rows;
    }

    /**
     * Reads a {@code matrix[rows, cols]}.
     *
     * @param name the field
     * @param rows the number of rows the model declares
     * @param cols the number of columns the model declares
     * @return its rows
     * @throws IllegalArgumentException if the field is missing, not a matrix or of another shape
     */
    public double[][] matrix(String name, int rows, int cols) {
        double[][] values = matrix(name);
        int actualCols = values.length == 0 ? 0 : values[0].length;
        if (values.length != rows || (rows > 0 && actualCols != cols)) {
            throw new IllegalArgumentException(source + ": field '" + name + "' is " + values.length + " x "
                    + actualCols + ", expected " + rows + " x " + cols);
        }
        return values;
    }

    @Override
    public String toString() {
        return "StanData[" + source + ": " + String.join(", ", names()) + "]";
    }

    private JsonNode field(String name) {
        JsonNode node = root.get(name);
        if (node == null) {
            throw new IllegalArgumentException(
                    source + ": field '" + name + "' is missing (fields: " + String.join(", ", names()) + ")");
        }
        return node;
    }

    private JsonNode array(JsonNode node, String name, String expected) {
        if (!node.isArray()) {
            throw mistyped(name, expected, node);
        }
        return node;
    }

    private double toDouble(JsonNode node, String name, String expected) {
        if (node.isNumber()) {
            return node.doubleValue();
        }
        double special = node.isTextual()
                ? switch (node.textValue()) {
                    case "NaN" -> Double.NaN;
                    case "Inf", "Infinity", "+Inf", "+Infinity" -> Double.POSITIVE_INFINITY;
                    case "-Inf", "-Infinity" -> Double.NEGATIVE_INFINITY;
                    default -> 0;
                }
                : 0;
        if (special != 0) {
            return special;
        }
        throw mistyped(name, expected, node);
    }

    private int toInt(JsonNode node, String name, String expected) {
        if (node.isNumber()) {
            double value = node.doubleValue();
            if (value == Math.rint(value) && Math.abs(value) <= Integer.MAX_VALUE) {
                return (int) value;
            }
        }
        throw mistyped(name, expected, node);
    }

    private void checkLength(String name, int actual, int expected) {
        if (actual != expected) {
            throw new IllegalArgumentException(
                    source + ": field '" + name + "' has " + actual + " entries, expected " + expected);
        }
    }

    private IllegalArgumentException mistyped(String name, String expected, JsonNode found) {
        return new IllegalArgumentException(
                source + ": field '" + name + "' should be " + expected + ", found " + describe(found));
    }

    private static String describe(JsonNode node) {
        if (node.isArray()) {
            return "an array";
        }
        if (node.isObject()) {
            return "an object";
        }
        if (node.isTextual()) {
            String text = node.textValue();
            return "the string \"" + (text.length() > 20 ? text.substring(0, 20) + "…" : text) + "\"";
        }
        if (node.isNull()) {
            return "null";
        }
        if (node.isMissingNode()) {
            return "nothing";
        }
        if (node.isBoolean()) {
            return "a boolean";
        }
        return "the number " + node.asText();
    }
}
