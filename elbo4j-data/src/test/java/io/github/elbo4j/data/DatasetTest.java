package io.github.elbo4j.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class DatasetTest {

    private static Dataset threeRows() {
        float[] values = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11};
        return new Dataset("d", values, 3, new int[] {2, 2}, new int[] {7, 8, 9}, null);
    }

    @Test
    void featuresIsTheProductOfTheExampleShape() {
        assertThat(threeRows().features()).isEqualTo(4);
        assertThat(new Dataset("t", new float[6], 2, 3).features()).isEqualTo(3);
    }

    @Test
    void rejectsValuesThatDoNotMatchRowsTimesShape() {
        assertThatThrownBy(() -> new Dataset("d", new float[7], 2, 2, 2))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("rows * product(exampleShape) = 2 * 4 = 8 but values.length = 7");
    }

    @Test
    void rejectsLabelsOfTheWrongLength() {
        assertThatThrownBy(() -> new Dataset("d", new float[4], 2, new int[] {2}, new int[3], null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("labels.length = 3 but rows = 2");
    }

    @Test
    void rejectsColumnNamesThatDoNotMatchFeatures() {
        assertThatThrownBy(() -> new Dataset("d", new float[4], 2, new int[] {2}, null, List.of("a")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("columns.size() = 1 but features() = 2");
    }

    @Test
    void rejectsNonPositiveOrEmptyExampleShape() {
        assertThatThrownBy(() -> new Dataset("d", new float[0], 0, 0))
                .hasMessageContaining("exampleShape dimensions must be positive");
        assertThatThrownBy(() -> new Dataset("d", new float[0], 0, new int[0], null, null))
                .hasMessageContaining("at least one dimension");
    }

    @Test
    void rowReturnsACopyOfOneExample() {
        Dataset d = threeRows();
        float[] row = d.row(1);
        row[0] = 100;

        assertThat(d.row(1)).containsExactly(4, 5, 6, 7);
        assertThatThrownBy(() -> d.row(3)).isInstanceOf(IndexOutOfBoundsException.class);
    }

    @Test
    void subsetKeepsOrderRepeatsAndLabels() {
        Dataset s = threeRows().subset(new int[] {2, 0, 2});

        assertThat(s.rows()).isEqualTo(3);
        assertThat(s.values()).containsExactly(8, 9, 10, 11, 0, 1, 2, 3, 8, 9, 10, 11);
        assertThat(s.labels()).containsExactly(9, 7, 9);
        assertThat(s.exampleShape()).containsExactly(2, 2);
    }

    @Test
    void headTakesTheFirstRows() {
        Dataset h = threeRows().head(2);

        assertThat(h.values()).containsExactly(0, 1, 2, 3, 4, 5, 6, 7);
        assertThat(h.labels()).containsExactly(7, 8);
        assertThatThrownBy(() -> threeRows().head(4)).hasMessageContaining("0 <= n <= rows = 3");
    }

    @Test
    void fingerprintDependsOnValuesAndShapeButNotName() {
        Dataset d = threeRows();
        float[] changed = d.values().clone();
        changed[11] = 11.5f;

        assertThat(d.fingerprint()).hasSize(64).matches("[0-9a-f]+");
        assertThat(d.fingerprint()).isEqualTo(threeRows().withName("other").fingerprint());
        assertThat(new Dataset("d", changed, 3, 2, 2).fingerprint()).isNotEqualTo(d.fingerprint());
        assertThat(new Dataset("d", d.values(), 3, 4).fingerprint()).isNotEqualTo(d.fingerprint());
    }

    @Test
    void fingerprintOfLargeDataIsStable() {
        float[] values = new float[100_000];
        for (int i = 0; i < values.length; i++) {
            values[i] = i % 7;
        }
        Dataset d = new Dataset("big", values, 1000, 100);

        assertThat(d.fingerprint()).isEqualTo(new Dataset("big", values.clone(), 1000, 100).fingerprint());
    }

    @Test
    void knowsWhetherItIsBinaryAndItsRange() {
        assertThat(new Dataset("b", new float[] {0, 1, 1, 0}, 2, 2).isBinary()).isTrue();
        assertThat(new Dataset("g", new float[] {0, 0.5f, 1, 0}, 2, 2).isBinary())
                .isFalse();
        assertThat(threeRows().min()).isEqualTo(0f);
        assertThat(threeRows().max()).isEqualTo(11f);
        assertThatThrownBy(() -> new Dataset("e", new float[0], 0, 3).min()).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void equalityComparesContents() {
        assertThat(threeRows()).isEqualTo(threeRows()).hasSameHashCodeAs(threeRows());
        assertThat(threeRows()).isNotEqualTo(threeRows().withLabels(null));
        assertThat(threeRows().toString()).contains("rows=3", "exampleShape=[2, 2]");
    }
}
