package io.github.elbo4j.report;

import io.github.elbo4j.data.DatasetCatalog;
import io.github.elbo4j.data.ShapeType;
import io.github.elbo4j.data.Shapes;
import io.github.elbo4j.data.TabularSchema;
import io.github.elbo4j.vae.run.RunDirectory;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The names of a run's classes, so that legends and options say "triangle" or "north" rather
 * than "label 2": the categories of a table's condition column, the figures of the shapes
 * dataset, the articles of Fashion-MNIST, the digits of MNIST.
 */
public final class ClassNames {

    private static final List<String> FASHION = List.of(
            "T-shirt/top", "trouser", "pullover", "dress", "coat", "sandal", "shirt", "sneaker", "bag", "ankle boot");

    private ClassNames() {}

    /** The name of each class in label order, or an empty list when the run's data does not name them. */
    public static List<String> of(RunDirectory run) {
        TabularSchema schema = run.readSchema();
        if (schema != null) {
            return schema.condition().map(TabularSchema.Column::categories).orElse(List.of());
        }
        String spec = run.manifest().data().spec();
        if (spec.equals(Shapes.NAME)) {
            List<String> names = new ArrayList<>();
            for (ShapeType type : ShapeType.values()) {
                names.add(type.name().toLowerCase(Locale.ROOT));
            }
            return names;
        }
        if (spec.equals(DatasetCatalog.FASHION_MNIST)) {
            return FASHION;
        }
        if (spec.equals(DatasetCatalog.MNIST) || spec.equals(DatasetCatalog.BINARIZED_MNIST)) {
            List<String> digits = new ArrayList<>();
            for (int d = 0; d < 10; d++) {
                digits.add("digit " + d);
            }
            return digits;
        }
        return List.of();
    }

    /** The name of {@code label}: its class name when {@code names} has one, else "label N". */
    public static String name(List<String> names, int label) {
        return label >= 0 && label < names.size() ? names.get(label) : "label " + label;
    }
}
