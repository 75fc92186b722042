package io.github.elbo4j.distributions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import io.github.elbo4j.testing.Oracles;
import io.github.elbo4j.testing.Samples;
import org.hipparchus.distribution.continuous.NormalDistribution;
import org.hipparchus.distribution.multivariate.MultivariateNormalDistribution;
import org.junit.jupiter.api.Test;

class DiagonalNormalTest {

    // batch of 2 distributions in 3 dimensions
    private static final float[][] LOC = {{0.5f, -1f, 2f}, {0f, 3f, -0.25f}};
    private static final float[][] LOG_SCALE = {{0f, -0.7f, 0.9f}, {0.4f, -1.2f, 0.1f}};

    @Test
    void logProbMatchesHipparchusMultivariateNormalAtManyPoints() {
        int n = 150;
        try (NDManager m = NDManager.newBaseManager()) {
            Engine.getInstance().setRandomSeed(5);
            NDArray points = m.randomNormal(0f, 2.5f, new Shape(n, 2, 3), DataType.FLOAT32);
            DiagonalNormal q = DiagonalNormal.fromLogScale(m.create(LOC), m.create(LOG_SCALE));
            NDArray logProb = q.logProb(points);
            assertThat(logProb.getShape()).isEqualTo(new Shape(n, 2));
            double[] x = Samples.toDoubles(points);
            double[] got = Samples.toDoubles(logProb);
            for (int b = 0; b < 2; b++) {
                double[] mean = new double[3];
                double[][] cov = new double[3][3];
                for (int j = 0; j < 3; j++) {
                    mean[j] = LOC[b][j];
                    cov[j][j] = Math.exp(2.0 * LOG_SCALE[b][j]);
                }
                MultivariateNormalDistribution oracle = new MultivariateNormalDistribution(mean, cov);
                for (int i = 0; i < n; i++) {
                    double[] point = {x[(i * 2 + b) * 3], x[(i * 2 + b) * 3 + 1], x[(i * 2 + b) * 3 + 2]};
                    double expected = Math.log(oracle.density(point));
                    assertThat(got[i * 2 + b]).isCloseTo(expected, within(Samples.tolerance(expected, 1e-5)));
                }
            }
        }
    }

