package io.github.elbo4j.distributions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import io.github.elbo4j.testing.Oracles;
import io.github.elbo4j.testing.Samples;
import org.hipparchus.distribution.continuous.NormalDistribution;
import org.junit.jupiter.api.Test;

class NormalTest {

    private static final float[] LOC = {-1.5f, 0f, 2.25f};
    private static final float[] SCALE = {0.3f, 1f, 4.5f};

    @Test
    void logProbMatchesHipparchusAtManyPoints() {
        int n = 200;
        float[] points = new float[n * 3];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < 3; j++) {
                points[i * 3 + j] = (float) (LOC[j] + SCALE[j] * (-6.0 + 12.0 * i / (n - 1)));
            }
        }
        try (NDManager m = NDManager.newBaseManager()) {
            Normal normal = new Normal(m.create(LOC), m.create(SCALE));
            NDArray logProb = normal.logProb(m.create(points, new Shape(n, 3)));
            assertThat(logProb.getShape()).isEqualTo(new Shape(n, 3));
            double[] got = Samples.toDoubles(logProb);
            for (int i = 0; i < n * 3; i++) {
                int j = i % 3;
                double expected = new NormalDistribution(LOC[j], SCALE[j]).logDensity(points[i]);
                assertThat(got[i])
                        .as("log N(%s; %s, %s)", points[i], LOC[j], SCALE[j])
                        .isCloseTo(expected, within(Samples.tolerance(expected, 1e-5)));
            }
        }
    }

    @Test
    void entropyMatchesQuadratureOfHipparchusDensity() {
        try (NDManager m = NDManager.newBaseManager()) {
            double[] got = Samples.toDoubles(new Normal(m.create(LOC), m.create(SCALE)).entropy());
            for (int j = 0; j < 3; j++) {
                double expected = Oracles.normalEntropyByQuadrature(LOC[j], SCALE[j]);
                assertThat(got[j]).isCloseTo(expected, within(Samples.tolerance(expected, 1e-5)));
            }
        }
    }

    @Test
    void broadcastsParametersToTheBatchShape() {
        try (NDManager m = NDManager.newBaseManager()) {
            Normal normal = new Normal(m.create(new float[] {0f, 1f, 2f}), m.create(2f));
            assertThat(normal.batchShape()).isEqualTo(new Shape(3));
            assertThat(normal.eventShape()).isEqualTo(new Shape());
            assertThat(normal.entropy().getShape()).isEqualTo(new Shape(3));
            assertThat(normal.mean().getShape()).isEqualTo(new Shape(3));
            assertThat(Samples.toDoubles(normal.variance())).containsExactly(4.0);
            assertThat(normal.sample(m, 5).getShape()).isEqualTo(new Shape(5, 3));
            assertThatThrownBy(() -> new Normal(m.zeros(new Shape(3)), m.ones(new Shape(2))))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("Normal")
                    .hasMessageContaining("do not broadcast");
        }
    }

    @Test
    void samplesHaveTheParametersMomentsWithinFourStandardErrors() {
        int n = 40_000;
        try (NDManager m = NDManager.newBaseManager()) {
            Engine.getInstance().setRandomSeed(1234);
            NDArray draws = new Normal(m.create(LOC), m.create(SCALE)).sample(m, n);
            assertThat(draws.getShape()).isEqualTo(new Shape(n, 3));
            assertThat(draws.hasGradient()).isFalse();
            double[] all = Samples.toDoubles(draws);
            for (int j = 0; j < 3; j++) {
                double[] column = Samples.column(all, 3, j);
                assertThat(Samples.mean(column)).isCloseTo(LOC[j], within(4 * Samples.standardError(column)));
                double[] squares = new double[n];
                for (int i = 0; i < n; i++) {
                    squares[i] = (column[i] - LOC[j]) * (column[i] - LOC[j]);
                }
                assertThat(Samples.mean(squares))
                        .isCloseTo((double) SCALE[j] * SCALE[j], within(4 * Samples.standardError(squares)));
            }
        }
    }

    @Test
    void rsampleIsAffineInTheNoiseAndCarriesGradients() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray loc = m.create(new float[] {1f, -1f});
            NDArray scale = m.create(new float[] {2f, 0.5f});
            loc.setRequiresGradient(true);
            scale.setRequiresGradient(true);
            NDArray noise = m.create(new float[][] {{0.5f, -1f}, {1.5f, 2f}, {-1f, 0f}});
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                NDArray z = new Normal(loc, scale).rsample(noise);
                assertThat(z.toFloatArray()).containsExactly(2f, -1.5f, 4f, 0f, -1f, -1f);
                gc.backward(z.sum());
            }
            assertThat(loc.getGradient().toFloatArray()).containsExactly(3f, 3f);
            assertThat(scale.getGradient().toFloatArray()).containsExactly(1f, 1f);
        }
    }

    @Test
    void rejectsNoiseThatDoesNotEndWithTheBatchShape() {
        try (NDManager m = NDManager.newBaseManager()) {
            Normal normal = new Normal(m.zeros(new Shape(3)), m.ones(new Shape(3)));
            assertThatThrownBy(() -> normal.rsample(m.zeros(new Shape(4, 2))))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("Normal.rsample")
                    .hasMessageContaining("(3)")
                    .hasMessageContaining("(4, 2)");
        }
    }

    @Test
    void logProbFreesItsTemporaries() {
        try (NDManager m = NDManager.newBaseManager();
                NDManager data = NDManager.newBaseManager()) {
            NDArray loc = m.create(new float[] {0f, 1f});
            NDArray scale = m.create(new float[] {1f, 2f});
            NDArray x = data.create(new float[] {0.5f, 0.5f});
            NDArray logProb = new Normal(loc, scale).logProb(x);
            assertThat(m.getManagedArrays()).containsExactlyInAnyOrder(loc, scale, logProb);
            assertThat(data.getManagedArrays()).containsExactly(x);
        }
    }
}
