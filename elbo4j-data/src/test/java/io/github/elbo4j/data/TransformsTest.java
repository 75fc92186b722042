package io.github.elbo4j.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

class TransformsTest {

    @Test
    void binarizesAboveTheThresholdKeepingLabels() {
        Dataset d = new Dataset("g", new float[] {0f, 0.5f, 0.51f, 1f}, 2, new int[] {2}, new int[] {3, 4}, null);

        Dataset b = Transforms.binarize(d, 0.5f);

        assertThat(b.values()).containsExactly(0f, 0f, 1f, 1f);
        assertThat(b.labels()).containsExactly(3, 4);
        assertThat(d.values()[2]).isEqualTo(0.51f);
    }

    @Test
    void scalesToTheUnitInterval() {
        Dataset d = new Dataset("t", new float[] {-2, 0, 6, 2}, 2, 2);

        assertThat(Transforms.scaleToUnitInterval(d).values()).containsExactly(0f, 0.25f, 1f, 0.5f);
        assertThat(Transforms.scaleToUnitInterval(new Dataset("c", new float[] {3, 3}, 1, 2))
                        .values())
                .containsExactly(0f, 0f);
    }

    @Test
    void standardizerGivesZeroMeanUnitVariancePerFeature() {
        Dataset train = new Dataset("t", new float[] {1, 10, 3, 10, 5, 10}, 3, new int[] {2}, null, List.of("a", "b"));

        Standardizer s = Standardizer.fit(train);
        Dataset z = s.apply(train);

        assertThat(s.mean()).containsExactly(3.0, 10.0);
        assertThat(s.scale()[0]).isCloseTo(Math.sqrt(8.0 / 3), within(1e-12));
        assertThat(s.scale()[1]).isEqualTo(1.0);
        assertThat(z.values()[0]).isCloseTo((float) (-2 / Math.sqrt(8.0 / 3)), within(1e-6f));
        assertThat(z.values()[1]).isZero();
        assertThat(z.columns()).containsExactly("a", "b");
        assertThat(s.invert(z).values()).containsExactly(new float[] {1, 10, 3, 10, 5, 10}, within(1e-5f));
    }

    @Test
    void standardizerRejectsMismatchedFeaturesAndEmptyData() {
        Standardizer s = Standardizer.fit(new Dataset("t", new float[] {1, 2}, 1, 2));

        assertThatThrownBy(() -> s.apply(new Dataset("x", new float[3], 1, 3)))
                .hasMessage("standardizer was fitted on 2 features but dataset 'x' has 3");
        assertThatThrownBy(() -> Standardizer.fit(new Dataset("e", new float[0], 0, 2)))
                .hasMessageContaining("has no rows");
        assertThatThrownBy(() -> new Standardizer(new double[] {0}, new double[] {0}))
                .hasMessageContaining("positive");
    }
}
