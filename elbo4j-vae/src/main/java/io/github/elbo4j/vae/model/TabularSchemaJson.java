package io.github.elbo4j.vae.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.elbo4j.data.ColumnType;
import io.github.elbo4j.data.DataException;
import io.github.elbo4j.data.TabularSchema;
import io.github.elbo4j.vae.run.RunDirectory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@link TabularSchema} as JSON: the {@code schema.json} of a tabular run, and the {@code --schema}
 * file that overrides inferred column types.
 *
 * <p>A run's {@code schema.json}:
 * <pre>
 * {"format": "elbo4j-tabular-schema", "format_version": 1,
 *  "columns": [{"name": "age", "type": "numeric", "mean": 41.2, "scale": 12.5},
 *              {"name": "smoker", "type": "binary", "categories": ["no", "yes"]},
 *              {"name": "city", "type": "categorical", "categories": ["Lyon", "Paris"]},
 *              {"name": "id", "type": "ignore"}]}
 * </pre>
 * An override file is either {@code {"columns": {"age": "numeric", "id": "ignore"}}} or a run's
 * {@code schema.json} (only the names and types are taken; statistics are refitted).
 */
public final class TabularSchemaJson {

    /** The {@code format} of a run's {@code schema.json}. */
    public static final String FORMAT = "elbo4j-tabular-schema";

    private TabularSchemaJson() {}

    /** The schema as stored in a run directory. */
    public static ObjectNode toJson(TabularSchema schema) {
        ObjectNode node = RunDirectory.JSON.createObjectNode();
        node.put("format", FORMAT);
        node.put("format_version", 1);
        node.put(
                "encoding",
                "numeric: (x - mean) / scale; binary: 0 for categories[0], 1 for categories[1];"
                        + " categorical: one-hot over categories; features ordered numeric, binary, then categorical groups");
        ArrayNode columns = node.putArray("columns");
        for (TabularSchema.Column c : schema.columns()) {
            ObjectNode column = columns.addObject();
            column.put("name", c.name());
            column.put("type", c.type().id());
            if (c.type() == ColumnType.NUMERIC) {
                column.put("mean", c.mean());
                column.put("scale", c.scale());
            }
            if (!c.categories().isEmpty()) {
                ArrayNode categories = column.putArray("categories");
                c.categories().forEach(categories::add);
            }
        }
        return node;
    }

    /** Reads a run's {@code schema.json}, validating every field. */
    public static TabularSchema read(Path file) {
        JsonNode node = readJson(file);
        if (!FORMAT.equals(node.path("format").asText())) {
            throw new DataException(file, "format", "not an elbo4j tabular schema (expected \"" + FORMAT + "\")");
        }
        JsonNode columns = node.path("columns");
        if (!columns.isArray() || columns.isEmpty()) {
            throw new DataException(file, "columns", "missing or empty");
        }
        List<TabularSchema.Column> parsed = new ArrayList<>();
        for (int i = 0; i < columns.size(); i++) {
            JsonNode c = columns.get(i);
            String where = "columns[" + i + "]";
            try {
                List<String> categories = new ArrayList<>();
                c.path("categories").forEach(k -> categories.add(k.asText()));
                parsed.add(new TabularSchema.Column(
                        requireText(file, c, "name", where),
                        ColumnType.parse(requireText(file, c, "type", where)),
                        c.path("mean").asDouble(0),
                        c.path("scale").asDouble(1),
                        categories));
            } catch (IllegalArgumentException e) {
                throw new DataException(file, where, e.getMessage());
            }
        }
        try {
            return new TabularSchema(parsed);
        } catch (IllegalArgumentException e) {
            throw new DataException(file, "columns", e.getMessage());
        }
    }

    /** The column types of a {@code --schema} file, by column name. */
    public static Map<String, ColumnType> readOverrides(Path file) {
        JsonNode columns = readJson(file).path("columns");
        Map<String, ColumnType> types = new LinkedHashMap<>();
        try {
            if (columns.isObject()) {
                for (Iterator<Map.Entry<String, JsonNode>> it = columns.fields(); it.hasNext(); ) {
                    Map.Entry<String, JsonNode> e = it.next();
                    if (!e.getValue().isTextual()) {
                        throw new DataException(
                                file, "columns." + e.getKey(), "expected a type name such as \"numeric\"");
                    }
                    types.put(
                            e.getKey(),
                            parseType(
                                    file, "columns." + e.getKey(), e.getValue().asText()));
                }
            } else if (columns.isArray()) {
                for (int i = 0; i < columns.size(); i++) {
                    String where = "columns[" + i + "]";
                    types.put(
                            requireText(file, columns.get(i), "name", where),
                            parseType(file, where, requireText(file, columns.get(i), "type", where)));
                }
            } else {
                throw new DataException(
                        file,
                        "columns",
                        "missing: expected {\"columns\": {\"name\": \"numeric|binary" + "|categorical|ignore\", ...}}");
            }
        } catch (ClassCastException e) {
            throw new DataException(file, "columns", "malformed");
        }
        return types;
    }

    private static ColumnType parseType(Path file, String where, String text) {
        try {
            return ColumnType.parse(text);
        } catch (IllegalArgumentException e) {
            throw new DataException(file, where, e.getMessage());
        }
    }

    private static String requireText(Path file, JsonNode node, String field, String where) {
        JsonNode value = node.path(field);
        if (!value.isTextual() || value.asText().isEmpty()) {
            throw new DataException(file, where, "missing \"" + field + "\"");
        }
        return value.asText();
    }

    private static JsonNode readJson(Path file) {
        JsonNode node = RunDirectory.readJson(file);
        if (!node.isObject()) {
            throw new DataException(file, null, "expected a JSON object");
        }
        return node;
    }
}
