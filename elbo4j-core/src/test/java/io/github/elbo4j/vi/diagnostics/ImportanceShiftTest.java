package io.github.elbo4j.vi.diagnostics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class ImportanceShiftTest {

    private static final int DRAWS = 4000;

    /**
     * Draws from q = N(0, 1) weighted towards p = N(δ, 1): the weights move the mean by δ, which the
     * shift must measure (in q's sds) within a few standard errors; for p = q it must find nothing.
     */
    @Test
    void measuresHowFarTheWeightsMoveTheMean() {
        SplittableRandom random = new SplittableRandom(7);
        double[][] draws = new double[DRAWS][2];
        double[] logWeights = new double[DRAWS];
        double[] uniform = new double[DRAWS];
        double delta = 0.5;
        for (int s = 0; s < DRAWS; s++) {
            draws[s][0] = gaussian(random);
            draws[s][1] = 3 * gaussian(random);
            // log N(z; δ, 1) − log N(z; 0, 1) on coordinate 0; coordinate 1 (sd 3) is right.
            logWeights[s] = delta * draws[s][0] - delta * delta / 2;
        }
        ImportanceShift shift = ImportanceShift.of(draws, logWeights, new double[] {1, 3});
        assertThat(shift.shifts()[0]).isCloseTo(delta, within(4 * shift.standardErrors()[0]));
        assertThat(shift.standardErrors()[0]).isBetween(0.005, 0.05);
        assertThat(shift.largestSignificant()).isEqualTo(0);

        ImportanceShift none = ImportanceShift.of(draws, uniform, new double[] {1, 3});
        assertThat(none.shifts()).containsExactly(new double[] {0, 0}, within(1e-12));
        assertThat(none.largestSignificant()).isEqualTo(-1);
    }

    private static double gaussian(SplittableRandom random) {
        double u = random.nextDouble();
        double v = random.nextDouble();
        return Math.sqrt(-2 * Math.log(1 - u)) * Math.cos(2 * Math.PI * v);
    }
}
