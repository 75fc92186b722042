package io.github.elbo4j.data;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * The columns of a mixed-type CSV table and how each becomes model features: numeric columns are
 * standardized, {@code z = (x − mean) / scale} (mean and population standard deviation of the
 * training rows, scale 1 for a constant column); binary columns become 0/1 (the second of their two
 * sorted values is 1); categorical columns become one-hot groups over their training vocabulary
 * (sorted); ignored columns are dropped. Encoded records put every numeric feature first, then the
 * binary ones, then the one-hot groups, each in table order.
 *
 * <p>Inference ({@link #infer}) looks at the training rows: a column whose cells are all numbers is
 * numeric, unless it holds exactly two distinct values (binary); any other column is binary with two
 * distinct labels, else categorical. Numbers are compared by value ({@code 1}, {@code 1.0} and
 * {@code 1e0} are one category). Empty cells are rejected: missing values are not supported.
 *
 * @param columns every column of the training table, in table order
 */
public record TabularSchema(List<Column> columns) {

    /** Most categories a categorical column may have; more usually means an identifier column. */
    public static final int MAX_CATEGORIES = 1000;

    /**
     * One column.
     *
     * @param name the header name
     * @param type how it is encoded
     * @param mean the training mean of a numeric column (0 otherwise)
     * @param scale the training standard deviation of a numeric column, 1 if that is 0 (1 otherwise)
     * @param categories the labels of a binary (two) or categorical column in encoding order, as
     *     compared (numbers in plain form such as {@code 1} or {@code 0.5}); empty otherwise
     */
    public record Column(String name, ColumnType type, double mean, double scale, List<String> categories) {

        /** Validates the fields for the type. */
        public Column {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(type, "type");
            categories = List.copyOf(categories);
            if (type == ColumnType.NUMERIC && (!(scale > 0) || !Double.isFinite(scale) || !Double.isFinite(mean))) {
                throw new IllegalArgumentException("numeric column '" + name
                        + "' needs a finite mean and a positive scale, got " + mean + " and " + scale);
            }
            if (type == ColumnType.BINARY && categories.size() != 2) {
                throw new IllegalArgumentException(
                        "binary column '" + name + "' needs exactly two values, got " + categories);
            }
            if ((type == ColumnType.CATEGORICAL || type == ColumnType.CONDITION) && categories.isEmpty()) {
                throw new IllegalArgumentException(type.id() + " column '" + name + "' needs at least one category");
            }
            if (new HashSet<>(categories).size() != categories.size()) {
                throw new IllegalArgumentException("column '" + name + "' lists a category twice: " + categories);
            }
        }

        /** Features this column encodes to: 1, 1, the categories, or 0 for the condition and when ignored. */
        public int width() {
            return switch (type) {
                case NUMERIC, BINARY -> 1;
                case CATEGORICAL -> categories.size();
                case CONDITION, IGNORE -> 0;
            };
        }
    }

    /** Validates that names are unique and at least one column is used. */
    public TabularSchema {
        columns = List.copyOf(columns);
        Set<String> names = new HashSet<>();
        for (Column c : columns) {
            if (!names.add(c.name())) {
                throw new IllegalArgumentException("column '" + c.name() + "' appears twice");
            }
        }
        if (columns.stream().allMatch(c -> c.width() == 0)) {
            throw new IllegalArgumentException("no column is left to model (every column is ignored or the condition)");
        }
        if (columns.stream().filter(c -> c.type() == ColumnType.CONDITION).count() > 1) {
            throw new IllegalArgumentException("only one column can be the condition");
        }
    }

    // ---- inference ------------------------------------------------------------------------------

    /**
     * Infers the schema of a training table and fits its statistics.
     *
     * @param train the training rows
     * @param overrides types given by the user for some columns (by name); the rest are inferred
     * @param allCategorical every used column is categorical (the {@code categorical} likelihood)
     * @param overridesFile where {@code overrides} came from, for messages (may be null)
     * @return the fitted schema
     * @throws DataException naming the file, line and column of a cell that does not fit
     */
    public static TabularSchema infer(
            Table train, Map<String, ColumnType> overrides, boolean allCategorical, java.nio.file.Path overridesFile) {
        for (String name : overrides.keySet()) {
            if (!train.columns().contains(name)) {
                throw new DataException(
                        overridesFile,
                        "column '" + name + "'",
                        "not in the header of " + train.file() + "; its columns are "
                                + String.join(", ", train.columns()));
            }
        }
        List<Column> columns = new ArrayList<>();
        for (int c = 0; c < train.columns().size(); c++) {
            String name = train.columns().get(c);
            ColumnType given = overrides.get(name);
            if (allCategorical && (given == ColumnType.NUMERIC || given == ColumnType.BINARY)) {
                throw new DataException(
                        overridesFile,
                        "column '" + name + "'",
                        "is " + given.id()
                                + " but --likelihood categorical models every column as categorical; use --likelihood tabular");
            }
            columns.add(inferColumn(train, c, allCategorical && given == null ? ColumnType.CATEGORICAL : given));
        }
        try {
            return new TabularSchema(columns);
        } catch (IllegalArgumentException e) {
            throw new DataException(overridesFile != null ? overridesFile : train.file(), null, e.getMessage());
        }
    }

    private static Column inferColumn(Table train, int c, ColumnType given) {
        String name = train.columns().get(c);
        if (given == ColumnType.IGNORE) {
            return new Column(name, ColumnType.IGNORE, 0, 1, List.of());
        }
        boolean numeric = true;
        Map<String, Integer> firstRow = new LinkedHashMap<>();
        for (int r = 0; r < train.rowCount(); r++) {
            String cell = train.cell(r, c);
            if (cell.isEmpty()) {
                throw new DataException(
                        train.file(),
                        train.location(r, c),
                        "empty cell: missing values are not supported;" + " fill it in or drop the row");
            }
            numeric &= isNumber(cell);
            firstRow.putIfAbsent(key(cell), r);
            if (firstRow.size() > MAX_CATEGORIES && given != ColumnType.NUMERIC && !numeric) {
                throw new DataException(
                        train.file(),
                        train.location(r, c),
                        "more than " + MAX_CATEGORIES
                                + " distinct values in a non-numeric column (an identifier?); mark it \"ignore\" in --schema");
            }
        }
        ColumnType type = given != null
                ? given
                : firstRow.size() == 2 ? ColumnType.BINARY : numeric ? ColumnType.NUMERIC : ColumnType.CATEGORICAL;
        return switch (type) {
            case NUMERIC -> numericColumn(train, c);
            case BINARY -> {
                if (firstRow.size() != 2) {
                    throw new DataException(
                            train.file(),
                            "column " + (c + 1) + " (" + name + ")",
                            "is marked binary but holds " + firstRow.size() + " distinct values; mark it categorical");
                }
                yield new Column(name, type, 0, 1, sorted(firstRow.keySet()));
            }
            case CATEGORICAL, CONDITION -> {
                if (firstRow.size() > MAX_CATEGORIES) {
                    throw new DataException(
                            train.file(),
                            "column " + (c + 1) + " (" + name + ")",
                            "has " + firstRow.size() + " distinct values, more than " + MAX_CATEGORIES
                                    + " categories; mark it numeric or \"ignore\" in --schema");
                }
                yield new Column(name, type, 0, 1, sorted(firstRow.keySet()));
            }
            case IGNORE -> throw new IllegalStateException("handled above");
        };
    }

    private static Column numericColumn(Table train, int c) {
        int rows = train.rowCount();
        float[] values = new float[rows];
        for (int r = 0; r < rows; r++) {
            values[r] = train.number(r, c);
        }
        Standardizer fitted = Standardizer.fit(new Dataset(train.columns().get(c), values, rows, 1));
        return new Column(train.columns().get(c), ColumnType.NUMERIC, fitted.mean()[0], fitted.scale()[0], List.of());
    }

    /** Labels in encoding order: by numeric value when all are numbers, else as text. */
    private static List<String> sorted(Set<String> labels) {
        boolean numbers = labels.stream().allMatch(TabularSchema::isNumber);
        Comparator<String> order =
                numbers ? Comparator.comparingDouble(Double::parseDouble) : Comparator.naturalOrder();
        TreeSet<String> set = new TreeSet<>(order);
        set.addAll(labels);
        return List.copyOf(set);
    }

    /** Whether a cell is a plain finite decimal number (as {@link CsvReader} accepts). */
    static boolean isNumber(String cell) {
        if (cell.isEmpty()) {
            return false;
        }
        for (int i = 0; i < cell.length(); i++) {
            char ch = cell.charAt(i);
            if (!((ch >= '0' && ch <= '9') || ch == '.' || ch == '-' || ch == '+' || ch == 'e' || ch == 'E')) {
                return false;
            }
        }
        try {
            return Double.isFinite(Double.parseDouble(cell));
        } catch (NumberFormatException e) {
            return false;
        }
    }

    /** The form a label is compared in: numbers by value in plain notation ({@code 1.0} → {@code 1}), else the text. */
    static String key(String cell) {
        if (!isNumber(cell)) {
            return cell;
        }
        double v = Double.parseDouble(cell);
        if (v == 0) {
            return "0";
        }
        return Math.abs(v) < 1e15 && Math.abs(v) > 1e-15
                ? BigDecimal.valueOf(v).stripTrailingZeros().toPlainString()
                : Double.toString(v);
    }

    // ---- the encoded layout ---------------------------------------------------------------------

    private List<Column> ofType(ColumnType type) {
        return columns.stream().filter(c -> c.type() == type).toList();
    }

    /** Number of numeric columns. */
    public int numericCount() {
        return ofType(ColumnType.NUMERIC).size();
    }

    /** Number of binary columns. */
    public int binaryCount() {
        return ofType(ColumnType.BINARY).size();
    }

    /** Categories of each categorical column, in table order. */
    public int[] categorySizes() {
        return ofType(ColumnType.CATEGORICAL).stream()
                .mapToInt(c -> c.categories().size())
                .toArray();
    }

    /** The used columns in encoded order: numeric, binary, then categorical. */
    private List<Column> encodedOrder() {
        List<Column> order = new ArrayList<>(ofType(ColumnType.NUMERIC));
        order.addAll(ofType(ColumnType.BINARY));
        order.addAll(ofType(ColumnType.CATEGORICAL));
        return order;
    }

    /** Number of encoded features. */
    public int features() {
        return columns.stream().mapToInt(Column::width).sum();
    }

    /** A name per encoded feature: the column name, or {@code column=label} for a one-hot feature. */
    public List<String> featureNames() {
        List<String> names = new ArrayList<>();
        for (Column c : encodedOrder()) {
            if (c.type() == ColumnType.CATEGORICAL) {
                c.categories().forEach(label -> names.add(c.name() + "=" + label));
            } else {
                names.add(c.name());
            }
        }
        return names;
    }

    /** The names of the modelled columns, in table order: the header of decoded tables. */
    public List<String> outputColumns() {
        return modelled().stream().map(Column::name).toList();
    }

    /** The columns that encode to features (neither ignored nor the condition), in table order. */
    private List<Column> modelled() {
        return columns.stream().filter(c -> c.width() > 0).toList();
    }

    /** The condition column ({@code --condition COLUMN}), if any: its categories are the classes. */
    public java.util.Optional<Column> condition() {
        return columns.stream().filter(c -> c.type() == ColumnType.CONDITION).findFirst();
    }

    // ---- encoding and decoding ------------------------------------------------------------------

    /**
     * Encodes a table with this schema: standardized numbers, 0/1 flags and one-hot groups. Columns are
     * found by name; extra columns are left out.
     *
     * @param table rows with (at least) every used column of the schema
     * @return one encoded record per row, named after the file, with {@link #featureNames()}
     * @throws DataException naming file, line and column of a missing column, a cell that is not a
     *     number, or a label the schema does not know (an unknown category)
     */
    public Dataset encode(Table table) {
        List<Column> order = encodedOrder();
        int[] source = new int[order.size()];
        for (int i = 0; i < source.length; i++) {
            source[i] = table.column(order.get(i).name());
        }
        List<Map<String, Integer>> indices =
                order.stream().map(TabularSchema::categoryIndex).toList();
        int features = features();
        int rows = table.rowCount();
        if ((long) rows * features > Bytes.MAX_ARRAY) {
            throw new DataException(
                    table.file(),
                    null,
                    rows + " rows of " + features + " encoded features are more values than fit in one Java array");
        }
        float[] values = new float[rows * features];
        Column condition = condition().orElse(null);
        int[] labels = condition == null ? null : new int[rows];
        int conditionSource = condition == null ? -1 : table.column(condition.name());
        Map<String, Integer> classes = condition == null ? Map.of() : categoryIndex(condition);
        for (int r = 0; r < rows; r++) {
            if (labels != null) {
                labels[r] = category(table, r, conditionSource, condition, classes);
            }
            int offset = r * features;
            for (int i = 0; i < order.size(); i++) {
                Column c = order.get(i);
                switch (c.type()) {
                    case NUMERIC -> values[offset++] = (float) ((table.decimal(r, source[i]) - c.mean()) / c.scale());
                    case BINARY -> values[offset++] = category(table, r, source[i], c, indices.get(i));
                    case CATEGORICAL -> {
                        values[offset + category(table, r, source[i], c, indices.get(i))] = 1f;
                        offset += c.width();
                    }
                    case CONDITION, IGNORE ->
                        throw new IllegalStateException(c.type().id() + " columns are not features");
                }
            }
        }
        String name = table.file().getFileName().toString().replaceFirst("(?i)\\.csv$", "");
        return new Dataset(name, values, rows, new int[] {features}, labels, featureNames());
    }

    /** Each category of {@code c} mapped to its position, the value it encodes to. */
    private static Map<String, Integer> categoryIndex(Column c) {
        Map<String, Integer> index = new HashMap<>();
        for (int k = 0; k < c.categories().size(); k++) {
            index.put(c.categories().get(k), k);
        }
        return index;
    }

    private static int category(Table table, int r, int column, Column c, Map<String, Integer> index) {
        String cell = table.cell(r, column);
        if (cell.isEmpty()) {
            throw new DataException(
                    table.file(), table.location(r, column), "empty cell: missing values are not supported");
        }
        Integer k = index.get(key(cell));
        if (k == null) {
            List<String> known = c.categories();
            String list = known.size() <= 20
                    ? String.join(", ", known)
                    : String.join(", ", known.subList(0, 20)) + ", ... (" + known.size() + " in all)";
            throw new DataException(
                    table.file(),
                    table.location(r, column),
                    "unknown category '" + cell + "'; the training" + " data of column " + c.name() + " has " + list);
        }
        return k;
    }

    /**
     * Decodes model outputs (rows of {@link #features()} values: numeric means on the standardized
     * scale, binary probabilities, one-hot group probabilities) to table cells in the original units:
     * numbers as {@code z · scale + mean}, the more probable binary label, the most probable category.
     *
     * @param encoded row-major outputs
     * @param rows number of rows
     * @return one row of cells per record, in {@link #outputColumns()} order
     */
    public List<String[]> decode(float[] encoded, int rows) {
        int features = features();
        if (encoded.length != rows * features) {
            throw new IllegalArgumentException(
                    encoded.length + " values are not " + rows + " rows of " + features + " features");
        }
        List<Column> order = encodedOrder();
        List<Column> used = modelled();
        Map<String, Integer> position = new HashMap<>();
        for (int i = 0; i < used.size(); i++) {
            position.put(used.get(i).name(), i);
        }
        List<String[]> out = new ArrayList<>(rows);
        for (int r = 0; r < rows; r++) {
            String[] cells = new String[used.size()];
            int offset = r * features;
            for (Column c : order) {
                cells[position.get(c.name())] = switch (c.type()) {
                    case NUMERIC -> Float.toString((float) (encoded[offset] * c.scale() + c.mean()));
                    case BINARY -> c.categories().get(encoded[offset] >= 0.5f ? 1 : 0);
                    case CATEGORICAL -> c.categories().get(argmax(encoded, offset, c.width()));
                    case CONDITION, IGNORE ->
                        throw new IllegalStateException(c.type().id() + " columns are not decoded");
                };
                offset += c.width();
            }
            out.add(cells);
        }
        return out;
    }

    private static int argmax(float[] values, int from, int width) {
        int best = 0;
        for (int k = 1; k < width; k++) {
            if (values[from + k] > values[from + best]) {
                best = k;
            }
        }
        return best;
    }
}
