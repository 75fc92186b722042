package io.github.elbo4j.vi.diagnostics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ReliabilityCheckTest {

    private static final double[] MEAN = {0, 0};
    private static final double[][] UNIT = {{1, 0}, {0, 1}};

    private static Reliability verdict(
            boolean converged,
            double elbo,
            double best,
            double khat,
            double ess,
            double[] mean,
            double[][] covariance,
            boolean meanField) {
        CovarianceComparison comparison = CovarianceComparison.of(mean, covariance, MEAN, UNIT);
        return new ReliabilityCheck(
                        converged,
                        elbo,
                        best,
                        0.01,
                        khat,
                        ess,
                        0,
                        mean,
                        covariance,
                        comparison,
                        true,
                        meanField,
                        1,
                        null,
                        i -> "x" + i)
                .verdict();
    }

    @Test
    void aGoodFitIsReliable() {
        Reliability good = verdict(true, -10, -10, 0.3, 0.9, MEAN, UNIT, false);
        assertThat(good.reliable()).isTrue();
        assertThat(good.reasons()).isEmpty();
        assertThat(good).hasToString("reliable");
    }

    @Test
    void aDivergedScaleIsCaughtEvenWhenEverythingElseLooksFine() {
        double[][] huge = {{9e30, 0}, {0, 1}};
        Reliability diverged = verdict(true, -10, -10, 0.3, 0.9, MEAN, huge, false);
        assertThat(diverged.reliable()).isFalse();
        assertThat(String.join(" ", diverged.reasons()))
                .contains("diverged", "3.00e+15")
                .contains("too wide");
    }

    @Test
    void everyFailedCheckGivesItsReason() {
        Reliability bad = verdict(false, -20, -10, Double.NaN, Double.NaN, new double[] {Double.NaN, 0}, UNIT, false);
        String reasons = String.join(" | ", bad.reasons());
        assertThat(reasons).contains("not finite", "did not converge", "k̂ = NaN");
        assertThat(bad.toString()).startsWith("UNRELIABLE: ");

        Reliability worse = verdict(true, -20, -10, 0.3, 0.9, MEAN, UNIT, false);
        assertThat(String.join(" ", worse.reasons())).contains("far below the best seen");
    }

    @Test
    void khatCountsUnlessTheWeightsAreNearlyUniform() {
        assertThat(verdict(true, -10, -10, 0.9, 0.5, MEAN, UNIT, false).reasons())
                .anyMatch(r -> r.contains("k̂"));
        assertThat(verdict(true, -10, -10, 0.9, 0.99, MEAN, UNIT, false).reliable())
                .isTrue();
    }

    @Test
    void aMeanFieldQTooNarrowForTheCorrelationsIsCalledOut() {
        double[][] narrow = {{0.09, 0}, {0, 1}};
        Reliability verdict = verdict(true, -10, -10, 0.3, 0.9, MEAN, narrow, true);
        assertThat(String.join(" ", verdict.reasons())).contains("too narrow", "x0", "mean-field", "full-rank");
    }

    private static Reliability withModesAndShift(double khat, int modes, ImportanceShift shift) {
        CovarianceComparison comparison = CovarianceComparison.of(MEAN, UNIT, MEAN, UNIT);
        return new ReliabilityCheck(
                        true,
                        -10,
                        -10,
                        0.01,
                        khat,
                        0.9,
                        0,
                        MEAN,
                        UNIT,
                        comparison,
                        true,
                        false,
                        modes,
                        shift,
                        i -> "x" + i)
                .verdict();
    }

    @Test
    void severalModesMakeTheFitUnreliable() {
        assertThat(withModesAndShift(0.3, 1, null).reliable()).isTrue();
        assertThat(String.join(" ", withModesAndShift(0.3, 2, null).reasons()))
                .contains("2 distinct modes", "cannot represent");
    }

    @Test
    void aMeanShiftBeyondTheLimitAndTheNoiseMarksQOffCentre() {
        ImportanceShift offCentre = new ImportanceShift(new double[] {0.05, -0.6}, new double[] {0.01, 0.05});
        assertThat(String.join(" ", withModesAndShift(0.3, 1, offCentre).reasons()))
                .contains("move the mean of x1 by -0.60", "off-centre");
        ImportanceShift small = new ImportanceShift(new double[] {0.15, 0}, new double[] {0.01, 0.01});
        assertThat(withModesAndShift(0.3, 1, small).reliable())
                .as("below the limit")
                .isTrue();
        ImportanceShift noisy = new ImportanceShift(new double[] {0.5, 0}, new double[] {0.2, 0.01});
        assertThat(withModesAndShift(0.3, 1, noisy).reliable())
                .as("within 3 standard errors")
                .isTrue();
        assertThat(withModesAndShift(0.9, 1, offCentre).reasons())
                .as("k̂ > 0.7: weights untrusted, k̂ says it")
                .noneMatch(r -> r.contains("off-centre"));
    }

    @Test
    void aVerdictHasReasonsExactlyWhenUnreliable() {
        assertThatThrownBy(() -> new Reliability(true, java.util.List.of("x")))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
