package io.github.elbo4j.spark;

import java.util.Arrays;
import java.util.List;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * Reads an input column of ML vectors ({@code VectorUDT}) or numeric arrays into float rows, with
 * one-line {@link IllegalArgumentException}s that name the column and the problem.
 */
public final class InputVectors {

    private InputVectors() {}

    /**
     * A row of the input that cannot be used (null, wrong length, non-finite value), found by a
     * check on the driver before any work starts; entry points add the file name and exit with
     * code 2.
     */
    public static final class InvalidRow extends IllegalArgumentException {

        private static final long serialVersionUID = 1L;

        InvalidRow(String message) {
            super(message);
        }
    }

    /**
     * Checks that {@code schema} has {@code column} holding vectors or numeric arrays.
     *
     * @return the column's index in the schema
     */
    public static int check(StructType schema, String column) {
        if (column == null || column.isEmpty()) {
            throw new IllegalArgumentException("the input column name is empty; set inputCol");
        }
        if (!Arrays.asList(schema.fieldNames()).contains(column)) {
            throw new IllegalArgumentException(
                    "input column '" + column + "' not found; the columns are " + Arrays.toString(schema.fieldNames()));
        }
        StructField field = schema.apply(column);
        if (!isVectorLike(field.dataType())) {
            throw new IllegalArgumentException("input column '" + column + "' has type "
                    + field.dataType().simpleString() + "; expected a vector or an array of numbers");
        }
        return schema.fieldIndex(column);
    }

    /** Checks that {@code column} is numeric (a label or response). */
    public static int checkNumeric(StructType schema, String column) {
        if (column == null
                || column.isEmpty()
                || !Arrays.asList(schema.fieldNames()).contains(column)) {
            throw new IllegalArgumentException(
                    "column '" + column + "' not found; the columns are " + Arrays.toString(schema.fieldNames()));
        }
        DataType type = schema.apply(column).dataType();
        if (!(type instanceof NumericType)) {
            throw new IllegalArgumentException(
                    "column '" + column + "' has type " + type.simpleString() + "; expected a number");
        }
        return schema.fieldIndex(column);
    }

    private static boolean isVectorLike(DataType type) {
        if (type.equals(SQLDataTypes.VectorType())) {
            return true;
        }
        return type instanceof ArrayType array && array.elementType() instanceof NumericType;
    }

    /**
     * The values of row {@code row}'s column {@code index}, checked to have {@code expected}
     * entries (any length when {@code expected} is negative), all finite.
     */
    public static float[] read(Row row, int index, String column, int expected) {
        if (row.isNullAt(index)) {
            throw new IllegalArgumentException(
                    "input column '" + column + "' is null in a row; drop or fill" + " missing values first");
        }
        Object value = row.get(index);
        float[] result;
        if (value instanceof Vector vector) {
            double[] values = vector.toArray();
            result = new float[values.length];
            for (int i = 0; i < values.length; i++) {
                result[i] = (float) values[i];
            }
        } else {
            List<Object> list = row.getList(index);
            result = new float[list.size()];
            for (int i = 0; i < result.length; i++) {
                Object element = list.get(i);
                if (element == null) {
                    throw new IllegalArgumentException(
                            "input column '" + column + "' has a null element at" + " position " + i);
                }
                result[i] = ((Number) element).floatValue();
            }
        }
        if (expected >= 0 && result.length != expected) {
            throw new IllegalArgumentException("input column '" + column + "' has a row of " + result.length
                    + " values but the model expects " + expected);
        }
        for (int i = 0; i < result.length; i++) {
            if (!Float.isFinite(result[i])) {
                throw new IllegalArgumentException(
                        "input column '" + column + "' has a non-finite value (" + result[i] + ") at position " + i);
            }
        }
        return result;
    }

    /** The double values of a vector or numeric array column (see {@link #read}). */
    public static double[] readDoubles(Row row, int index, String column, int expected) {
        Object value = row.isNullAt(index) ? null : row.get(index);
        if (value instanceof Vector vector) {
            double[] values = vector.toArray();
            if (expected >= 0 && values.length != expected) {
                throw new IllegalArgumentException("column '" + column + "' has a row of " + values.length
                        + " values but " + expected + " were expected");
            }
            for (int i = 0; i < values.length; i++) {
                if (!Double.isFinite(values[i])) {
                    throw new IllegalArgumentException(
                            "column '" + column + "' has a non-finite value (" + values[i] + ") at position " + i);
                }
            }
            return values;
        }
        float[] floats = read(row, index, column, expected);
        double[] result = new double[floats.length];
        List<Object> list = row.getList(index);
        for (int i = 0; i < result.length; i++) {
            result[i] = ((Number) list.get(i)).doubleValue();
        }
        return result;
    }
}