    @Test
    void logVarianceAndLogScaleParameterisationsAgree() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray loc = m.create(LOC);
            NDArray logScale = m.create(LOG_SCALE);
            DiagonalNormal a = DiagonalNormal.fromLogScale(loc, logScale);
            DiagonalNormal b = DiagonalNormal.fromLogVariance(loc, logScale.mul(2f));
            NDArray x = m.create(new float[] {0.1f, 0.2f, 0.3f});
            assertThat(Samples.toDoubles(a.logProb(x))).containsExactly(Samples.toDoubles(b.logProb(x)), within(1e-5));
            assertThat(Samples.toDoubles(a.entropy())).containsExactly(Samples.toDoubles(b.entropy()), within(1e-5));
            assertThat(Samples.toDoubles(a.variance())).containsExactly(Samples.toDoubles(b.variance()), within(1e-5));
            assertThat(Samples.toDoubles(b.logScale())).containsExactly(Samples.toDoubles(logScale), within(1e-7));
            assertThat(Samples.toDoubles(a.logVariance()))
                    .containsExactly(Samples.toDoubles(b.logVariance()), within(1e-7));
            assertThat(Samples.toDoubles(a.scale())).containsExactly(Samples.toDoubles(logScale.exp()), within(1e-7));
            assertThat(a.logScale()).isSameAs(logScale);
            assertThat(a.loc()).isSameAs(loc);
            assertThat(a.mean()).isSameAs(loc);
            assertThat(a.batchShape()).isEqualTo(new Shape(2));
            assertThat(a.eventShape()).isEqualTo(new Shape(3));
            assertThat(a.dimension()).isEqualTo(3);
        }
    }

    @Test
    void entropyIsTheSumOfUnivariateEntropiesByQuadrature() {
        try (NDManager m = NDManager.newBaseManager()) {
            double[] got = Samples.toDoubles(DiagonalNormal.fromLogScale(m.create(LOC), m.create(LOG_SCALE))
                    .entropy());
            for (int b = 0; b < 2; b++) {
                double expected = 0;
                for (int j = 0; j < 3; j++) {
                    expected += Oracles.normalEntropyByQuadrature(LOC[b][j], Math.exp(LOG_SCALE[b][j]));
                }
                assertThat(got[b]).isCloseTo(expected, within(Samples.tolerance(expected, 1e-5)));
            }
        }
    }

    @Test
    void logProbOfParticlesBroadcastsOverTheLeadingAxis() {
        try (NDManager m = NDManager.newBaseManager()) {
            DiagonalNormal q = DiagonalNormal.fromLogScale(m.create(LOC), m.create(LOG_SCALE));
            Engine.getInstance().setRandomSeed(9);
            NDArray noise = m.randomNormal(new Shape(4, 2, 3));
            NDArray z = q.rsample(noise);
            assertThat(z.getShape()).isEqualTo(new Shape(4, 2, 3));
            double[] got = Samples.toDoubles(q.logProb(z));
            double[] zs = Samples.toDoubles(z);
            for (int s = 0; s < 4; s++) {
                for (int b = 0; b < 2; b++) {
                    double expected = 0;
                    for (int j = 0; j < 3; j++) {
                        expected += new NormalDistribution(LOC[b][j], Math.exp(LOG_SCALE[b][j]))
                                .logDensity(zs[(s * 2 + b) * 3 + j]);
                    }
                    assertThat(got[s * 2 + b]).isCloseTo(expected, within(Samples.tolerance(expected, 1e-5)));
                }
            }
        }
    }

    @Test
    void samplesHaveTheParametersMomentsWithinFourStandardErrors() {
        int n = 30_000;
        try (NDManager m = NDManager.newBaseManager()) {
            Engine.getInstance().setRandomSeed(77);
            NDArray draws = DiagonalNormal.fromLogScale(m.create(LOC), m.create(LOG_SCALE))
                    .sample(m, n);
            assertThat(draws.getShape()).isEqualTo(new Shape(n, 2, 3));
            double[] all = Samples.toDoubles(draws);
            for (int c = 0; c < 6; c++) {
                double[] column = Samples.column(all, 6, c);
                double mu = LOC[c / 3][c % 3];
                double variance = Math.exp(2.0 * LOG_SCALE[c / 3][c % 3]);
                assertThat(Samples.mean(column)).isCloseTo(mu, within(4 * Samples.standardError(column)));
                double[] squares = new double[n];
                for (int i = 0; i < n; i++) {
                    squares[i] = (column[i] - mu) * (column[i] - mu);
                }
                assertThat(Samples.mean(squares)).isCloseTo(variance, within(4 * Samples.standardError(squares)));
            }
        }
    }

    @Test
    void reparameterisedSamplesCarryGradientsToLocAndLogVariance() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray loc = m.create(new float[] {0.5f, -1f});
            NDArray logVariance = m.create(new float[] {0f, (float) Math.log(4.0)});
            loc.setRequiresGradient(true);
            logVariance.setRequiresGradient(true);
            NDArray noise = m.create(new float[][] {{1f, 1f}, {-0.5f, 2f}});
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                // Derived quantities are computed inside the collector, so gradients reach log σ².
                NDArray z = DiagonalNormal.fromLogVariance(loc, logVariance).rsample(noise);
                assertThat(Samples.toDoubles(z)).containsExactly(new double[] {1.5, 1, 0, 3}, within(1e-6));
                gc.backward(z.sum());
            }
            assertThat(loc.getGradient().toFloatArray()).containsExactly(2f, 2f);
            // ∂z/∂log σ² = ½ σ ε
            double[] g = Samples.toDoubles(logVariance.getGradient());
            assertThat(g[0]).isCloseTo(0.5 * 1 * (1 - 0.5), within(1e-6));
            assertThat(g[1]).isCloseTo(0.5 * 2 * (1 + 2), within(1e-6));
        }
    }

    @Test
    void rejectsValuesOfTheWrongEventSizeAndScalarParameters() {
        try (NDManager m = NDManager.newBaseManager()) {
            DiagonalNormal q = DiagonalNormal.fromLogScale(m.create(LOC), m.create(LOG_SCALE));
            assertThatThrownBy(() -> q.logProb(m.zeros(new Shape(2, 4))))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("DiagonalNormal.logProb")
                    .hasMessageContaining("must have size 3");
            assertThatThrownBy(() -> DiagonalNormal.fromLogVariance(m.create(1f), m.create(0f)))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("loc must have at least one axis");
            assertThatThrownBy(() -> q.rsample(m.zeros(new Shape(5, 3))))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("standard noise must have shape");
        }
    }

    @Test
    void methodsLeaveOnlyTheirResultsInTheParametersManager() {
        try (NDManager m = NDManager.newBaseManager();
                NDManager other = NDManager.newBaseManager()) {
            NDArray loc = m.create(LOC);
            NDArray logVariance = m.create(LOG_SCALE);
            DiagonalNormal q = DiagonalNormal.fromLogVariance(loc, logVariance);
            NDArray noise = other.ones(new Shape(3, 2, 3));
            NDArray z = q.rsample(noise);
            NDArray logProb = q.logProb(z);
            NDArray entropy = q.entropy();
            NDArray kl = q.klDivergence(new StandardNormal(other, 3));
            assertThat(m.getManagedArrays()).containsExactlyInAnyOrder(loc, logVariance, z, logProb, entropy, kl);
            assertThat(other.getManagedArrays()).containsExactly(noise);
        }
    }
}
