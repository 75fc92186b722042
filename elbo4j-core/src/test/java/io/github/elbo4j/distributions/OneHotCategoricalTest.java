package io.github.elbo4j.distributions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.github.elbo4j.testing.Samples;
import org.junit.jupiter.api.Test;

class OneHotCategoricalTest {

    private static final float[][] LOGITS = {
        {0f, 0f, 0f},
        {2f, -1f, 0.5f},
        {-30f, 10f, 3f},
        {1e4f, -1e4f, 0f},
    };

    /** log p_j = l_j − log Σ_i e^{l_i}, in double precision with the maximum subtracted. */
    private static double directLogProb(float[] l, int j) {
        double max = Double.NEGATIVE_INFINITY;
        for (float v : l) {
            max = Math.max(max, v);
        }
        double sum = 0;
        for (float v : l) {
            sum += Math.exp(v - max);
        }
        return l[j] - max - Math.log(sum);
    }

    private static NDArray logits(NDManager m) {
        float[] flat = new float[LOGITS.length * 3];
        for (int i = 0; i < LOGITS.length; i++) {
            System.arraycopy(LOGITS[i], 0, flat, 3 * i, 3);
        }
        return m.create(flat, new Shape(LOGITS.length, 3));
    }

    @Test
    void logProbOfEachClassMatchesTheDirectComputationAndStaysFiniteAtHugeLogits() {
        try (NDManager m = NDManager.newBaseManager()) {
            OneHotCategorical d = new OneHotCategorical(logits(m));
            for (int j = 0; j < 3; j++) {
                float[] oneHot = new float[LOGITS.length * 3];
                for (int i = 0; i < LOGITS.length; i++) {
                    oneHot[3 * i + j] = 1f;
                }
                double[] got = Samples.toDoubles(d.logProb(m.create(oneHot, new Shape(LOGITS.length, 3))));
                for (int i = 0; i < LOGITS.length; i++) {
                    double expected = directLogProb(LOGITS[i], j);
                    assertThat(got[i])
                            .as("log p(class %d | row %d)", j, i)
                            .isCloseTo(expected, within(1e-5 * Math.max(1, Math.abs(expected))));
                }
            }
        }
    }

    @Test
    void probabilitiesSumToOneAndEntropyMatchesItsDefinition() {
        try (NDManager m = NDManager.newBaseManager()) {
            OneHotCategorical d = new OneHotCategorical(logits(m));
            double[] p = Samples.toDoubles(d.probs());
            double[] h = Samples.toDoubles(d.entropy());
            for (int i = 0; i < LOGITS.length; i++) {
                double total = 0;
                double entropy = 0;
                for (int j = 0; j < 3; j++) {
                    total += p[3 * i + j];
                    double logP = directLogProb(LOGITS[i], j);
                    entropy -= Math.exp(logP) * logP;
                }
                assertThat(total).isCloseTo(1.0, within(1e-6));
                assertThat(h[i]).as("entropy of row %d", i).isCloseTo(entropy, within(1e-5));
            }
            assertThat(h[0]).isCloseTo(Math.log(3), within(1e-6));
        }
    }

    @Test
    void logProbBroadcastsOverLeadingParticleAxes() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray l = logits(m).expandDims(0).repeat(0, 2); // [2, 4, 3]
            NDArray x = m.create(new float[] {1, 0, 0, 0, 1, 0, 0, 0, 1, 1, 0, 0}, new Shape(4, 3));
            NDArray got = new OneHotCategorical(l).logProb(x);
            assertThat(got.getShape()).isEqualTo(new Shape(2, 4));
            assertThat(got.get(1, 2).getFloat()).isCloseTo((float) directLogProb(LOGITS[2], 2), within(1e-4f));
        }
    }

    @Test
    void samplesAreOneHotWithTheModelFrequencies() {
        try (NDManager m = NDManager.newBaseManager()) {
            m.getEngine().setRandomSeed(7);
            OneHotCategorical d =
                    new OneHotCategorical(m.create(new float[] {0f, (float) Math.log(3)}, new Shape(1, 2)));
            int n = 20_000;
            NDArray draws = d.sample(m, n); // [n, 1, 2]
            assertThat(draws.getShape()).isEqualTo(new Shape(n, 1, 2));
            double[] rowSums = Samples.toDoubles(draws.sum(new int[] {-1}));
            assertThat(rowSums).containsOnly(1.0);
            double second = draws.get(":, 0, 1").mean().getFloat();
            // p = 0.75; the standard error of the frequency is sqrt(p(1−p)/n) ≈ 0.003.
            assertThat(second).isCloseTo(0.75, within(5 * Math.sqrt(0.75 * 0.25 / n)));
        }
    }

    @Test
    void rejectsAValueOfTheWrongWidth() {
        try (NDManager m = NDManager.newBaseManager()) {
            OneHotCategorical d = new OneHotCategorical(logits(m));
            assertThatThrownBy(() -> d.logProb(m.zeros(new Shape(4, 2))))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("OneHotCategorical");
        }
    }
}
