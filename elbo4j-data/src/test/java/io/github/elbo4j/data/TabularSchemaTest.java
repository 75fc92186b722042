package io.github.elbo4j.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TabularSchemaTest {

    private static final String TRAIN = String.join(
            "\n",
            "age,smoker,flag,city,grade",
            "30,yes,0,Paris,1",
            "40,no,1,Lyon,2.0",
            "50,yes,1,Nice,3",
            "60,no,0,Paris,1.0",
            "");

    private static Table table(Path dir, String name, String text) throws IOException {
        Path file = dir.resolve(name);
        Files.writeString(file, text);
        return CsvReader.readTable(file);
    }

    @Test
    void infersNumericBinaryAndCategoricalColumnsAndFitsTheirStatistics(@TempDir Path dir) throws IOException {
        TabularSchema schema = TabularSchema.infer(table(dir, "train.csv", TRAIN), Map.of(), false, null);
        assertThat(schema.columns())
                .extracting(TabularSchema.Column::type)
                .containsExactly(
                        ColumnType.NUMERIC,
                        ColumnType.BINARY,
                        ColumnType.BINARY,
                        ColumnType.CATEGORICAL,
                        ColumnType.NUMERIC);
        TabularSchema.Column age = schema.columns().get(0);
        assertThat(age.mean()).isEqualTo(45.0);
        assertThat(age.scale()).isCloseTo(Math.sqrt(125), within(1e-5));
        assertThat(schema.columns().get(1).categories()).containsExactly("no", "yes");
        assertThat(schema.columns().get(2).categories()).containsExactly("0", "1");
        assertThat(schema.columns().get(3).categories()).containsExactly("Lyon", "Nice", "Paris");
        assertThat(schema.numericCount()).isEqualTo(2);
        assertThat(schema.binaryCount()).isEqualTo(2);
        assertThat(schema.categorySizes()).containsExactly(3);
        assertThat(schema.featureNames())
                .containsExactly("age", "grade", "smoker", "flag", "city=Lyon", "city=Nice", "city=Paris");
    }

    @Test
    void encodesNumbersStandardizedThenFlagsThenOneHotGroupsAndDecodesBack(@TempDir Path dir) throws IOException {
        Table train = table(dir, "train.csv", TRAIN);
        TabularSchema schema = TabularSchema.infer(train, Map.of(), false, null);
        Dataset encoded = schema.encode(train);
        assertThat(encoded.exampleShape()).containsExactly(7);
        float[] first = encoded.row(0);
        double gradeSd = Math.sqrt(((1 - 1.75) * (1 - 1.75) * 2 + 0.25 * 0.25 + 1.25 * 1.25) / 4);
        assertThat(first)
                .containsExactly(
                        new float[] {(float) (-15 / Math.sqrt(125)), (float) (-0.75 / gradeSd), 1f, 0f, 0f, 0f, 1f},
                        within(1e-5f));
        List<String[]> decoded = schema.decode(encoded.values(), encoded.rows());
        assertThat(decoded.get(1)).containsExactly("40.0", "no", "1", "Lyon", "2.0");
        // The decoder's probabilities pick the more probable label.
        List<String[]> fuzzy = schema.decode(new float[] {0f, 0f, 0.7f, 0.2f, 0.1f, 0.6f, 0.3f}, 1);
        assertThat(fuzzy.get(0)).containsExactly("45.0", "yes", "0", "Nice", "1.75");
    }

    @Test
    void aConditionColumnBecomesTheLabelsAndIsNotModelled(@TempDir Path dir) throws IOException {
        Table train = table(dir, "train.csv", TRAIN);
        TabularSchema schema = TabularSchema.infer(train, Map.of("city", ColumnType.CONDITION), false, null);
        assertThat(schema.condition())
                .get()
                .extracting(TabularSchema.Column::categories)
                .isEqualTo(List.of("Lyon", "Nice", "Paris"));
        assertThat(schema.categorySizes()).isEmpty();
        assertThat(schema.outputColumns()).containsExactly("age", "smoker", "flag", "grade");
        Dataset encoded = schema.encode(train);
        assertThat(encoded.exampleShape()).containsExactly(4);
        assertThat(encoded.labels()).containsExactly(2, 0, 1, 2);
        assertThat(schema.decode(encoded.values(), encoded.rows()).get(1)).containsExactly("40.0", "no", "1", "2.0");
        assertThatThrownBy(() -> schema.encode(table(dir, "rome.csv", "age,smoker,flag,city,grade\n35,no,1,Rome,2\n")))
                .isInstanceOf(DataException.class)
                .hasMessageContaining("line 2, column 4 (city)")
                .hasMessageContaining("unknown category 'Rome'");
        assertThatThrownBy(() -> TabularSchema.infer(
                        train, Map.of("city", ColumnType.CONDITION, "smoker", ColumnType.CONDITION), false, null))
                .isInstanceOf(DataException.class)
                .hasMessageContaining("only one column can be the condition");
    }

    @Test
    void anUnseenCategoryNamesTheFileLineAndColumn(@TempDir Path dir) throws IOException {
        TabularSchema schema = TabularSchema.infer(table(dir, "train.csv", TRAIN), Map.of(), false, null);
        Table test = table(dir, "test.csv", "city,age,smoker,flag,grade,extra\nNice,33,no,1,2,x\nRome,35,no,1,2,y\n");
        assertThat(schema.encode(table(dir, "ok.csv", "age,smoker,flag,city,grade\n35,no,1.0,Nice,2\n"))
                        .row(0)[3])
                .as("1.0 is the category 1")
                .isEqualTo(1f);
        assertThatThrownBy(() -> schema.encode(test))
                .isInstanceOf(DataException.class)
                .hasMessage(dir.resolve("test.csv") + ": line 3, column 1 (city): unknown category 'Rome'; the training"
                        + " data of column city has Lyon, Nice, Paris");
        Table missing = table(dir, "missing.csv", "age,smoker,flag,grade\n35,no,1,2\n");
        assertThatThrownBy(() -> schema.encode(missing))
                .isInstanceOf(DataException.class)
                .hasMessageContaining("header")
                .hasMessageContaining("no column named 'city'");
    }

    @Test
    void overridesChangeOrDropColumnsAndAreChecked(@TempDir Path dir) throws IOException {
        Table train = table(dir, "train.csv", TRAIN);
        Path file = dir.resolve("types.json");
        TabularSchema schema = TabularSchema.infer(
                train, Map.of("grade", ColumnType.CATEGORICAL, "flag", ColumnType.IGNORE), false, file);
        assertThat(schema.columns().get(4).categories()).containsExactly("1", "2", "3");
        assertThat(schema.outputColumns()).containsExactly("age", "smoker", "city", "grade");
        assertThat(schema.features()).isEqualTo(1 + 1 + 3 + 3);
        assertThatThrownBy(() -> TabularSchema.infer(train, Map.of("city", ColumnType.BINARY), false, file))
                .hasMessageContaining("column 4 (city)")
                .hasMessageContaining("3 distinct values");
        assertThatThrownBy(() -> TabularSchema.infer(train, Map.of("town", ColumnType.NUMERIC), false, file))
                .hasMessageContaining(file + ": column 'town': not in the header");
        assertThatThrownBy(() -> TabularSchema.infer(train, Map.of("city", ColumnType.NUMERIC), false, file))
                .hasMessageContaining("line 2, column 4 (city)")
                .hasMessageContaining("'Paris' is not a number");
        assertThatThrownBy(() -> TabularSchema.infer(train, Map.of("age", ColumnType.NUMERIC), true, file))
                .hasMessageContaining("--likelihood categorical models every column as categorical");
    }

    @Test
    void theCategoricalModeMakesEveryColumnCategorical(@TempDir Path dir) throws IOException {
        TabularSchema schema = TabularSchema.infer(table(dir, "train.csv", TRAIN), Map.of(), true, null);
        assertThat(schema.numericCount()).isZero();
        assertThat(schema.binaryCount()).isZero();
        assertThat(schema.categorySizes()).containsExactly(4, 2, 2, 3, 3);
    }

    @Test
    void emptyCellsAreRejected(@TempDir Path dir) throws IOException {
        Table train = table(dir, "train.csv", "a,b\n1,x\n2,\n3,y\n");
        assertThatThrownBy(() -> TabularSchema.infer(train, Map.of(), false, null))
                .isInstanceOf(DataException.class)
                .hasMessageContaining("line 3, column 2 (b): empty cell: missing values are not supported");
    }

    @Test
    void tableSplitsReadAFolderOfSplitFiles(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("train.csv"), TRAIN);
        Files.writeString(dir.resolve("test.csv"), "age,smoker,flag,city,grade\n35,no,1,Nice,2\n");
        Files.writeString(dir.resolve("notes.txt"), "ignored");
        TableSplits tables = TableSplits.load(dir);
        assertThat(tables.valid()).isNull();
        DatasetSplits splits = tables.encode(TabularSchema.infer(tables.train(), Map.of(), false, null));
        assertThat(splits.train().rows()).isEqualTo(4);
        assertThat(splits.test().rows()).isEqualTo(1);
        assertThatThrownBy(() -> TableSplits.load(dir.resolve("notes.txt"))).hasMessageContaining(".csv file");
    }
}
