package io.github.elbo4j.elbo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.github.elbo4j.testing.Samples;
import org.junit.jupiter.api.Test;

class ImportanceSamplingTest {

    @Test
    void equalWeightsGiveFullEffectiveSampleSizeAndZeroError() {
        double[] logW = new double[100];
        java.util.Arrays.fill(logW, -3.25);
        LogEvidenceEstimate e = ImportanceSampling.logEvidence(logW);
        assertThat(e.logEvidence()).isCloseTo(-3.25, within(1e-14));
        assertThat(e.effectiveSampleSize()).isCloseTo(100.0, within(1e-9));
        assertThat(e.standardError()).isCloseTo(0.0, within(1e-7));
        assertThat(e.numSamples()).isEqualTo(100);
    }

    @Test
    void matchesDirectFormulasForModerateWeights() {
        double[] logW = {0.1, -0.4, 1.3, 0.0, -2.0, 0.7};
        int n = logW.length;
        double sum = 0;
        double sumSq = 0;
        for (double v : logW) {
            sum += Math.exp(v);
            sumSq += Math.exp(2 * v);
        }
        double mean = sum / n;
        double var = 0;
        for (double v : logW) {
            var += (Math.exp(v) - mean) * (Math.exp(v) - mean);
        }
        var /= n - 1;
        LogEvidenceEstimate e = ImportanceSampling.logEvidence(logW);
        assertThat(e.logEvidence()).isCloseTo(Math.log(mean), within(1e-14));
        assertThat(e.effectiveSampleSize()).isCloseTo(sum * sum / sumSq, within(1e-12));
        // delta method: sd(w) / (√n · mean(w))
        assertThat(e.standardError()).isCloseTo(Math.sqrt(var / n) / mean, within(1e-12));
    }

    @Test
    void isStableForHugeAndTinyLogWeights() {
        double[] shifted = {1000.1, 999.6, 1001.3, 1000.0};
        double[] base = {0.1, -0.4, 1.3, 0.0};
        LogEvidenceEstimate big = ImportanceSampling.logEvidence(shifted);
        LogEvidenceEstimate small = ImportanceSampling.logEvidence(base);
        assertThat(big.logEvidence()).isCloseTo(small.logEvidence() + 1000, within(1e-10));
        assertThat(big.effectiveSampleSize()).isCloseTo(small.effectiveSampleSize(), within(1e-10));
        double[] withZeroWeight = {Double.NEGATIVE_INFINITY, 0.0, 0.0};
        LogEvidenceEstimate z = ImportanceSampling.logEvidence(withZeroWeight);
        assertThat(z.logEvidence()).isCloseTo(Math.log(2.0 / 3.0), within(1e-14));
        assertThat(z.effectiveSampleSize()).isCloseTo(2.0, within(1e-12));
        LogEvidenceEstimate none = ImportanceSampling.logEvidence(new double[] {Double.NEGATIVE_INFINITY});
        assertThat(none.logEvidence()).isEqualTo(Double.NEGATIVE_INFINITY);
        assertThat(none.effectiveSampleSize()).isZero();
    }

    @Test
    void rejectsNaNAndPositiveInfinityWithTheOffendingIndex() {
        assertThatThrownBy(() -> ImportanceSampling.logEvidence(new double[] {0, Double.NaN}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("log weight 1 is NaN");
        assertThatThrownBy(() -> ImportanceSampling.logEvidence(new double[] {Double.POSITIVE_INFINITY}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("log weight 0 is Infinity");
        assertThatThrownBy(() -> ImportanceSampling.logEvidence(new double[0]))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("at least one");
    }

    @Test
    void tensorVersionsAgreeWithTheDoubleComputation() {
        try (NDManager m = NDManager.newBaseManager()) {
            Engine.getInstance().setRandomSeed(12);
            NDArray logW = m.randomNormal(new Shape(300, 3)).mul(2f).sub(500f);
            NDArray logZ = ImportanceSampling.logEvidence(logW, 0);
            NDArray ess = ImportanceSampling.effectiveSampleSize(logW, 0);
            assertThat(logZ.getShape()).isEqualTo(new Shape(3));
            double[] all = Samples.toDoubles(logW);
            double[] z = Samples.toDoubles(logZ);
            double[] e = Samples.toDoubles(ess);
            for (int b = 0; b < 3; b++) {
                LogEvidenceEstimate expected = ImportanceSampling.logEvidence(Samples.column(all, 3, b));
                assertThat(z[b]).isCloseTo(expected.logEvidence(), within(1e-4));
                assertThat(e[b])
                        .isCloseTo(expected.effectiveSampleSize(), within(1e-3 * expected.effectiveSampleSize()));
            }
            assertThatThrownBy(() -> ImportanceSampling.logEvidence(logW))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("1-D");
        }
    }
}
