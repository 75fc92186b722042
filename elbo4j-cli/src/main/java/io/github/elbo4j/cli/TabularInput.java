package io.github.elbo4j.cli;

import io.github.elbo4j.data.ColumnType;
import io.github.elbo4j.data.DatasetSplits;
import io.github.elbo4j.data.TableSplits;
import io.github.elbo4j.data.TabularSchema;
import io.github.elbo4j.vae.Likelihood;
import io.github.elbo4j.vae.TabularSchemaJson;
import java.nio.file.Path;
import java.util.ArrayList;
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

    /** Reads {@code spec}, infers and fits the schema on its training rows, and encodes every split. */
    static Prepared fit(String spec, Path overrides, Likelihood likelihood) {
        TableSplits tables = TableSplits.load(Path.of(spec));
        Map<String, ColumnType> types = overrides == null ? Map.of() : TabularSchemaJson.readOverrides(overrides);
        TabularSchema schema = TabularSchema.infer(tables.train(), types, likelihood == Likelihood.CATEGORICAL, overrides);
        return new Prepared(schema, tables.encode(schema));
    }

    /** Reads {@code spec} and encodes every split with a run's schema. */
    static DatasetSplits load(String spec, TabularSchema schema) {
        return TableSplits.load(Path.of(spec)).encode(schema);
    }

    /**
     * Writes decoded rows (numbers in the original units, category labels) as a CSV with the schema's
     * column names, preceded by an {@code index} column when {@code indices} is given.
     */
    static void writeDecoded(Path target, TabularSchema schema, float[] encoded, int rows, int[] indices) {
        List<String> header = new ArrayList<>();
        if (indices != null) {
            header.add("index");
        }
        header.addAll(schema.outputColumns());
        List<String[]> decoded = schema.decode(encoded, rows);
        List<String[]> lines = new ArrayList<>(rows);
        for (int i = 0; i < rows; i++) {
            String[] cells = decoded.get(i);
            if (indices != null) {
                String[] withIndex = new String[cells.length + 1];
                withIndex[0] = Integer.toString(indices[i]);
                System.arraycopy(cells, 0, withIndex, 1, cells.length);
                cells = withIndex;
            }
            lines.add(cells);
        }
        ArrayFiles.writeTextCsv(target, header, lines);
    }
}
