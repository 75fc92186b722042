package io.github.elbo4j.distributions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.github.elbo4j.testing.Oracles;
import io.github.elbo4j.testing.Samples;
import org.hipparchus.distribution.multivariate.MultivariateNormalDistribution;
import org.junit.jupiter.api.Test;

class StandardNormalTest {

    @Test
    void logProbMatchesHipparchusOverAnyLeadingAxes() {
        try (NDManager m = NDManager.newBaseManager()) {
            Engine.getInstance().setRandomSeed(21);
            NDArray z = m.randomNormal(0f, 2f, new Shape(6, 5, 4), DataType.FLOAT32);
            StandardNormal p = new StandardNormal(m, 4);
            NDArray logProb = p.logProb(z);
            assertThat(logProb.getShape()).isEqualTo(new Shape(6, 5));
            MultivariateNormalDistribution oracle = new MultivariateNormalDistribution(new double[4], identity(4));
            double[] zs = Samples.toDoubles(z);
            double[] got = Samples.toDoubles(logProb);
            for (int i = 0; i < 30; i++) {
                double[] point = {zs[i * 4], zs[i * 4 + 1], zs[i * 4 + 2], zs[i * 4 + 3]};
                double expected = Math.log(oracle.density(point));
                assertThat(got[i]).isCloseTo(expected, within(Samples.tolerance(expected, 1e-5)));
            }
        }
    }

    @Test
    void entropyIsDTimesTheUnivariateEntropy() {
        try (NDManager m = NDManager.newBaseManager()) {
            double expected = 7 * Oracles.normalEntropyByQuadrature(0, 1);
            assertThat(new StandardNormal(m, 7).entropy().getFloat())
                    .isCloseTo((float) expected, within(1e-5f * (float) expected));
        }
    }

    @Test
    void samplesAreStandardAndRsampleIsTheIdentity() {
        int n = 50_000;
        try (NDManager m = NDManager.newBaseManager()) {
            Engine.getInstance().setRandomSeed(8);
            StandardNormal p = new StandardNormal(m, 2);
            NDArray draws = p.sample(m, n);
            assertThat(draws.getShape()).isEqualTo(new Shape(n, 2));
            double[] all = Samples.toDoubles(draws);
            for (int j = 0; j < 2; j++) {
                double[] column = Samples.column(all, 2, j);
                assertThat(Samples.mean(column)).isCloseTo(0.0, within(4 * Samples.standardError(column)));
            }
            NDArray noise = m.create(new float[][] {{1f, 2f}});
            NDArray z = p.rsample(noise);
            assertThat(z).isNotSameAs(noise);
            assertThat(z.toFloatArray()).containsExactly(1f, 2f);
            assertThat(p.mean().toFloatArray()).containsExactly(0f, 0f);
            assertThat(p.batchShape()).isEqualTo(new Shape());
            assertThat(p.eventShape()).isEqualTo(new Shape(2));
        }
    }

    @Test
    void rejectsMismatchedDimensions() {
        try (NDManager m = NDManager.newBaseManager()) {
            StandardNormal p = new StandardNormal(m, 3);
            assertThatThrownBy(() -> p.logProb(m.zeros(new Shape(2, 2))))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("must have size 3");
            assertThatThrownBy(() -> new StandardNormal(m, 0))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("at least 1");
        }
    }

    @Test
    void logProbResultLivesWithTheArgumentNotThePriorsManager() {
        try (NDManager priorManager = NDManager.newBaseManager();
                NDManager step = NDManager.newBaseManager()) {
            StandardNormal p = new StandardNormal(priorManager, 2);
            NDArray z = step.ones(new Shape(3, 2));
            NDArray logProb = p.logProb(z);
            assertThat(priorManager.getManagedArrays()).isEmpty();
            assertThat(step.getManagedArrays()).containsExactlyInAnyOrder(z, logProb);
        }
    }

    private static double[][] identity(int d) {
        double[][] id = new double[d][d];
        for (int i = 0; i < d; i++) {
            id[i][i] = 1;
        }
        return id;
    }
}
