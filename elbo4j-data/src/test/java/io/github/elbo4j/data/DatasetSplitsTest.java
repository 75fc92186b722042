package io.github.elbo4j.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class DatasetSplitsTest {

    private static Dataset rows(String name, int n) {
        return new Dataset(name, new float[n * 2], n, 2);
    }

    @Test
    void evaluatesOnTestThenValidThenTrain() {
        Dataset train = rows("train", 3);
        Dataset valid = rows("valid", 2);
        Dataset test = rows("test", 1);

        assertThat(new DatasetSplits(train, valid, test).evaluationSplit()).isSameAs(test);
        assertThat(new DatasetSplits(train, valid, null).evaluationSplit()).isSameAs(valid);
        assertThat(DatasetSplits.trainOnly(train).evaluationSplit()).isSameAs(train);
    }

    @Test
    void rejectsSplitsOfDifferentShapes() {
        assertThatThrownBy(() -> new DatasetSplits(rows("a", 2), new Dataset("b", new float[3], 1, 3), null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("valid examples have shape [3] but train examples have shape [2]");
    }

    @Test
    void requiresTrainingData() {
        assertThatThrownBy(() -> new DatasetSplits(null, null, null)).isInstanceOf(NullPointerException.class);
    }
}
