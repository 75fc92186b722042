package io.github.elbo4j.vi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ParetoSmoothingTest {

    /** log of n draws from the generalized Pareto distribution with shape k and scale 1. */
    private static double[] logParetoDraws(double k, int n, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        double[] logs = new double[n];
        for (int i = 0; i < n; i++) {
            double u = random.nextDouble();
            logs[i] = Math.log(Math.expm1(-k * Math.log1p(-u)) / k);
        }
        return logs;
    }

    @ParameterizedTest
    @ValueSource(doubles = {0.2, 0.5, 0.9})
    void estimatesTheShapeOfAParetoTail(double k) {
        // M = 3·√10000 = 300 tail draws: the estimate's sd is about (1 + k)/√M ≤ 0.11.
        double estimate = ParetoSmoothing.smooth(logParetoDraws(k, 10_000, 11)).khat();
        assertThat(estimate).isCloseTo(k, within(0.2));
    }

    @Test
    void readsLightTailsAsGoodAndHeavyTailsAsUnreliable() {
        SplittableRandom random = new SplittableRandom(5);
        double[] normalLogs = new double[4000];
        for (int i = 0; i < normalLogs.length; i++) {
            normalLogs[i] = 0.3 * random.nextGaussian();
        }
        assertThat(ParetoSmoothing.smooth(normalLogs).reading()).isEqualTo(KhatReading.GOOD);
        assertThat(ParetoSmoothing.smooth(logParetoDraws(1.2, 4000, 3)).reading())
                .isEqualTo(KhatReading.UNRELIABLE);
    }

    @Test
    void smoothingKeepsTheBulkAndNeverExceedsTheLargestRatio() {
        double[] logs = logParetoDraws(0.6, 2000, 8);
        ParetoSmoothing.Result result = ParetoSmoothing.smooth(logs);
        double max = java.util.Arrays.stream(logs).max().orElseThrow();
        int changed = 0;
        for (int i = 0; i < logs.length; i++) {
            assertThat(result.logWeights()[i]).isLessThanOrEqualTo(max);
            if (result.logWeights()[i] != logs[i]) {
                changed++;
            }
        }
        // Only the M = ceil(min(0.2 n, 3 √n)) = 135 largest ratios are replaced.
        assertThat(changed).isLessThanOrEqualTo(135).isGreaterThan(100);
    }

    @Test
    void equalWeightsHaveNoTail() {
        assertThat(ParetoSmoothing.smooth(new double[1000]).khat()).isEqualTo(0.0);
        assertThat(ParetoSmoothing.smooth(new double[] {0, 1, 2}).khat()).isInfinite();
    }
}
