package io.github.elbo4j.cli;

import io.github.elbo4j.data.ColumnType;
import io.github.elbo4j.data.DataException;
import io.github.elbo4j.data.DatasetSplits;
import io.github.elbo4j.data.TableSplits;
import io.github.elbo4j.data.TabularSchema;
import io.github.elbo4j.vae.model.Likelihood;
import io.github.elbo4j.vae.model.TabularSchemaJson;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Mixed-type CSV data for the tabular and categorical likelihoods: a {@code .csv} file or a folder of
 * {@code train/valid/test} CSV files, encoded by a {@link TabularSchema} that {@code train} infers and
 * fits on the training rows (with {@code --schema} overrides) and every later command reads from the
 * run's {@code schema.json}; decoded outputs are written back in the original units and labels.
 */
final class TabularInput {

    private TabularInput() {}

    /** A fitted schema and the splits it encoded. */
    record Prepared(TabularSchema schema, DatasetSplits splits) {}

    /**
     * Reads {@code spec}, infers and fits the schema on its training rows, and encodes every split;
     * {@code condition} names the column whose values become the records' labels (or null).
     */
    static Prepared fit(String spec, Path overrides, Likelihood likelihood, String condition) {
        TableSplits tables = TableSplits.load(Path.of(spec));
        Map<String, ColumnType> types =
                new LinkedHashMap<>(overrides == null ? Map.of() : TabularSchemaJson.readOverrides(overrides));
        types.forEach((column, type) -> {
            if (type == ColumnType.CONDITION && !column.equals(condition)) {
                throw new IllegalArgumentException("--schema " + overrides + " makes column " + column
                        + " the condition; train with --condition " + column);
            }
        });
        if (condition != null) {
            if (!tables.train().columns().contains(condition)) {
                throw new DataException(
                        tables.train().file(),
                        "header",
                        "--condition " + condition + ": no column of that name; columns are "
                                + String.join(", ", tables.train().columns()));
            }
            ColumnType given = types.put(condition, ColumnType.CONDITION);
            if (given != null && given != ColumnType.CONDITION) {
                throw new IllegalArgumentException("--condition " + condition + " conflicts with --schema " + overrides
                        + ", which makes that column " + given.id());
            }
        }
        TabularSchema schema =
                TabularSchema.infer(tables.train(), types, likelihood == Likelihood.CATEGORICAL, overrides);
        return new Prepared(schema, tables.encode(schema));
    }

    /** Reads {@code spec} and encodes every split with a run's schema. */
    static DatasetSplits load(String spec, TabularSchema schema) {
        return TableSplits.load(Path.of(spec)).encode(schema);
    }

    /**
     * Writes decoded rows (numbers in the original units, category labels) as a CSV with the schema's
     * column names, preceded by an {@code index} column when {@code indices} is given and followed by
     * the condition column when the schema has one and {@code labels} gives each row's class.
     */
    static void writeDecoded(
            Path target, TabularSchema schema, float[] encoded, int rows, int[] indices, int[] labels) {
        TabularSchema.Column condition =
                labels == null ? null : schema.condition().orElse(null);
        List<String> header = new ArrayList<>();
        if (indices != null) {
            header.add("index");
        }
        header.addAll(schema.outputColumns());
        if (condition != null) {
            header.add(condition.name());
        }
        List<String[]> decoded = schema.decode(encoded, rows);
        List<String[]> lines = new ArrayList<>(rows);
        for (int i = 0; i < rows; i++) {
            List<String> cells = new ArrayList<>(header.size());
            if (indices != null) {
                cells.add(Integer.toString(indices[i]));
            }
            cells.addAll(List.of(decoded.get(i)));
            if (condition != null) {
                cells.add(condition.categories().get(labels[i]));
            }
            lines.add(cells.toArray(new String[0]));
        }
        ArrayFiles.writeTextCsv(target, header, lines);
    }
}
