package io.github.elbo4j.vi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class ParameterSummaryTest {

    @Test
    void equalWeightsGiveRsQuantilesAndBesselsSd() {
        // R: quantile(1:10, c(0.05, 0.5, 0.95)) = 1.45 5.5 9.55; sd(1:10) = 3.0276503540974917.
        ParameterSummary summary = ParameterSummary.of(new double[] {3, 1, 4, 10, 5, 9, 2, 6, 8, 7});
        assertThat(summary.mean()).isEqualTo(5.5);
        assertThat(summary.sd()).isCloseTo(3.0276503540974917, within(1e-15));
        assertThat(summary.q5()).isCloseTo(1.45, within(1e-12));
        assertThat(summary.q50()).isCloseTo(5.5, within(1e-12));
        assertThat(summary.q95()).isCloseTo(9.55, within(1e-12));
    }

    @Test
    void weightsActAsCountsForTheMomentsAndEqualWeightsAgree() {
        double[] draws = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
        double[] equal = new double[10];
        java.util.Arrays.fill(equal, 0.1);
        ParameterSummary weighted = ParameterSummary.of(draws, equal);
        ParameterSummary plain = ParameterSummary.of(draws);
        assertThat(weighted.mean()).isCloseTo(plain.mean(), within(1e-12));
        assertThat(weighted.sd()).isCloseTo(plain.sd(), within(1e-12));
        // Type 5 at equal weights: the 5% point lies on the first order statistic's position 0.05.
        assertThat(weighted.q5()).isCloseTo(1.0, within(1e-12));
        assertThat(weighted.q50()).isCloseTo(5.5, within(1e-12));

        // Weights 1/2, 1/4, 1/4 on 0, 1, 2: mean 3/4, Σ w (x − m)² = 11/16, divided by 1 − 3/8.
        ParameterSummary counts = ParameterSummary.of(new double[] {2, 0, 1}, new double[] {0.25, 0.5, 0.25});
        assertThat(counts.mean()).isCloseTo(0.75, within(1e-15));
        assertThat(counts.sd()).isCloseTo(Math.sqrt(11.0 / 16 / (5.0 / 8)), within(1e-15));
        // The median lies where the cumulative weight reaches 1/2, between 0 (at 1/4) and 1 (at 5/8).
        assertThat(counts.q50()).isCloseTo((0.5 - 0.25) / (0.625 - 0.25), within(1e-15));
        assertThat(counts.q5()).isEqualTo(0.0);
        assertThat(counts.q95()).isEqualTo(2.0);
    }

    @Test
    void aDrawOfWeightZeroHasNoSay() {
        ParameterSummary with =
                ParameterSummary.of(new double[] {1, Double.NaN, 2, 4}, new double[] {0.5, 0, 0.25, 0.25});
        ParameterSummary without = ParameterSummary.of(new double[] {1, 2, 4}, new double[] {0.5, 0.25, 0.25});
        assertThat(with).isEqualTo(without);
        assertThatThrownBy(() -> ParameterSummary.of(new double[] {1, 2}, new double[] {1, 0}))
                .hasMessage("a summary needs at least 2 draws of positive weight, got 1");
        assertThatThrownBy(() -> ParameterSummary.of(new double[] {1, 2}, new double[] {1}))
                .hasMessage("2 draws but 1 weights");
    }
}
